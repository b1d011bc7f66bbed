import Bytecode
import Testing

@testable import Verifier

/// Code that pushes one value of a primitive type.
private func produce(_ type: TypeDesc) -> Asm {
    switch type {
    case .int: .op(.pushInt, 7)
    case .dec: .op(.pushConst, K.dec)
    case .bool: .op(.pushTrue)
    case .address: .op(.pushConst, K.address)
    case .hash: .op(.pushConst, K.hash)
    case .string: .op(.pushConst, K.string)
    case .bytes: .op(.pushConst, K.bytes)
    case .list, .map, .structure: .op(.nop)
    }
}

/// Every straight-line opcode with a fixed effect, fed its operands from the opcode table.
private func fixedEffects() -> Function {
    var code: [Asm] = []
    for op in Opcode.allCases {
        let flags = op.info.flags
        guard case .fixed(let pops, let pushes) = op.info.effect, !flags.contains(.branch),
            !flags.contains(.terminator)
        else { continue }
        code += pops.map(produce)
        code.append(.op(op, op == .pushInt ? [1] : []))
        code += pushes.map { _ in .op(.pop) }
    }
    return fn("fixed", code + [.op(.ret)])
}

/// A module that uses every opcode and passes verification.
enum EveryOpcode {
    static let module = Fixture.module([
        fixedEffects(),
        fn("stack", results: [T.int], [
            .op(.pushTrue), .op(.pushInt, 1), .op(.swap), .op(.pop), .op(.dup), .op(.pop), .op(.nop), .op(.ret),
        ]),
        fn("blobs", [
            .op(.pushConst, K.string), .op(.pushConst, K.string), .op(.eqBlob), .op(.pop),
            .op(.pushConst, K.address), .op(.pushConst, K.address), .op(.neBlob), .op(.pop),
            .op(.pushConst, K.string), .op(.pushConst, K.string), .op(.concat), .op(.pop),
            .op(.pushConst, K.bytes), .op(.pushConst, K.bytes), .op(.concat), .op(.pop),
            .op(.pushConst, K.string), .op(.blobLen), .op(.pop),
            .op(.pushConst, K.bytes), .op(.sha256), .op(.pop),
            .op(.pushConst, K.hash), .op(.toBytes), .op(.pop),
            .op(.pushConst, K.int), .op(.pushConst, K.dec), .op(.pop), .op(.pop),
            .op(.ret),
        ]),
        fn("memory", locals: [T.listInt, T.mapStringInt, T.point, T.int], maxStack: 4, [
            .op(.pushInt, 1), .op(.pushInt, 2), .op(.listLit, Int64(T.listInt), 2), .op(.localSet, 0),
            .op(.localGet, 0), .op(.listLen), .op(.pop),
            .op(.localGet, 0), .op(.pushInt, 0), .op(.listGet), .op(.pop),
            .op(.localGet, 0), .op(.pushInt, 0), .op(.pushInt, 9), .op(.listSet),
            .op(.localGet, 0), .op(.pushInt, 4), .op(.listPush),
            .op(.localGet, 0), .op(.listPop), .op(.pop),
            .op(.pushInt, 10), .op(.localGet, 0), .op(.split), .op(.pop),
            .op(.listNew, Int64(T.listPoint)), .op(.pop),
            .op(.mapNew, Int64(T.mapStringInt)), .op(.localTee, 1), .op(.pop),
            .op(.localGet, 1), .op(.pushConst, K.string), .op(.pushInt, 3), .op(.mapSet),
            .op(.localGet, 1), .op(.pushConst, K.string), .op(.mapGet), .op(.pop),
            .op(.localGet, 1), .op(.pushConst, K.string), .op(.mapHas), .op(.pop),
            .op(.localGet, 1), .op(.mapLen), .op(.pop),
            .op(.localGet, 1), .op(.pushInt, 0), .op(.mapKeyAt), .op(.pop),
            .op(.localGet, 1), .op(.pushInt, 0), .op(.mapValueAt), .op(.pop),
            .op(.localGet, 1), .op(.pushConst, K.string), .op(.mapRemove),
            .op(.pushInt, 1), .op(.pushInt, 2), .op(.structNew, 0), .op(.localSet, 2),
            .op(.localGet, 2), .op(.structGet, 1), .op(.pop),
            .op(.localGet, 2), .op(.pushInt, 5), .op(.structSet, 0),
            .op(.localGet, 2), .op(.copy), .op(.pop),
            .op(.localGet, 3), .op(.pop),
            .op(.ret),
        ]),
        fn("storage", [
            .op(.sload, 0), .op(.pushInt, 1), .op(.addInt), .op(.sstore, 0),
            .op(.sload, 3), .op(.pop),
            .op(.pushConst, K.string), .op(.smapGet, 1), .op(.pop),
            .op(.pushConst, K.string), .op(.pushInt, 1), .op(.smapSet, 1),
            .op(.pushConst, K.string), .op(.smapHas, 1), .op(.pop),
            .op(.pushConst, K.string), .op(.smapRemove, 1),
            .op(.smapFirst, 1), .op(.pop), .op(.pop),
            .op(.pushConst, K.string), .op(.smapNext, 1), .op(.pop), .op(.pop),
            .op(.slistLen, 2), .op(.pop),
            .op(.pushInt, 0), .op(.slistGet, 2), .op(.pop),
            .op(.pushInt, 0), .op(.pushInt, 1), .op(.slistSet, 2),
            .op(.pushInt, 1), .op(.slistPush, 2),
            .op(.slistPop, 2), .op(.pop),
            .op(.caller), .op(.pushInt, 1), .op(.emit, 0),
            .op(.pushConst, K.address), .op(.pushInt, 0), .op(.caller), .op(.callExt, 0), .op(.pop),
            .op(.pushConst, K.address), .op(.pushInt, 0), .op(.pushInt, 1), .op(.tryCallExt, 1), .op(.pop),
            .op(.ret),
        ]),
        fn("control", params: [T.int], results: [T.int], locals: [T.int], [
            .label("top"),
            .op(.localGet, 1), .op(.pushInt, 10), .op(.ltInt), .branch(.jumpUnless, "end"),
            .op(.localGet, 1), .op(.pushInt, 1), .op(.addInt), .op(.localSet, 1),
            .branch(.jump, "top"),
            .label("end"),
            .op(.localGet, 0), .op(.pushInt, 0), .op(.geInt), .branch(.jumpIf, "ok"),
            .op(.pushConst, K.string), .op(.revert),
            .label("ok"),
            .op(.localGet, 0), .op(.call, 6), .op(.ret),
        ]),
        fn("helper", kind: .private, params: [T.int], results: [T.int], [.op(.localGet, 0), .op(.ret)]),
        fn("fail", kind: .private, [.op(.assertFail)]),
        fn("setup", kind: .`init`, params: [T.address], [.op(.localGet, 0), .op(.sstore, 3), .op(.ret)]),
        fn("upgrade", kind: .migrate, params: [T.int], [.op(.ret)]),
        fn("look", kind: .view, params: [T.address], results: [T.int], [
            .op(.localGet, 0), .op(.pushInt, 0), .op(.localGet, 0), .op(.callExt, 0),
            .op(.pushInt, 1), .op(.call, 6), .op(.addInt),
            .op(.pushConst, K.address), .op(.pushInt, 0), .op(.localGet, 0), .op(.tryCallExt, 0), .op(.pop), .op(.pop),
            .op(.ret),
        ]),
    ])
}

@Suite struct ValidModuleTests {
    @Test func moduleUsingEveryOpcodeIsAccepted() throws {
        let verified = try Verifier.verify(EveryOpcode.module)
        #expect(verified.module == EveryOpcode.module)
    }

    @Test func validModuleCoversEveryOpcode() throws {
        var used = Set<UInt8>()
        for function in EveryOpcode.module.functions {
            for inst in try Instruction.decodeAll(function.code) { used.insert(inst.opcode.rawValue) }
        }
        let missing = Opcode.allCases.filter { !used.contains($0.rawValue) }.map(\.info.mnemonic)
        #expect(missing.isEmpty, "opcodes not covered: \(missing)")
    }

    @Test func scalarLocalsStartInitialised() {
        let module = Fixture.module(results: [T.dec], locals: [T.int, T.dec, T.bool], [
            .op(.localGet, 0), .op(.pop), .op(.localGet, 2), .op(.pop), .op(.localGet, 1), .op(.ret),
        ])
        #expect(verificationError(module) == nil)
    }

    @Test func compoundParametersAreInitialised() {
        let module = Fixture.module(params: [T.listInt], results: [T.int], [
            .op(.localGet, 0), .op(.listLen), .op(.ret),
        ])
        #expect(verificationError(module) == nil)
    }

    @Test func localSetOnEveryPathIsInitialisedAtTheJoin() {
        let module = Fixture.module(params: [T.bool], locals: [T.string], [
            .op(.localGet, 0), .branch(.jumpIf, "a"),
            .op(.pushConst, K.string), .op(.localSet, 1), .branch(.jump, "join"),
            .label("a"), .op(.pushConst, K.string), .op(.localSet, 1),
            .label("join"), .op(.localGet, 1), .op(.pop), .op(.ret),
        ])
        #expect(verificationError(module) == nil)
    }

    @Test func duplicateTypeEntriesCompareEqual() {
        // Type 11 is a second `list<int>` entry: values of either compare equal.
        let module = with(Fixture.module(locals: [11], [
            .op(.listNew, Int64(T.listInt)), .op(.localSet, 0), .op(.localGet, 0), .op(.sload, 0), .op(.listPush),
            .op(.ret),
        ])) { $0.types.append(.list(elem: 0)) }
        #expect(verificationError(module) == nil)
    }

    @Test func unreachableCodeIsNotTypeChecked() {
        let module = Fixture.module([.op(.ret), .op(.addInt), .op(.ret)])
        #expect(verificationError(module) == nil)
    }

    @Test func recursionAndMutualCallsAreAllowed() {
        let module = Fixture.module([
            fn("a", kind: .view, params: [T.int], [.op(.localGet, 0), .op(.call, 1), .op(.ret)]),
            fn("b", kind: .private, params: [T.int], [.op(.localGet, 0), .op(.call, 0), .op(.ret)]),
        ])
        #expect(verificationError(module) == nil)
    }

    @Test func trailingUnreachableNonTerminatorIsAllowed() {
        let module = Fixture.module([.op(.ret), .op(.nop)])
        #expect(verificationError(module) == nil)
    }
}
