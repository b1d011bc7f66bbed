// Assignments and in-place changes (`x = e`, `m[k] += e`, `s.f = e`, `xs.push(v)`, `xs.pop()`,
// `remove(m, k)`) on locals, memory values and state. State roots that are not maps or lists are read,
// changed in memory and written back; state maps and lists change entry by entry.
import Bytecode
import Diagnostics

extension FunctionCompiler {
    /// Emits `mutation` on `target`; returns the type it leaves on the stack (`pop` only).
    @discardableResult
    func mutate(_ target: Expr, _ mutation: Mutation, range: SourceRange) -> SemaType {
        guard let (root, rootRange, steps) = decompose(target) else {
            switch mutation {
            case .assign:
                error(Messages.invalidAssignmentTarget, at: tree[target].range, hint: Messages.invalidAssignmentTargetHint)
            case .push, .pop:
                error(Messages.needsVariable("a list"), at: tree[target].range)
            case .remove:
                error(Messages.needsVariable("a map"), at: tree[target].range)
            }
            return abandon(mutation)
        }
        if let local = lookup(root) {
            if !steps.isEmpty { markUsed(local.index) }
            switch local.kind {
            case .variable: break
            case .parameter:
                error(Messages.cannotAssignParameter(root), at: rootRange)
                return abandon(mutation)
            case .constant:
                error(
                    Messages.cannotAssignLet(root), at: rootRange, hint: "change 'let' to 'var' to make it mutable",
                    fixIt: local.keyword.map { FixIt(range: $0, replacement: "var") })
                return abandon(mutation)
            case .loop:
                error(Messages.cannotAssignLoopVariable(root), at: rootRange)
                return abandon(mutation)
            }
            if steps.isEmpty, case .assign(let op, let value, let opRange) = mutation {
                let type = assignedValue(op, value, opRange, target: localTypes[local.index]) {
                    code.emit(.localGet, Int64(local.index), effect: (0, 1))
                }
                copyIfPlace(value, type)
                code.emit(.localSet, Int64(local.index))
                return .void
            }
            return applyMemory(localTypes[local.index], steps[...], mutation, range: range) {
                code.emit(.localGet, Int64(local.index), effect: (0, 1))
            }
        }
        guard let variable = module.state[root], !unit.isLibrary else {
            if unit.consts[root] != nil {
                error(Messages.cannotAssignConst(root), at: rootRange)
            } else if FunctionCompiler.worldValues[root] != nil || root == "block" {
                error(Messages.cannotAssignBuiltin(root), at: rootRange)
            } else if unit.functions[root] != nil || FunctionCompiler.builtinFunctions.contains(root) {
                error(Messages.cannotAssignFunction(root), at: rootRange)
            } else {
                unknownName(root, at: rootRange, among: visibleNames())
            }
            return abandon(mutation)
        }
        noteWrite(range)
        let slot = Int64(variable.index)
        switch variable.type {
        case .map(let key, let value):
            if steps.isEmpty, case .remove(let k) = mutation {
                let found = expr(k, expected: key)
                expect(key, found: found, at: tree[k].range)
                code.emit(.smapRemove, slot, effect: (1, 0))
                return .void
            }
            guard case .index(let k)? = steps.first else {
                error(
                    Messages.stateCollectionAsValue(root, variable.type), at: tree[target].range,
                    hint: Messages.stateCollectionHint)
                return abandon(mutation)
            }
            return stateEntry(
                key: k, keyType: key, valueType: value, steps: steps.dropFirst(), mutation, range: range,
                get: { code.emit(.smapGet, slot, effect: (1, 1)) },
                set: { code.emit(.smapSet, slot, effect: (2, 0)) })
        case .list(let element):
            if steps.isEmpty {
                switch mutation {
                case .push(let v):
                    let found = expr(v, expected: element)
                    expect(element, found: found, at: tree[v].range)
                    code.mark(range)
                    code.emit(.slistPush, slot, effect: (1, 0))
                    return .void
                case .pop:
                    code.mark(range)
                    code.emit(.slistPop, slot, effect: (0, 1))
                    return element
                default: break
                }
            }
            guard case .index(let i)? = steps.first else {
                error(
                    Messages.stateCollectionAsValue(root, variable.type), at: tree[target].range,
                    hint: Messages.stateCollectionHint)
                return abandon(mutation)
            }
            return stateEntry(
                key: i, keyType: .int, valueType: element, steps: steps.dropFirst(), mutation, range: range,
                get: {
                    code.mark(range); code.emit(.slistGet, slot, effect: (1, 1))
                },
                set: {
                    code.mark(range); code.emit(.slistSet, slot, effect: (2, 0))
                })
        default:
            if steps.isEmpty, case .assign(let op, let value, let opRange) = mutation {
                _ = assignedValue(op, value, opRange, target: variable.type) {
                    code.emit(.sload, slot, effect: (0, 1))
                }
                code.emit(.sstore, slot, effect: (1, 0))
                return .void
            }
            // Read the whole value, change it in memory, write it back.
            let temp = newLocal(variable.type)
            code.emit(.sload, slot, effect: (0, 1))
            code.emit(.localSet, Int64(temp))
            let result = applyMemory(variable.type, steps[...], mutation, range: range) {
                code.emit(.localGet, Int64(temp), effect: (0, 1))
            }
            code.emit(.localGet, Int64(temp), effect: (0, 1))
            code.emit(.sstore, slot, effect: (1, 0))
            return result
        }
    }

    /// One entry of a state map or list: assigned directly, or read, changed in memory and written back.
    private func stateEntry(
        key: Expr, keyType: SemaType, valueType: SemaType, steps: ArraySlice<PathStep>, _ mutation: Mutation,
        range: SourceRange, get: () -> Void, set: () -> Void
    ) -> SemaType {
        let found = expr(key, expected: keyType)
        expect(keyType, found: found, at: tree[key].range)
        if steps.isEmpty, case .assign(.assign, let value, _) = mutation {
            let type = expr(value, expected: valueType)
            expect(valueType, found: type, at: tree[value].range)
            set()
            return .void
        }
        let keyTemp = newLocal(keyType)
        code.emit(.localSet, Int64(keyTemp))
        if steps.isEmpty, case .assign(let op, let value, let opRange) = mutation {
            code.emit(.localGet, Int64(keyTemp), effect: (0, 1))
            _ = assignedValue(op, value, opRange, target: valueType) {
                code.emit(.localGet, Int64(keyTemp), effect: (0, 1))
                get()
            }
            set()
            return .void
        }
        let temp = newLocal(valueType)
        code.emit(.localGet, Int64(keyTemp), effect: (0, 1))
        get()
        code.emit(.localSet, Int64(temp))
        let result = applyMemory(valueType, steps, mutation, range: range) {
            code.emit(.localGet, Int64(temp), effect: (0, 1))
        }
        code.emit(.localGet, Int64(keyTemp), effect: (0, 1))
        code.emit(.localGet, Int64(temp), effect: (0, 1))
        set()
        return result
    }

    /// Applies `mutation` to a place reached from a memory value by `steps`.
    private func applyMemory(
        _ rootType: SemaType, _ steps: ArraySlice<PathStep>, _ mutation: Mutation, range: SourceRange,
        loadRoot: () -> Void
    ) -> SemaType {
        var containerSteps = steps
        var last: PathStep?
        if case .assign = mutation {
            last = containerSteps.popLast()
        }
        loadRoot()
        var type = rootType
        // A compound value reached through a memory map is written back after the change: a missing key
        // reads as a fresh zero value, which must be inserted for the change to stick.
        var writeBacks: [(map: Int, key: Int, value: Int)] = []
        for step in containerSteps {
            if case .index(let keyExpr) = step, case .map(let keyType, let valueType) = type, valueType.isCompound {
                let map = newLocal(type), key = newLocal(keyType), value = newLocal(valueType)
                code.emit(.localSet, Int64(map))
                let found = expr(keyExpr, expected: keyType)
                expect(keyType, found: found, at: tree[keyExpr].range)
                code.emit(.localSet, Int64(key))
                code.emit(.localGet, Int64(map), effect: (0, 1))
                code.emit(.localGet, Int64(key), effect: (0, 1))
                code.emit(.mapGet, effect: (2, 1))
                code.emit(.localSet, Int64(value))
                code.emit(.localGet, Int64(value), effect: (0, 1))
                writeBacks.append((map, key, value))
                type = valueType
                continue
            }
            type = read(step, from: type)
            if type.isError { return abandon(mutation) }
        }
        let result = applyLast(type, last, mutation, range: range)
        for writeBack in writeBacks.reversed() {
            code.emit(.localGet, Int64(writeBack.map), effect: (0, 1))
            code.emit(.localGet, Int64(writeBack.key), effect: (0, 1))
            code.emit(.localGet, Int64(writeBack.value), effect: (0, 1))
            code.emit(.mapSet, effect: (3, 0))
        }
        return result
    }

    /// Applies `mutation` to the container on the stack (of `type`); `last` is an assignment's final step.
    private func applyLast(_ type: SemaType, _ last: PathStep?, _ mutation: Mutation, range: SourceRange) -> SemaType {
        switch mutation {
        case .assign(let op, let value, let opRange):
            switch last {
            case .field(let name)?:
                guard case .structure(let structName) = type, let s = module.structs[structName],
                    let index = s.fieldIndex(name.name)
                else {
                    if !type.isError { error(Messages.noField(type, name.name), at: name.range) }
                    return abandon(mutation)
                }
                let fieldType = s.fields[index].type
                let valueType = assignedValue(op, value, opRange, target: fieldType) {
                    code.emit(.dup, effect: (1, 2))
                    code.emit(.structGet, Int64(index), effect: (1, 1))
                }
                copyIfPlace(value, valueType)
                code.emit(.structSet, Int64(index), effect: (2, 0))
            case .index(let indexExpr)?:
                let (keyType, elementType, getOp, setOp): (SemaType, SemaType, Opcode, Opcode)
                switch type {
                case .list(let element): (keyType, elementType, getOp, setOp) = (.int, element, .listGet, .listSet)
                case .map(let key, let value): (keyType, elementType, getOp, setOp) = (key, value, .mapGet, .mapSet)
                default:
                    if !type.isError { error(Messages.notIndexable(type), at: tree[indexExpr].range) }
                    return abandon(mutation)
                }
                if op == .assign {
                    let k = expr(indexExpr, expected: keyType)
                    expect(keyType, found: k, at: tree[indexExpr].range)
                    let v = expr(value, expected: elementType)
                    expect(elementType, found: v, at: tree[value].range)
                    copyIfPlace(value, v)
                    code.mark(range)
                    code.emit(setOp, effect: (3, 0))
                } else {
                    let container = newLocal(type), key = newLocal(keyType)
                    code.emit(.localSet, Int64(container))
                    let k = expr(indexExpr, expected: keyType)
                    expect(keyType, found: k, at: tree[indexExpr].range)
                    code.emit(.localSet, Int64(key))
                    code.emit(.localGet, Int64(container), effect: (0, 1))
                    code.emit(.localGet, Int64(key), effect: (0, 1))
                    _ = assignedValue(op, value, opRange, target: elementType) {
                        code.emit(.localGet, Int64(container), effect: (0, 1))
                        code.emit(.localGet, Int64(key), effect: (0, 1))
                        code.mark(range)
                        code.emit(getOp, effect: (2, 1))
                    }
                    code.emit(setOp, effect: (3, 0))
                }
            case nil:
                code.emit(.pop, effect: (1, 0))
                return abandon(mutation)
            }
            return .void
        case .push(let value):
            guard case .list(let element) = type else {
                if !type.isError { error(Messages.noMethod(type, "push"), at: range) }
                code.emit(.pop, effect: (1, 0))
                return abandon(mutation)
            }
            let v = expr(value, expected: element)
            expect(element, found: v, at: tree[value].range)
            copyIfPlace(value, v)
            code.mark(range)
            code.emit(.listPush, effect: (2, 0))
            return .void
        case .pop:
            guard case .list(let element) = type else {
                if !type.isError { error(Messages.noMethod(type, "pop"), at: range) }
                code.emit(.pop, effect: (1, 0))
                return abandon(mutation)
            }
            code.mark(range)
            code.emit(.listPop, effect: (1, 1))
            return element
        case .remove(let key):
            guard case .map(let keyType, _) = type else {
                if !type.isError { error("'remove' needs a Map, found '\(type)'", at: range) }
                code.emit(.pop, effect: (1, 0))
                return abandon(mutation)
            }
            let k = expr(key, expected: keyType)
            expect(keyType, found: k, at: tree[key].range)
            code.emit(.mapRemove, effect: (2, 0))
            return .void
        }
    }

    /// Emits one path step on the value on the stack; returns the type reached.
    private func read(_ step: PathStep, from type: SemaType) -> SemaType {
        switch (step, type) {
        case (.field(let name), .structure(let structName)):
            guard let s = module.structs[structName], let index = s.fieldIndex(name.name) else {
                error(Messages.noField(type, name.name), at: name.range)
                return .error
            }
            code.emit(.structGet, Int64(index), effect: (1, 1))
            return s.fields[index].type
        case (.index(let i), .list(let element)):
            let found = expr(i, expected: .int)
            expect(.int, found: found, at: tree[i].range)
            code.mark(tree[i].range)
            code.emit(.listGet, effect: (2, 1))
            return element
        case (.index(let k), .map(let key, let value)):
            let found = expr(k, expected: key)
            expect(key, found: found, at: tree[k].range)
            code.emit(.mapGet, effect: (2, 1))
            return value
        case (_, .error):
            return .error
        case (.field(let name), _):
            error(Messages.noField(type, name.name), at: name.range)
            return .error
        case (.index(let i), _):
            error(Messages.notIndexable(type), at: tree[i].range)
            return .error
        }
    }

    /// Emits the value stored by `op`: `value` itself, or `old op value` for compound assignments.
    private func assignedValue(
        _ op: AssignmentOperator, _ value: Expr, _ opRange: SourceRange, target: SemaType, loadOld: () -> Void
    ) -> SemaType {
        guard let binary = op.binaryOperator else {
            let type = expr(value, expected: target)
            expect(target, found: type, at: tree[value].range)
            return type
        }
        loadOld()
        let type = expr(value, expected: target)
        guard !target.isError, !type.isError else { return target }
        guard let (opcode, result) = FunctionCompiler.binaryOpcode(binary, target), result == target,
            target.accepts(type), type.accepts(target)
        else {
            error(Messages.binaryOperands(binary.rawValue, target, type), at: opRange, hint: mixHint(target, type))
            return target
        }
        code.mark(opRange)
        code.emit(opcode, effect: (2, 1))
        return target
    }

    /// Compiles what a failed mutation would have used, for its diagnostics; keeps the stack shape.
    private func abandon(_ mutation: Mutation) -> SemaType {
        switch mutation {
        case .assign(_, let value, _), .push(let value), .remove(let value):
            if !expr(value).isVoid { code.emit(.pop, effect: (1, 0)) }
            return .void
        case .pop:
            code.emit(.pushInt, 0)
            return .error
        }
    }

    /// The root variable of a place, its range, and the steps from it to the place, outermost first.
    private func decompose(_ e: Expr) -> (String, SourceRange, [PathStep])? {
        var steps: [PathStep] = []
        guard let (root, range) = decompose(e, into: &steps) else { return nil }
        return (root, range, steps)
    }

    /// `decompose(_:)` appending the steps to `steps` (one array for the whole path; concatenating a new one at
    /// each step made two allocations per step).
    private func decompose(_ e: Expr, into steps: inout [PathStep]) -> (String, SourceRange)? {
        switch tree[e].kind {
        case .name(let ref): return (tree.text(ref), tree[e].range)
        case .index(let base, let index):
            guard let root = decompose(base, into: &steps) else { return nil }
            steps.append(.index(index))
            return root
        case .member(let base, let ref):
            let name = tree.identifier(ref)
            guard let root = decompose(base, into: &steps) else { return nil }
            steps.append(.field(name))
            return root
        default: return nil
        }
    }
}
