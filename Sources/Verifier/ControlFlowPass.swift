import Bytecode

/// Every function's code, decoded once and cut into basic blocks; the later passes all read it. The
/// functions' instructions and blocks lie side by side in flat arrays (`ranges` says which are whose), so
/// a module of thousands of small functions does not allocate per function.
struct ModuleCode {
    /// The instructions of every function, in order.
    var instructions: [PackedInstruction] = []
    /// Basic blocks in order: `instructions[start..<end]`.
    var blocks: [Range<Int>] = []
    /// Each block's successor through its last instruction's branch target, -1 when it has none. Successors
    /// are numbered within their function (0 is its first block).
    var branchSuccessor: [Int] = []
    /// Each block's successor by falling through to the next block, -1 when control cannot fall through.
    var fallSuccessor: [Int] = []
    /// Each function's instructions and blocks.
    var ranges: [(instructions: Range<Int>, blocks: Range<Int>)] = []
}

/// Pass 2, per function: the code decodes into whole instructions, every branch target starts an
/// instruction of the same function, and no reachable path runs past the last instruction. One pass value
/// checks every function in turn, reusing its work arrays.
struct ControlFlowPass {
    let module: Module
    /// The decoded functions so far.
    private(set) var code = ModuleCode()

    // Work arrays, reused from function to function.
    private var indexAt: [Int32] = []
    private var leader: [Bool] = []
    private var targetIndex: [Int] = []
    private var blockOf: [Int] = []
    private var fallsOff: [Bool] = []
    private var reachable: [Bool] = []
    private var work: [Int] = []
    private let facts = OpcodeFacts.table

    init(module: Module) { self.module = module }

    /// Decodes function `index` and appends it to `code`.
    mutating func run(function index: Int) throws(VerificationError) {
        func fail(_ message: String, offset: Int?) -> VerificationError {
            VerificationError(message, function: index, functionName: module.functions[index].name, offset: offset)
        }
        let bytes = module.functions[index].code
        let first = code.instructions.count
        do {
            try PackedInstruction.decodeAll(bytes, into: &code.instructions)
        } catch {
            let offset = switch error {
            case .unknownOpcode(let offset, _), .truncatedImmediate(let offset, _): offset
            }
            throw fail(Message.decoding(error), offset: offset)
        }
        let count = code.instructions.count - first

        // Instruction index (within the function) at each byte offset that starts one, -1 elsewhere.
        indexAt.refill(bytes.count, with: -1)
        for i in 0..<count { indexAt[code.instructions[first + i].offset] = Int32(truncatingIfNeeded: i) }

        // Leaders: the entry, every branch target, every instruction after a branch or terminator.
        leader.refill(count, with: false)
        if count > 0 { leader[0] = true }
        targetIndex.refill(count, with: -1)
        for i in 0..<count {
            let inst = code.instructions[first + i]
            let flags = facts[Int(inst.opcode.rawValue)].flags
            if flags.contains(.branch) {
                guard inst.immediateCount > 0 else {
                    throw fail(Message.internalError("branch without a target"), offset: inst.offset)
                }
                let target = Int(inst.first)
                guard target >= 0, target < bytes.count else {
                    throw fail(Message.targetPastEnd(target, size: bytes.count), offset: inst.offset)
                }
                let t = Int(indexAt[target])
                guard t >= 0 else { throw fail(Message.targetInsideInstruction(target), offset: inst.offset) }
                targetIndex[i] = t
                leader[t] = true
            }
            if flags.contains(.branch) || flags.contains(.terminator), i + 1 < count {
                leader[i + 1] = true
            }
        }

        // Blocks, numbered within the function.
        let firstBlock = code.blocks.count
        blockOf.refill(count, with: -1)
        var start = 0
        for i in 0..<count where i > 0 && leader[i] {
            blockOf[start] = code.blocks.count - firstBlock
            code.blocks.append((first + start)..<(first + i))
            start = i
        }
        if count > 0 {
            blockOf[start] = code.blocks.count - firstBlock
            code.blocks.append((first + start)..<(first + count))
        }
        let blockCount = code.blocks.count - firstBlock

        // Successors, and whether control can run past the end of each block's last instruction.
        fallsOff.refill(blockCount, with: false)
        for b in 0..<blockCount {
            let block = code.blocks[firstBlock + b]
            let last = block.upperBound - 1 - first
            code.branchSuccessor.append(targetIndex[last] >= 0 ? blockOf[targetIndex[last]] : -1)
            var fall = -1
            if !facts[Int(code.instructions[first + last].opcode.rawValue)].flags.contains(.terminator) {
                if last + 1 < count {
                    fall = blockOf[last + 1]
                } else {
                    fallsOff[b] = true
                }
            }
            code.fallSuccessor.append(fall)
        }
        code.ranges.append((first..<(first + count), firstBlock..<(firstBlock + blockCount)))

        // Reachability from the entry; a reachable block that falls off the end is an error.
        reachable.refill(blockCount, with: false)
        work.removeAll(keepingCapacity: true)
        if blockCount > 0 {
            reachable[0] = true
            work.append(0)
        }
        while let b = work.popLast() {
            if fallsOff[b] {
                throw fail(Message.fallsOffEnd, offset: code.instructions[code.blocks[firstBlock + b].upperBound - 1].offset)
            }
            for k in 0..<2 {  // the branch target first, then the fall-through
                let s = k == 0 ? code.branchSuccessor[firstBlock + b] : code.fallSuccessor[firstBlock + b]
                if s >= 0, !reachable[s] {
                    reachable[s] = true
                    work.append(s)
                }
            }
        }
    }
}
