import Bytecode

/// Pass 3, per function: every immediate that names something (constant, local, function, type, struct,
/// state variable, event, extern) is in range, for every instruction, reachable or not. Field indices
/// depend on the struct on the stack and are checked by `TypeSafetyPass`.
struct IndexPass {
    let module: Module
    private let facts = OpcodeFacts.table

    init(module: Module) { self.module = module }

    /// Checks function `index` of `code`.
    func run(function index: Int, code: ModuleCode) throws(VerificationError) {
        let localCount = module.functions[index].localCount
        /// What an immediate of `role` names, how many there are, and who has them; nil for plain values.
        func limit(_ role: ImmediateRole) -> (what: String, count: Int, owner: String)? {
            switch role {
            case .value, .target, .count, .field: nil
            case .constant: ("constant", module.constants.count, "the module")
            case .local: ("local", localCount, "the function")
            case .function: ("function", module.functions.count, "the module")
            case .type: ("type", module.types.count, "the module")
            case .structure: ("struct", module.structs.count, "the module")
            case .stateVar: ("state variable", module.state.count, "the module")
            case .event: ("event", module.events.count, "the module")
            case .extern: ("extern", module.externs.count, "the module")
            }
        }
        func check(_ role: ImmediateRole?, _ raw: Int64, of inst: PackedInstruction) throws(VerificationError) {
            guard let role, let limit = limit(role), raw < 0 || raw >= Int64(limit.count) else { return }
            throw VerificationError(
                Message.indexOutOfRange(limit.what, Int(raw), count: limit.count, in: limit.owner),
                function: index, functionName: module.functions[index].name, offset: inst.offset)
        }
        for i in code.ranges[index].instructions {
            let inst = code.instructions[i]
            guard inst.immediateCount > 0 else { continue }
            let row = facts[Int(inst.opcode.rawValue)]
            try check(row.firstRole, inst.first, of: inst)
            if inst.immediateCount > 1 { try check(row.secondRole, inst.second, of: inst) }
        }
    }
}
