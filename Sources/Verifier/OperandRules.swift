import Bytecode

/// What each instruction expects on the stack and what it leaves there, in canonical types. Fixed effects
/// come from the opcode table; every other opcode has its own rule here, in one exhaustive `switch`, so an
/// opcode added to the table cannot be forgotten.
struct OperandRules {
    /// Operands expected (deepest first) and results pushed. One is reused for every instruction of a
    /// function, so its arrays keep their storage.
    struct Effect {
        var pops: [TypeID] = []
        var pushes: [TypeID] = []
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

    /// Fills `effect` with what `inst` pops and pushes given `stack`; the pass has checked that the stack
    /// holds at least the values `inst` pops.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func effect(of inst: PackedInstruction, on stack: TypeStack, into effect: inout Effect) throws(RuleError) {
        let op = inst.opcode
        var mnemonic: String { op.info.mnemonic }
        let imm = inst.immediateCount > 0 ? Int(inst.first) : -1
        effect.pops.removeAll(keepingCapacity: true)
        effect.pushes.removeAll(keepingCapacity: true)

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
        func append(_ indices: [UInt16], to out: inout [TypeID]) throws(RuleError) {
            for index in indices { out.append(try entry(index)) }
        }
        func append(_ fields: [Field], to out: inout [TypeID]) throws(RuleError) {
            for field in fields { out.append(try entry(field.type)) }
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

        func pop(_ type: TypeID) { effect.pops.append(type) }
        func push(_ type: TypeID) { effect.pushes.append(type) }

        let int = TypeTable.int, bool = TypeTable.bool
        switch op {
        case .nop, .pushInt, .pushTrue, .pushFalse,
            .addInt, .subInt, .mulInt, .divInt, .modInt, .negInt, .eqInt, .neInt, .ltInt, .leInt, .gtInt, .geInt,
            .addDec, .subDec, .mulDec, .divDec, .negDec, .eqDec, .neDec, .ltDec, .leDec, .gtDec, .geDec,
            .intToDec, .decToInt, .not, .and, .or, .eqBool, .neBool, .intToString, .byteAt,
            .jump, .jumpIf, .jumpUnless, .revert, .assertFail,
            .caller, .origin, .selfAddress, .callValue, .blockHeight, .blockTime, .gasLeft, .balance, .transfer:
            let facts = OpcodeFacts.of(op)
            guard let pops = facts.fixedPops, let pushes = facts.fixedPushes else {
                guard case .fixed = op.info.effect else {
                    throw RuleError(message: Message.internalError("'\(mnemonic)' has no fixed effect"))
                }
                throw internalError("operand")
            }
            for i in pops { pop(OpcodeFacts.fixedType(i)) }
            for i in pushes { push(OpcodeFacts.fixedType(i)) }

        // MARK: constants, stack and locals
        case .pushConst:
            let constant = try element(module.constants)
            guard let id = TypeTable.primitive(constant.type) else { throw internalError("constant") }
            push(id)
        case .pop:
            pop(try operand(0))
        case .dup:
            let t = try operand(0)
            pop(t)
            push(t)
            push(t)
        case .swap:
            let a = try operand(1), b = try operand(0)
            pop(a)
            pop(b)
            push(b)
            push(a)
        case .localGet:
            push(try element(localTypes))
        case .localSet:
            pop(try element(localTypes))
        case .localTee:
            let t = try element(localTypes)
            pop(t)
            push(t)

        // MARK: blobs
        case .eqBlob, .neBlob:
            let t = try operand(1)
            guard t == TypeTable.address || t == TypeTable.hash || t == TypeTable.string || t == TypeTable.bytes else {
                throw kind("two address, hash, string or bytes values", found: t)
            }
            pop(t)
            pop(t)
            push(bool)
        case .concat:
            let t = try operand(1)
            guard t == TypeTable.string || t == TypeTable.bytes else {
                throw kind("two strings or two bytes", found: t)
            }
            pop(t)
            pop(t)
            push(t)
        case .blobLen, .sha256:
            let t = try operand(0)
            guard t == TypeTable.string || t == TypeTable.bytes else { throw kind("string or bytes", found: t) }
            pop(t)
            push(op == .sha256 ? TypeTable.hash : int)
        case .toBytes:
            let t = try operand(0)
            guard t == TypeTable.string || t == TypeTable.address || t == TypeTable.hash else {
                throw kind("string, address or hash", found: t)
            }
            pop(t)
            push(TypeTable.bytes)

        // MARK: calls
        case .call:
            let callee = try element(module.functions)
            try append(callee.params, to: &effect.pops)
            try append(callee.results, to: &effect.pushes)
        case .ret:
            effect.pops += resultTypes
        case .callExt, .tryCallExt:
            let decl = try element(module.externs)
            try append(decl.results, to: &effect.pushes)
            if op == .tryCallExt { push(bool) }
            pop(TypeTable.address)
            pop(int)
            try append(decl.params, to: &effect.pops)

        // MARK: lists
        case .listNew:
            let t = try typeImmediate()
            guard types.listElement(t) != nil else { throw wrongImmediate("a list", t) }
            push(t)
        case .listLit:
            let t = try typeImmediate()
            guard let elem = types.listElement(t) else { throw wrongImmediate("a list", t) }
            let count = inst.immediateCount > 1 ? Int(inst.second) : 0
            for _ in 0..<max(0, count) { pop(elem) }
            push(t)
        case .listLen:
            pop(try list(atDepth: 0).list)
            push(int)
        case .listGet:
            let l = try list(atDepth: 1)
            pop(l.list)
            pop(int)
            push(l.elem)
        case .listSet:
            let l = try list(atDepth: 2)
            pop(l.list)
            pop(int)
            pop(l.elem)
        case .listPush:
            let l = try list(atDepth: 1)
            pop(l.list)
            pop(l.elem)
        case .listPop:
            let l = try list(atDepth: 0)
            pop(l.list)
            push(l.elem)
        case .split:
            // The parts are a new list of the weights' own list type, so no type immediate is needed.
            let l = try list(atDepth: 0)
            guard l.elem == int else { throw kind("a list<int> of weights", found: l.list) }
            pop(int)
            pop(l.list)
            push(l.list)

        // MARK: maps
        case .mapNew:
            let t = try typeImmediate()
            guard types.mapTypes(t) != nil else { throw wrongImmediate("a map", t) }
            push(t)
        case .mapGet:
            let m = try map(atDepth: 1)
            pop(m.map)
            pop(m.key)
            push(m.value)
        case .mapSet:
            let m = try map(atDepth: 2)
            pop(m.map)
            pop(m.key)
            pop(m.value)
        case .mapHas:
            let m = try map(atDepth: 1)
            pop(m.map)
            pop(m.key)
            push(bool)
        case .mapRemove:
            let m = try map(atDepth: 1)
            pop(m.map)
            pop(m.key)
        case .mapLen:
            pop(try map(atDepth: 0).map)
            push(int)
        case .mapKeyAt:
            let m = try map(atDepth: 1)
            pop(m.map)
            pop(int)
            push(m.key)
        case .mapValueAt:
            let m = try map(atDepth: 1)
            pop(m.map)
            pop(int)
            push(m.value)

        // MARK: structs and copies
        case .structNew:
            let decl = try element(module.structs)
            guard imm < types.structures.count else { throw RuleError(message: Message.internalError("struct")) }
            try append(decl.fields, to: &effect.pops)
            push(types.structures[imm])
        case .structGet:
            let s = try operand(0)
            pop(s)
            push(try field(ofStructAt: s))
        case .structSet:
            let s = try operand(1)
            pop(s)
            pop(try field(ofStructAt: s))
        case .copy:
            // Only handles of lists, maps and structs can be copied: a scalar's bits are not a handle.
            let t = try operand(0)
            guard types.listElement(t) != nil || types.mapTypes(t) != nil || types.structIndex(t) != nil else {
                throw kind("a list, map or struct", found: t)
            }
            pop(t)
            push(t)

        // MARK: storage
        case .sload, .sstore:
            let (name, type) = try stateVar()
            if types.listElement(type) != nil || types.mapTypes(type) != nil {
                throw stateKind("a non-list, non-map", name, type)
            }
            if op == .sload { push(type) } else { pop(type) }
        case .smapGet:
            let m = try stateMap()
            pop(m.key)
            push(m.value)
        case .smapSet:
            let m = try stateMap()
            pop(m.key)
            pop(m.value)
        case .smapHas:
            pop(try stateMap().key)
            push(bool)
        case .smapRemove:
            pop(try stateMap().key)
        case .smapFirst:
            push(try stateMap().key)
            push(bool)
        case .smapNext:
            let key = try stateMap().key
            pop(key)
            push(key)
            push(bool)
        case .slistLen:
            _ = try stateList()
            push(int)
        case .slistGet:
            pop(int)
            push(try stateList())
        case .slistSet:
            pop(int)
            pop(try stateList())
        case .slistPush:
            pop(try stateList())
        case .slistPop:
            push(try stateList())

        // MARK: events
        case .emit:
            let decl = try element(module.events)
            try append(decl.fields, to: &effect.pops)
        }
    }
}
