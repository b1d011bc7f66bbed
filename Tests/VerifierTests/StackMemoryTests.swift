import Bytecode
import Testing

@testable import Verifier

/// The type pass keeps one flat stack and saves entry stacks only as the slots pushed since the last save
/// (`TypeStack`): deep stacks at many branch targets share their deep part, and what is saved is bounded.
@Suite struct StackMemoryTests {
    /// `count` blocks `push_true; jump_if next` over a stack of `depth` values: every block is a branch
    /// target entered with the whole deep stack.
    private func ladder(depth: Int, count: Int) -> Module {
        var code = [Asm](repeating: .op(.pushInt, 1), count: depth)
        for i in 0..<count {
            code += [.op(.pushTrue), .branch(.jumpIf, "l\(i)"), .label("l\(i)")]
        }
        code += [Asm](repeating: .op(.pop), count: depth) + [.op(.ret)]
        return Fixture.module(maxStack: UInt16(Limits.maxFunctionStack), code)
    }

    @Test func deepStackAtThousandsOfTargetsVerifies() {
        // 4,000 slots at each of 20,000 targets: copied per target that would be 80 million slots; shared,
        // nothing below the top is saved again.
        #expect(verificationError(ladder(depth: 4000, count: 20_000)) == nil)
    }

    @Test func savingSharesTheSlotsBelowTheTop() {
        var stack = TypeStack(capacity: 8)
        for _ in 0..<5 { stack.push(TypeTable.int) }
        let first = stack.save(limit: 100)
        #expect(stack.savedCount == 5)
        // Saving the same stack again, or after popping and pushing one slot, adds at most that slot.
        #expect(stack.save(limit: 100) == first)
        stack.load(top: first ?? -1, height: 5)
        stack.drop(1)
        stack.push(TypeTable.bool)
        let second = stack.save(limit: 100)
        #expect(stack.savedCount == 6)
        #expect(stack.type(atDepth: 0) == TypeTable.bool)
        #expect(stack.type(atDepth: 4) == TypeTable.int)
        // The two saved stacks differ in their top slot only.
        stack.load(top: first ?? -1, height: 5)
        #expect(stack.firstDifference(fromSaved: second ?? -1)?.slot == 4)
        #expect(stack.firstDifference(fromSaved: first ?? -1) == nil)
        // Past the limit nothing is saved.
        stack.push(TypeTable.int)
        #expect(stack.save(limit: 6) == nil)
        #expect(stack.savedCount == 6)
    }

    @Test func joinComparesSlotsBelowWhatTheBlockPushed() {
        // Two paths reach `join` with 81 slots that differ only in slot 30, saved two blocks earlier.
        var code = [Asm](repeating: .op(.pushInt, 1), count: 30)
        code += [.op(.pushTrue), .branch(.jumpIf, "a"), .op(.pushInt, 1), .branch(.jump, "c"),
                 .label("a"), .op(.pushFalse), .branch(.jump, "d"), .label("c")]
        code += [Asm](repeating: .op(.pushInt, 2), count: 50) + [.branch(.jump, "join"), .label("d")]
        code += [Asm](repeating: .op(.pushInt, 3), count: 50) + [.branch(.jump, "join"), .label("join")]
        code += [Asm](repeating: .op(.pop), count: 81) + [.op(.ret)]
        let error = verificationError(Fixture.module(maxStack: 100, code))
        #expect(error?.message == "stack slot 30 is bool here but int on another path")
    }

    /// `f` returns `width` ints and `g` takes them; `main` calls `f` and saves its fresh results at each of
    /// `count` targets, then hands them to `g`.
    private func freshResults(width: Int, count: Int) -> Module {
        let ints = [UInt16](repeating: T.int, count: width)
        let f = fn("f", kind: .private, results: ints, maxStack: UInt16(width),
                   [Asm](repeating: .op(.pushInt, 0), count: width) + [.op(.ret)])
        let g = fn("g", kind: .private, params: ints, [.op(.ret)])
        var code: [Asm] = []
        for i in 0..<count {
            code += [.op(.call, 0), .op(.pushTrue), .branch(.jumpIf, "l\(i)"), .label("l\(i)"), .op(.call, 1)]
        }
        code.append(.op(.ret))
        return Fixture.module([f, g, fn("main", maxStack: UInt16(width + 1), code)])
    }

    @Test func savedSlotsAreBounded() {
        // Each target saves 2,048 new slots: 100 targets fit in the limit, 2,100 do not.
        #expect(verificationError(freshResults(width: 2048, count: 100)) == nil)
        let error = verificationError(freshResults(width: 2048, count: 2100))
        #expect(error?.message == "the stack types saved at branch targets exceed \(TypeSafetyPass.maxSavedSlots) slots")
        #expect(error?.functionName == "main")
    }
}
