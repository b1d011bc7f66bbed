import Bytecode

/// Pass 4, whole module: no code calls an `init` or `migrate` function, and `view` functions cannot
/// change anything: no instruction with the `.writes` flag (except `call_ext`/`try_call_ext` of an extern
/// marked as a view) and no `call` of a function that may write, directly or through its own calls.
struct PermissionPass {
    let module: Module
    let code: ModuleCode
    private let facts = OpcodeFacts.table

    init(module: Module, code: ModuleCode) {
        self.module = module
        self.code = code
    }

    func run() throws(VerificationError) {
        let functions = module.functions
        var writesAt = [Int?](repeating: nil, count: functions.count)
        var callers = [[Int]](repeating: [], count: functions.count)
        for f in functions.indices {
            for i in code.ranges[f].instructions {
                let inst = code.instructions[i]
                if inst.opcode == .call, let callee = callee(of: inst) {
                    switch functions[callee].kind {
                    case .`init`, .migrate:
                        throw VerificationError(
                            Message.callsSpecial(functions[callee].kind.name, functions[callee].name),
                            function: f, functionName: functions[f].name, offset: inst.offset)
                    case .public, .view, .private:
                        callers[callee].append(f)
                    }
                }
                if writesAt[f] == nil, writes(inst) { writesAt[f] = inst.offset }
            }
        }

        // A function may write when it writes itself or calls one that may: propagate to callers.
        var mayWrite = writesAt.map { $0 != nil }
        var work = mayWrite.indices.filter { mayWrite[$0] }
        while let g = work.popLast() {
            for f in callers[g] where !mayWrite[f] {
                mayWrite[f] = true
                work.append(f)
            }
        }

        for f in functions.indices where functions[f].kind == .view {
            for i in code.ranges[f].instructions {
                let inst = code.instructions[i]
                func fail(_ message: String) -> VerificationError {
                    VerificationError(message, function: f, functionName: functions[f].name, offset: inst.offset)
                }
                var mnemonic: String { inst.opcode.info.mnemonic }
                switch inst.opcode {
                case .callExt, .tryCallExt:
                    if let x = externIndex(of: inst), !module.externs[x].isView {
                        throw fail(Message.viewCallsNonViewExtern(mnemonic, module.externs[x].name))
                    }
                case .call:
                    if let callee = callee(of: inst), mayWrite[callee] {
                        throw fail(Message.viewCallsWriter(functions[callee].name))
                    }
                default:
                    if facts[Int(inst.opcode.rawValue)].flags.contains(.writes) { throw fail(Message.viewWrites(mnemonic)) }
                }
            }
        }
    }

    /// Whether `inst` changes state by itself (calls of this module's functions are followed separately).
    private func writes(_ inst: PackedInstruction) -> Bool {
        switch inst.opcode {
        case .callExt, .tryCallExt:
            guard let x = externIndex(of: inst) else { return true }
            return !module.externs[x].isView
        default:
            return facts[Int(inst.opcode.rawValue)].flags.contains(.writes)
        }
    }

    private func callee(of inst: PackedInstruction) -> Int? {
        guard inst.immediateCount > 0, inst.first >= 0, inst.first < Int64(module.functions.count) else { return nil }
        return Int(inst.first)
    }

    private func externIndex(of inst: PackedInstruction) -> Int? {
        guard inst.immediateCount > 0, inst.first >= 0, inst.first < Int64(module.externs.count) else { return nil }
        return Int(inst.first)
    }
}
