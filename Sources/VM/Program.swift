import Bytecode
import Verifier

/// A verified module lowered for the interpreter: one contiguous array of `Instr` for all functions,
/// jump targets resolved to instruction indices, and (unless tracing) common sequences fused into
/// superinstructions. Built once per module and reused for every call.
public final class Program: @unchecked Sendable {
    /// Per-function facts the call instruction needs.
    struct FunctionInfo {
        var entry: Int
        var params: Int
        var locals: Int  // parameters included
        var maxStack: Int
        var results: Int
    }

    public let module: Module
    let code: UnsafeMutableBufferPointer<Instr>
    let functions: [FunctionInfo]
    /// For each instruction index: the function it belongs to and its bytecode offset.
    let origins: [(function: Int32, offset: Int32)]
    /// Int and Dec constants by constant index (0 for blob constants).
    let scalarConstants: [Int128]
    /// True when superinstructions were fused (false in trace mode, so every bytecode step shows).
    public let fused: Bool

    /// Lowers `verified`. `fuse: false` keeps one internal instruction per bytecode instruction.
    public init(_ verified: VerifiedModule, fuse: Bool = true) {
        let module = verified.module
        self.module = module
        self.fused = fuse
        var lowered: [Instr] = []
        var origins: [(Int32, Int32)] = []
        var infos: [FunctionInfo] = []
        var fixups: [(index: Int, function: Int, targetOffset: Int)] = []
        var offsetToIndex: [[Int: Int]] = []

        for (fi, function) in module.functions.enumerated() {
            let entry = lowered.count
            infos.append(FunctionInfo(
                entry: entry, params: function.params.count, locals: function.localCount,
                maxStack: Int(function.maxStack), results: function.results.count))
            // Verified code always decodes; an empty list keeps a malformed module inert.
            let insts = (try? Instruction.decodeAll(function.code)) ?? []
            var isTarget = [Bool](repeating: false, count: function.code.count + 1)
            for inst in insts where inst.opcode.info.flags.contains(.branch) {
                let t = Int(inst.immediates[0])
                if t >= 0 && t < isTarget.count { isTarget[t] = true }
            }
            var map: [Int: Int] = [:]
            var i = 0
            while i < insts.count {
                let (instr, width, target) = Program.lower(insts, at: i, isTarget: isTarget, function: function, fuse: fuse)
                map[insts[i].offset] = lowered.count
                if let target { fixups.append((lowered.count, fi, target)) }
                lowered.append(instr)
                origins.append((Int32(fi), Int32(insts[i].offset)))
                i += width
            }
            offsetToIndex.append(map)
        }
        for fix in fixups {
            let target = UInt32(offsetToIndex[fix.function][fix.targetOffset] ?? 0)
            switch lowered[fix.index].op {
            case .branchLL, .branchLI:
                lowered[fix.index].b = (lowered[fix.index].b & 0xFFFF_FFFF) | Int64(target) << 32
            default:
                lowered[fix.index].a = target
            }
        }
        for (i, instr) in lowered.enumerated() where instr.op == .call {
            lowered[i].b = Int64(infos[Int(instr.a)].entry)
        }
        let buffer = UnsafeMutableBufferPointer<Instr>.allocate(capacity: max(lowered.count, 1))
        _ = buffer.initialize(from: lowered)
        self.code = buffer
        self.functions = infos
        self.origins = origins
        self.scalarConstants = module.constants.map { c in
            switch c {
            case .int(let v), .dec(let v): v
            default: 0
            }
        }
    }

    deinit { code.deallocate() }

    /// Function and bytecode offset of the instruction at `index`.
    func origin(of index: Int) -> (function: Int, offset: Int) {
        guard index >= 0 && index < origins.count else { return (0, 0) }
        return (Int(origins[index].function), Int(origins[index].offset))
    }

    // MARK: - Lowering one instruction or a fused sequence

    private static func gas(_ ops: ArraySlice<Instruction>) -> UInt16 {
        UInt16(clamping: ops.reduce(0) { $0 + Int($1.opcode.info.gas) })
    }

    /// Lowers the instruction at `i`, fusing it with its successors when they form a known sequence
    /// and none of them but the first is a jump target. Returns the instruction, how many bytecode
    /// instructions it covers, and a jump target offset still to resolve.
    private static func lower(
        _ insts: [Instruction], at i: Int, isTarget: [Bool], function: Function, fuse: Bool
    ) -> (Instr, Int, Int?) {
        let first = insts[i]
        if fuse {
            func ops(_ n: Int) -> [Opcode]? {
                guard i + n <= insts.count else { return nil }
                for k in 1..<n where isTarget[insts[i + k].offset] { return nil }
                return insts[i..<(i + n)].map(\.opcode)
            }
            func imm(_ k: Int, _ j: Int = 0) -> Int64 { insts[i + k].immediates[j] }
            func g(_ n: Int) -> UInt16 { gas(insts[i..<(i + n)]) }
            let binaryLL: [Opcode: InternalOp] = [.addInt: .addLL, .subInt: .subLL, .mulInt: .mulLL]
            let binaryLI: [Opcode: InternalOp] = [.addInt: .addLI, .subInt: .subLI, .mulInt: .mulLI, .divInt: .divLI, .modInt: .modLI]
            let binaryI: [Opcode: InternalOp] = [.addInt: .addI, .subInt: .subI, .mulInt: .mulI, .divInt: .divI, .modInt: .modI]

            if let o = ops(4) {
                if o[0] == .localGet, o[1] == .pushInt, o[2] == .addInt, o[3] == .localSet, imm(0) == imm(3) {
                    return (Instr(.incLocal, gas: g(4), a: UInt32(imm(0)), b: imm(1)), 4, nil)
                }
                if o[0] == .localGet, o[1] == .localGet, o[2] == .addInt, o[3] == .localSet, imm(0) == imm(3) {
                    return (Instr(.addSetLL, gas: g(4), a: UInt32(imm(0)), b: imm(1)), 4, nil)
                }
                if o[0] == .localGet, o[3] == .jumpIf || o[3] == .jumpUnless, let c = Condition(o[2]) {
                    let cond = o[3] == .jumpIf ? c : c.negated
                    if o[1] == .localGet {
                        return (Instr(.branchLL, gas: g(4), a: UInt32(imm(0)), b: imm(1), cond: cond.rawValue), 4, Int(imm(3)))
                    }
                    if o[1] == .pushInt, let k = Int32(exactly: imm(1)) {
                        let b = Int64(UInt32(bitPattern: k))
                        return (Instr(.branchLI, gas: g(4), a: UInt32(imm(0)), b: b, cond: cond.rawValue), 4, Int(imm(3)))
                    }
                }
            }
            if let o = ops(3) {
                if o[0] == .localGet, o[1] == .localGet, o[2] == .listGet {
                    return (Instr(.listGetLL, gas: g(3), a: UInt32(imm(0)), b: imm(1)), 3, nil)
                }
                if o[0] == .localGet, o[1] == .localGet, let f = binaryLL[o[2]] {
                    return (Instr(f, gas: g(3), a: UInt32(imm(0)), b: imm(1)), 3, nil)
                }
                if o[0] == .localGet, o[1] == .pushInt, let f = binaryLI[o[2]] {
                    return (Instr(f, gas: g(3), a: UInt32(imm(0)), b: imm(1)), 3, nil)
                }
            }
            if let o = ops(2) {
                if let c = Condition(o[0]), o[1] == .jumpIf || o[1] == .jumpUnless {
                    let cond = o[1] == .jumpIf ? c : c.negated
                    return (Instr(.branchS, gas: g(2), cond: cond.rawValue), 2, Int(imm(1)))
                }
                if o[0] == .pushInt, let f = binaryI[o[1]] {
                    return (Instr(f, gas: g(2), b: imm(0)), 2, nil)
                }
                if o[0] == .localGet, o[1] == .ret, function.results.count == 1 {
                    return (Instr(.retLocal, gas: g(2), a: UInt32(imm(0))), 2, nil)
                }
                if o[0] == .localGet, o[1] == .localGet {
                    return (Instr(.getGet, gas: g(2), a: UInt32(imm(0)), b: imm(1)), 2, nil)
                }
            }
        }
        // One bytecode instruction.
        let op = InternalOp(rawValue: first.opcode.rawValue) ?? .nop
        let info = first.opcode.info
        let a = first.immediates.first.map { UInt32(truncatingIfNeeded: $0) } ?? 0
        let b = first.immediates.count > 1 ? first.immediates[1] : (first.immediates.first ?? 0)
        let target = info.flags.contains(.branch) ? Int(first.immediates[0]) : nil
        if op == .ret { return (Instr(op, gas: info.gas, a: UInt32(function.results.count)), 1, nil) }
        return (Instr(op, gas: info.gas, a: a, b: b), 1, target)
    }
}
