import Bytecode

/// Pass 3, per function: every immediate that names something (constant, local, function, type, struct,
/// state variable, event, extern) is in range, for every instruction, reachable or not. Field indices
/// depend on the struct on the stack and are checked by `TypeSafetyPass`.
struct IndexPass {
    let module: Module
    let index: Int
    let code: FunctionCode

    func run() throws(VerificationError) {
        let function = module.functions[index]
        for inst in code.instructions {
            for (role, raw) in zip(inst.opcode.info.roles, inst.immediates) {
                let limit: (what: String, count: Int, owner: String)?
                switch role {
                case .value, .target, .count, .field: limit = nil
                case .constant: limit = ("constant", module.constants.count, "the module")
                case .local: limit = ("local", function.localCount, "the function")
                case .function: limit = ("function", module.functions.count, "the module")
                case .type: limit = ("type", module.types.count, "the module")
                case .structure: limit = ("struct", module.structs.count, "the module")
                case .stateVar: limit = ("state variable", module.state.count, "the module")
                case .event: limit = ("event", module.events.count, "the module")
                case .extern: limit = ("extern", module.externs.count, "the module")
                }
                if let limit, raw < 0 || raw >= Int64(limit.count) {
                    throw VerificationError(
                        Message.indexOutOfRange(limit.what, Int(raw), count: limit.count, in: limit.owner),
                        function: index, functionName: function.name, offset: inst.offset)
                }
            }
        }
    }
}
