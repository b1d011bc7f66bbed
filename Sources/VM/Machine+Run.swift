import Bytecode

/// How the hot loop charges base gas (Docs/gas.md, "Metering by runs").
protocol Metering { static var perStep: Bool { get } }
/// Every instruction charges and checks its own gas before it runs: the reference, used in trace mode and
/// for the run that the gas left cannot pay for.
enum PerStep: Metering { static var perStep: Bool { true } }
/// A run's gas (`Instr.run`) is charged once when control enters it; the instructions inside it do not
/// check gas. When the gas left cannot pay for a run, that run executes per step, so out of gas stops
/// at the same instruction with the same gas as per-step metering.
enum PerRun: Metering { static var perStep: Bool { false } }

extension Machine {
    /// Runs function `entry` whose arguments are already in `stack[0 ..< params]`. On success the
    /// results are in `stack[0 ..< results]`; on failure returns the located trap.
    mutating func run<Mode: TraceMode>(entry: Int, mode: Mode.Type) -> Trap? {
        guard let code = UnsafePointer(program.code.baseAddress) else { return Trap(.badCall("empty program")) }
        let entryInfo = program.functions[entry]
        let fp = stack
        let sp = fp + entryInfo.locals
        guard sp + entryInfo.maxStack <= stackEnd else { return Trap(.stackOverflow) }
        guard charge(Program.frameGas(entryInfo)) else { return locate(.outOfGas, at: entryInfo.entry) }
        (fp + entryInfo.params).initialize(repeating: 0, count: entryInfo.locals - entryInfo.params)
        let pc = code + entryInfo.entry
        if Mode.on || !program.meteredByRuns {
            return loop(mode, PerStep.self, pc: pc, sp: sp, fp: fp, depth: 0)
        }
        return loop(Untraced.self, PerRun.self, pc: pc, sp: sp, fp: fp, depth: 0)
    }

    /// The interpreter loop from `pc` with `depth` frames below (in `frames`).
    ///
    /// Verified code needs no type, bounds or underflow checks on the stack; only guest-dependent
    /// conditions (overflow, division by zero, indices, gas, depth) are tested.
    mutating func loop<Mode: TraceMode, M: Metering>(
        _ mode: Mode.Type, _ metering: M.Type, pc start: UnsafePointer<Instr>,
        sp stackTop: UnsafeMutablePointer<Int128>, fp framePointer: UnsafeMutablePointer<Int128>, depth frameDepth: Int
    ) -> Trap? {
        guard let code = UnsafePointer(program.code.baseAddress) else { return Trap(.badCall("empty program")) }
        let divisors = UnsafePointer(program.divisors.baseAddress.unsafelyUnwrapped)
        var pc = start, sp = stackTop, fp = framePointer
        // The caller frames as a moving pointer (`frame` is the next free one) rather than an index: a call
        // and a return need no multiply. (The bounds stay in `self`: as locals they took registers.)
        var frame = frames + frameDepth
        var depth: Int { frame - frames }
        var gas = self.gas
        /// Gas of the `local_set` that ends `inc_local`, `add_set_ll` and `add_to_local`, given back
        /// when their add traps.
        let setGas = Int64(Opcode.localSet.info.gas)
        /// Gas of `local_get; push_int; add_int`, the parts of an increment up to its add.
        let incPrefixGas = Machine.incPrefixGas
        /// Gas of `local_get; ret`, the return that `branch_li_else_ret` charges when it does not branch.
        let retLocalGas = Machine.retLocalGas

        // Builds the located trap for the instruction at `pc`; `gas` is what is left after charging it
        // (and, metering by runs, the rest of its run, given back here).
        func trap(_ reason: TrapReason, _ pc: UnsafePointer<Instr>, _ gas: Int64, part: Int = -1) -> Trap {
            let gas = M.perStep ? gas : gas &+ (pc.pointee.run &- Int64(pc.pointee.gas))
            self.gas = reason == .outOfGas ? 0 : gas
            let gasBefore = reason == .outOfGas ? gas + Int64(pc.pointee.gas) : gas
            return locate(reason, at: pc - code, gasBefore: gasBefore, trappingPart: part)
        }
        // A trap in the `part`-th part that can trap of a superinstruction (-1: the last): the later parts
        // never ran, so their gas is given back.
        func trapInPart(_ part: Int, _ reason: TrapReason, _ pc: UnsafePointer<Instr>, _ gas: Int64) -> Trap {
            trap(reason, pc, gas &+ program.gasAfterTrappingPart(pc - code, part), part: part)
        }

        // Metering by runs, control enters a run here and wherever an instruction that ends a run
        // (`endsRun`) has set `pc`: it charges the run there (inline in each such case, which
        // measured faster than one shared entry point).
        if !M.perStep {
            gas &-= pc.pointee.run
            if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) }
        }
        while true {
            if Mode.on { traceStep(pc - code, depth: depth, gas: gas, sp: sp, fp: fp) }
            if M.perStep {
                gas &-= Int64(pc.pointee.gas)
                if gas < 0 { return exactOutOfGas(at: pc - code, gasAfter: gas, sp: sp, fp: fp) }
            }

            switch pc.pointee.op {
            // MARK: constants, stack, locals
            case .nop:
                pc += 1
            case .pushInt:
                sp.pointee = Int128(wide: pc.pointee.b); sp += 1; pc += 1
            case .pushConst:
                self.gas = gas
                guard let v = constant(Int(pc.pointee.a)) else { return trap(pendingTrap ?? .outOfGas, pc, self.gas) }
                gas = self.gas
                sp.pointee = v; sp += 1; pc += 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .pushTrue:
                sp.pointee = 1; sp += 1; pc += 1
            case .pushFalse:
                sp.pointee = 0; sp += 1; pc += 1
            case .pop:
                sp -= 1; pc += 1
            case .dup:
                sp.pointee = sp[-1]; sp += 1; pc += 1
            case .swap:
                let t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; pc += 1
            case .localGet:
                sp.pointee = fp[Int(pc.pointee.a)]; sp += 1; pc += 1
            case .localSet:
                sp -= 1; fp[Int(pc.pointee.a)] = sp.pointee; pc += 1
            case .localTee:
                fp[Int(pc.pointee.a)] = sp[-1]; pc += 1

            // MARK: Int
            case .addInt:
                let (r, o) = sp[-2].addingReportingOverflow(sp[-1])
                if o { return trap(.overflow, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
            case .subInt:
                let (r, o) = sp[-2].subtractingReportingOverflow(sp[-1])
                if o { return trap(.overflow, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
            case .mulInt:
                guard let r = Arithmetic.mul(sp[-2], sp[-1]) else { return trap(.overflow, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
            case .divInt:
                switch Arithmetic.div(sp[-2], sp[-1]) {
                case .ok(let q): sp[-2] = q; sp -= 1; pc += 1
                case .divisionByZero: return trap(.divisionByZero, pc, gas)
                case .overflow: return trap(.overflow, pc, gas)
                }
            case .modInt:
                guard let r = Arithmetic.rem(sp[-2], sp[-1]) else { return trap(.divisionByZero, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
            case .negInt, .negDec:
                let (r, o) = Int128(0).subtractingReportingOverflow(sp[-1])
                if o { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .eqInt, .eqDec, .eqBool:
                sp[-2] = sp[-2] == sp[-1] ? 1 : 0; sp -= 1; pc += 1
            case .neInt, .neDec, .neBool:
                sp[-2] = sp[-2] != sp[-1] ? 1 : 0; sp -= 1; pc += 1
            case .ltInt, .ltDec:
                sp[-2] = sp[-2] < sp[-1] ? 1 : 0; sp -= 1; pc += 1
            case .leInt, .leDec:
                sp[-2] = sp[-2] <= sp[-1] ? 1 : 0; sp -= 1; pc += 1
            case .gtInt, .gtDec:
                sp[-2] = sp[-2] > sp[-1] ? 1 : 0; sp -= 1; pc += 1
            case .geInt, .geDec:
                sp[-2] = sp[-2] >= sp[-1] ? 1 : 0; sp -= 1; pc += 1

            // MARK: Dec
            case .addDec:
                let (r, o) = sp[-2].addingReportingOverflow(sp[-1])
                if o { return trap(.overflow, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
            case .subDec:
                let (r, o) = sp[-2].subtractingReportingOverflow(sp[-1])
                if o { return trap(.overflow, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
            case .mulDec:
                guard let r = Arithmetic.mulDec(sp[-2], sp[-1]) else { return trap(.overflow, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
            case .divDec:
                switch Arithmetic.divDec(sp[-2], sp[-1]) {
                case .ok(let q): sp[-2] = q; sp -= 1; pc += 1
                case .divisionByZero: return trap(.divisionByZero, pc, gas)
                case .overflow: return trap(.overflow, pc, gas)
                }
            case .intToDec:
                guard let r = Arithmetic.mul(sp[-1], decScale) else { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .decToInt:
                sp[-1] = sp[-1] / decScale; pc += 1

            // MARK: Bool
            case .not:
                sp[-1] = sp[-1] == 0 ? 1 : 0; pc += 1
            case .and:
                sp[-2] = (sp[-2] != 0 && sp[-1] != 0) ? 1 : 0; sp -= 1; pc += 1
            case .or:
                sp[-2] = (sp[-2] != 0 || sp[-1] != 0) ? 1 : 0; sp -= 1; pc += 1

            // MARK: control
            case .jump:
                pc = code + Int(pc.pointee.a)
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .jumpIf:
                sp -= 1
                pc = sp.pointee != 0 ? code + Int(pc.pointee.a) : pc + 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .jumpUnless:
                sp -= 1
                pc = sp.pointee == 0 ? code + Int(pc.pointee.a) : pc + 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .subLICall:
                // `sub_li`; metering by runs, the `call` after it too (falling through to `call` with `pc` on it)
                let (r, o) = fp[Int(pc.pointee.a)].subtractingReportingOverflow(Int128(wide: pc.pointee.b))
                if o { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
                if M.perStep { continue }
                fallthrough
            case .call:
                // a = parameters | declared locals << 16, b = entry relative to here | (declared + max stack) << 32
                // (Program): verified counts, at most 4,096 each.
                if frame >= self.lastFrame { return trap(.callDepthExceeded, pc, gas) }
                let a = Int(pc.pointee.a), b = pc.pointee.b
                if sp + Int(truncatingIfNeeded: b >> 32) > stackEnd { return trap(.stackOverflow, pc, gas) }
                let declared = a >> 16
                if _slowPath(declared > 0) { sp.initialize(repeating: 0, count: declared) }
                frame.initialize(to: Frame(returnPC: pc + 1, fp: fp))
                frame += 1  // below the limit (checked above)
                fp = sp - (a & 0xFFFF); sp += declared; pc += Int(Int32(truncatingIfNeeded: b))
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .addRet:
                // `add_int`; metering by runs, the `ret` after it too (falling through to `ret` with `pc` on it)
                let (r, o) = sp[-2].addingReportingOverflow(sp[-1])
                if o { return trap(.overflow, pc, gas) }
                sp[-2] = r; sp -= 1; pc += 1
                if M.perStep { continue }
                fallthrough
            case .ret:
                let n = Int(pc.pointee.a)
                if n == 1 {
                    fp[0] = sp[-1]
                } else {
                    let results = sp - n
                    for k in 0..<n { fp[k] = results[k] }
                }
                sp = fp + n
                if frame == frames { self.gas = gas; return nil }
                frame -= 1
                pc = frame.pointee.returnPC; fp = frame.pointee.fp
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .retLocal:
                fp[0] = fp[Int(pc.pointee.a)]
                sp = fp + 1
                if frame == frames { self.gas = gas; return nil }
                frame -= 1
                pc = frame.pointee.returnPC; fp = frame.pointee.fp
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .branchLIRet:
                let a = Int(pc.pointee.a)
                let x = fp[a & 0xFFFF], y = Int128(wide: Int32(truncatingIfNeeded: pc.pointee.b))
                if unsafeBitCast(pc.pointee.cond, to: Condition.self).holds(x, y) {
                    // The target's `local_get; ret` is its own run: charged here, in both meterings.
                    gas &-= retLocalGas
                    if gas < 0 { return outOfGasInReturn(at: pc - code, gasBefore: gas &+ retLocalGas) }
                    fp[0] = fp[a >> 16]
                    sp = fp + 1
                    if frame == frames { self.gas = gas; return nil }
                    frame -= 1
                    pc = frame.pointee.returnPC; fp = frame.pointee.fp
                } else {
                    pc += 1
                }
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .branchLtLIRet:
                let a = Int(pc.pointee.a)
                if fp[a & 0xFFFF] < Int128(wide: Int32(truncatingIfNeeded: pc.pointee.b)) {
                    // The target's `local_get; ret` is its own run: charged here, in both meterings.
                    gas &-= retLocalGas
                    if gas < 0 { return outOfGasInReturn(at: pc - code, gasBefore: gas &+ retLocalGas) }
                    fp[0] = fp[a >> 16]
                    sp = fp + 1
                    if frame == frames { self.gas = gas; return nil }
                    frame -= 1
                    pc = frame.pointee.returnPC; fp = frame.pointee.fp
                } else {
                    pc += 1
                }
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .branchLIElseRet:
                let a = Int(pc.pointee.a)
                let x = fp[a & 0xFFFF], y = Int128(wide: Int32(truncatingIfNeeded: pc.pointee.b))
                if unsafeBitCast(pc.pointee.cond, to: Condition.self).holds(x, y) {
                    pc = code + Int(pc.pointee.b >> 32)
                } else {
                    // The fall-through `local_get; ret` is its own run: charged here, in both meterings.
                    gas &-= retLocalGas
                    if gas < 0 { return outOfGasInReturn(at: pc - code, gasBefore: gas &+ retLocalGas) }
                    fp[0] = fp[a >> 16]
                    sp = fp + 1
                    if frame == frames { self.gas = gas; return nil }
                    frame -= 1
                    pc = frame.pointee.returnPC; fp = frame.pointee.fp
                }
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .revert:
                let message = String(decoding: arena.blobBytes(Int(truncatingIfNeeded: sp[-1])), as: UTF8.self)
                return trap(.revert(message), pc, gas)
            case .assertFail:
                return trap(.assertionFailed, pc, gas)

            // MARK: lists (hot paths inline)
            case .listLen:
                sp[-1] = Int128(wide: arena.listCount(Int(truncatingIfNeeded: sp[-1]))); pc += 1
            case .listGet:
                let h = Int(truncatingIfNeeded: sp[-2]), i = sp[-1]
                guard arena.inBounds(i, h) else { return trap(.indexOutOfRange, pc, gas) }
                sp[-2] = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]; sp -= 1; pc += 1
            case .listGetLL:
                let h = Int(truncatingIfNeeded: fp[Int(pc.pointee.a)]), i = fp[Int(pc.pointee.b)]
                guard arena.inBounds(i, h) else { return trap(.indexOutOfRange, pc, gas) }
                sp.pointee = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]; sp += 1; pc += 1
            case .getListGetLLL:
                let b = pc.pointee.b
                let h = Int(truncatingIfNeeded: fp[Int(b & 0xFFFF_FFFF)]), i = fp[Int(b >> 32)]
                guard arena.inBounds(i, h) else { return trap(.indexOutOfRange, pc, gas) }
                sp[0] = fp[Int(pc.pointee.a)]
                sp[1] = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]; sp += 2; pc += 1
            case .mulListGetDivLSet:
                let a = Int(pc.pointee.a), b = Int(truncatingIfNeeded: pc.pointee.b)
                let h = Int(truncatingIfNeeded: fp[a >> 16]), i = fp[b & 0xFFFF]
                guard arena.inBounds(i, h) else { return trapInPart(0, .indexOutOfRange, pc, gas) }
                let w = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]
                let u = fp[a & 0xFFFF], d = fp[(b >> 16) & 0xFFFF]
                if let p = Arithmetic.smallProduct(u, w), let e = Arithmetic.small(d), e != 0 {
                    fp[b >> 32] = Int128(_low: p / e, _high: 0); pc += 1
                } else {
                    let (q, failure) = Machine.share(u, w, d)
                    if failure != .none {  // 2 is the last part that traps: the local_set never ran
                        return trapInPart(failure.trap.part, failure.trap.reason, pc, gas)
                    }
                    fp[b >> 32] = q; pc += 1
                }
            case .mulListGetDivLTeeListSet:
                let a = Int(pc.pointee.a), b = Int(truncatingIfNeeded: pc.pointee.b)
                let h = Int(truncatingIfNeeded: fp[a >> 16]), i = fp[b & 0xFFFF]
                guard arena.inBounds(i, h) else { return trapInPart(0, .indexOutOfRange, pc, gas) }
                let w = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]
                let u = fp[a & 0xFFFF], d = fp[(b >> 16) & 0xFFFF]
                let q: Int128
                if let p = Arithmetic.smallProduct(u, w), let e = Arithmetic.small(d), e != 0 {
                    q = Int128(_low: p / e, _high: 0)
                } else {
                    let (v, failure) = Machine.share(u, w, d)
                    if failure != .none { return trapInPart(failure.trap.part, failure.trap.reason, pc, gas) }
                    q = v
                }
                fp[b >> 32] = q
                let hs = Int(truncatingIfNeeded: sp[-2]), j = sp[-1]
                guard arena.inBounds(j, hs) else { return trap(.indexOutOfRange, pc, gas) }
                arena.words[arena.listData(hs) &+ Int(truncatingIfNeeded: j)] = q; sp -= 2; pc += 1
            case .listSetShareLL:
                let a = Int(pc.pointee.a), b = Int(truncatingIfNeeded: pc.pointee.b)
                let h = Int(truncatingIfNeeded: fp[a >> 16]), i = fp[b & 0xFFF]
                guard arena.inBounds(i, h) else { return trapInPart(0, .indexOutOfRange, pc, gas) }
                let w = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]
                let u = fp[a & 0xFFFF], d = fp[(b >> 12) & 0xFFF]
                let q: Int128
                if let p = Arithmetic.smallProduct(u, w), let e = Arithmetic.small(d), e != 0 {
                    q = Int128(_low: p / e, _high: 0)
                } else {
                    let (v, failure) = Machine.share(u, w, d)
                    if failure != .none { return trapInPart(failure.trap.part, failure.trap.reason, pc, gas) }
                    q = v
                }
                fp[(b >> 24) & 0xFFF] = q
                let hs = Int(truncatingIfNeeded: fp[(b >> 36) & 0xFFF]), j = fp[(b >> 48) & 0xFFF]
                guard arena.inBounds(j, hs) else { return trap(.indexOutOfRange, pc, gas) }
                arena.words[arena.listData(hs) &+ Int(truncatingIfNeeded: j)] = q; pc += 1
            case .listSetLLL:
                let b = pc.pointee.b
                let h = Int(truncatingIfNeeded: fp[Int(pc.pointee.a)]), i = fp[Int(b & 0xFFFF_FFFF)]
                guard arena.inBounds(i, h) else { return trap(.indexOutOfRange, pc, gas) }
                arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)] = fp[Int(b >> 32)]; pc += 1
            case .listSet:
                let h = Int(truncatingIfNeeded: sp[-3]), i = sp[-2]
                guard arena.inBounds(i, h) else { return trap(.indexOutOfRange, pc, gas) }
                arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)] = sp[-1]; sp -= 3; pc += 1
            case .teeListSet:
                fp[Int(pc.pointee.a)] = sp[-1]
                let h = Int(truncatingIfNeeded: sp[-3]), i = sp[-2]
                guard arena.inBounds(i, h) else { return trap(.indexOutOfRange, pc, gas) }
                arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)] = sp[-1]; sp -= 3; pc += 1
            case .listPush:
                let h = Int(truncatingIfNeeded: sp[-2])
                let count = arena.listCount(h)
                if count == arena.listCapacity(h) {
                    self.gas = gas
                    guard growList(h) else { return trap(pendingTrap ?? .outOfGas, pc, self.gas) }
                    gas = self.gas
                }
                arena.words[arena.listData(h) &+ count] = sp[-1]
                arena.setListCount(h, count + 1)
                sp -= 2; pc += 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .listPop:
                let h = Int(truncatingIfNeeded: sp[-1])
                let count = arena.listCount(h)
                guard count > 0 else { return trap(.indexOutOfRange, pc, gas) }
                sp[-1] = arena.words[arena.listData(h) &+ count - 1]
                arena.setListCount(h, count - 1)
                pc += 1

            // MARK: superinstructions
            case .getGet:
                sp[0] = fp[Int(pc.pointee.a)]; sp[1] = fp[Int(pc.pointee.b)]; sp += 2; pc += 1
            case .addLL:
                let (r, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(fp[Int(pc.pointee.b)])
                if o { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
            case .subLL:
                let (r, o) = fp[Int(pc.pointee.a)].subtractingReportingOverflow(fp[Int(pc.pointee.b)])
                if o { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
            case .mulLL:
                guard let r = Arithmetic.mul(fp[Int(pc.pointee.a)], fp[Int(pc.pointee.b)]) else { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
            case .addLI:
                let (r, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(Int128(wide: pc.pointee.b))
                if o { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
            case .subLI:
                let (r, o) = fp[Int(pc.pointee.a)].subtractingReportingOverflow(Int128(wide: pc.pointee.b))
                if o { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
            case .mulLI:
                guard let r = Arithmetic.mul(fp[Int(pc.pointee.a)], Int128(wide: pc.pointee.b)) else { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
            case .divLI, .modLI:
                guard let r = divide(fp[Int(pc.pointee.a)], Int128(wide: pc.pointee.b), pc.pointee.op == .divLI) else {
                    return trap(pendingTrap ?? .overflow, pc, gas)
                }
                sp.pointee = r; sp += 1; pc += 1
            case .modLIMagic:
                sp.pointee = remainder(fp[Int(pc.pointee.a)], divisors[Int(pc.pointee.b)]); sp += 1; pc += 1
            case .divLIMagic:
                sp.pointee = quotient(fp[Int(pc.pointee.a)], divisors[Int(pc.pointee.b)]); sp += 1; pc += 1
            case .mulLLModI:
                let a = Int(pc.pointee.a), u = fp[a & 0xFFFF], v = fp[a >> 16], d = divisors[Int(pc.pointee.b)]
                if let p = Arithmetic.smallProduct(u, v) {
                    sp.pointee = Int128(_low: d.remainder(p), _high: 0)
                } else {
                    guard let p = Arithmetic.mulWide(u, v) else { return trapInPart(0, .overflow, pc, gas) }
                    sp.pointee = Machine.slowRemainder(p, d)
                }
                sp += 1; pc += 1
            case .mulLAddLI:
                let b = pc.pointee.b
                let (y, o) = fp[Int(b & 0xFFFF_FFFF)].addingReportingOverflow(Int128(wide: Int32(truncatingIfNeeded: b >> 32)))
                if o { return trapInPart(0, .overflow, pc, gas) }
                guard let r = Arithmetic.mul(fp[Int(pc.pointee.a)], y) else { return trap(.overflow, pc, gas) }
                sp.pointee = r; sp += 1; pc += 1
            case .addI:
                let (r, o) = sp[-1].addingReportingOverflow(Int128(wide: pc.pointee.b))
                if o { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .subI:
                let (r, o) = sp[-1].subtractingReportingOverflow(Int128(wide: pc.pointee.b))
                if o { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .mulI:
                guard let r = Arithmetic.mul(sp[-1], Int128(wide: pc.pointee.b)) else { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .divI, .modI:
                guard let r = divide(sp[-1], Int128(wide: pc.pointee.b), pc.pointee.op == .divI) else {
                    return trap(pendingTrap ?? .overflow, pc, gas)
                }
                sp[-1] = r; pc += 1
            case .modIMagic:
                sp[-1] = remainder(sp[-1], divisors[Int(pc.pointee.b)]); pc += 1
            case .divIMagic:
                sp[-1] = quotient(sp[-1], divisors[Int(pc.pointee.b)]); pc += 1
            case .incLocal:
                let (r, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(Int128(wide: pc.pointee.b))
                if o { return trap(.overflow, pc, gas + setGas) }  // the local_set never ran
                fp[Int(pc.pointee.a)] = r; pc += 1
            case .addSetLL:
                let (r, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(fp[Int(pc.pointee.b)])
                if o { return trap(.overflow, pc, gas + setGas) }  // the local_set never ran
                fp[Int(pc.pointee.a)] = r; pc += 1
            case .addToLocal:
                let (r, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(sp[-1])
                if o { return trap(.overflow, pc, gas + setGas) }  // the local_set never ran
                fp[Int(pc.pointee.a)] = r; sp -= 1; pc += 1
            case .mulDivL:
                guard let p = Arithmetic.mul(sp[-2], sp[-1]) else {
                    return trapInPart(0, .overflow, pc, gas)  // local_get, div_int never ran
                }
                switch Arithmetic.div(p, fp[Int(pc.pointee.a)]) {
                case .ok(let q): sp[-2] = q; sp -= 1; pc += 1
                case .divisionByZero: return trap(.divisionByZero, pc, gas)
                case .overflow: return trap(.overflow, pc, gas)
                }
            case .mulDivLSet:
                guard let p = Arithmetic.mul(sp[-2], sp[-1]) else { return trapInPart(0, .overflow, pc, gas) }
                switch Arithmetic.div(p, fp[Int(pc.pointee.a)]) {
                case .ok(let q): fp[Int(pc.pointee.b)] = q; sp -= 2; pc += 1
                case .divisionByZero: return trapInPart(-1, .divisionByZero, pc, gas)  // the local_set never ran
                case .overflow: return trapInPart(-1, .overflow, pc, gas)
                }
            case .accMulLLModI:
                let a = Int(pc.pointee.a), b = pc.pointee.b
                let u = fp[a & 0xFFFF], v = fp[a >> 16], d = divisors[Int(truncatingIfNeeded: b & 0xFFFF_FFFF)]
                let m: Int128
                if let p = Arithmetic.smallProduct(u, v) {
                    m = Int128(_low: d.remainder(p), _high: 0)
                } else {
                    guard let p = Arithmetic.mulWide(u, v) else { return trapInPart(0, .overflow, pc, gas) }
                    m = Machine.slowRemainder(p, d)
                }
                let x = Int(truncatingIfNeeded: b >> 32)
                let (r, o) = fp[x].addingReportingOverflow(m)
                if o { return trapInPart(-1, .overflow, pc, gas) }  // the local_set never ran
                fp[x] = r; pc += 1
            case .accMulLAddLI:
                let a = Int(pc.pointee.a), b = pc.pointee.b
                let u = fp[a & 0xFFFF], v = fp[a >> 16], k = Int32(truncatingIfNeeded: b)
                let p: Int128
                if let q = Arithmetic.smallProductOfSum(u, v, plus: Int64(k)) {
                    p = Int128(wide: q)
                } else {
                    let (y, o1) = v.addingReportingOverflow(Int128(wide: k))
                    if o1 { return trapInPart(0, .overflow, pc, gas) }
                    guard let q = Arithmetic.mulWide(u, y) else { return trapInPart(1, .overflow, pc, gas) }
                    p = q
                }
                let x = Int(truncatingIfNeeded: b >> 32)
                let (r, o2) = fp[x].addingReportingOverflow(p)
                if o2 { return trapInPart(-1, .overflow, pc, gas) }  // the local_set never ran
                fp[x] = r; pc += 1
            case .addL:
                let (r, o) = sp[-1].addingReportingOverflow(fp[Int(pc.pointee.a)])
                if o { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .subL:
                let (r, o) = sp[-1].subtractingReportingOverflow(fp[Int(pc.pointee.a)])
                if o { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .mulL:
                guard let r = Arithmetic.mul(sp[-1], fp[Int(pc.pointee.a)]) else { return trap(.overflow, pc, gas) }
                sp[-1] = r; pc += 1
            case .divL:
                switch Arithmetic.div(sp[-1], fp[Int(pc.pointee.a)]) {
                case .ok(let q): sp[-1] = q; pc += 1
                case .divisionByZero: return trap(.divisionByZero, pc, gas)
                case .overflow: return trap(.overflow, pc, gas)
                }
            case .modL:
                guard let r = Arithmetic.rem(sp[-1], fp[Int(pc.pointee.a)]) else { return trap(.divisionByZero, pc, gas) }
                sp[-1] = r; pc += 1
            case .incBranchLtLL:
                let (x, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(1)
                if o { return trap(.overflow, pc, gas + Int64(pc.pointee.gas) - incPrefixGas) }  // set, test never ran
                fp[Int(pc.pointee.a)] = x
                pc = _fastPath(x < fp[Int(pc.pointee.b & 0xFFFF_FFFF)]) ? pc + Int(pc.pointee.b >> 32) : pc + 2
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .incBranchLtLI:
                let (x, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(1)
                if o { return trap(.overflow, pc, gas + Int64(pc.pointee.gas) - incPrefixGas) }  // set, test never ran
                fp[Int(pc.pointee.a)] = x
                pc = _fastPath(x < Int128(wide: Int32(truncatingIfNeeded: pc.pointee.b))) ? pc + Int(pc.pointee.b >> 32) : pc + 2
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .incBranchLL:
                let (x, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(1)
                if o { return trap(.overflow, pc, gas + Int64(pc.pointee.gas) - incPrefixGas) }  // set, test never ran
                fp[Int(pc.pointee.a)] = x
                let taken = unsafeBitCast(pc.pointee.cond, to: Condition.self).holds(x, fp[Int(pc.pointee.b & 0xFFFF_FFFF)])
                pc = _fastPath(taken) ? pc + Int(pc.pointee.b >> 32) : pc + 2
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .incBranchLI:
                let (x, o) = fp[Int(pc.pointee.a)].addingReportingOverflow(1)
                if o { return trap(.overflow, pc, gas + Int64(pc.pointee.gas) - incPrefixGas) }  // set, test never ran
                fp[Int(pc.pointee.a)] = x
                let y = Int128(wide: Int32(truncatingIfNeeded: pc.pointee.b))
                let taken = unsafeBitCast(pc.pointee.cond, to: Condition.self).holds(x, y)
                pc = _fastPath(taken) ? pc + Int(pc.pointee.b >> 32) : pc + 2
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .branchLL:
                let x = fp[Int(pc.pointee.a)], y = fp[Int(pc.pointee.b & 0xFFFF_FFFF)]
                let taken = unsafeBitCast(pc.pointee.cond, to: Condition.self).holds(x, y)
                pc = taken ? code + Int(pc.pointee.b >> 32) : pc + 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .branchLI:
                let x = fp[Int(pc.pointee.a)], y = Int128(wide: Int32(truncatingIfNeeded: pc.pointee.b))
                let taken = unsafeBitCast(pc.pointee.cond, to: Condition.self).holds(x, y)
                pc = taken ? code + Int(pc.pointee.b >> 32) : pc + 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            case .branchS:
                let taken = unsafeBitCast(pc.pointee.cond, to: Condition.self).holds(sp[-2], sp[-1])
                sp -= 2
                pc = taken ? code + Int(pc.pointee.a) : pc + 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }

            // MARK: everything else: out-of-line helpers
            // (listed, not `default`: an exhaustive switch needs no range check before the jump table)
            case .eqBlob, .neBlob, .concat, .blobLen, .sha256, .toBytes, .intToString, .byteAt, .listNew, .listLit,
                .split, .mapNew, .mapGet, .mapSet, .mapHas, .mapRemove, .mapLen, .mapKeyAt, .mapValueAt, .structNew,
                .structGet, .structSet, .copy, .sload, .sstore, .smapGet, .smapSet, .smapHas, .smapRemove, .smapFirst,
                .smapNext, .slistLen, .slistGet, .slistSet, .slistPush, .slistPop, .caller, .origin, .selfAddress,
                .callValue, .blockHeight, .blockTime, .gasLeft, .balance, .transfer, .emit, .callExt, .tryCallExt:
                self.gas = gas
                guard let newSp = slowStep(pc.pointee, sp: sp, fp: fp) else {
                    return trap(pendingTrap ?? .outOfGas, pc, self.gas)
                }
                gas = self.gas
                sp = newSp; pc += 1
                if !M.perStep { gas &-= pc.pointee.run; if gas < 0 { return perStep(from: pc, gasAfter: gas, sp: sp, fp: fp, depth: depth) } }
            }
        }
    }

    /// Metering by runs, the run at `pc` costs more than the gas left (`gasAfter` is negative): gives the
    /// charge back and executes per step from there, which runs out of gas (or traps) within that run.
    @inline(never)
    mutating func perStep(
        from pc: UnsafePointer<Instr>, gasAfter: Int64, sp: UnsafeMutablePointer<Int128>,
        fp: UnsafeMutablePointer<Int128>, depth: Int
    ) -> Trap? {
        gas = gasAfter &+ pc.pointee.run
        return loop(Untraced.self, PerStep.self, pc: pc, sp: sp, fp: fp, depth: depth)
    }

    /// Gas of `local_get; ret`: the return `branch_li_else_ret` runs when it does not branch.
    static var retLocalGas: Int64 { Int64(Opcode.localGet.info.gas) + Int64(Opcode.ret.info.gas) }

    /// `branch_li_else_ret` did not branch and cannot pay for its `local_get; ret` (`gasBefore` is the gas
    /// left after the branch): out of gas at the first of those two parts it cannot pay for.
    @inline(never)
    mutating func outOfGasInReturn(at index: Int, gasBefore: Int64) -> Trap {
        gas = 0
        return locate(.outOfGas, at: index, gasBefore: gasBefore, fromPart: 4)
    }

    /// `x % d` for a divisor `d >= 2`: the magic-number path for `0 <= x < 2^63`, else the general one
    /// (which cannot fail for `d >= 2`).
    @inline(__always)
    func remainder(_ x: Int128, _ d: ConstantDivisor) -> Int128 {
        if let n = Arithmetic.small(x) { return Int128(_low: d.remainder(n), _high: 0) }
        return Machine.slowRemainder(x, d)
    }

    /// `x / d` for a divisor `d >= 2`, like `remainder`.
    @inline(__always)
    func quotient(_ x: Int128, _ d: ConstantDivisor) -> Int128 {
        if let n = Arithmetic.small(x) { return Int128(_low: d.quotient(n), _high: 0) }
        return Machine.slowQuotient(x, d)
    }

    /// `x % d` for a divisor `d >= 2` by the general path (any `x`; the magic one needs `0 <= x < 2^63`).
    @inline(never)
    static func slowRemainder(_ x: Int128, _ d: ConstantDivisor) -> Int128 {
        Arithmetic.rem(x, Int128(wide: d.divisor)) ?? 0  // never nil: d >= 2
    }

    @inline(never)
    static func slowQuotient(_ x: Int128, _ d: ConstantDivisor) -> Int128 {
        guard case .ok(let q) = Arithmetic.div(x, Int128(wide: d.divisor)) else { return 0 }  // d >= 2: always ok
        return q
    }

    /// `u * w / d` when the inline path (all in `0 ..< 2^63`, `d != 0`) does not apply: the value, or the
    /// part that traps (1 the multiply, 2 the division, numbered as the proportional-share
    /// superinstructions number their parts) and why.
    @inline(never)
    static func share(_ u: Int128, _ w: Int128, _ d: Int128) -> (Int128, ShareFailure) {
        guard let p = Arithmetic.mulWide(u, w) else { return (0, .multiplyOverflow) }
        switch Arithmetic.div(p, d) {
        case .ok(let q): return (q, .none)
        case .divisionByZero: return (0, .divisionByZero)
        case .overflow: return (0, .divisionOverflow)
        }
    }

    /// Why `share` failed: a plain byte, so the hot cases carry no `TrapReason` (which holds a string).
    enum ShareFailure: UInt8 {
        case none, multiplyOverflow, divisionByZero, divisionOverflow

        /// The part that trapped (1 the multiply, 2 the division) and why.
        var trap: (part: Int, reason: TrapReason) {
            switch self {
            case .none, .multiplyOverflow: (1, .overflow)
            case .divisionByZero: (2, .divisionByZero)
            case .divisionOverflow: (2, .overflow)
            }
        }
    }

    /// Gas of `local_get; push_int; add_int`: what an increment has paid when its add traps.
    static var incPrefixGas: Int64 {
        Int64(Opcode.localGet.info.gas) + Int64(Opcode.pushInt.info.gas) + Int64(Opcode.addInt.info.gas)
    }

    /// Out of gas at the instruction `index` (`gasAfter` is what is left after charging it, negative).
    /// The up-front charge of a superinstruction failed; the unfused code would have charged part by
    /// part, so if it could pay for a part that traps and that part does trap here, the unfused run stops
    /// with that trap (and its gas) instead. Otherwise it is out of gas at the first part it cannot pay.
    @inline(never)
    mutating func exactOutOfGas(
        at index: Int, gasAfter: Int64, sp: UnsafeMutablePointer<Int128>, fp: UnsafeMutablePointer<Int128>
    ) -> Trap {
        let ins = program.code[index]
        let gasBefore = gasAfter + Int64(ins.gas)
        switch ins.op {
        case .incLocal, .addSetLL, .addToLocal:
            let prefix = Int64(ins.gas) - Int64(Opcode.localSet.info.gas)
            let y = ins.op == .incLocal ? Int128(wide: ins.b) : ins.op == .addSetLL ? fp[Int(ins.b)] : sp[-1]
            if gasBefore >= prefix && fp[Int(ins.a)].addingReportingOverflow(y).overflow {
                gas = gasBefore - prefix
                return locate(.overflow, at: index)
            }
        case .incBranchLL, .incBranchLI, .incBranchLtLL, .incBranchLtLI:
            if gasBefore >= Machine.incPrefixGas && fp[Int(ins.a)].addingReportingOverflow(1).overflow {
                gas = gasBefore - Machine.incPrefixGas
                return locate(.overflow, at: index)
            }
        case .mulLLModI, .mulLAddLI:
            let prefix = Int64(ins.gas) - program.gasAfterTrappingPart(index, 0)
            let firstPartTraps: Bool
            if ins.op == .mulLLModI {
                firstPartTraps = Arithmetic.mul(fp[Int(ins.a & 0xFFFF)], fp[Int(ins.a >> 16)]) == nil
            } else {
                let k = Int128(wide: Int32(truncatingIfNeeded: ins.b >> 32))
                firstPartTraps = fp[Int(ins.b & 0xFFFF_FFFF)].addingReportingOverflow(k).overflow
            }
            if gasBefore >= prefix && firstPartTraps {
                gas = gasBefore - prefix
                return locate(.overflow, at: index, trappingPart: 0)
            }
        case .mulDivL:
            let prefix = Int64(ins.gas) - program.gasAfterTrappingPart(index, 0)
            if gasBefore >= prefix && Arithmetic.mul(sp[-2], sp[-1]) == nil {
                gas = gasBefore - prefix
                return locate(.overflow, at: index, trappingPart: 0)
            }
        case .mulDivLSet, .accMulLLModI, .accMulLAddLI, .mulListGetDivLSet, .mulListGetDivLTeeListSet, .listSetShareLL:
            // The first part that traps with these operands; the unfused code reaches it if it can pay for
            // everything up to and including it.
            if let (part, reason) = firstTrap(of: ins, sp: sp, fp: fp) {
                let prefix = Int64(ins.gas) - program.gasAfterTrappingPart(index, part)
                if gasBefore >= prefix {
                    gas = gasBefore - prefix
                    return locate(reason, at: index, trappingPart: part)
                }
            }
        default:
            break
        }
        gas = 0
        return locate(.outOfGas, at: index, gasBefore: gasBefore)
    }

    /// For the superinstructions whose parts trap in more than one place: which part that can trap
    /// (numbered as `Program.trappingPartIndex`, -1 the last) traps first with these operands, and why.
    private func firstTrap(
        of ins: Instr, sp: UnsafeMutablePointer<Int128>, fp: UnsafeMutablePointer<Int128>
    ) -> (part: Int, reason: TrapReason)? {
        let a = Int(ins.a), b = ins.b
        switch ins.op {
        case .mulDivLSet:
            guard let p = Arithmetic.mul(sp[-2], sp[-1]) else { return (0, .overflow) }
            switch Arithmetic.div(p, fp[a]) {
            case .ok: return nil
            case .divisionByZero: return (-1, .divisionByZero)
            case .overflow: return (-1, .overflow)
            }
        case .mulListGetDivLSet, .mulListGetDivLTeeListSet:
            let h = Int(truncatingIfNeeded: fp[a >> 16]), i = fp[Int(truncatingIfNeeded: b & 0xFFFF)]
            guard arena.inBounds(i, h) else { return (0, .indexOutOfRange) }
            let w = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]
            guard let p = Arithmetic.mul(fp[a & 0xFFFF], w) else { return (1, .overflow) }
            switch Arithmetic.div(p, fp[Int(truncatingIfNeeded: (b >> 16) & 0xFFFF)]) {
            case .ok: break
            case .divisionByZero: return (2, .divisionByZero)
            case .overflow: return (2, .overflow)
            }
            guard ins.op == .mulListGetDivLTeeListSet else { return nil }
            let j = sp[-1]
            return arena.inBounds(j, Int(truncatingIfNeeded: sp[-2])) ? nil : (-1, .indexOutOfRange)
        case .listSetShareLL:
            let b = Int(truncatingIfNeeded: b)
            let h = Int(truncatingIfNeeded: fp[a >> 16]), i = fp[b & 0xFFF]
            guard arena.inBounds(i, h) else { return (0, .indexOutOfRange) }
            let w = arena.words[arena.listData(h) &+ Int(truncatingIfNeeded: i)]
            let failure = Machine.share(fp[a & 0xFFFF], w, fp[(b >> 12) & 0xFFF]).1
            if failure != .none { return failure.trap }
            let hs = Int(truncatingIfNeeded: fp[(b >> 36) & 0xFFF]), j = fp[(b >> 48) & 0xFFF]
            return arena.inBounds(j, hs) ? nil : (-1, .indexOutOfRange)
        case .accMulLLModI:
            guard let p = Arithmetic.mul(fp[a & 0xFFFF], fp[a >> 16]) else { return (0, .overflow) }
            let r = remainder(p, program.divisors[Int(truncatingIfNeeded: b & 0xFFFF_FFFF)])
            return fp[Int(truncatingIfNeeded: b >> 32)].addingReportingOverflow(r).overflow ? (-1, .overflow) : nil
        case .accMulLAddLI:
            let (y, o) = fp[a >> 16].addingReportingOverflow(Int128(wide: Int32(truncatingIfNeeded: b)))
            if o { return (0, .overflow) }
            guard let p = Arithmetic.mul(fp[a & 0xFFFF], y) else { return (1, .overflow) }
            return fp[Int(truncatingIfNeeded: b >> 32)].addingReportingOverflow(p).overflow ? (-1, .overflow) : nil
        default:
            return nil
        }
    }

    /// `x / d` or `x % d` by the general path; nil with `pendingTrap` set on a zero divisor or overflow.
    @inline(__always)
    private mutating func divide(_ x: Int128, _ d: Int128, _ isDiv: Bool) -> Int128? {
        if isDiv {
            switch Arithmetic.div(x, d) {
            case .ok(let q): return q
            case .divisionByZero: pendingTrap = .divisionByZero
            case .overflow: pendingTrap = .overflow
            }
            return nil
        }
        guard let r = Arithmetic.rem(x, d) else {
            pendingTrap = .divisionByZero
            return nil
        }
        return r
    }

    /// A trap located at instruction `index`, with the source position when the module has a map.
    func locate(
        _ reason: TrapReason, at index: Int, gasBefore: Int64 = 0, trappingPart: Int = -1, fromPart: Int = 0
    ) -> Trap {
        let (function, offset) = program.trapOrigin(
            of: index, reason: reason, gasBefore: gasBefore, trappingPart: trappingPart, fromPart: fromPart)
        let name = function < module.functions.count ? module.functions[function].name : nil
        return Trap(reason, function: name, offset: offset,
                    position: module.sourceMap?.position(function: function, offset: offset))
    }

    @inline(never)
    private mutating func traceStep(
        _ index: Int, depth: Int, gas: Int64, sp: UnsafeMutablePointer<Int128>, fp: UnsafeMutablePointer<Int128>
    ) {
        let (function, offset) = program.origin(of: index)
        let code = module.functions[function].code
        let opcode = offset < code.count ? Opcode(rawValue: code[offset]) ?? .nop : .nop
        let base = fp + program.functions[function].locals
        tracer?.step(TraceStep(
            depth: depth, function: function, offset: offset, opcode: opcode, gasLeft: gas,
            stackTop: sp > base ? sp[-1] : nil))
    }

    /// Grows a full list: doubles its capacity (at least 4), charging the new block and the copy.
    mutating func growList(_ h: Int) -> Bool {
        let count = arena.listCount(h)
        let newCapacity = max(4, count * 2)
        let cost = GasSchedule.cost(newCapacity, GasSchedule.perWordAllocated)
            &+ GasSchedule.cost(count, GasSchedule.perElementCopied)
        guard charge(cost) else { return false }
        guard arena.regrowList(h, to: newCapacity) else {
            pendingTrap = .outOfMemory
            return false
        }
        return true
    }

    /// The slot value of constant `index`: the number, or a handle to its bytes (made once per run).
    mutating func constant(_ index: Int) -> Int128? {
        switch module.constants[index] {
        case .int(let v), .dec(let v):
            return v
        case .string(let b), .bytes(let b), .address(let b), .hash(let b):
            if constantHandles[index] == 0 {
                guard let h = makeBlob(b) else { return nil }
                constantHandles[index] = h
            }
            return Int128(constantHandles[index])
        }
    }
}
