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
/// entries, sharing their common slots (`TypeStack`), at most `maxSavedSlots` of them per function. One
/// pass value checks every function in turn, reusing its arrays.
struct TypeSafetyPass {
    let module: Module
    let types: TypeTable
    let code: ModuleCode

    /// The most stack slots saved at block entries per function: 32 MiB (see `TypeStack`). Compiled code
    /// saves a few slots per branch target; only code that keeps pushing fresh deep stacks at thousands of
    /// targets comes near it.
    static let maxSavedSlots = 1 << 22

    // The function being checked, and state reused from function to function.
    private var index = 0
    private var maxStack = 0
    private var rules: OperandRules
    private var stack = TypeStack(capacity: 0)
    private var locals = LocalSets(count: 0)
    private var entries: [Entry] = []
    private var work = BlockQueue(count: 0)
    private let facts = OpcodeFacts.table

    init(module: Module, types: TypeTable, code: ModuleCode) {
        self.module = module
        self.types = types
        self.code = code
        rules = OperandRules(module: module, types: types)
    }

    /// A block's entry state, once a path has reached it: its saved stack (`TypeStack.save`) and height
    /// (-1 while unreached), and its saved initialised-locals set (`LocalSets.save`).
    private struct Entry {
        var top: Int32
        var height: Int32
        var locals: Int
    }

    func fail(_ message: String, at offset: Int?) -> VerificationError {
        VerificationError(message, function: index, functionName: module.functions[index].name, offset: offset)
    }

    /// Checks function `index`.
    mutating func run(function index: Int) throws(VerificationError) {
        self.index = index
        let function = module.functions[index]
        rules.localTypes.removeAll(keepingCapacity: true)
        for type in function.params + function.locals {
            guard let id = types.entry(type) else {
                throw fail(Message.internalError("unchecked local type"), at: nil)
            }
            rules.localTypes.append(id)
        }
        rules.resultTypes.removeAll(keepingCapacity: true)
        for type in function.results {
            guard let id = types.entry(type) else {
                throw fail(Message.internalError("unchecked result type"), at: nil)
            }
            rules.resultTypes.append(id)
        }
        locals.reset(count: rules.localTypes.count)
        for (local, type) in rules.localTypes.enumerated()
        where local < function.params.count || types.isScalar(type) {
            locals.insert(local)
        }
        let blocks = code.ranges[index].blocks
        guard !blocks.isEmpty else { return }
        maxStack = Int(function.maxStack)
        stack.reset(capacity: maxStack)
        entries.removeAll(keepingCapacity: true)
        entries.append(contentsOf: repeatElement(Entry(top: -1, height: -1, locals: 0), count: blocks.count))
        entries[0] = Entry(top: -1, height: 0, locals: locals.save())
        work.reset(count: blocks.count)
        work.insert(0)

        while let b = work.popMin() {
            let entry = entries[b]
            guard entry.height >= 0 else { continue }
            stack.load(top: entry.top, height: Int(entry.height))
            locals.load(entry.locals)
            for i in code.blocks[blocks.lowerBound + b] {
                try step(code.instructions[i], function)
            }
            for k in 0..<2 {  // the branch target first, then the fall-through
                let s = k == 0 ? code.branchSuccessor[blocks.lowerBound + b] : code.fallSuccessor[blocks.lowerBound + b]
                guard s >= 0 else { continue }
                let offset = code.instructions[code.blocks[blocks.lowerBound + s].lowerBound].offset
                if try merge(into: s, at: offset) { work.insert(s) }
            }
        }
    }

    /// Joins the state at the end of a block into block `s`'s entry; returns whether the entry changed.
    private mutating func merge(into s: Int, at offset: Int) throws(VerificationError) -> Bool {
        let entry = entries[s]
        guard entry.height >= 0 else {
            guard let top = stack.save(limit: Self.maxSavedSlots) else {
                throw fail(Message.savedStacksTooLarge(limit: Self.maxSavedSlots), at: offset)
            }
            entries[s] = Entry(top: top, height: Int32(stack.height), locals: locals.save())
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

    /// Applies one instruction of `function` to the stack and locals.
    private mutating func step(_ inst: PackedInstruction, _ function: Function) throws(VerificationError) {
        var mnemonic: String { inst.opcode.info.mnemonic }
        // A fixed effect (most instructions) is the table's, whatever the stack holds.
        let fixed = rules.fixedEffect(facts[Int(inst.opcode.rawValue)])
        let counts: (pops: Int, pushes: Int)
        if fixed {
            counts = (rules.effect.popCount, rules.effect.pushCount)
        } else if let special = inst.stackCounts(in: module, function: function) {
            counts = special
        } else {
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
        if !fixed {
            let top = OperandRules.Top(
                types: (stack.type(atDepth: 0), stack.type(atDepth: 1), stack.type(atDepth: 2)))
            do {
                try rules.effect(of: inst, top: top)
            } catch {
                throw fail(error.message, at: inst.offset)
            }
        }
        guard rules.effect.popCount == counts.pops, rules.effect.pushCount == counts.pushes else {
            throw fail(Message.internalError("rule for '\(mnemonic)' disagrees with its stack counts"), at: inst.offset)
        }
        for i in 0..<counts.pops where stack.type(atDepth: counts.pops - 1 - i) != rules.effect.pop(at: i) {
            let found = stack.peek(counts.pops)
            throw fail(Message.operandMismatch(mnemonic, expected: types.names(rules.effect.pops), found: types.names(found)),
                       at: inst.offset)
        }
        switch inst.opcode {
        case .localGet:
            let local = inst.immediateCount > 0 ? Int(inst.first) : -1
            guard locals.contains(local) else {
                let localTypes = rules.localTypes
                let type = local >= 0 && local < localTypes.count ? types.name(localTypes[local]) : "?"
                throw fail(Message.localUnset(local, type: type), at: inst.offset)
            }
        case .localSet, .localTee:
            locals.insert(inst.immediateCount > 0 ? Int(inst.first) : -1)
        default:
            break
        }
        let newHeight = height - counts.pops + counts.pushes
        guard newHeight <= maxStack else {
            throw fail(Message.overflow(newHeight, maxStack: maxStack), at: inst.offset)
        }
        stack.drop(counts.pops)
        for i in 0..<counts.pushes { stack.push(rules.effect.push(at: i)) }
    }
}
