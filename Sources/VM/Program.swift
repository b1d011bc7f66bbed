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
    /// The module this program was lowered from (trace mode lowers it again without fusion).
    public let verified: VerifiedModule
    let code: UnsafeMutableBufferPointer<Instr>
    let functions: [FunctionInfo]
    /// For each instruction index: the function it belongs to and its bytecode offset.
    let origins: [(function: Int32, offset: Int32)]
    /// For each superinstruction, the bytecode instructions it covers (empty for plain ones); read only
    /// when a trap has to be located.
    let parts: [[FunctionLowering.Part]]
    /// Precomputed divisors for `div`/`mod` by an immediate, indexed by the instruction's `b`.
    let divisors: UnsafeMutableBufferPointer<ConstantDivisor>
    /// Int and Dec constants by constant index (0 for blob constants).
    let scalarConstants: [Int128]
    /// True when superinstructions were fused (false in trace mode, so every bytecode step shows).
    public let fused: Bool
    /// True when gas is charged per run (`Instr.run`, Docs/gas.md "Metering by runs"); false charges and
    /// checks every instruction, the reference the tests compare against. Trace mode always charges per step.
    let meteredByRuns: Bool

    /// Lowers `verified`. `fuse: false` keeps one internal instruction per bytecode instruction;
    /// `meteredByRuns: false` charges gas instruction by instruction (same results, slower).
    public init(_ verified: VerifiedModule, fuse: Bool = true, meteredByRuns: Bool = true) {
        let module = verified.module
        self.module = module
        self.verified = verified
        self.fused = fuse
        self.meteredByRuns = meteredByRuns
        var lowered: [Instr] = []
        var origins: [(Int32, Int32)] = []
        var parts: [[FunctionLowering.Part]] = []
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
            var lowering = FunctionLowering(insts, function: function, module: module, fuse: fuse)
            var map: [Int: Int] = [:]
            var i = 0
            while i < insts.count {
                if lowering.dropped[i] {
                    map[insts[i].offset] = lowered.count
                    i += 1
                    continue
                }
                let (instr, width, target, covered) = lowering.lower(at: i)
                parts.append(covered)
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
            case .incBranchLL, .incBranchLI, .incBranchLtLL, .incBranchLtLI:
                // Relative to the instruction: the back edge then needs no code base (`pc + (b >> 32)`).
                let relative = Int64(target) - Int64(fix.index)
                lowered[fix.index].b = (lowered[fix.index].b & 0xFFFF_FFFF) | relative << 32
            case .branchLL, .branchLI, .branchLIElseRet:
                lowered[fix.index].b = (lowered[fix.index].b & 0xFFFF_FFFF) | Int64(target) << 32
            default:
                lowered[fix.index].a = target
            }
        }
        // The callee's facts go into the call instruction, so `call` reads no table: a = parameters |
        // declared locals << 16, b = the entry relative to the call (signed 32 bits: `pc + offset`, no code
        // base) | (declared locals + max stack) << 32. The verifier bounds locals (parameters included) and
        // max stack by 4,096 (`Limits`), so each fits its field.
        for (i, instr) in lowered.enumerated() where instr.op == .call {
            let callee = infos[Int(instr.a)]
            let declared = callee.locals - callee.params
            lowered[i].a = UInt32(truncatingIfNeeded: callee.params & 0xFFFF | (declared & 0xFFFF) << 16)
            let relative = UInt32(bitPattern: Int32(truncatingIfNeeded: callee.entry - i))
            lowered[i].b = Int64(relative) | Int64(declared + callee.maxStack) << 32
            lowered[i].gas = UInt16(clamping: Int64(instr.gas) + Program.frameGas(callee))
        }
        // An argument computed just before a call, a sum just before a return: the first instruction runs the
        // second (its next one, which stays for jumps and returns into it) in the same step when metering by runs.
        if fuse {
            for i in lowered.indices.dropLast() where origins[i].0 == origins[i + 1].0 {
                switch (lowered[i].op, lowered[i + 1].op) {
                case (.subLI, .call): lowered[i].op = .subLICall
                case (.addInt, .ret): lowered[i].op = .addRet
                default: break
                }
            }
        }
        // Division by an immediate d >= 2: a magic-number op with a precomputed divisor (`b` its index).
        var divisors: [ConstantDivisor] = []
        for (i, instr) in lowered.enumerated() {
            let magic: InternalOp
            switch instr.op {
            case .divI: magic = .divIMagic
            case .modI: magic = .modIMagic
            case .divLI: magic = .divLIMagic
            case .modLI: magic = .modLIMagic
            case .mulLLModI: magic = .mulLLModI  // the lowering made these two only for d >= 2
            case .accMulLLModI: magic = .accMulLLModI  // b = d (< 2^32) | acc << 32
            default: continue
            }
            let keep = magic == .accMulLLModI ? instr.b & ~0xFFFF_FFFF : 0
            guard let d = ConstantDivisor(magic == .accMulLLModI ? instr.b & 0xFFFF_FFFF : instr.b) else { continue }
            lowered[i].op = magic
            lowered[i].b = Int64(divisors.count) | keep
            divisors.append(d)
        }
        // Each instruction's run: its gas and that of the following ones up to the next run end (or the end
        // of its function, though verified functions end with a terminator).
        var startsFunction = [Bool](repeating: false, count: lowered.count + 1)
        for info in infos { startsFunction[info.entry] = true }
        var rest: Int64 = 0
        for i in lowered.indices.reversed() {
            if lowered[i].op.endsRun || startsFunction[i + 1] { rest = 0 }
            rest &+= Int64(lowered[i].gas)
            lowered[i].run = rest
        }
        self.divisors = .allocate(capacity: max(divisors.count, 1))
        _ = self.divisors.initialize(from: divisors)
        let buffer = UnsafeMutableBufferPointer<Instr>.allocate(capacity: max(lowered.count, 1))
        _ = buffer.initialize(from: lowered)
        self.code = buffer
        self.functions = infos
        self.origins = origins
        self.parts = parts
        self.scalarConstants = module.constants.map { c in
            switch c {
            case .int(let v), .dec(let v): v
            default: 0
            }
        }
    }

    deinit {
        code.deallocate()
        divisors.deallocate()
    }

    /// Gas for zeroing a frame's declared locals: `GasSchedule.perEightLocals` per 8, rounded up.
    static func frameGas(_ f: FunctionInfo) -> Int64 {
        Int64((f.locals - f.params + 7) / 8) * GasSchedule.perEightLocals
    }

    /// Function and bytecode offset where a trap at instruction `index` happened, as the unfused code
    /// would report it: for out of gas, the first part whose gas no longer fits in `gasBefore` (gas left
    /// before the instruction was charged); for other traps, the part that can trap named by
    /// `trappingPart` (-1: the last one; k >= 0: the k-th, counting only parts that can trap, when the
    /// handler says so, e.g. `mul_div_l`'s multiply is 0).
    /// `fromPart` skips the parts already paid for (out of gas in the return of `branch_li_else_ret`).
    func trapOrigin(
        of index: Int, reason: TrapReason, gasBefore: Int64, trappingPart: Int = -1, fromPart: Int = 0
    ) -> (function: Int, offset: Int) {
        let (function, offset) = origin(of: index)
        guard index >= 0 && index < parts.count, parts[index].count > fromPart else { return (function, offset) }
        let covered = Array(parts[index][fromPart...])
        if reason == .outOfGas {
            var spent: Int64 = 0
            for part in covered {
                spent += Int64(part.gas)
                if spent > gasBefore { return (function, Int(part.offset)) }
            }
            return (function, Int(covered[covered.count - 1].offset))
        }
        let k = trappingPartIndex(index, trappingPart) ?? 0
        return (function, Int(parts[index][k].offset))
    }

    /// Index in `parts[index]` of the superinstruction's `k`-th part that can trap (-1: the last).
    func trappingPartIndex(_ index: Int, _ k: Int) -> Int? {
        guard index >= 0 && index < parts.count else { return nil }
        let trapping = parts[index].indices.filter { parts[index][$0].canTrap }
        return k < 0 ? trapping.last : k < trapping.count ? trapping[k] : nil
    }

    /// Gas of the parts of the superinstruction at `index` after its `k`-th part that can trap (-1: the
    /// last): what a trap in that part gives back (the later parts never ran).
    func gasAfterTrappingPart(_ index: Int, _ k: Int) -> Int64 {
        guard let j = trappingPartIndex(index, k) else { return 0 }
        return parts[index][(j + 1)...].reduce(0) { $0 + Int64($1.gas) }
    }

    /// Function and bytecode offset of the instruction at `index`.
    func origin(of index: Int) -> (function: Int, offset: Int) {
        guard index >= 0 && index < origins.count else { return (0, 0) }
        return (Int(origins[index].function), Int(origins[index].offset))
    }
}

extension Program {
    /// The lowered code, one instruction a line (`datanet disasm --lowered`): shows which sequences
    /// were fused.
    public var listing: String {
        var lines: [String] = []
        for (index, instr) in code.enumerated() {
            let (f, offset) = origin(of: index)
            let name = f < module.functions.count ? module.functions[f].name : "?"
            lines.append("\(index)\t\(name)+\(offset)\t\(instr.op) a=\(instr.a) b=\(instr.b) cond=\(instr.cond) gas=\(instr.gas)")
        }
        return lines.joined(separator: "\n")
    }
}
