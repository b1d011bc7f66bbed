import Bytecode
import Testing

@testable import Verifier

/// One module the verifier must reject, and exactly how.
struct BadCase: Sendable, CustomTestStringConvertible {
    let name: String
    let module: Module
    let message: String
    let function: Int?
    let offset: Int?

    var testDescription: String { name }
}

func bad(_ name: String, _ module: Module, _ message: String, function: Int? = nil, offset: Int? = nil) -> BadCase {
    BadCase(name: name, module: module, message: message, function: function, offset: offset)
}

func with(_ module: Module, _ change: (inout Module) -> Void) -> Module {
    var module = module
    change(&module)
    return module
}

func expectRejected(_ c: BadCase, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error = verificationError(c.module) else {
        Issue.record("'\(c.name)' was accepted", sourceLocation: sourceLocation)
        return
    }
    #expect(error.message == c.message, sourceLocation: sourceLocation)
    #expect(error.function == c.function, "function", sourceLocation: sourceLocation)
    #expect(error.offset == c.offset, "offset", sourceLocation: sourceLocation)
}

private let ret: [Asm] = [.op(.ret)]
private let empty = Fixture.module([])

/// Module tables: types, structs, names, constants, signatures.
enum StructureCorpus {
    static let cases: [BadCase] = [
        bad("list element names itself", with(empty) { $0.types.append(.list(elem: 11)) },
            "type 11: list element type 11 must be an earlier entry of the type table"),
        bad("map value names a later entry", with(empty) { $0.types.append(.map(key: 0, value: 20)) },
            "type 11: map value type 20 must be an earlier entry of the type table"),
        bad("map key must be orderable", with(empty) { $0.types.append(.map(key: 1, value: 0)) },
            "type 11: map key must be int, address, hash, string or bool, not dec"),
        bad("map key cannot be a list", with(empty) { $0.types.append(.map(key: 7, value: 0)) },
            "type 11: map key must be int, address, hash, string or bool, not list<int>"),
        bad("struct type index in range", with(empty) { $0.types.append(.structure(4)) },
            "type 11: struct index 4 out of range (1 structs)"),
        bad("struct contains itself directly", with(empty) {
            $0.types.append(.structure(1))
            $0.structs.append(StructDecl(name: "Node", fields: [Field(name: "next", type: 11)]))
        }, "struct 'Node' contains itself"),
        bad("struct contains itself through a list", with(empty) {
            $0.types += [.structure(1), .list(elem: 11)]
            $0.structs.append(StructDecl(name: "Node", fields: [Field(name: "kids", type: 12)]))
        }, "struct 'Node' contains itself"),
        bad("struct contains itself through a map", with(empty) {
            $0.types += [.structure(1), .map(key: 0, value: 11)]
            $0.structs.append(StructDecl(name: "Node", fields: [Field(name: "kids", type: 12)]))
        }, "struct 'Node' contains itself"),
        bad("structs contain each other", with(empty) {
            $0.types += [.structure(1), .structure(2)]
            $0.structs += [
                StructDecl(name: "A", fields: [Field(name: "b", type: 12)]),
                StructDecl(name: "B", fields: [Field(name: "a", type: 11)]),
            ]
        }, "struct 'A' contains itself"),
        bad("struct field type in range", with(empty) {
            $0.structs.append(StructDecl(name: "Bad", fields: [Field(name: "f", type: 99)]))
        }, "struct 'Bad' field 'f': type index 99 out of range (11 types)"),
        bad("struct names unique", with(empty) { $0.structs.append(StructDecl(name: "Point", fields: [])) },
            "duplicate struct name 'Point'"),
        bad("struct field names unique", with(empty) {
            $0.structs.append(StructDecl(name: "P2", fields: [Field(name: "a", type: 0), Field(name: "a", type: 1)]))
        }, "struct 'P2' has two fields named 'a'"),
        bad("state variable names unique", with(empty) { $0.state.append(Field(name: "counter", type: 0)) },
            "duplicate state variable name 'counter'"),
        bad("state variable type in range", with(empty) { $0.state.append(Field(name: "x", type: 50)) },
            "state variable 'x': type index 50 out of range (11 types)"),
        bad("event names unique", with(empty) { $0.events.append(EventDecl(name: "Moved", fields: [])) },
            "duplicate event name 'Moved'"),
        bad("event field type in range", with(empty) {
            $0.events.append(EventDecl(name: "E", fields: [Field(name: "a", type: 50)]))
        }, "event 'E' field 'a': type index 50 out of range (11 types)"),
        bad("event field names unique", with(empty) {
            $0.events.append(EventDecl(name: "E", fields: [Field(name: "a", type: 0), Field(name: "a", type: 0)]))
        }, "event 'E' has two fields named 'a'"),
        bad("extern parameter type in range", with(empty) {
            $0.externs.append(ExternDecl(name: "ext", params: [50], results: [], isView: true))
        }, "extern 'ext' parameter: type index 50 out of range (11 types)"),
        bad("extern result type in range", with(empty) {
            $0.externs.append(ExternDecl(name: "ext", params: [], results: [60], isView: true))
        }, "extern 'ext' result: type index 60 out of range (11 types)"),
        bad("address constant is 32 bytes", with(empty) { $0.constants.append(.address([1, 2])) },
            "constant 6: address must be 32 bytes, not 2"),
        bad("hash constant is 32 bytes", with(empty) { $0.constants.append(.hash([])) },
            "constant 6: hash must be 32 bytes, not 0"),
        bad("string constant is UTF-8", with(empty) { $0.constants.append(.string([0xFF, 0xFE])) },
            "constant 6: string is not valid UTF-8"),

        // MARK: functions
        bad("function name non-empty", Fixture.module([fn("", ret)]), "function 0 has an empty name", function: 0),
        bad("function names unique", Fixture.module([fn("f", ret), fn("f", ret)]),
            "duplicate function name 'f'", function: 1),
        bad("at most one init", Fixture.module([fn("a", kind: .`init`, ret), fn("b", kind: .`init`, ret)]),
            "a module has at most one init function; 'a' is one already", function: 1),
        bad("at most one migrate", Fixture.module([
            fn("a", kind: .migrate, params: [T.int], ret), fn("b", kind: .migrate, params: [T.int], ret),
        ]), "a module has at most one migrate function; 'a' is one already", function: 1),
        bad("init has no results", Fixture.module([fn("setup", kind: .`init`, results: [T.int], ret)]),
            "an init function returns no results", function: 0),
        bad("migrate takes one parameter", Fixture.module([fn("up", kind: .migrate, ret)]),
            "a migrate function takes exactly one int parameter and returns no results", function: 0),
        bad("migrate parameter is an int", Fixture.module([fn("up", kind: .migrate, params: [T.bool], ret)]),
            "a migrate function takes exactly one int parameter and returns no results", function: 0),
        bad("migrate has no results", Fixture.module([
            fn("up", kind: .migrate, params: [T.int], results: [T.int], ret),
        ]), "a migrate function takes exactly one int parameter and returns no results", function: 0),
        bad("locals within the limit", Fixture.module([
            fn("f", params: [T.int], locals: [UInt16](repeating: T.int, count: 4096), ret),
        ]), "4097 locals (parameters included) exceed the limit of 4096", function: 0),
        bad("max stack within the limit", Fixture.module([fn("f", maxStack: 5000, ret)]),
            "declared max stack 5000 exceeds the limit of 4096", function: 0),
        bad("code non-empty", Fixture.module([fn("f", [])]), "function has no code", function: 0),
        bad("parameter type in range", Fixture.module([fn("f", params: [77], ret)]),
            "parameter: type index 77 out of range (11 types)", function: 0),
        bad("local type in range", Fixture.module([fn("f", locals: [11], ret)]),
            "local: type index 11 out of range (11 types)", function: 0),
        bad("result type in range", Fixture.module([fn("f", results: [300], ret)]),
            "result: type index 300 out of range (11 types)", function: 0),
    ]
}

@Suite struct MalformedStructureTests {
    @Test(arguments: StructureCorpus.cases)
    func rejects(_ c: BadCase) {
        expectRejected(c)
    }

    @Test func tooManyTableEntriesIsAnError() {
        let module = with(empty) { $0.constants = [Constant](repeating: .int(0), count: 65_536) }
        #expect(verificationError(module)?.message == "too many constants: 65536 (at most 65535)")
    }

    @Test func descriptionNamesFunctionAndOffset() {
        let error = VerificationError("stack underflow", function: 2, functionName: "w1", offset: 12)
        #expect(error.description == "function 'w1' offset 12: stack underflow")
        #expect(VerificationError("m", function: 2).description == "function 2: m")
        #expect(VerificationError("m").description == "m")
    }
}
