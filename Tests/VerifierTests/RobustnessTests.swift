import Bytecode
import Testing

@testable import Verifier

@Suite struct RobustnessTests {
    /// Random code: half raw bytes, half well-formed instructions with small random immediates (so that more
    /// of it decodes and reaches the type pass).
    private static func randomCode(_ rng: inout SplitMix64) -> [UInt8] {
        let length = 1 + rng.below(48)
        if rng.below(2) == 0 {
            return (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        var out: [UInt8] = []
        while out.count < length {
            let op = Opcode.allCases[rng.below(Opcode.allCases.count)]
            let immediates = op.info.immediates.map { _ in
                op.info.flags.contains(.branch) ? Int64(rng.below(length + 8)) : Int64(rng.below(12))
            }
            Instruction(offset: out.count, opcode: op, immediates: immediates).encode(into: &out)
        }
        return out
    }

    @Test func randomFunctionBodiesNeverCrash() {
        var rng = SplitMix64(state: 0xDA7A_11E7)
        var accepted = 0
        var messages = Set<String>()
        for round in 0..<4000 {
            let kinds = FunctionKind.allCases
            let function = Function(
                name: "r\(round)", kind: kinds[rng.below(3)], params: Array([T.int, T.listInt].prefix(rng.below(3))),
                results: rng.below(2) == 0 ? [] : [T.int],
                locals: Array([T.string, T.int, T.point].prefix(rng.below(4))),
                maxStack: UInt16(rng.below(10)), code: Self.randomCode(&rng))
            let helper = fn("h", kind: .private, params: [T.int], results: [T.int], [.op(.localGet, 0), .op(.ret)])
            let module = Fixture.module([function, helper])
            if let error = verificationError(module) {
                messages.insert(String(error.message.prefix(12)))
                #expect(error.function == 0)
            } else {
                accepted += 1
            }
        }
        #expect(accepted > 0)
        #expect(messages.count > 10)
    }

    @Test func mutatedValidBodiesNeverCrash() {
        // Flipping a few bytes of well-typed code reaches the type pass far more often than random bytes.
        var rng = SplitMix64(state: 7)
        let base = EveryOpcode.module
        var accepted = 0
        for _ in 0..<1200 {
            var module = base
            let f = rng.below(module.functions.count)
            for _ in 0..<(1 + rng.below(3)) {
                let at = rng.below(module.functions[f].code.count)
                module.functions[f].code[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            if verificationError(module) == nil { accepted += 1 }
        }
        #expect(accepted > 0)
    }

    @Test func randomTypeTablesNeverCrash() {
        var rng = SplitMix64(state: 42)
        for _ in 0..<2000 {
            let count = 1 + rng.below(8)
            let types: [TypeDesc] = (0..<count).map { _ in
                switch rng.below(10) {
                case 0: .list(elem: UInt16(rng.below(count + 1)))
                case 1: .map(key: UInt16(rng.below(count + 1)), value: UInt16(rng.below(count + 1)))
                case 2: .structure(UInt16(rng.below(3)))
                default: [TypeDesc.int, .dec, .bool, .address, .hash, .string, .bytes][rng.below(7)]
                }
            }
            let structs = (0..<rng.below(3)).map { s in
                StructDecl(name: "S\(s)", fields: (0..<rng.below(3)).map {
                    Field(name: "f\($0)", type: UInt16(rng.below(count + 1)))
                })
            }
            let module = Module(
                name: "m", types: types, structs: structs,
                functions: [fn("f", locals: [UInt16(rng.below(count))], [.op(.localGet, 0), .op(.pop), .op(.ret)])])
            _ = verificationError(module)
        }
    }

    @Test func verificationIsDeterministic() {
        var modules = [EveryOpcode.module]
        modules += (StructureCorpus.cases + ShapeCorpus.cases + TypeCorpus.cases).map(\.module)
        for module in modules {
            let first = verificationError(module)
            for _ in 0..<3 { #expect(verificationError(module) == first) }
        }
    }

    @Test func firstErrorIsStableAcrossManyErrors() {
        // Several faults in several functions: the same one is reported every time.
        let module = Fixture.module([
            fn("a", [.op(.pushTrue), .op(.pushInt, 1), .op(.addInt), .op(.ret)]),
            fn("b", [.op(.pop), .op(.ret)]),
            fn("c", [.op(.pushInt, 1)]),
        ])
        let error = verificationError(module)
        #expect(error?.function == 2)
        #expect(error?.message == "control falls off the end of the function")
        for _ in 0..<5 { #expect(verificationError(module) == error) }
    }

    @Test func fullDeclaredStackVerifies() {
        let pushes = [Asm](repeating: .op(.pushTrue), count: Limits.maxFunctionStack)
        let pops = [Asm](repeating: .op(.pop), count: Limits.maxFunctionStack)
        let module = Fixture.module(maxStack: UInt16(Limits.maxFunctionStack), pushes + pops + [.op(.ret)])
        #expect(verificationError(module) == nil)
        let over = Fixture.module(maxStack: UInt16(Limits.maxFunctionStack), pushes + [.op(.pushTrue), .op(.ret)])
        #expect(verificationError(over)?.message == "stack height 4097 exceeds the declared max stack 4096")
    }

    @Test func manyCompoundLocalsInALoopVerify() {
        // Each pass round sets one more local on the loop path; the join intersects them all away.
        let count = 200
        var code: [Asm] = [.label("top")]
        for local in 0..<count {
            code += [.op(.pushConst, K.string), .op(.localSet, Int64(local)), .op(.pushTrue),
                     .branch(.jumpIf, "top")]
        }
        code.append(.op(.ret))
        let module = Fixture.module(locals: [UInt16](repeating: T.string, count: count), code)
        #expect(verificationError(module) == nil)
    }

    @Test func longStraightLineCodeVerifies() {
        // 50 000 push/pop pairs and a join-heavy ladder of branches: verification stays quick.
        var code: [Asm] = []
        for i in 0..<50_000 {
            code += [.op(.pushTrue), .branch(.jumpIf, "l\(i)"), .label("l\(i)")]
        }
        code.append(.op(.ret))
        #expect(verificationError(Fixture.module(code)) == nil)
    }
}

@Suite struct BlockQueueTests {
    @Test func popsSmallestFirstWithoutDuplicates() {
        var queue = BlockQueue(count: 10)
        for block in [5, 3, 8, 3, 1, 9, 5, 0, 42, -1] { queue.insert(block) }
        var order: [Int] = []
        while let block = queue.popMin() { order.append(block) }
        #expect(order == [0, 1, 3, 5, 8, 9])
        queue.insert(3)
        #expect(queue.popMin() == 3)
        #expect(queue.popMin() == nil)
    }
}
