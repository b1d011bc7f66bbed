import Bytecode

/// A function's code, decoded and cut into basic blocks.
struct FunctionCode {
    /// The instructions in order.
    var instructions: [Instruction] = []
    /// Basic blocks in order: `instructions[start..<end]`.
    var blocks: [Range<Int>] = []
    /// Successor blocks of each block: the branch target first, then the fall-through.
    var successors: [[Int]] = []
    /// Whether each block can run (is reachable from the entry).
    var reachable: [Bool] = []
}

/// Pass 2, per function: the code decodes into whole instructions, every branch target starts an
/// instruction of the same function, and no reachable path runs past the last instruction.
struct ControlFlowPass {
    let module: Module
    let index: Int

    private var function: Function { module.functions[index] }

    private func fail(_ message: String, offset: Int?) -> VerificationError {
        VerificationError(message, function: index, functionName: function.name, offset: offset)
    }

    func run() throws(VerificationError) -> FunctionCode {
        let code = function.code
        var result = FunctionCode()
        do {
            result.instructions = try Instruction.decodeAll(code)
        } catch {
            let offset = switch error {
            case .unknownOpcode(let offset, _), .truncatedImmediate(let offset, _): offset
            }
            throw fail(Message.decoding(error), offset: offset)
        }
        let instructions = result.instructions

        // Instruction index at each byte offset that starts one, -1 elsewhere.
        var indexAt = [Int](repeating: -1, count: code.count)
        for (i, inst) in instructions.enumerated() { indexAt[inst.offset] = i }

        // Leaders: the entry, every branch target, every instruction after a branch or terminator.
        var leader = [Bool](repeating: false, count: instructions.count)
        if !leader.isEmpty { leader[0] = true }
        var targetIndex = [Int](repeating: -1, count: instructions.count)
        for (i, inst) in instructions.enumerated() {
            let flags = inst.opcode.info.flags
            if flags.contains(.branch) {
                guard let raw = inst.immediates.first else {
                    throw fail(Message.internalError("branch without a target"), offset: inst.offset)
                }
                let target = Int(raw)
                guard target >= 0, target < code.count else {
                    throw fail(Message.targetPastEnd(target, size: code.count), offset: inst.offset)
                }
                let t = indexAt[target]
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
        var fallsOff = [Bool](repeating: false, count: result.blocks.count)
        for (b, block) in result.blocks.enumerated() {
            let last = block.upperBound - 1
            let flags = instructions[last].opcode.info.flags
            var next: [Int] = []
            if targetIndex[last] >= 0 { next.append(blockOf[targetIndex[last]]) }
            if !flags.contains(.terminator) {
                if block.upperBound < instructions.count {
                    next.append(blockOf[block.upperBound])
                } else {
                    fallsOff[b] = true
                }
            }
            result.successors.append(next)
        }

        // Reachability from the entry; a reachable block that falls off the end is an error.
        result.reachable = [Bool](repeating: false, count: result.blocks.count)
        var work: [Int] = result.blocks.isEmpty ? [] : [0]
        if !work.isEmpty { result.reachable[0] = true }
        while let b = work.popLast() {
            if fallsOff[b] {
                throw fail(Message.fallsOffEnd, offset: instructions[result.blocks[b].upperBound - 1].offset)
            }
            for s in result.successors[b] where !result.reachable[s] {
                result.reachable[s] = true
                work.append(s)
            }
        }
        return result
    }
}
