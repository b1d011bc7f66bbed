import Bytecode

/// The interpreter's operations: every bytecode opcode (same raw value), plus superinstructions the
/// lowering pass fuses from common sequences. Superinstructions never appear in modules; their gas is
/// the sum of the table gas of the instructions they replace.
enum InternalOp: UInt8 {
    // MARK: bytecode opcodes (raw values equal `Opcode`'s)
    case nop = 0x00, pushInt, pushConst, pushTrue, pushFalse, pop, dup, swap, localGet, localSet, localTee
    case addInt = 0x10, subInt, mulInt, divInt, modInt, negInt, eqInt, neInt, ltInt, leInt, gtInt, geInt
    case addDec = 0x20, subDec, mulDec, divDec, negDec, eqDec, neDec, ltDec, leDec, gtDec, geDec, intToDec, decToInt
    case not = 0x30, and, or, eqBool, neBool
    case eqBlob = 0x38, neBlob, concat, blobLen, sha256, toBytes, intToString, byteAt
    case jump = 0x40, jumpIf, jumpUnless, call, ret, revert, assertFail
    case listNew = 0x50, listLit, listLen, listGet, listSet, listPush, listPop, split
    case mapNew = 0x58, mapGet, mapSet, mapHas, mapRemove, mapLen, mapKeyAt, mapValueAt
    case structNew = 0x60, structGet, structSet, copy
    case sload = 0x70, sstore, smapGet, smapSet, smapHas, smapRemove, smapFirst, smapNext
    case slistLen, slistGet, slistSet, slistPush, slistPop
    case caller = 0x80, origin, selfAddress, callValue, blockHeight, blockTime, gasLeft, balance, transfer, emit
    case callExt, tryCallExt

    // MARK: superinstructions (L = local, I = 64-bit immediate, S = stack operands)
    /// push L[a], L[b]
    case getGet = 0x8C
    /// push L[a] op L[b]
    case addLL, subLL, mulLL
    /// push L[a] op b
    case addLI, subLI, mulLI, divLI, modLI
    /// top = top op b
    case addI, subI, mulI, divI, modI
    /// top = top op L[a]
    case addL, subL, mulL, divL, modL
    /// L[a] += pop (an `x += expr` whose leading `local_get x` was dropped)
    case addToLocal
    /// L[a] += 1, then: if L[a] <cond> L[b & 0xffffffff] goto this + (b >> 32) (signed, relative), else skip the next instruction
    /// (a copy of this loop test kept for jumps into it): a counted loop's back edge in one step
    case incBranchLL
    /// L[a] += 1, then: if L[a] <cond> Int32(b & 0xffffffff) goto this + (b >> 32), else skip the next instruction
    case incBranchLI
    /// `inc_branch_ll` / `inc_branch_li` whose condition is `<` (the usual counted loop), with the
    /// comparison inline instead of decoded from `cond`
    case incBranchLtLL, incBranchLtLI
    /// `xs[i] = x = v`: L[a] = v, then list_set(xs, i, v) (`local_tee; list_set`)
    case teeListSet
    /// y = pop, x = pop; push x * y / L[a] — the royalty formula `amount * weight / total`; when the
    /// multiply traps, the gas of the `local_get` and `div_int` is given back
    case mulDivL
    /// L[a] += b
    case incLocal
    /// L[a] += L[b]
    case addSetLL
    /// if L[a] <cond> L[b & 0xffffffff] goto b >> 32
    case branchLL
    /// if L[a] <cond> Int32(b & 0xffffffff) goto b >> 32
    case branchLI
    /// pop y, x; if x <cond> y goto a
    case branchS
    /// push L[a][L[b]]
    case listGetLL
    /// return L[a] (functions with one result)
    case retLocal
    /// `div_i` / `mod_i` (on the top) and `div_li` / `mod_li` (on L[a]) by an immediate `d >= 2`: the
    /// magic-number division by `Program.divisors[b]` (`ConstantDivisor`) for dividends in `0 ..< 2^63`,
    /// the general path otherwise. Never traps (`d >= 2`).
    case divIMagic, modIMagic, divLIMagic, modLIMagic
    /// push (L[a & 0xffff] * L[a >> 16]) % d, `d >= 2` the divisor `Program.divisors[b]`
    /// (`local_get; local_get; mul_int; push_int d; mod_int`); only the multiply can trap
    case mulLLModI
    /// push L[a] * (L[b & 0xffffffff] + Int32(b >> 32)) (`local_get; local_get; push_int; add_int; mul_int`,
    /// the `x * (i + 1)` of a weighted sum); the add traps first
    case mulLAddLI
    /// L[a][L[b & 0xffffffff]] = L[b >> 32] (`local_get; local_get; local_get; list_set`)
    case listSetLLL
    /// if L[a & 0xffff] <cond> Int32(b & 0xffffffff) goto b >> 32, else return L[a >> 16]
    /// (`if n < 2 { return n }`: a fused branch followed by `local_get; ret` in a one-result function)
    case branchLIElseRet
    /// y = pop, x = pop; L[b] = x * y / L[a] (`mul_div_l` followed by `local_set`: `let x = p * w / s`)
    case mulDivLSet
    /// L[b >> 32] += (L[a & 0xffff] * L[a >> 16]) % d, d = `Program.divisors[b & 0xffffffff]` >= 2
    /// (`mul_ll_mod_i` whose value an `x += e` adds: `acc += i * i % k`)
    case accMulLLModI
    /// L[b >> 32] += L[a & 0xffff] * (L[a >> 16] + Int32(b & 0xffffffff)) (`mul_l_add_li` whose value an
    /// `x += e` adds: `rs += x * (i + 1)`)
    case accMulLAddLI
    /// push L[a], L[b & 0xffffffff][L[b >> 32]] (`local_get; local_get; local_get; list_get`: `p * w[i]`)
    case getListGetLLL
    /// L[b >> 32] = L[a & 0xffff] * L[a >> 16][L[b & 0xffff]] / L[(b >> 16) & 0xffff]: a proportional
    /// share `let x = amount * weights[i] / total` (`local_get` ×3; `list_get; mul_int; local_get; div_int;
    /// local_set`), its parts trapping in order: the index, the multiply, the division
    case mulListGetDivLSet
    /// The same share, `local_tee x; list_set` into the list and index below it on the stack
    /// (`xs[i] = x = amount * weights[i] / total`); the store's index traps last
    case mulListGetDivLTeeListSet
    /// if L[a & 0xffff] <cond> Int32(b) return L[a >> 16], else fall through: a forward branch whose
    /// target is `local_get; ret` (`if n < 2 { return n }` with the return placed after the body)
    case branchLIRet
    /// `xs[j] = x = amount * weights[i] / total` with every operand a local (`local_get xs; local_get j`
    /// before `mul_list_get_div_l_tee_list_set`): a = amount | weights << 16, b = i | total << 12 | x << 24 |
    /// xs << 36 | j << 48 (12 bits each: locals are fewer than 4,096); its parts trap in the same order
    case listSetShareLL
    /// `branch_li_ret` whose condition is `<` (`if n < k { return y }`, also the compiled `branch_li_else_ret`
    /// whose target is the next instruction, negated), with the comparison inline instead of decoded from `cond`
    case branchLtLIRet
    /// push L[a] - b, then the `call` that is the next instruction (which stays, for jumps into it), in one
    /// step when metering by runs (`f(n - 1)`); metering per step it is `sub_li` and the call runs on its own
    case subLICall
    /// `add_int`, then the `ret` that is the next instruction (which stays, for jumps and returns into it), in
    /// one step when metering by runs (`return f(a) + f(b)`); metering per step it is `add_int`
    case addRet
}

/// Comparison codes of the fused branches.
enum Condition: UInt8 {
    case eq, ne, lt, le, gt, ge

    init?(_ op: Opcode) {
        switch op {
        case .eqInt: self = .eq
        case .neInt: self = .ne
        case .ltInt: self = .lt
        case .leInt: self = .le
        case .gtInt: self = .gt
        case .geInt: self = .ge
        default: return nil
        }
    }

    var negated: Condition {
        switch self {
        case .eq: .ne
        case .ne: .eq
        case .lt: .ge
        case .le: .gt
        case .gt: .le
        case .ge: .lt
        }
    }

    @inline(__always) func holds(_ x: Int128, _ y: Int128) -> Bool {
        switch self {
        case .eq: x == y
        case .ne: x != y
        case .lt: x < y
        case .le: x <= y
        case .gt: x > y
        case .ge: x >= y
        }
    }
}

extension InternalOp {
    /// Whether the instruction ends a run (a straight-line stretch whose base gas is charged at once,
    /// Docs/gas.md "Metering by runs"): it may leave the fall-through path (jumps, branches, calls,
    /// returns, traps it always raises), charge dynamic gas or read the gas left (every out-of-line
    /// instruction, `push_const`, `list_push`). Only instructions that do none of that may run inside a
    /// run without their own gas check, because nothing in them can observe gas. (`sub_li_call` and `add_ret`
    /// run the `call` / `ret` after them, which ends their run: their run includes it, as unfused.)
    var endsRun: Bool {
        switch self {
        case .nop, .pushInt, .pushTrue, .pushFalse, .pop, .dup, .swap, .localGet, .localSet, .localTee,
            .addInt, .subInt, .mulInt, .divInt, .modInt, .negInt, .eqInt, .neInt, .ltInt, .leInt, .gtInt, .geInt,
            .addDec, .subDec, .mulDec, .divDec, .negDec, .eqDec, .neDec, .ltDec, .leDec, .gtDec, .geDec,
            .intToDec, .decToInt, .not, .and, .or, .eqBool, .neBool,
            .listLen, .listGet, .listSet, .listPop,
            .getGet, .addLL, .subLL, .mulLL, .addLI, .subLI, .mulLI, .divLI, .modLI,
            .addI, .subI, .mulI, .divI, .modI, .addL, .subL, .mulL, .divL, .modL,
            .addToLocal, .teeListSet, .mulDivL, .incLocal, .addSetLL, .listGetLL,
            .divIMagic, .modIMagic, .divLIMagic, .modLIMagic, .mulLLModI, .mulLAddLI, .listSetLLL, .mulDivLSet, .accMulLLModI, .accMulLAddLI, .getListGetLLL, .mulListGetDivLSet, .mulListGetDivLTeeListSet,
            .listSetShareLL, .subLICall, .addRet:
            false
        default:
            true
        }
    }
}

/// One lowered instruction: 24 bytes, read once per step.
struct Instr {
    var op: InternalOp
    /// A `Condition` for fused branches.
    var cond: UInt8
    /// Base gas (summed for superinstructions), charged before the instruction runs in per-step metering.
    var gas: UInt16
    var a: UInt32
    var b: Int64
    /// Base gas of this instruction and the rest of its run (up to and including the next instruction
    /// that `endsRun`): what metering by runs charges when control arrives here.
    var run: Int64 = 0

    init(_ op: InternalOp, gas: UInt16, a: UInt32 = 0, b: Int64 = 0, cond: UInt8 = 0) {
        self.op = op
        self.cond = cond
        self.gas = gas
        self.a = a
        self.b = b
    }
}
