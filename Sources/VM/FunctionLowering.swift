import Bytecode

/// Lowers one function's instructions to `Instr`s, fusing common sequences into superinstructions.
///
/// Rules that keep fusion invisible to contracts:
/// - a sequence is fused only when none of its instructions but the first is a jump target;
/// - a superinstruction's gas is the sum of the table gas of what it replaces, charged up front, so the
///   fast path has one gas check. Where a part can trap before later parts run (`inc_local`,
///   `add_set_ll`, `add_to_local`: the add before the `local_set`; `mul_div_l`: the multiply before the
///   divide), the trap gives the later parts' gas back, and when the up-front charge fails the
///   interpreter replays the boundary exactly (`Machine.exactOutOfGas`): if the unfused code would have
///   paid for the trapping part and trapped there, that trap is reported instead of out of gas;
/// - each lowered instruction keeps its parts (offset, gas, whether it can trap), so a trap is located
///   at the part the unfused code would have stopped at.
struct FunctionLowering {
    let insts: [Instruction]
    let function: Function
    let module: Module
    let fuse: Bool
    private var isTarget: [Bool]
    /// Instruction index by bytecode offset (-1 between instructions).
    private var indexAtOffset: [Int]
    /// `local_get x` instructions removed because an `x += expr` pattern reads `x` at its end instead.
    /// A jump to a removed instruction lands on the next lowered one (the start of E).
    private(set) var dropped: [Bool]
    /// Index of an `add_int` (followed by `local_set x`) -> x, for `x += expr` patterns.
    private var accumulateInto: [Int: Int64] = [:]
    /// Extra gas to charge on the instruction at an index (the gas of a dropped `local_get`).
    private var extraGas: [Int: Int] = [:]
    /// The dropped `local_get` that logically runs just before the instruction at an index.
    private var droppedBefore: [Int: [Part]] = [:]

    init(_ insts: [Instruction], function: Function, module: Module, fuse: Bool) {
        self.insts = insts
        self.function = function
        self.module = module
        self.fuse = fuse
        isTarget = [Bool](repeating: false, count: function.code.count + 1)
        for inst in insts where inst.opcode.info.flags.contains(.branch) {
            let t = Int(inst.immediates[0])
            if t >= 0 && t < isTarget.count { isTarget[t] = true }
        }
        indexAtOffset = [Int](repeating: -1, count: function.code.count + 1)
        for (k, inst) in insts.enumerated() where inst.offset < indexAtOffset.count { indexAtOffset[inst.offset] = k }
        dropped = [Bool](repeating: false, count: insts.count)
        if fuse { findAccumulations() }
    }

    private func target(_ k: Int) -> Bool { isTarget[insts[k].offset] }

    /// Finds `local_get x; E; add_int; local_set x` where E is straight-line code that leaves one value,
    /// never writes `x` and is not jumped into, and rewrites it as `E; add_to_local x`. Reading `x`
    /// after E instead of before is the same value because nothing in E writes `x` (a call cannot write
    /// its caller's locals).
    private mutating func findAccumulations() {
        var i = 0
        while i < insts.count {
            defer { i += 1 }
            guard insts[i].opcode == .localGet, i + 1 < insts.count, !target(i + 1) else { continue }
            let x = insts[i].immediates[0]
            var depth = 0
            var k = i + 1
            while k < insts.count && k <= i + 32 {
                let inst = insts[k]
                let flags = inst.opcode.info.flags
                if k > i + 1 && target(k) { break }
                if flags.contains(.branch) || flags.contains(.terminator) { break }
                if (inst.opcode == .localSet || inst.opcode == .localTee) && inst.immediates[0] == x { break }
                guard let (pops, pushes) = inst.stackCounts(in: module, function: function), pops <= depth else { break }
                depth += pushes - pops
                // E of one instruction is better served by `inc_local` / `add_set_ll`.
                if depth == 1, k > i + 1, k + 2 < insts.count, insts[k + 1].opcode == .addInt, insts[k + 2].opcode == .localSet,
                    insts[k + 2].immediates[0] == x, !target(k + 1), !target(k + 2)
                {
                    dropped[i] = true
                    accumulateInto[k + 1] = x
                    extraGas[i + 1, default: 0] += Int(insts[i].opcode.info.gas)
                    droppedBefore[i + 1] = [Part(insts[i])]
                    i = k + 2
                    break
                }
                k += 1
            }
        }
    }

    private static let binaryLL: [Opcode: InternalOp] = [.addInt: .addLL, .subInt: .subLL, .mulInt: .mulLL]
    private static let binaryLI: [Opcode: InternalOp] = [
        .addInt: .addLI, .subInt: .subLI, .mulInt: .mulLI, .divInt: .divLI, .modInt: .modLI,
    ]
    private static let binaryI: [Opcode: InternalOp] = [
        .addInt: .addI, .subInt: .subI, .mulInt: .mulI, .divInt: .divI, .modInt: .modI,
    ]
    private static let binaryL: [Opcode: InternalOp] = [
        .addInt: .addL, .subInt: .subL, .mulInt: .mulL, .divInt: .divL, .modInt: .modL,
    ]

    /// Lowers the instruction at `i`, fused with its successors when they form a known sequence.
    /// Returns the instruction, how many bytecode instructions it covers, and a jump target offset still
    /// to resolve.
    mutating func lower(at i: Int) -> (Instr, Int, Int?, [Part]) {
        var (instr, width, jump) = lowerUncharged(at: i)
        let extra = (i..<(i + width)).reduce(0) { $0 + (extraGas[$1] ?? 0) }
        instr.gas = UInt16(clamping: Int(instr.gas) + extra)
        var parts = (i..<(i + width)).flatMap { k in (droppedBefore[k] ?? []) + [Part(insts[k])] }
        // A counted loop's back edge: `i += 1` followed by the loop test `i < n; jump_if body` — usually a
        // jump target (a rotated loop enters at its test), so it cannot be fused into the increment. Instead
        // the increment carries a copy of the test and skips the original, which stays for the jumps.
        if fuse, instr.op == .incLocal, instr.b == 1, width == 4, extraGas[i + 4] == nil,
            let (branch, branchWidth, target) = fused(at: i + 4), branchWidth == 4,
            branch.op == .branchLL || branch.op == .branchLI, branch.a == instr.a
        {
            let lt = branch.cond == Condition.lt.rawValue
            let op: InternalOp = branch.op == .branchLL ? (lt ? .incBranchLtLL : .incBranchLL) : (lt ? .incBranchLtLI : .incBranchLI)
            let combined = Instr(op, gas: instr.gas &+ branch.gas, a: instr.a, b: branch.b, cond: branch.cond)
            parts += (i + 4..<i + 8).map { Part(insts[$0]) }
            return (combined, width, target, parts)
        }
        if instr.op == .branchLIRet || instr.op == .branchLtLIRet, width == 4, let k = returnAt(Int(insts[i + 3].immediates[0])) {
            parts += [Part(insts[k]), Part(insts[k + 1])]  // the return it runs when it branches
        }
        if parts.count == 1 { parts = [] }  // a plain instruction: its origin says it all
        return (instr, width, jump, parts)
    }

    /// One bytecode instruction inside a lowered one.
    struct Part {
        var offset: Int32
        var gas: UInt16
        var canTrap: Bool

        init(_ inst: Instruction) {
            offset = Int32(inst.offset)
            gas = inst.opcode.info.gas
            switch inst.opcode {
            case .localGet, .localSet, .localTee, .pushInt, .jump, .jumpIf, .jumpUnless, .ret, .eqInt, .neInt,
                .ltInt, .leInt, .gtInt, .geInt:
                canTrap = false
            default:
                canTrap = true
            }
        }
    }

    private func lowerUncharged(at i: Int) -> (Instr, Int, Int?) {
        let first = insts[i]
        if let x = accumulateInto[i] {
            return (Instr(.addToLocal, gas: gas(i, 2), a: UInt32(x)), 2, nil)
        }
        if fuse, let fused = fused(at: i) {
            // Prefer the longer fusion starting at the next instruction over a pair starting here.
            if fused.0.op == .getGet, let next = self.fused(at: i + 1), next.1 >= 3 {
                return plain(first)
            }
            return accumulating(fused, at: i) ?? fused
        }
        return plain(first)
    }

    /// `fused` (at `i`) followed by the `add_int; local_set x` of an `x += e` (`accumulateInto`): one
    /// instruction that adds its value to `x`, for the superinstructions that read only locals.
    private func accumulating(_ fused: (Instr, Int, Int?), at i: Int) -> (Instr, Int, Int?)? {
        let (instr, width, _) = fused
        let k = i + width
        guard let x = accumulateInto[k], x >= 0, x <= 0xFFFF else { return nil }
        let gas = UInt16(clamping: Int(instr.gas) + Int(self.gas(k, 2)))
        switch instr.op {
        case .mulLLModI where instr.b <= 0xFFFF_FFFF:
            return (Instr(.accMulLLModI, gas: gas, a: instr.a, b: instr.b | x << 32), width + 2, nil)
        case .mulLAddLI where instr.a <= 0xFFFF && instr.b & 0xFFFF_FFFF <= 0xFFFF:
            let a = instr.a | UInt32(instr.b & 0xFFFF_FFFF) << 16
            return (Instr(.accMulLAddLI, gas: gas, a: a, b: (instr.b >> 32) & 0xFFFF_FFFF | x << 32), width + 2, nil)
        default:
            return nil
        }
    }

    /// The index of the `local_get` of a `local_get; ret` at bytecode offset `target`, if that is what is there.
    private func returnAt(_ target: Int) -> Int? {
        guard target >= 0, target < indexAtOffset.count else { return nil }
        let k = indexAtOffset[target]
        guard k >= 0, k + 1 < insts.count, insts[k].opcode == .localGet, insts[k + 1].opcode == .ret else { return nil }
        return k
    }

    private func gas(_ i: Int, _ n: Int) -> UInt16 {
        UInt16(clamping: insts[i..<(i + n)].reduce(0) { $0 + Int($1.opcode.info.gas) })
    }

    /// The opcodes of the `n` instructions from `i`, if they may be fused (no jump target after the
    /// first, nothing dropped or rewritten inside).
    private func window(_ i: Int, _ n: Int) -> [Opcode]? {
        guard i + n <= insts.count else { return nil }
        for k in i..<(i + n) {
            if dropped[k] || (k > i && (target(k) || accumulateInto[k] != nil)) { return nil }
        }
        return insts[i..<(i + n)].map(\.opcode)
    }

    private func fused(at i: Int) -> (Instr, Int, Int?)? {
        guard i < insts.count, accumulateInto[i] == nil else { return nil }
        func imm(_ k: Int, _ j: Int = 0) -> Int64 { insts[i + k].immediates[j] }
        /// Up to five local indices of 12 bits each in one field, the first in the lowest bits.
        func twelveBits(_ xs: [Int64]) -> Int64? {
            var packed: Int64 = 0
            for (k, x) in xs.enumerated() {
                guard x >= 0, x <= 0xFFF else { return nil }
                packed |= x << (12 * Int64(k))
            }
            return packed
        }
        /// Two local indices in one field (locals are at most `Limits.maxLocals`, verified).
        func pair(_ x: Int64, _ y: Int64) -> UInt32? {
            guard x >= 0, x <= 0xFFFF, y >= 0, y <= 0xFFFF else { return nil }
            return UInt32(x) | UInt32(y) << 16
        }
        if let o = window(i, 11), o[0] == .localGet, o[1] == .localGet, o[2] == .localGet, o[3] == .localGet,
            o[4] == .localGet, o[5] == .listGet, o[6] == .mulInt, o[7] == .localGet, o[8] == .divInt,
            o[9] == .localTee, o[10] == .listSet, let ab = pair(imm(2), imm(3)),
            let b = twelveBits([imm(4), imm(7), imm(9), imm(0), imm(1)])
        {
            return (Instr(.listSetShareLL, gas: gas(i, 11), a: ab, b: b), 11, nil)
        }
        if let o = window(i, 9), o[0] == .localGet, o[1] == .localGet, o[2] == .localGet, o[3] == .listGet,
            o[4] == .mulInt, o[5] == .localGet, o[6] == .divInt, o[7] == .localTee, o[8] == .listSet,
            let ab = pair(imm(0), imm(1)), let cd = pair(imm(2), imm(5)), imm(7) >= 0, imm(7) <= 0xFFFF
        {
            return (Instr(.mulListGetDivLTeeListSet, gas: gas(i, 9), a: ab, b: Int64(cd) | imm(7) << 32), 9, nil)
        }
        if let o = window(i, 8), o[0] == .localGet, o[1] == .localGet, o[2] == .localGet, o[3] == .listGet,
            o[4] == .mulInt, o[5] == .localGet, o[6] == .divInt, o[7] == .localSet,
            let ab = pair(imm(0), imm(1)), let cd = pair(imm(2), imm(5)), imm(7) >= 0, imm(7) <= 0xFFFF
        {
            return (Instr(.mulListGetDivLSet, gas: gas(i, 8), a: ab, b: Int64(cd) | imm(7) << 32), 8, nil)
        }
        if let o = window(i, 6) {
            // `if x < k { return y }`: a forward branch on a local and an immediate whose fall-through is
            // `local_get y; ret`. (Only forward: a loop's test jumps back and stays a plain branch, which
            // the back edge's fusion copies.)
            if o[0] == .localGet, o[1] == .pushInt, let c = Condition(o[2]), o[3] == .jumpIf || o[3] == .jumpUnless,
                o[4] == .localGet, o[5] == .ret, function.results.count == 1, imm(3) > insts[i].offset,
                let k = Int32(exactly: imm(1)), let locals = pair(imm(0), imm(4))
            {
                let cond = o[3] == .jumpIf ? c : c.negated
                let b = Int64(UInt32(bitPattern: k))
                if i + 6 < insts.count, insts[i + 6].offset == imm(3) {
                    // The branch skips just the return: it returns when the condition fails, else falls through.
                    let returns = cond.negated
                    let op: InternalOp = returns == .lt ? .branchLtLIRet : .branchLIRet
                    return (Instr(op, gas: gas(i, 4), a: locals, b: b, cond: returns.rawValue), 6, nil)
                }
                return (Instr(.branchLIElseRet, gas: gas(i, 4), a: locals, b: b, cond: cond.rawValue), 6, Int(imm(3)))
            }
        }
        if let o = window(i, 5) {
            if o[0] == .localGet, o[1] == .localGet, o[2] == .mulInt, o[3] == .pushInt, o[4] == .modInt, imm(3) >= 2,
                let locals = pair(imm(0), imm(1))
            {
                return (Instr(.mulLLModI, gas: gas(i, 5), a: locals, b: imm(3)), 5, nil)
            }
            if o[0] == .localGet, o[1] == .localGet, o[2] == .pushInt, o[3] == .addInt, o[4] == .mulInt,
                let k = Int32(exactly: imm(2)), imm(1) >= 0, imm(1) <= 0xFFFF_FFFF,
                window(i + 4, 3).map({ $0[1] == .localGet && $0[2] == .divInt }) != true  // `mul_div_l` instead
            {
                let b = imm(1) | Int64(k) << 32
                return (Instr(.mulLAddLI, gas: gas(i, 5), a: UInt32(imm(0)), b: b), 5, nil)
            }
        }
        if let o = window(i, 4) {
            // `if x < k { return y }` with the return after the body: the branch returns when it is taken.
            if o[0] == .localGet, o[1] == .pushInt, let c = Condition(o[2]), o[3] == .jumpIf || o[3] == .jumpUnless,
                function.results.count == 1, imm(3) > insts[i].offset, let k = returnAt(Int(imm(3))),
                let v = Int32(exactly: imm(1)), let locals = pair(imm(0), insts[k].immediates[0])
            {
                let cond = o[3] == .jumpIf ? c : c.negated
                let op: InternalOp = cond == .lt ? .branchLtLIRet : .branchLIRet
                return (Instr(op, gas: gas(i, 4), a: locals, b: Int64(UInt32(bitPattern: v)), cond: cond.rawValue), 4, nil)
            }
            if o[0] == .mulInt, o[1] == .localGet, o[2] == .divInt, o[3] == .localSet {
                return (Instr(.mulDivLSet, gas: gas(i, 4), a: UInt32(imm(1)), b: imm(3)), 4, nil)
            }
            if o[0] == .localGet, o[1] == .localGet, o[2] == .localGet, o[3] == .listGet, imm(1) >= 0, imm(1) <= 0xFFFF_FFFF {
                return (Instr(.getListGetLLL, gas: gas(i, 4), a: UInt32(imm(0)), b: imm(1) | imm(2) << 32), 4, nil)
            }
            if o[0] == .localGet, o[1] == .localGet, o[2] == .localGet, o[3] == .listSet,
                imm(1) >= 0, imm(1) <= 0xFFFF_FFFF
            {
                return (Instr(.listSetLLL, gas: gas(i, 4), a: UInt32(imm(0)), b: imm(1) | imm(2) << 32), 4, nil)
            }
            if o[0] == .localGet, o[1] == .pushInt, o[2] == .addInt, o[3] == .localSet, imm(0) == imm(3) {
                return (Instr(.incLocal, gas: gas(i, 4), a: UInt32(imm(0)), b: imm(1)), 4, nil)
            }
            if o[0] == .localGet, o[1] == .localGet, o[2] == .addInt, o[3] == .localSet, imm(0) == imm(3) {
                return (Instr(.addSetLL, gas: gas(i, 4), a: UInt32(imm(0)), b: imm(1)), 4, nil)
            }
            if o[0] == .localGet, o[3] == .jumpIf || o[3] == .jumpUnless, let c = Condition(o[2]) {
                let cond = o[3] == .jumpIf ? c : c.negated
                if o[1] == .localGet {
                    return (Instr(.branchLL, gas: gas(i, 4), a: UInt32(imm(0)), b: imm(1), cond: cond.rawValue), 4, Int(imm(3)))
                }
                if o[1] == .pushInt, let k = Int32(exactly: imm(1)) {
                    let b = Int64(UInt32(bitPattern: k))
                    return (Instr(.branchLI, gas: gas(i, 4), a: UInt32(imm(0)), b: b, cond: cond.rawValue), 4, Int(imm(3)))
                }
            }
        }
        if let o = window(i, 3) {
            if o[0] == .mulInt, o[1] == .localGet, o[2] == .divInt {
                return (Instr(.mulDivL, gas: gas(i, 3), a: UInt32(imm(1))), 3, nil)
            }
            if o[0] == .localGet, o[1] == .localGet, o[2] == .listGet {
                return (Instr(.listGetLL, gas: gas(i, 3), a: UInt32(imm(0)), b: imm(1)), 3, nil)
            }
            if o[0] == .localGet, o[1] == .localGet, let f = Self.binaryLL[o[2]] {
                return (Instr(f, gas: gas(i, 3), a: UInt32(imm(0)), b: imm(1)), 3, nil)
            }
            if o[0] == .localGet, o[1] == .pushInt, let f = Self.binaryLI[o[2]] {
                return (Instr(f, gas: gas(i, 3), a: UInt32(imm(0)), b: imm(1)), 3, nil)
            }
        }
        if let o = window(i, 2) {
            if let c = Condition(o[0]), o[1] == .jumpIf || o[1] == .jumpUnless {
                let cond = o[1] == .jumpIf ? c : c.negated
                return (Instr(.branchS, gas: gas(i, 2), cond: cond.rawValue), 2, Int(imm(1)))
            }
            if o[0] == .localTee, o[1] == .listSet {
                return (Instr(.teeListSet, gas: gas(i, 2), a: UInt32(imm(0))), 2, nil)
            }
            if o[0] == .pushInt, let f = Self.binaryI[o[1]] {
                return (Instr(f, gas: gas(i, 2), b: imm(0)), 2, nil)
            }
            if o[0] == .localGet, let f = Self.binaryL[o[1]] {
                return (Instr(f, gas: gas(i, 2), a: UInt32(imm(0))), 2, nil)
            }
            if o[0] == .localGet, o[1] == .ret, function.results.count == 1 {
                return (Instr(.retLocal, gas: gas(i, 2), a: UInt32(imm(0))), 2, nil)
            }
            if o[0] == .localGet, o[1] == .localGet {
                return (Instr(.getGet, gas: gas(i, 2), a: UInt32(imm(0)), b: imm(1)), 2, nil)
            }
        }
        return nil
    }

    /// One bytecode instruction, unfused.
    private func plain(_ inst: Instruction) -> (Instr, Int, Int?) {
        let op = InternalOp(rawValue: inst.opcode.rawValue) ?? .nop
        let info = inst.opcode.info
        if op == .ret { return (Instr(op, gas: info.gas, a: UInt32(function.results.count)), 1, nil) }
        let a = inst.immediates.first.map { UInt32(truncatingIfNeeded: $0) } ?? 0
        let b = inst.immediates.count > 1 ? inst.immediates[1] : (inst.immediates.first ?? 0)
        let target = info.flags.contains(.branch) ? Int(inst.immediates[0]) : nil
        return (Instr(op, gas: info.gas, a: a, b: b), 1, target)
    }
}
