import Bytecode

/// Pass 5, per function: abstract interpretation over typed stacks, as the JVM's and Move's type-safety
/// passes do. A worklist over basic blocks carries each block's entry state (operand types and
/// initialised locals); where paths join, stack heights and types must be identical and the initialised
/// locals are intersected. Each instruction must find its operands (`OperandRules`), must not underflow,
/// and must keep the stack within the declared `maxStack`; `local_get` must read a local that is set on
/// every path.
///
/// Work is bounded: a block's entry stack is fixed by its first visit (later visits must match it), and
/// its initialised-locals set can only shrink, so each block is re-queued at most once per local. Blocks
/// run in code order (`BlockQueue`), so straight-line and forward-branching code is visited once.
///
/// Memory is bounded too: one flat stack for the block being checked, and entry stacks saved at block
/// entries, sharing their common slots (`TypeStack`), at most `maxSavedSlots` of them per function.
struct TypeSafetyPass {
    let module: Module
    let types: TypeTable
    let index: Int
    let code: FunctionCode

    /// The most stack slots saved at block entries per function: 32 MiB (see `TypeStack`). Compiled code
    /// saves a few slots per branch target; only code that keeps pushing fresh deep stacks at thousands of
    /// targets comes near it.
    static let maxSavedSlots = 1 << 22

    private var function: Function { module.functions[index] }

    func fail(_ message: String, at offset: Int?) -> VerificationError {
        VerificationError(message, function: index, functionName: function.name, offset: offset)
    }

    func run() throws(VerificationError) {
        let function = self.function
        var localTypes: [TypeID] = []
        for type in function.params + function.locals {
            guard let id = types.entry(type) else {
                throw fail(Message.internalError("unchecked local type"), at: nil)
            }
            localTypes.append(id)
        }
        var resultTypes: [TypeID] = []
        for type in function.results {
            guard let id = types.entry(type) else {
                throw fail(Message.internalError("unchecked result type"), at: nil)
            }
            resultTypes.append(id)
        }
        let rules = OperandRules(module: module, types: types, function: function, localTypes: localTypes,
                                 resultTypes: resultTypes)

        var locals = LocalSets(count: localTypes.count)
        for (local, type) in localTypes.enumerated() where local < function.params.count || types.isScalar(type) {
            locals.insert(local)
        }
        guard !code.blocks.isEmpty else { return }
        var stack = TypeStack(capacity: Int(function.maxStack))
        var entries = [Entry](repeating: Entry(top: -1, height: -1, locals: 0), count: code.blocks.count)
        entries[0] = Entry(top: -1, height: 0, locals: locals.save())
        var work = BlockQueue(count: code.blocks.count)
        work.insert(0)
        var effect = OperandRules.Effect()
        let context = StepContext(rules: rules, function: function, maxStack: Int(function.maxStack))

        while let b = work.popMin() {
            let entry = entries[b]
            guard entry.height >= 0 else { continue }
            stack.load(top: entry.top, height: Int(entry.height))
            locals.load(entry.locals)
            for i in code.blocks[b] {
                try step(code.instructions[i], &stack, &locals, &effect, context)
            }
            for k in 0..<2 {  // the branch target first, then the fall-through
                let s = k == 0 ? code.branchSuccessor[b] : code.fallSuccessor[b]
                guard s >= 0 else { continue }
                let offset = code.instructions[code.blocks[s].lowerBound].offset
                if try merge(&stack, &locals, into: &entries[s], at: offset) { work.insert(s) }
            }
        }
    }

    /// A block's entry state, once a path has reached it: its saved stack (`TypeStack.save`) and height
    /// (-1 while unreached), and its saved initialised-locals set (`LocalSets.save`).
    private struct Entry {
        var top: Int32
        var height: Int32
        var locals: Int
    }

    /// What `step` reads for every instruction, fixed for the function.
    private struct StepContext {
        let rules: OperandRules
        let function: Function
        let maxStack: Int
    }

    /// Joins the state at the end of a block into a successor's entry; returns whether the entry changed.
    private func merge(_ stack: inout TypeStack, _ locals: inout LocalSets, into entry: inout Entry, at offset: Int)
        throws(VerificationError) -> Bool
    {
        guard entry.height >= 0 else {
            guard let top = stack.save(limit: Self.maxSavedSlots) else {
                throw fail(Message.savedStacksTooLarge(limit: Self.maxSavedSlots), at: offset)
            }
            entry = Entry(top: top, height: Int32(stack.height), locals: locals.save())
            return true
        }
        guard stack.height == Int(entry.height) else {
            throw fail(Message.heightMismatch(here: stack.height, other: Int(entry.height)), at: offset)
        }
        if let diff = stack.firstDifference(fromSaved: entry.top) {
            let message = Message.slotMismatch(
                slot: diff.slot, here: types.name(diff.mine), other: types.name(diff.theirs))
            throw fail(message, at: offset)
        }
        return locals.intersect(saved: entry.locals)
    }

    /// Applies one instruction to the stack and locals.
    private func step(
        _ inst: PackedInstruction, _ stack: inout TypeStack, _ locals: inout LocalSets,
        _ effect: inout OperandRules.Effect, _ context: StepContext
    ) throws(VerificationError) {
        var mnemonic: String { inst.opcode.info.mnemonic }
        guard let counts = inst.stackCounts(in: module, function: context.function) else {
            throw fail(Message.internalError("no stack counts for '\(mnemonic)'"), at: inst.offset)
        }
        let height = stack.height
        guard height >= counts.pops else {
            throw fail(Message.underflow(mnemonic, pops: counts.pops, height: height), at: inst.offset)
        }
        if inst.opcode == .ret, height != counts.pops {
            throw fail(Message.retHeight(results: counts.pops, height: height), at: inst.offset)
        }
        stack.expose(counts.pops)
        do {
            try context.rules.effect(of: inst, on: stack, into: &effect)
        } catch {
            throw fail(error.message, at: inst.offset)
        }
        guard effect.pops.count == counts.pops, effect.pushes.count == counts.pushes else {
            throw fail(Message.internalError("rule for '\(mnemonic)' disagrees with its stack counts"), at: inst.offset)
        }
        for (i, expected) in effect.pops.enumerated() where stack.type(atDepth: counts.pops - 1 - i) != expected {
            let found = stack.peek(counts.pops)
            throw fail(Message.operandMismatch(mnemonic, expected: types.names(effect.pops), found: types.names(found)),
                       at: inst.offset)
        }
        switch inst.opcode {
        case .localGet:
            let local = inst.immediateCount > 0 ? Int(inst.first) : -1
            guard locals.contains(local) else {
                let localTypes = context.rules.localTypes
                let type = local >= 0 && local < localTypes.count ? types.name(localTypes[local]) : "?"
                throw fail(Message.localUnset(local, type: type), at: inst.offset)
            }
        case .localSet, .localTee:
            locals.insert(inst.immediateCount > 0 ? Int(inst.first) : -1)
        default:
            break
        }
        let newHeight = height - counts.pops + counts.pushes
        guard newHeight <= context.maxStack else {
            throw fail(Message.overflow(newHeight, maxStack: context.maxStack), at: inst.offset)
        }
        stack.drop(counts.pops)
        for type in effect.pushes { stack.push(type) }
    }
}
