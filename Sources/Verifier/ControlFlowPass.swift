import Bytecode

/// A function's code, decoded once and cut into basic blocks; the later passes all read it.
struct FunctionCode {
    /// The instructions in order.
    var instructions: [PackedInstruction] = []
    /// Basic blocks in order: `instructions[start..<end]`.
    var blocks: [Range<Int>] = []
    /// Each block's successor through its last instruction's branch target, -1 when it has none.
    var branchSuccessor: [Int] = []
    /// Each block's successor by falling through to the next block, -1 when control cannot fall through.
    var fallSuccessor: [Int] = []
    /// Whether each block can run (is reachable from the entry).
    var reachable: [Bool] = []
}

/// Pass 2, per function: the code decodes into whole instructions, every branch target starts an
/// instruction of the same function, and no reachable path runs past the last instruction.
struct ControlFlowPass {
    let module: Module
    let index: Int

    private func fail(_ message: String, offset: Int?) -> VerificationError {
        VerificationError(message, function: index, functionName: module.functions[index].name, offset: offset)
    }

    func run() throws(VerificationError) -> FunctionCode {
        let code = module.functions[index].code
        var result = FunctionCode()
        do {
            result.instructions = try PackedInstruction.decodeAll(code)
        } catch {
            let offset = switch error {
            case .unknownOpcode(let offset, _), .truncatedImmediate(let offset, _): offset
            }
            throw fail(Message.decoding(error), offset: offset)
        }
        let instructions = result.instructions

        // Instruction index at each byte offset that starts one, -1 elsewhere.
        var indexAt = [Int32](repeating: -1, count: code.count)
        for (i, inst) in instructions.enumerated() { indexAt[inst.offset] = Int32(truncatingIfNeeded: i) }

        // Leaders: the entry, every branch target, every instruction after a branch or terminator.
        var leader = [Bool](repeating: false, count: instructions.count)
        if !leader.isEmpty { leader[0] = true }
        var targetIndex = [Int](repeating: -1, count: instructions.count)
        for (i, inst) in instructions.enumerated() {
            let flags = OpcodeFacts.of(inst.opcode).flags
            if flags.contains(.branch) {
                guard inst.immediateCount > 0 else {
                    throw fail(Message.internalError("branch without a target"), offset: inst.offset)
                }
                let target = Int(inst.first)
                guard target >= 0, target < code.count else {
                    throw fail(Message.targetPastEnd(target, size: code.count), offset: inst.offset)
                }
                let t = Int(indexAt[target])
                guard t >= 0 else { throw fail(Message.targetInsideInstruction(target), offset: inst.offset) }
                targetIndex[i] = t
                leader[t] = true
            }
            if flags.contains(.branch) || flags.contains(.terminator), i + 1 < instructions.count {
                leader[i + 1] = true
            }
        }

        var blockOf = [Int](repeating: -1, count: instructions.count)
        var start = 0
        for i in instructions.indices where i > 0 && leader[i] {
            blockOf[start] = result.blocks.count
            result.blocks.append(start..<i)
            start = i
        }
        if !instructions.isEmpty {
            blockOf[start] = result.blocks.count
            result.blocks.append(start..<instructions.count)
        }

        // Successors, and whether control can run past the end of each block's last instruction.
        let blockCount = result.blocks.count
        result.branchSuccessor = [Int](repeating: -1, count: blockCount)
        result.fallSuccessor = [Int](repeating: -1, count: blockCount)
        var fallsOff = [Bool](repeating: false, count: blockCount)
        for (b, block) in result.blocks.enumerated() {
            let last = block.upperBound - 1
            if targetIndex[last] >= 0 { result.branchSuccessor[b] = blockOf[targetIndex[last]] }
            if !OpcodeFacts.of(instructions[last].opcode).flags.contains(.terminator) {
                if block.upperBound < instructions.count {
                    result.fallSuccessor[b] = blockOf[block.upperBound]
                } else {
                    fallsOff[b] = true
                }
            }
        }

        // Reachability from the entry; a reachable block that falls off the end is an error.
        result.reachable = [Bool](repeating: false, count: blockCount)
        var work: [Int] = result.blocks.isEmpty ? [] : [0]
        if !work.isEmpty { result.reachable[0] = true }
        while let b = work.popLast() {
            if fallsOff[b] {
                throw fail(Message.fallsOffEnd, offset: instructions[result.blocks[b].upperBound - 1].offset)
            }
            for k in 0..<2 {  // the branch target first, then the fall-through
                let s = k == 0 ? result.branchSuccessor[b] : result.fallSuccessor[b]
                if s >= 0, !result.reachable[s] {
                    result.reachable[s] = true
                    work.append(s)
                }
            }
        }
        return result
    }
}
