import Bytecode

/// What each instruction expects on the stack and what it leaves there, in canonical types. Fixed effects
/// come from the opcode table; every other opcode has its own rule here, in one exhaustive `switch`, so an
/// opcode added to the table cannot be forgotten.
struct OperandRules {
    /// Operands expected (deepest first) and results pushed.
    struct Effect {
        var pops: [TypeID]
        var pushes: [TypeID]
    }

    /// A rule's complaint; the pass adds the function and offset.
    struct RuleError: Error {
        var message: String
    }

    let module: Module
    let types: TypeTable
    let function: Function
    let localTypes: [TypeID]
    let resultTypes: [TypeID]

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func effect(of inst: Instruction, on stack: TypeStack) throws(RuleError) -> Effect {
        let op = inst.opcode
        var mnemonic: String { op.info.mnemonic }
        let imm = Int(inst.immediates.first ?? -1)

        /// The type `depth` below the top; the pass has already checked the stack is high enough.
        func operand(_ depth: Int) throws(RuleError) -> TypeID {
            guard let type = stack.type(atDepth: depth) else { throw RuleError(message: Message.internalError("peek")) }
            return type
        }
        func internalError(_ what: String) -> RuleError { RuleError(message: Message.internalError(what)) }
        func kind(_ expected: String, found: TypeID) -> RuleError {
            RuleError(message: Message.operandKind(mnemonic, expected: expected, found: types.name(found)))
        }
        func list(atDepth depth: Int) throws(RuleError) -> (list: TypeID, elem: TypeID) {
            let type = try operand(depth)
            guard let elem = types.listElement(type) else { throw kind("a list", found: type) }
            return (type, elem)
        }
        func map(atDepth depth: Int) throws(RuleError) -> (map: TypeID, key: TypeID, value: TypeID) {
            let type = try operand(depth)
            guard let kv = types.mapTypes(type) else { throw kind("a map", found: type) }
            return (type, kv.key, kv.value)
        }
        func entry(_ index: UInt16) throws(RuleError) -> TypeID {
            guard let id = types.entry(index) else { throw RuleError(message: Message.internalError("type index")) }
            return id
        }
        func entries(_ indices: [UInt16]) throws(RuleError) -> [TypeID] {
            var out: [TypeID] = []
            for index in indices { out.append(try entry(index)) }
            return out
        }
        func element<T>(_ table: [T]) throws(RuleError) -> T {
            guard imm >= 0, imm < table.count else { throw RuleError(message: Message.internalError("index")) }
            return table[imm]
        }
        func typeImmediate() throws(RuleError) -> TypeID {
            guard let index = UInt16(exactly: imm) else { throw internalError("type") }
            return try entry(index)
        }
        func wrongImmediate(_ expected: String, _ type: TypeID) -> RuleError {
            let message = Message.typeImmediateKind(mnemonic, expected: expected, index: imm, found: types.name(type))
            return RuleError(message: message)
        }
        /// A state variable and its canonical type.
        func stateVar() throws(RuleError) -> (name: String, type: TypeID) {
            let variable = try element(module.state)
            return (variable.name, try entry(variable.type))
        }
        func stateKind(_ expected: String, _ name: String, _ type: TypeID) -> RuleError {
            RuleError(message: Message.stateKind(mnemonic, expected: expected, name: name, found: types.name(type)))
        }
        func stateMap() throws(RuleError) -> (key: TypeID, value: TypeID) {
            let (name, type) = try stateVar()
            guard let kv = types.mapTypes(type) else {
                throw stateKind("a map", name, type)
            }
            return kv
        }
        func stateList() throws(RuleError) -> TypeID {
            let (name, type) = try stateVar()
            guard let elem = types.listElement(type) else {
                throw stateKind("a list", name, type)
            }
            return elem
        }
        func field(ofStructAt type: TypeID) throws(RuleError) -> TypeID {
            guard let s = types.structIndex(type), s < module.structs.count else { throw kind("a struct", found: type) }
            let decl = module.structs[s]
            guard imm >= 0, imm < decl.fields.count else {
                throw RuleError(message: Message.fieldOutOfRange(mnemonic, field: imm, structName: decl.name,
                                                                 count: decl.fields.count))
            }
            return try entry(decl.fields[imm].type)
        }

        let int = TypeTable.int, bool = TypeTable.bool
        switch op {
        case .nop, .pushInt, .pushTrue, .pushFalse,
            .addInt, .subInt, .mulInt, .divInt, .modInt, .negInt, .eqInt, .neInt, .ltInt, .leInt, .gtInt, .geInt,
            .addDec, .subDec, .mulDec, .divDec, .negDec, .eqDec, .neDec, .ltDec, .leDec, .gtDec, .geDec,
            .intToDec, .decToInt, .not, .and, .or, .eqBool, .neBool, .intToString, .byteAt,
            .jump, .jumpIf, .jumpUnless, .revert, .assertFail,
            .caller, .origin, .selfAddress, .callValue, .blockHeight, .blockTime, .gasLeft, .balance, .transfer:
            guard case .fixed(let pops, let pushes) = op.info.effect else {
                throw RuleError(message: Message.internalError("'\(mnemonic)' has no fixed effect"))
            }
            var effect = Effect(pops: [], pushes: [])
            for operand in pops {
                guard let id = TypeTable.primitive(operand) else { throw internalError("operand") }
                effect.pops.append(id)
            }
            for operand in pushes {
                guard let id = TypeTable.primitive(operand) else { throw internalError("operand") }
                effect.pushes.append(id)
            }
            return effect

        // MARK: constants, stack and locals
        case .pushConst:
            let constant = try element(module.constants)
            guard let id = TypeTable.primitive(constant.type) else { throw internalError("constant") }
            return Effect(pops: [], pushes: [id])
        case .pop:
            return Effect(pops: [try operand(0)], pushes: [])
        case .dup:
            let t = try operand(0)
            return Effect(pops: [t], pushes: [t, t])
        case .swap:
            let a = try operand(1), b = try operand(0)
            return Effect(pops: [a, b], pushes: [b, a])
        case .localGet:
            return Effect(pops: [], pushes: [try element(localTypes)])
        case .localSet:
            return Effect(pops: [try element(localTypes)], pushes: [])
        case .localTee:
            let t = try element(localTypes)
            return Effect(pops: [t], pushes: [t])

        // MARK: blobs
        case .eqBlob, .neBlob:
            let t = try operand(1)
            guard [TypeTable.address, TypeTable.hash, TypeTable.string, TypeTable.bytes].contains(t) else {
                throw kind("two address, hash, string or bytes values", found: t)
            }
            return Effect(pops: [t, t], pushes: [bool])
        case .concat:
            let t = try operand(1)
            guard t == TypeTable.string || t == TypeTable.bytes else {
                throw kind("two strings or two bytes", found: t)
            }
            return Effect(pops: [t, t], pushes: [t])
        case .blobLen, .sha256:
            let t = try operand(0)
            guard t == TypeTable.string || t == TypeTable.bytes else { throw kind("string or bytes", found: t) }
            return Effect(pops: [t], pushes: [op == .sha256 ? TypeTable.hash : int])
        case .toBytes:
            let t = try operand(0)
            guard [TypeTable.string, TypeTable.address, TypeTable.hash].contains(t) else {
                throw kind("string, address or hash", found: t)
            }
            return Effect(pops: [t], pushes: [TypeTable.bytes])

        // MARK: calls
        case .call:
            let callee = try element(module.functions)
            return Effect(pops: try entries(callee.params), pushes: try entries(callee.results))
        case .ret:
            return Effect(pops: resultTypes, pushes: [])
        case .callExt, .tryCallExt:
            let decl = try element(module.externs)
            var pushes = try entries(decl.results)
            if op == .tryCallExt { pushes.append(bool) }
            return Effect(pops: [TypeTable.address, int] + (try entries(decl.params)), pushes: pushes)

        // MARK: lists
        case .listNew:
            let t = try typeImmediate()
            guard types.listElement(t) != nil else { throw wrongImmediate("a list", t) }
            return Effect(pops: [], pushes: [t])
        case .listLit:
            let t = try typeImmediate()
            guard let elem = types.listElement(t) else { throw wrongImmediate("a list", t) }
            let count = inst.immediates.count > 1 ? Int(inst.immediates[1]) : 0
            return Effect(pops: [TypeID](repeating: elem, count: max(0, count)), pushes: [t])
        case .listLen:
            return Effect(pops: [try list(atDepth: 0).list], pushes: [int])
        case .listGet:
            let l = try list(atDepth: 1)
            return Effect(pops: [l.list, int], pushes: [l.elem])
        case .listSet:
            let l = try list(atDepth: 2)
            return Effect(pops: [l.list, int, l.elem], pushes: [])
        case .listPush:
            let l = try list(atDepth: 1)
            return Effect(pops: [l.list, l.elem], pushes: [])
        case .listPop:
            let l = try list(atDepth: 0)
            return Effect(pops: [l.list], pushes: [l.elem])
        case .split:
            // The parts are a new list of the weights' own list type, so no type immediate is needed.
            let l = try list(atDepth: 0)
            guard l.elem == int else { throw kind("a list<int> of weights", found: l.list) }
            return Effect(pops: [int, l.list], pushes: [l.list])

        // MARK: maps
        case .mapNew:
            let t = try typeImmediate()
            guard types.mapTypes(t) != nil else { throw wrongImmediate("a map", t) }
            return Effect(pops: [], pushes: [t])
        case .mapGet:
            let m = try map(atDepth: 1)
            return Effect(pops: [m.map, m.key], pushes: [m.value])
        case .mapSet:
            let m = try map(atDepth: 2)
            return Effect(pops: [m.map, m.key, m.value], pushes: [])
        case .mapHas:
            let m = try map(atDepth: 1)
            return Effect(pops: [m.map, m.key], pushes: [bool])
        case .mapRemove:
            let m = try map(atDepth: 1)
            return Effect(pops: [m.map, m.key], pushes: [])
        case .mapLen:
            return Effect(pops: [try map(atDepth: 0).map], pushes: [int])
        case .mapKeyAt:
            let m = try map(atDepth: 1)
            return Effect(pops: [m.map, int], pushes: [m.key])
        case .mapValueAt:
            let m = try map(atDepth: 1)
            return Effect(pops: [m.map, int], pushes: [m.value])

        // MARK: structs and copies
        case .structNew:
            let decl = try element(module.structs)
            guard imm < types.structures.count else { throw RuleError(message: Message.internalError("struct")) }
            return Effect(pops: try entries(decl.fields.map(\.type)), pushes: [types.structures[imm]])
        case .structGet:
            let s = try operand(0)
            return Effect(pops: [s], pushes: [try field(ofStructAt: s)])
        case .structSet:
            let s = try operand(1)
            return Effect(pops: [s, try field(ofStructAt: s)], pushes: [])
        case .copy:
            // Only handles of lists, maps and structs can be copied: a scalar's bits are not a handle.
            let t = try operand(0)
            guard types.listElement(t) != nil || types.mapTypes(t) != nil || types.structIndex(t) != nil else {
                throw kind("a list, map or struct", found: t)
            }
            return Effect(pops: [t], pushes: [t])

        // MARK: storage
        case .sload, .sstore:
            let (name, type) = try stateVar()
            if types.listElement(type) != nil || types.mapTypes(type) != nil {
                throw stateKind("a non-list, non-map", name, type)
            }
            return op == .sload ? Effect(pops: [], pushes: [type]) : Effect(pops: [type], pushes: [])
        case .smapGet:
            let m = try stateMap()
            return Effect(pops: [m.key], pushes: [m.value])
        case .smapSet:
            let m = try stateMap()
            return Effect(pops: [m.key, m.value], pushes: [])
        case .smapHas:
            return Effect(pops: [try stateMap().key], pushes: [bool])
        case .smapRemove:
            return Effect(pops: [try stateMap().key], pushes: [])
        case .smapFirst:
            return Effect(pops: [], pushes: [try stateMap().key, bool])
        case .smapNext:
            let key = try stateMap().key
            return Effect(pops: [key], pushes: [key, bool])
        case .slistLen:
            _ = try stateList()
            return Effect(pops: [], pushes: [int])
        case .slistGet:
            return Effect(pops: [int], pushes: [try stateList()])
        case .slistSet:
            return Effect(pops: [int, try stateList()], pushes: [])
        case .slistPush:
            return Effect(pops: [try stateList()], pushes: [])
        case .slistPop:
            return Effect(pops: [], pushes: [try stateList()])

        // MARK: events
        case .emit:
            let decl = try element(module.events)
            return Effect(pops: try entries(decl.fields.map(\.type)), pushes: [])
        }
    }
}
