import Bytecode

/// What each instruction expects on the stack and what it leaves there, in canonical types. Fixed effects
/// come from the opcode table; every other opcode has its own rule here, in one exhaustive `switch`, so an
/// opcode added to the table cannot be forgotten.
struct OperandRules {
    /// Operands expected (deepest first) and results pushed. The first few of each are held inline, so
    /// filling one allocates nothing for all but the widest instructions; one is reused for every
    /// instruction.
    struct Effect {
        private(set) var popCount = 0
        private(set) var pushCount = 0
        private var inlinePops: (TypeID, TypeID, TypeID) = (0, 0, 0)
        private var inlinePushes: (TypeID, TypeID) = (0, 0)
        private var morePops: [TypeID] = []
        private var morePushes: [TypeID] = []

        mutating func reset() {
            popCount = 0
            pushCount = 0
            if !morePops.isEmpty { morePops.removeAll(keepingCapacity: true) }
            if !morePushes.isEmpty { morePushes.removeAll(keepingCapacity: true) }
        }

        /// Adds an expected operand, above those added before.
        mutating func pop(_ type: TypeID) {
            switch popCount {
            case 0: inlinePops.0 = type
            case 1: inlinePops.1 = type
            case 2: inlinePops.2 = type
            default: morePops.append(type)
            }
            popCount += 1
        }

        /// Adds a result, above those added before.
        mutating func push(_ type: TypeID) {
            switch pushCount {
            case 0: inlinePushes.0 = type
            case 1: inlinePushes.1 = type
            default: morePushes.append(type)
            }
            pushCount += 1
        }

        /// Expected operand `index` (0 is the deepest).
        func pop(at index: Int) -> TypeID {
            switch index {
            case 0: inlinePops.0
            case 1: inlinePops.1
            case 2: inlinePops.2
            default: morePops[index - 3]
            }
        }

        /// Result `index` (0 is pushed first).
        func push(at index: Int) -> TypeID {
            switch index {
            case 0: inlinePushes.0
            case 1: inlinePushes.1
            default: morePushes[index - 2]
            }
        }

        /// The expected operands, deepest first (for messages).
        var pops: [TypeID] { (0..<popCount).map(pop(at:)) }
    }

    /// A rule's complaint; the pass adds the function and offset.
    struct RuleError: Error {
        var message: String
    }

    let module: Module
    let types: TypeTable
    private let fixedTypes = OpcodeFacts.fixedTypes
    /// The effect of the last instruction given to `fixedEffect` or `effect(of:top:)`.
    private(set) var effect = Effect()
    /// The canonical types of the function's parameters and locals, and of its results.
    var localTypes: [TypeID] = []
    var resultTypes: [TypeID] = []

    /// The types of the top three slots (nil where the stack is lower): all a rule looks at.
    struct Top {
        var types: (TypeID?, TypeID?, TypeID?)
    }

    /// Sets `effect` to the fixed effect of an opcode whose row is `facts`, from the opcode table; returns
    /// false (leaving `effect` as it was) when its effect is not fixed.
    mutating func fixedEffect(_ facts: OpcodeFacts) -> Bool {
        guard let pops = facts.fixedPops, let pushes = facts.fixedPushes else { return false }
        effect.reset()
        for i in pops { effect.pop(fixedTypes[i]) }
        for i in pushes { effect.push(fixedTypes[i]) }
        return true
    }

    /// Sets `effect` to what `inst` pops and pushes given the `top` of the stack; the pass has checked
    /// that the stack holds at least the values `inst` pops.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func effect(of inst: PackedInstruction, top: Top) throws(RuleError) {
        let op = inst.opcode
        var mnemonic: String { op.info.mnemonic }
        let imm = inst.immediateCount > 0 ? Int(inst.first) : -1
        effect.reset()

        /// The type `depth` below the top; the pass has already checked the stack is high enough.
        func operand(_ depth: Int) throws(RuleError) -> TypeID {
            let type = switch depth {
            case 0: top.types.0
            case 1: top.types.1
            case 2: top.types.2
            default: TypeID?.none
            }
            guard let type else { throw RuleError(message: Message.internalError("peek")) }
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

        func pop(_ type: TypeID) { effect.pop(type) }
        func push(_ type: TypeID) { effect.push(type) }

        let int = TypeTable.int, bool = TypeTable.bool
        switch op {
        case .nop, .pushInt, .pushTrue, .pushFalse,
            .addInt, .subInt, .mulInt, .divInt, .modInt, .negInt, .eqInt, .neInt, .ltInt, .leInt, .gtInt, .geInt,
            .addDec, .subDec, .mulDec, .divDec, .negDec, .eqDec, .neDec, .ltDec, .leDec, .gtDec, .geDec,
            .intToDec, .decToInt, .not, .and, .or, .eqBool, .neBool, .intToString, .byteAt,
            .jump, .jumpIf, .jumpUnless, .revert, .assertFail,
            .caller, .origin, .selfAddress, .callValue, .blockHeight, .blockTime, .gasLeft, .balance, .transfer:
            guard fixedEffect(OpcodeFacts.table[Int(op.rawValue)]) else {
                guard case .fixed = op.info.effect else {
                    throw RuleError(message: Message.internalError("'\(mnemonic)' has no fixed effect"))
                }
                throw internalError("operand")
            }

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
            for index in callee.params { pop(try entry(index)) }
            for index in callee.results { push(try entry(index)) }
        case .ret:
            for type in resultTypes { pop(type) }
        case .callExt, .tryCallExt:
            let decl = try element(module.externs)
            for index in decl.results { push(try entry(index)) }
            if op == .tryCallExt { push(bool) }
            pop(TypeTable.address)
            pop(int)
            for index in decl.params { pop(try entry(index)) }

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
            for field in decl.fields { pop(try entry(field.type)) }
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
            for field in decl.fields { pop(try entry(field.type)) }
        }
    }
}
