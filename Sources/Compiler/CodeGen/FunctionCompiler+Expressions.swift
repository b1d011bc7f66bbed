// Expressions: literals, names, operators, indexing, fields, struct and list literals.
import Bytecode
import Diagnostics

extension FunctionCompiler {
    /// Emits `e`, leaving its value on the stack (nothing for `.void`), and returns its type.
    /// `expected` guides empty list literals; `discard` marks expression statements.
    @discardableResult
    func expr(_ e: Expr, expected: SemaType? = nil, discard: Bool = false) -> SemaType {
        let kind = tree[e].kind
        switch kind {
        case .integer, .decimal, .bool, .string, .hash, .address(.bytes):
            guard let value = literalValue(kind) ?? module.fold(e, in: unit, isLocal: isLocal) else {
                code.emit(.pushInt, 0)
                return .error
            }
            pushConstant(value)
            return value.type
        case .address(.named(let ref)):
            let name = tree.text(ref)
            if let raw = module.options.namedAccounts[name] {
                pushPool(.address(raw))
                return .address
            }
            error(Messages.namedAccountOutsideTests, at: tree[e].range)
            code.emit(.pushInt, 0)
            return .error
        case .name(let ref): return nameExpr(tree.text(ref), e)
        case .unary(let op, let operand):
            if let value = folded(e, first: operand) {
                pushConstant(value)
                return value.type
            }
            let type = expr(operand, expected: expected)
            switch (op, type) {
            case (.negate, .int):
                code.mark(tree[e].range)
                code.emit(.negInt)
            case (.negate, .dec):
                code.mark(tree[e].range)
                code.emit(.negDec)
            case (.not, .bool): code.emit(.not)
            case (_, .error): return .error
            default:
                error(Messages.unaryOperand(op.rawValue, type), at: tree[e].range)
                return .error
            }
            return type
        case .binary(let op, let lhs, let rhs, let opRange):
            if let value = folded(e, first: lhs) {
                pushConstant(value)
                return value.type
            }
            if discard && !op.isShortCircuit { module.diagnostics.report(.warning(Messages.unusedResult, at: tree[e].range)) }
            return binary(op, lhs, rhs, opRange: opRange, range: tree[e].range)
        case .call(let callee, let arguments):
            return call(e, callee: callee, arguments: tree[arguments], expected: expected)
        case .member(let base, let ref):
            let name = tree.identifier(ref)
            return member(e, base, name)
        case .index(let base, let index): return indexExpr(e, base, index)
        case .structLiteral(let literal): return structLiteral(e, tree[literal].type, tree[literal].fields)
        case .list(let elements): return listLiteral(e, tree[elements], expected: expected)
        case .error:
            code.emit(.pushInt, 0)
            return .error
        }
    }

    // MARK: - Names

    private func nameExpr(_ name: String, _ e: Expr) -> SemaType {
        if let local = lookup(name) {
            markUsed(local.index)
            code.emit(.localGet, Int64(local.index), effect: (0, 1))
            return localTypes[local.index]
        }
        if let variable = module.state[name], !unit.isLibrary {
            switch variable.type {
            case .map, .list:
                error(
                    Messages.stateCollectionAsValue(name, variable.type), at: tree[e].range,
                    hint: Messages.stateCollectionHint)
                code.emit(.pushInt, 0)
                return .error
            default:
                code.mark(tree[e].range)
                code.emit(.sload, Int64(variable.index), effect: (0, 1))
                return variable.type
            }
        }
        if let symbol = unit.consts[name] {
            guard let value = module.value(of: symbol, in: unit) else {
                code.emit(.pushInt, 0)
                return .error
            }
            pushConstant(value)
            return value.type
        }
        if let (op, type) = FunctionCompiler.worldValues[name] {
            code.emit(op)
            return type
        }
        code.emit(.pushInt, 0)
        if unit.functions[name] != nil || FunctionCompiler.builtinFunctions.contains(name) {
            error(Messages.notAValue(name), at: tree[e].range, hint: "call it: '\(name)(...)'")
            return .error
        }
        if module.interfaces[name] != nil {
            error(Messages.typeAsValue(name), at: tree[e].range, hint: "make a handle with '\(name)(address)'")
            return .error
        }
        if module.structs[name] != nil || ModuleCompiler.simpleType(named: name) != nil {
            error(Messages.typeAsValue(name), at: tree[e].range)
            return .error
        }
        unknownName(name, at: tree[e].range, among: visibleNames())
        return .error
    }

    // MARK: - Operators

    private func binary(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, opRange: SourceRange, range: SourceRange)
        -> SemaType
    {
        if op.isShortCircuit {
            let falseOrTrue = code.newLabel(), end = code.newLabel()
            let isAnd = op == .and
            condition(lhs, jumpIf: !isAnd, to: falseOrTrue)
            let right = expr(rhs, expected: .bool)
            if !right.isBool && !right.isError { error(Messages.conditionNotBool(right), at: tree[rhs].range) }
            code.jump(.jump, to: end)
            code.place(falseOrTrue)
            code.emit(isAnd ? .pushFalse : .pushTrue)
            code.place(end)
            return .bool
        }
        // Operands are marked with the operator too: the VM fuses `local_get; op` and reports the position
        // of the fused instruction's first part.
        code.mark(opRange)
        let left = expr(lhs)
        code.mark(opRange)
        let right = expr(rhs, expected: left)
        if left.isError || right.isError {
            return op.precedence == .comparison ? .bool : (left.isError ? right : left)
        }
        guard left.isSame(as: right)
            || FunctionCompiler.isAddressLike(left) && FunctionCompiler.isAddressLike(right)
        else {
            error(Messages.binaryOperands(op.rawValue, left, right), at: opRange, hint: mixHint(left, right))
            return op.precedence == .comparison ? .bool : .error
        }
        guard let (opcode, result) = FunctionCompiler.binaryOpcode(op, left) else {
            error(Messages.binaryOperands(op.rawValue, left, right), at: opRange)
            return .error
        }
        switch opcode {
        case .divInt, .modInt, .mulInt, .addInt, .subInt, .addDec, .subDec, .mulDec, .divDec, .concat:
            code.mark(opRange)  // these can trap
        default: break
        }
        code.emit(opcode, effect: (2, 1))
        return result
    }

    /// Addresses and interface handles compare with each other.
    static func isAddressLike(_ type: SemaType) -> Bool {
        if case .interface = type { return true }
        return type == .address
    }

    /// The hint for an operator (or compound assignment) mixing Int and Dec.
    func mixHint(_ left: SemaType, _ right: SemaType) -> String? {
        if (left == .int && right == .dec) || (left == .dec && right == .int) { return Messages.intDecMixHint }
        return nil
    }

    /// The Int opcode of `op` (a switch: hashing the operator, a String-backed enum, cost more than the lookup).
    private static func intOpcode(_ op: BinaryOperator) -> Opcode? {
        switch op {
        case .add: .addInt
        case .subtract: .subInt
        case .multiply: .mulInt
        case .divide: .divInt
        case .remainder: .modInt
        case .equal: .eqInt
        case .notEqual: .neInt
        case .less: .ltInt
        case .lessEqual: .leInt
        case .greater: .gtInt
        case .greaterEqual: .geInt
        case .and, .or: nil
        }
    }

    /// The Dec opcode of `op`.
    private static func decOpcode(_ op: BinaryOperator) -> Opcode? {
        switch op {
        case .add: .addDec
        case .subtract: .subDec
        case .multiply: .mulDec
        case .divide: .divDec
        case .equal: .eqDec
        case .notEqual: .neDec
        case .less: .ltDec
        case .lessEqual: .leDec
        case .greater: .gtDec
        case .greaterEqual: .geDec
        case .remainder, .and, .or: nil
        }
    }
    /// Names of the call's world, each one instruction.
    static let worldValues: [String: (Opcode, SemaType)] = [
        "caller": (.caller, .address), "origin": (.origin, .address), "self": (.selfAddress, .address),
        "value": (.callValue, .int),
    ]

    /// The opcode of `op` on two operands of `type`, and the result type.
    static func binaryOpcode(_ op: BinaryOperator, _ type: SemaType) -> (Opcode, SemaType)? {
        switch type {
        case .int:
            guard let opcode = intOpcode(op) else { return nil }
            return (opcode, op.precedence == .comparison ? .bool : .int)
        case .dec:
            guard let opcode = decOpcode(op) else { return nil }
            return (opcode, op.precedence == .comparison ? .bool : .dec)
        case .bool:
            switch op {
            case .equal: return (.eqBool, .bool)
            case .notEqual: return (.neBool, .bool)
            default: return nil
            }
        case .string, .bytes, .address, .hash, .interface:
            switch op {
            case .equal: return (.eqBlob, .bool)
            case .notEqual: return (.neBlob, .bool)
            case .add where type == .string || type == .bytes: return (.concat, type)
            default: return nil
            }
        default:
            return nil
        }
    }

    // MARK: - Members and indexing

    private func member(_ e: Expr, _ base: Expr, _ name: Identifier) -> SemaType {
        if let q = tree.name(base), !isLocal(q) {
            if q == "block", module.state[q] == nil, unit.consts[q] == nil {
                switch name.name {
                case "height": code.emit(.blockHeight); return .int
                case "time": code.emit(.blockTime); return .int
                default:
                    error(
                        "'block' has no field '\(name.name)'", at: name.range,
                        hint: "use 'block.height' or 'block.time'")
                    code.emit(.pushInt, 0)
                    return .error
                }
            }
            if let library = unit.libraries[q], module.state[q] == nil {
                if let symbol = library.consts[name.name], let value = module.value(of: symbol, in: library) {
                    pushConstant(value)
                    return value.type
                }
                let hint = EditDistance.suggestion(for: name.name, among: Array(library.consts.keys)).map(
                    Messages.didYouMean)
                error(Messages.unknownName("\(q).\(name.name)"), at: tree[e].range, hint: hint)
                code.emit(.pushInt, 0)
                return .error
            }
        }
        let type = expr(base)
        switch type {
        case .structure(let structName):
            guard let s = module.structs[structName], let index = s.fieldIndex(name.name) else {
                let hint = EditDistance.suggestion(
                    for: name.name, among: module.structs[structName]?.fields.map(\.name) ?? [])
                error(Messages.noField(type, name.name), at: name.range, hint: hint.map(Messages.didYouMean))
                return .error
            }
            code.emit(.structGet, Int64(index), effect: (1, 1))
            return s.fields[index].type
        case .error: return .error
        default:
            error(Messages.noField(type, name.name), at: name.range)
            return .error
        }
    }

    private func indexExpr(_ e: Expr, _ base: Expr, _ index: Expr) -> SemaType {
        if let name = tree.name(base), !isLocal(name), let variable = module.state[name] {
            switch variable.type {
            case .map(let key, let value):
                let k = expr(index, expected: key)
                expect(key, found: k, at: tree[index].range)
                code.mark(tree[e].range)
                code.emit(.smapGet, Int64(variable.index), effect: (1, 1))
                return value
            case .list(let element):
                let i = expr(index, expected: .int)
                expect(.int, found: i, at: tree[index].range)
                code.mark(tree[e].range)
                code.emit(.slistGet, Int64(variable.index), effect: (1, 1))
                return element
            default: break
            }
        }
        let type = expr(base)
        switch type {
        case .list(let element):
            let i = expr(index, expected: .int)
            expect(.int, found: i, at: tree[index].range)
            code.mark(tree[e].range)
            code.emit(.listGet, effect: (2, 1))
            return element
        case .map(let key, let value):
            let k = expr(index, expected: key)
            expect(key, found: k, at: tree[index].range)
            code.emit(.mapGet, effect: (2, 1))
            return value
        case .bytes:
            let i = expr(index, expected: .int)
            expect(.int, found: i, at: tree[index].range)
            code.mark(tree[e].range)
            code.emit(.byteAt)
            return .int
        case .error:
            expr(index)
            code.emit(.pop, effect: (1, 0))
            return .error
        default:
            error(Messages.notIndexable(type), at: tree[base].range)
            expr(index)
            code.emit(.pop, effect: (1, 0))
            return .error
        }
    }

    // MARK: - Literals

    private func structLiteral(_ e: Expr, _ typeName: Identifier, _ fields: [FieldInitializer]) -> SemaType {
        guard let s = module.structs[typeName.name] else {
            let hint = EditDistance.suggestion(for: typeName.name, among: module.structOrder).map(Messages.didYouMean)
            error(Messages.unknownType(typeName.name), at: typeName.range, hint: hint)
            for field in fields { if !expr(field.value).isVoid { code.emit(.pop, effect: (1, 0)) } }
            code.emit(.pushInt, 0)
            return .error
        }
        var given: [String: FieldInitializer] = [:]
        for field in fields {
            if given[field.name.name] != nil {
                error(Messages.duplicateField(field.name.name), at: field.name.range)
            } else if s.fieldIndex(field.name.name) == nil {
                let hint = EditDistance.suggestion(for: field.name.name, among: s.fields.map(\.name)).map(
                    Messages.didYouMean)
                error(Messages.noField(.structure(s.name), field.name.name), at: field.name.range, hint: hint)
            } else {
                given[field.name.name] = field
            }
        }
        let missing = s.fields.map(\.name).filter { given[$0] == nil }
        if !missing.isEmpty { error(Messages.missingFields(s.name, missing), at: typeName.range) }
        for field in s.fields {
            if let initializer = given[field.name] {
                let type = expr(initializer.value, expected: field.type)
                expect(field.type, found: type, at: tree[initializer.value].range)
                copyIfPlace(initializer.value, type)
            } else {
                pushZero(field.type)
            }
        }
        code.mark(tree[e].range)
        code.emit(.structNew, Int64(s.index), effect: (s.fields.count, 1))
        return .structure(s.name)
    }

    private func listLiteral(_ e: Expr, _ elements: NodeList<Expr>, expected: SemaType?) -> SemaType {
        var element: SemaType?
        if case .list(let t)? = expected { element = t }
        if element == nil, elements.isEmpty {
            error(Messages.emptyListType, at: tree[e].range, hint: Messages.emptyListTypeHint)
            code.emit(.pushInt, 0)
            return .error
        }
        let small = elements.count <= 64
        var temp = -1
        if !small {
            code.emit(.listNew, Int64(module.typeIndex(.list(element ?? .int))), effect: (0, 1))
            temp = newLocal(.list(element ?? .int))
            code.emit(.localSet, Int64(temp))
        }
        for item in elements {
            if !small { code.emit(.localGet, Int64(temp), effect: (0, 1)) }
            let type = expr(item, expected: element)
            if let known = element {
                expect(known, found: type, at: tree[item].range)
            } else {
                element = type
            }
            copyIfPlace(item, type)
            if !small { code.emit(.listPush, effect: (2, 0)) }
        }
        let listType = SemaType.list(element ?? .error)
        code.mark(tree[e].range)
        if small {
            code.emit(.listLit, Int64(module.typeIndex(listType)), Int64(elements.count), effect: (elements.count, 1))
        } else {
            code.emit(.localGet, Int64(temp), effect: (0, 1))
        }
        return listType
    }

    // MARK: - Value semantics

    /// True when `e` reads a list, map or struct that lives in a local variable (so the value on the
    /// stack is shared with it); values loaded from state, calls and literals are fresh.
    func isPlace(_ e: Expr) -> Bool {
        switch tree[e].kind {
        case .name(let ref): return isLocal(tree.text(ref))
        case .index(let base, _), .member(let base, _): return isPlace(base)
        default: return false
        }
    }

    /// Emits `copy` when `e` is a compound value shared with a variable.
    func copyIfPlace(_ e: Expr, _ type: SemaType) {
        if type.isCompound && isPlace(e) {
            code.mark(tree[e].range)
            code.emit(.copy, effect: (1, 1))
        }
    }
}
