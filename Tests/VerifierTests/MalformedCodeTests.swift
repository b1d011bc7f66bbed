import Bytecode
import Testing

@testable import Verifier

private func raw(_ code: [UInt8]) -> Module {
    Fixture.module([Function(name: "f", kind: .public, params: [], results: [], locals: [], maxStack: 8, code: code)])
}

private func code(
    _ name: String, kind: FunctionKind = .public, params: [UInt16] = [], results: [UInt16] = [],
    locals: [UInt16] = [], maxStack: UInt16 = 8, _ asm: [Asm], _ message: String, offset: Int?
) -> BadCase {
    let module = Fixture.module(kind: kind, params: params, results: results, locals: locals, maxStack: maxStack, asm)
    return bad(name, module, message, function: 0, offset: offset)
}

// Sizes: simple ops 1 byte, push_int 9, u16 immediates 3, branches 5, list_lit 5.

/// Decoding, control flow, indices and permissions.
enum ShapeCorpus {
    static let cases: [BadCase] = [
        bad("unknown opcode", raw([0x00, 0xFF]), "unknown opcode 0xff", function: 0, offset: 1),
        bad("truncated immediate", raw([0x00, 0x01, 0x02]), "truncated immediate of 'push_int'",
            function: 0, offset: 1),
        code("jump target inside an instruction", [.op(.pushInt, 1), .op(.jump, 3)],
             "jump target 3 is inside an instruction", offset: 9),
        code("jump target past the end", [.op(.jump, 100)], "jump target 100 is past the end of the code (5 bytes)",
             offset: 0),
        code("falls off the end", [.op(.pushInt, 1), .op(.pop)], "control falls off the end of the function",
             offset: 9),
        code("falls off the end after a branch", [.op(.pushTrue), .branch(.jumpIf, "end"), .op(.ret), .label("end"),
                                                  .op(.nop)], "control falls off the end of the function", offset: 7),
        code("constant index in range", [.op(.pushConst, 9), .op(.ret)],
             "constant index 9 out of range (the module has 6)", offset: 0),
        code("local index in range", locals: [T.int], [.op(.localGet, 2), .op(.ret)],
             "local index 2 out of range (the function has 1)", offset: 0),
        code("function index in range", [.op(.call, 5), .op(.ret)],
             "function index 5 out of range (the module has 1)", offset: 0),
        code("type index in range", [.op(.listNew, 40), .op(.ret)],
             "type index 40 out of range (the module has 11)", offset: 0),
        code("struct index in range", [.op(.structNew, 3), .op(.ret)],
             "struct index 3 out of range (the module has 1)", offset: 0),
        code("state variable index in range", [.op(.sload, 9), .op(.ret)],
             "state variable index 9 out of range (the module has 4)", offset: 0),
        code("event index in range", [.op(.emit, 2), .op(.ret)], "event index 2 out of range (the module has 1)",
             offset: 0),
        code("extern index in range", [.op(.callExt, 2), .op(.ret)], "extern index 2 out of range (the module has 2)",
             offset: 0),
        code("indices checked in unreachable code", [.op(.ret), .op(.pushConst, 70)],
             "constant index 70 out of range (the module has 6)", offset: 1),
        bad("cannot call init", Fixture.module([
            fn("setup", kind: .`init`, [.op(.ret)]), fn("f", [.op(.call, 0), .op(.ret)]),
        ]), "cannot call the init function 'setup'", function: 1, offset: 0),
        bad("cannot call migrate", Fixture.module([
            fn("f", [.op(.pushInt, 1), .op(.call, 1), .op(.ret)]),
            fn("up", kind: .migrate, params: [T.int], [.op(.ret)]),
        ]), "cannot call the migrate function 'up'", function: 0, offset: 9),
        code("view cannot sstore", kind: .view, [.op(.pushInt, 1), .op(.sstore, 0), .op(.ret)],
             "'sstore' writes state, which a view function may not do", offset: 9),
        code("view cannot transfer", kind: .view, [.op(.caller), .op(.pushInt, 1), .op(.transfer), .op(.ret)],
             "'transfer' writes state, which a view function may not do", offset: 10),
        code("view cannot emit", kind: .view, [.op(.caller), .op(.pushInt, 1), .op(.emit, 0), .op(.ret)],
             "'emit' writes state, which a view function may not do", offset: 10),
        code("view cannot call a writing extern", kind: .view,
             [.op(.pushConst, K.address), .op(.pushInt, 0), .op(.pushInt, 1), .op(.callExt, 1), .op(.ret)],
             "'call_ext' of extern 'poke', which is not a view, is not allowed in a view function", offset: 21),
        code("view cannot try-call a writing extern", kind: .view,
             [.op(.pushConst, K.address), .op(.pushInt, 0), .op(.pushInt, 1), .op(.tryCallExt, 1), .op(.pop),
              .op(.ret)],
             "'try_call_ext' of extern 'poke', which is not a view, is not allowed in a view function", offset: 21),
        bad("view cannot call a writer", Fixture.module([
            fn("w", kind: .private, [.op(.pushInt, 1), .op(.sstore, 0), .op(.ret)]),
            fn("v", kind: .view, [.op(.call, 0), .op(.ret)]),
        ]), "a view function may not call 'w', which may write state", function: 1, offset: 0),
        bad("view cannot call a writer indirectly", Fixture.module([
            fn("w", kind: .private, [.op(.pushInt, 1), .op(.sstore, 0), .op(.ret)]),
            fn("m", kind: .private, [.op(.call, 0), .op(.ret)]),
            fn("v", kind: .view, [.op(.call, 1), .op(.ret)]),
        ]), "a view function may not call 'm', which may write state", function: 2, offset: 0),
    ]
}

/// The typed stack, locals and each special rule.
enum TypeCorpus {
    static let cases: [BadCase] = [
        code("underflow on empty stack", [.op(.addInt), .op(.ret)],
             "stack underflow: 'add_int' needs 2 values but the stack holds 0", offset: 0),
        code("underflow with one value", [.op(.pushInt, 1), .op(.addInt), .op(.ret)],
             "stack underflow: 'add_int' needs 2 values but the stack holds 1", offset: 9),
        code("pop needs a value", [.op(.pop), .op(.ret)], "stack underflow: 'pop' needs 1 value but the stack holds 0",
             offset: 0),
        code("swap needs two values", [.op(.pushInt, 1), .op(.swap), .op(.ret)],
             "stack underflow: 'swap' needs 2 values but the stack holds 1", offset: 9),
        code("overflow past max stack", maxStack: 1, [.op(.pushInt, 1), .op(.pushInt, 2), .op(.ret)],
             "stack height 2 exceeds the declared max stack 1", offset: 9),
        code("operand types of fixed effects", [.op(.pushInt, 1), .op(.pushTrue), .op(.addInt), .op(.ret)],
             "'add_int' expects int, int but found int, bool", offset: 10),
        code("dec_to_int takes a dec", [.op(.pushInt, 1), .op(.decToInt), .op(.ret)],
             "'dec_to_int' expects dec but found int", offset: 9),
        code("byte_at operand order", [.op(.pushInt, 1), .op(.pushConst, K.bytes), .op(.byteAt), .op(.ret)],
             "'byte_at' expects bytes, int but found int, bytes", offset: 12),
        code("jump_if takes a bool", [.op(.pushInt, 1), .branch(.jumpIf, "x"), .label("x"), .op(.ret)],
             "'jump_if' expects bool but found int", offset: 9),
        code("revert takes a string", [.op(.pushInt, 1), .op(.revert)], "'revert' expects string but found int",
             offset: 9),
        code("heights equal where paths join", [.op(.pushTrue), .branch(.jumpIf, "l"), .op(.pushInt, 1), .label("l"),
                                                .op(.ret)], "stack height 1 here but 0 on another path", offset: 15),
        code("loop must not grow the stack", [.label("top"), .op(.pushInt, 1), .branch(.jump, "top")],
             "stack height 1 here but 0 on another path", offset: 0),
        code("types equal where paths join", [
            .op(.pushTrue), .branch(.jumpIf, "a"), .op(.pushInt, 1), .branch(.jump, "l"), .label("a"), .op(.pushTrue),
            .label("l"), .op(.pop), .op(.ret),
        ], "stack slot 0 is bool here but int on another path", offset: 21),
        code("ret leaves exactly the results", results: [T.int], [.op(.pushInt, 1), .op(.pushInt, 2), .op(.ret)],
             "'ret' needs exactly the 1 result on the stack but the stack holds 2", offset: 18),
        code("ret result types", results: [T.int], [.op(.pushTrue), .op(.ret)], "'ret' expects int but found bool",
             offset: 1),
        code("ret needs its results", results: [T.int], [.op(.ret)],
             "stack underflow: 'ret' needs 1 value but the stack holds 0", offset: 0),
        code("compound local unset", locals: [T.listInt], [.op(.localGet, 0), .op(.pop), .op(.ret)],
             "local 0 (list<int>) may be read before it is set", offset: 0),
        code("compound local set on one path only", locals: [T.string], [
            .op(.pushTrue), .branch(.jumpIf, "l"), .op(.pushConst, K.string), .op(.localSet, 0), .label("l"),
            .op(.localGet, 0), .op(.pop), .op(.ret),
        ], "local 0 (string) may be read before it is set", offset: 12),
        code("local_set checks the local's type", locals: [T.int], [.op(.pushTrue), .op(.localSet, 0), .op(.ret)],
             "'local_set' expects int but found bool", offset: 1),
        code("local_tee checks the local's type", params: [T.string],
             [.op(.pushInt, 1), .op(.localTee, 0), .op(.pop), .op(.ret)],
             "'local_tee' expects string but found int", offset: 9),
        code("eq_blob needs blobs", [.op(.pushInt, 1), .op(.pushInt, 1), .op(.eqBlob), .op(.ret)],
             "'eq_blob' expects two address, hash, string or bytes values but found int", offset: 18),
        code("eq_blob needs equal blob types", [.op(.pushConst, K.string), .op(.pushConst, K.bytes), .op(.eqBlob),
                                                .op(.ret)], "'eq_blob' expects string, string but found string, bytes",
             offset: 6),
        code("ne_blob needs equal blob types", [.op(.pushConst, K.address), .op(.pushConst, K.hash), .op(.neBlob),
                                                .op(.ret)],
             "'ne_blob' expects address, address but found address, hash", offset: 6),
        code("concat needs one blob kind", [.op(.pushConst, K.string), .op(.pushConst, K.bytes), .op(.concat),
                                            .op(.ret)], "'concat' expects string, string but found string, bytes",
             offset: 6),
        code("concat needs strings or bytes", [.op(.pushConst, K.address), .op(.pushConst, K.address), .op(.concat),
                                               .op(.ret)],
             "'concat' expects two strings or two bytes but found address", offset: 6),
        code("blob_len needs string or bytes", [.op(.pushInt, 1), .op(.blobLen), .op(.ret)],
             "'blob_len' expects string or bytes but found int", offset: 9),
        code("sha256 needs string or bytes", [.op(.pushConst, K.address), .op(.sha256), .op(.ret)],
             "'sha256' expects string or bytes but found address", offset: 3),
        code("to_bytes needs string, address or hash", [.op(.pushConst, K.bytes), .op(.toBytes), .op(.ret)],
             "'to_bytes' expects string, address or hash but found bytes", offset: 3),
        code("copy needs a list, map or struct", [.op(.pushInt, 1), .op(.copy), .op(.ret)],
             "'copy' expects a list, map or struct but found int", offset: 9),
        code("copy of a string", [.op(.pushConst, K.string), .op(.copy), .op(.ret)],
             "'copy' expects a list, map or struct but found string", offset: 3),
        bad("call argument types", Fixture.module([
            fn("h", kind: .private, params: [T.int], [.op(.ret)]), fn("f", [.op(.pushTrue), .op(.call, 0), .op(.ret)]),
        ]), "'call' expects int but found bool", function: 1, offset: 1),
        code("list_new needs a list type", [.op(.listNew, Int64(T.mapStringInt)), .op(.ret)],
             "'list_new' needs a list type but type 8 is map<string, int>", offset: 0),
        code("map_new needs a map type", [.op(.mapNew, Int64(T.listInt)), .op(.ret)],
             "'map_new' needs a map type but type 7 is list<int>", offset: 0),
        code("list_lit needs a list type", [.op(.listLit, 0, 0), .op(.ret)],
             "'list_lit' needs a list type but type 0 is int", offset: 0),
        code("list_lit element types", [.op(.pushTrue), .op(.pushInt, 1), .op(.listLit, Int64(T.listInt), 2),
                                        .op(.ret)], "'list_lit' expects int, int but found bool, int", offset: 10),
        code("split needs list<int> weights", [.op(.pushInt, 1), .op(.listNew, Int64(T.listPoint)), .op(.split),
                                               .op(.ret)],
             "'split' expects a list<int> of weights but found list<Point>", offset: 12),
        code("split needs an int amount", [.op(.pushTrue), .op(.listNew, Int64(T.listInt)), .op(.split), .op(.ret)],
             "'split' expects int, list<int> but found bool, list<int>", offset: 4),
        code("split needs a list", [.op(.pushInt, 1), .op(.pushInt, 2), .op(.split), .op(.ret)],
             "'split' expects a list but found int", offset: 18),
        code("list_get needs a list", [.op(.pushInt, 1), .op(.pushInt, 0), .op(.listGet), .op(.ret)],
             "'list_get' expects a list but found int", offset: 18),
        code("list_push element type", [.op(.listNew, Int64(T.listInt)), .op(.pushTrue), .op(.listPush), .op(.ret)],
             "'list_push' expects list<int>, int but found list<int>, bool", offset: 4),
        code("list_set index type", [.op(.listNew, Int64(T.listInt)), .op(.pushTrue), .op(.pushInt, 1),
                                     .op(.listSet), .op(.ret)],
             "'list_set' expects list<int>, int, int but found list<int>, bool, int", offset: 13),
        code("map_get key type", [.op(.mapNew, Int64(T.mapStringInt)), .op(.pushInt, 1), .op(.mapGet), .op(.ret)],
             "'map_get' expects map<string, int>, string but found map<string, int>, int", offset: 12),
        code("map_len needs a map", [.op(.listNew, Int64(T.listInt)), .op(.mapLen), .op(.ret)],
             "'map_len' expects a map but found list<int>", offset: 3),
        code("struct_new field types", [.op(.pushInt, 1), .op(.pushTrue), .op(.structNew, 0), .op(.ret)],
             "'struct_new' expects int, int but found int, bool", offset: 10),
        code("struct_get field in range", [.op(.pushInt, 1), .op(.pushInt, 2), .op(.structNew, 0), .op(.structGet, 2),
                                           .op(.ret)], "'struct_get' field 2 out of range: 'Point' has 2 fields",
             offset: 21),
        code("struct_get needs a struct", [.op(.pushInt, 1), .op(.structGet, 0), .op(.ret)],
             "'struct_get' expects a struct but found int", offset: 9),
        code("struct_set field type", [.op(.pushInt, 1), .op(.pushInt, 2), .op(.structNew, 0), .op(.pushTrue),
                                       .op(.structSet, 0), .op(.ret)],
             "'struct_set' expects Point, int but found Point, bool", offset: 22),
        code("sload cannot read a map", [.op(.sload, 1), .op(.ret)],
             "'sload' needs a non-list, non-map state variable but 'balances' is map<string, int>", offset: 0),
        code("sstore cannot write a list", [.op(.listNew, Int64(T.listInt)), .op(.sstore, 2), .op(.ret)],
             "'sstore' needs a non-list, non-map state variable but 'log' is list<int>", offset: 3),
        code("sstore value type", [.op(.pushTrue), .op(.sstore, 0), .op(.ret)], "'sstore' expects int but found bool",
             offset: 1),
        code("smap_get needs a map variable", [.op(.pushInt, 1), .op(.smapGet, 0), .op(.ret)],
             "'smap_get' needs a map state variable but 'counter' is int", offset: 9),
        code("smap_set value type", [.op(.pushConst, K.string), .op(.pushTrue), .op(.smapSet, 1), .op(.ret)],
             "'smap_set' expects string, int but found string, bool", offset: 4),
        code("smap_next key type", [.op(.pushInt, 1), .op(.smapNext, 1), .op(.ret)],
             "'smap_next' expects string but found int", offset: 9),
        code("slist_push needs a list variable", [.op(.pushInt, 1), .op(.slistPush, 1), .op(.ret)],
             "'slist_push' needs a list state variable but 'balances' is map<string, int>", offset: 9),
        code("slist_get index type", [.op(.pushTrue), .op(.slistGet, 2), .op(.ret)],
             "'slist_get' expects int but found bool", offset: 1),
        code("emit field types", [.op(.pushInt, 1), .op(.caller), .op(.emit, 0), .op(.ret)],
             "'emit' expects address, int but found int, address", offset: 10),
        code("call_ext needs a value", [.op(.pushConst, K.address), .op(.pushConst, K.address), .op(.callExt, 0),
                                        .op(.ret)], "stack underflow: 'call_ext' needs 3 values but the stack holds 2",
             offset: 6),
        code("call_ext value is an int", [.op(.pushConst, K.address), .op(.pushTrue), .op(.pushConst, K.address),
                                          .op(.callExt, 0), .op(.ret)],
             "'call_ext' expects address, int, address but found address, bool, address", offset: 7),
        bad("structs are nominal", with(Fixture.module(results: [T.point], [
            .op(.pushInt, 1), .op(.pushInt, 2), .op(.structNew, 1), .op(.ret),
        ])) { $0.structs.append(StructDecl(name: "Other", fields: $0.structs[0].fields)) },
            "'ret' expects Point but found Other", function: 0, offset: 21),
    ]
}

@Suite struct MalformedCodeTests {
    @Test(arguments: ShapeCorpus.cases)
    func rejectsShape(_ c: BadCase) {
        expectRejected(c)
    }

    @Test(arguments: TypeCorpus.cases)
    func rejectsTypes(_ c: BadCase) {
        expectRejected(c)
    }

    @Test func corpusCoversAtLeastFortyRules() {
        #expect(StructureCorpus.cases.count + ShapeCorpus.cases.count + TypeCorpus.cases.count >= 40)
    }

    @Test func errorDescriptionNamesTheFunction() {
        let module = Fixture.module([fn("w1", [.op(.pushInt, 1), .op(.pushTrue), .op(.addInt), .op(.ret)])])
        let expected = "function 'w1' offset 10: 'add_int' expects int, int but found int, bool"
        #expect(verificationError(module)?.description == expected)
    }
}
