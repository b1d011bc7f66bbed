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
struct TypeSafetyPass {
    let module: Module
    let types: TypeTable
    let index: Int
    let code: FunctionCode

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

        var entryLocals = LocalSet(count: localTypes.count)
        for (local, type) in localTypes.enumerated() where local < function.params.count || types.isScalar(type) {
            entryLocals.insert(local)
        }
        guard !code.blocks.isEmpty else { return }
        var entries = [AbstractState?](repeating: nil, count: code.blocks.count)
        entries[0] = AbstractState(stack: TypeStack(), locals: entryLocals)
        var work = BlockQueue(count: code.blocks.count)
        work.insert(0)

        while let b = work.popMin() {
            guard var state = entries[b] else { continue }
            for i in code.blocks[b] {
                try step(code.instructions[i], &state, rules: rules, localTypes: localTypes)
            }
            for s in code.successors[b] {
                let offset = code.instructions[code.blocks[s].lowerBound].offset
                if try merge(state, into: &entries[s], at: offset) { work.insert(s) }
            }
        }
    }

    /// Joins `incoming` into a block's entry state; returns whether the entry changed.
    private func merge(_ incoming: AbstractState, into entry: inout AbstractState?, at offset: Int)
        throws(VerificationError) -> Bool
    {
        guard var existing = entry else {
            entry = incoming
            return true
        }
        guard incoming.stack.height == existing.stack.height else {
            throw fail(Message.heightMismatch(here: incoming.stack.height, other: existing.stack.height), at: offset)
        }
        if let diff = incoming.stack.firstDifference(from: existing.stack) {
            let message = Message.slotMismatch(
                slot: diff.slot, here: types.name(diff.mine), other: types.name(diff.theirs))
            throw fail(message, at: offset)
        }
        guard existing.locals.formIntersection(incoming.locals) else { return false }
        entry = existing
        return true
    }

    /// Applies one instruction to `state`.
    private func step(_ inst: Instruction, _ state: inout AbstractState, rules: OperandRules, localTypes: [TypeID])
        throws(VerificationError)
    {
        var mnemonic: String { inst.opcode.info.mnemonic }
        guard let counts = inst.stackCounts(in: module, function: function) else {
            throw fail(Message.internalError("no stack counts for '\(mnemonic)'"), at: inst.offset)
        }
        let height = state.stack.height
        guard height >= counts.pops else {
            throw fail(Message.underflow(mnemonic, pops: counts.pops, height: height), at: inst.offset)
        }
        if inst.opcode == .ret, height != counts.pops {
            throw fail(Message.retHeight(results: counts.pops, height: height), at: inst.offset)
        }
        let effect: OperandRules.Effect
        do {
            effect = try rules.effect(of: inst, on: state.stack)
        } catch {
            throw fail(error.message, at: inst.offset)
        }
        guard effect.pops.count == counts.pops, effect.pushes.count == counts.pushes else {
            throw fail(Message.internalError("rule for '\(mnemonic)' disagrees with its stack counts"), at: inst.offset)
        }
        let found = state.stack.peek(counts.pops)
        if found != effect.pops {
            throw fail(Message.operandMismatch(mnemonic, expected: types.names(effect.pops), found: types.names(found)),
                       at: inst.offset)
        }
        switch inst.opcode {
        case .localGet:
            let local = Int(inst.immediates.first ?? -1)
            guard state.locals.contains(local) else {
                let type = local >= 0 && local < localTypes.count ? types.name(localTypes[local]) : "?"
                throw fail(Message.localUnset(local, type: type), at: inst.offset)
            }
        case .localSet, .localTee:
            state.locals.insert(Int(inst.immediates.first ?? -1))
        default:
            break
        }
        let newHeight = height - counts.pops + counts.pushes
        guard newHeight <= Int(function.maxStack) else {
            throw fail(Message.overflow(newHeight, maxStack: Int(function.maxStack)), at: inst.offset)
        }
        state.stack.drop(counts.pops)
        for type in effect.pushes { state.stack.push(type) }
    }
}
