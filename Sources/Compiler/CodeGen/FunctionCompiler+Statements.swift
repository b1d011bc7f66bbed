// Statements: bindings, assignments, control flow and loops (rotated: the test sits at the bottom).
import Bytecode
import Diagnostics

extension FunctionCompiler {
    func block(_ block: Block, newScope: Bool = true) {
        if newScope { pushScope() }
        var warned = false
        for stmt in tree[block.statements] {
            if !code.reachable && !warned {
                if case .error = tree[stmt].kind {
                } else {
                    module.diagnostics.report(.warning(Messages.unreachable, at: tree[stmt].range))
                    warned = true
                }
            }
            statement(stmt)
        }
        if newScope { popScope() }
    }

    func statement(_ stmt: Stmt) {
        let node = tree[stmt]
        code.mark(node.range)
        switch node.kind {
        case .binding(let binding): bind(tree[binding], range: node.range)
        case .assignment(let target, let op, let value, let opRange):
            mutate(target, .assign(op, value, opRange), range: node.range)
        case .expression(let e):
            let type = expr(e, discard: true)
            if !type.isVoid { code.emit(.pop, effect: (1, 0)) }
        case .conditional(let conditional): ifStatement(conditional)
        case .whileLoop(let condition, let body): whileLoop(condition, body, header: node.range)
        case .forLoop(let loop):
            loopHeader = node.range
            forLoop(tree[loop])
        case .breakLoop:
            guard let loop = loops.last else { return error(Messages.breakOutsideLoop, at: node.range) }
            code.jump(.jump, to: loop.breakLabel)
        case .continueLoop:
            guard let loop = loops.last else { return error(Messages.continueOutsideLoop, at: node.range) }
            code.jump(.jump, to: loop.continueLabel)
        case .returnValue(let value): returnStatement(value, range: node.range)
        case .emit(let ref, let arguments):
            let event = tree.identifier(ref)
            emitStatement(event, tree[arguments], range: node.range)
        case .tryCall(let call, let elseBody): tryStatement(call, elseBody, range: node.range)
        case .asAccount, .expectRevert: error(Messages.onlyInTests, at: node.range)
        case .block(let inner): block(inner)
        case .error: break
        }
    }

    // MARK: - Bindings

    private func bind(_ binding: Binding, range: SourceRange) {
        let declared = binding.type.map { module.resolve($0) }
        // Locals start at zero: a scalar bound to zero before any loop can have begun needs no code.
        if !code.anyLabelPlaced, let zeroType = zeroScalar(binding.initializer, declared: declared) {
            if let declared, let initializer = binding.initializer {
                expect(declared, found: zeroType, at: tree[initializer].range)
            }
            declare(
                binding.name.name, type: declared ?? zeroType, kind: binding.isMutable ? .variable : .constant,
                range: binding.name.range)
            markKeyword(binding, range: range)
            return
        }
        var type: SemaType
        if let initializer = binding.initializer {
            let found = expr(initializer, expected: declared)
            if let declared {
                expect(declared, found: found, at: tree[initializer].range)
                type = declared
            } else {
                type = found
            }
            if type.isVoid {
                error(
                    "'\(binding.name.name)' cannot hold the result of a call that returns nothing",
                    at: tree[initializer].range)
                type = .error
            }
            copyIfPlace(initializer, type)
        } else if let declared {
            type = declared
            pushZero(declared)
        } else {
            error(Messages.bindingNeedsValue(binding.name.name), at: binding.name.range)
            return
        }
        let index = declare(
            binding.name.name, type: type, kind: binding.isMutable ? .variable : .constant,
            range: binding.name.range)
        markKeyword(binding, range: range)
        code.emit(.localSet, Int64(index))
    }

    /// Remembers where a `let` keyword is, for the fix-it that makes the binding a `var`.
    private func markKeyword(_ binding: Binding, range: SourceRange) {
        guard !binding.isMutable, FunctionCompiler.startsWithLet(range, in: unit.file), let position = innermostPosition(of: binding.name.name)
        else { return }
        visible[position].local.keyword = SourceRange(fileID: range.fileID, start: range.start, end: range.start + 3)
    }

    /// Whether the text of `range` starts with `let` (compared in place, without building the statement's text);
    /// `file` is the one at hand, used when the range is in it.
    static func startsWithLet(_ range: SourceRange, in file: SourceFile) -> Bool {
        let bytes = file.id == range.fileID ? file.bytes : range.file.bytes
        guard range.length >= 3, range.start >= 0, range.start + 3 <= bytes.count else { return false }
        return bytes[range.start] == UInt8(ascii: "l") && bytes[range.start + 1] == UInt8(ascii: "e")
            && bytes[range.start + 2] == UInt8(ascii: "t")
    }

    /// The type of a zero `Int`, `Dec` or `Bool` initializer (or of a missing one), if that is what it is.
    private func zeroScalar(_ initializer: Expr?, declared: SemaType?) -> SemaType? {
        guard let initializer else {
            return declared.flatMap { [.int, .dec, .bool].contains($0) ? $0 : nil }
        }
        switch tree[initializer].kind {
        case .integer, .decimal, .bool, .name, .unary, .binary: break
        default: return nil
        }
        switch foldedValue(initializer) {
        case .int(0)?: return .int
        case .dec(0)?: return .dec
        case .bool(false)?: return .bool
        default: return nil
        }
    }

    // MARK: - Control flow

    private func ifStatement(_ conditional: Conditional) {
        let end = code.newLabel()
        let clauses = tree[conditional.clauses]
        for (i, clause) in clauses.enumerated() {
            let next = code.newLabel()
            condition(clause.condition, jumpIf: false, to: next)
            block(clause.body)
            let isLast = i == clauses.count - 1 && conditional.elseBody == nil
            if !isLast && code.reachable { code.jump(.jump, to: end) }
            code.place(next)
        }
        if let elseBody = conditional.elseBody { block(elseBody) }
        code.place(end)
    }

    private func whileLoop(_ test: Expr, _ body: Block, header: SourceRange) {
        let bodyLabel = code.newLabel(), testLabel = code.newLabel(), exit = code.newLabel()
        let live = code.reachable
        let constant = foldedValue(test)
        code.jump(.jump, to: testLabel)
        code.place(bodyLabel, live: live && constant != .bool(false))
        loops.append((exit, testLabel))
        block(body)
        loops.removeLast()
        code.mark(header)
        code.place(testLabel)
        if constant == .bool(true) {
            code.jump(.jump, to: bodyLabel)
        } else {
            condition(test, jumpIf: true, to: bodyLabel)
        }
        code.place(exit)
    }

    private func forLoop(_ loop: ForLoop) {
        pushScope()
        defer { popScope() }
        switch loop.sequence {
        case .range(let lower, let upper): rangeLoop(loop, lower, upper)
        case .value(let sequence):
            if let name = tree.name(sequence), !isLocal(name), let variable = module.state[name] {
                switch variable.type {
                case .list(let element): return stateListLoop(loop, variable, element)
                case .map(let key, let value): return stateMapLoop(loop, variable, key, value)
                default: break
                }
            }
            let type = expr(sequence)
            switch type {
            case .list(let element): memoryListLoop(loop, element)
            case .map(let key, let value): memoryMapLoop(loop, key, value)
            default:
                if !type.isError { error("cannot iterate over a value of type '\(type)'", at: tree[sequence].range) }
                code.emit(.pop, effect: (1, 0))
            }
        }
    }

    /// The loop when it has as many names as it takes: one, or two for maps (`first`, `second`); nil after
    /// reporting otherwise.
    private func loopNames(_ loop: ForLoop, count: Int) -> ForLoop? {
        guard (loop.second == nil ? 1 : 2) == count else {
            let what = count == 1 ? "one name" : "two names ('for k, v in m')"
            error("this loop takes \(what)", at: loop.first.range)
            // The names written still name something in the body: error values, which every later check
            // accepts, so the one mistake is reported once rather than again as "cannot find" at each use.
            for name in [loop.first] + (loop.second.map { [$0] } ?? []) {
                markUsed(declare(name.name, type: .error, kind: .loop, range: name.range))
            }
            return nil
        }
        return loop
    }

    /// Emits `jump test; body: <body>; continue: <step>; test: <test>; exit:`.
    private func rotated(_ loop: ForLoop, prologue: () -> Void = {}, step: () -> Void, test: (Label) -> Void) {
        let header = loopHeader
        let bodyLabel = code.newLabel(), stepLabel = code.newLabel(), testLabel = code.newLabel()
        let exit = code.newLabel()
        let live = code.reachable
        code.jump(.jump, to: testLabel)
        code.place(bodyLabel, live: live)
        prologue()
        loops.append((exit, stepLabel))
        block(loop.body)
        loops.removeLast()
        if let header { code.mark(header) }
        code.place(stepLabel)
        step()
        code.place(testLabel)
        test(bodyLabel)
        code.place(exit)
    }

    private func rangeLoop(_ loop: ForLoop, _ lower: Expr, _ upper: Expr) {
        let startsAtZero = !code.anyLabelPlaced && zeroScalar(lower, declared: nil) == .int
        if !startsAtZero {
            let low = expr(lower, expected: .int)
            expect(.int, found: low, at: tree[lower].range)
        }
        let names = loopNames(loop, count: 1)
        let counter = declare(
            names?.first.name ?? "_", type: .int, kind: .loop, range: names?.first.range ?? tree[lower].range)
        if !startsAtZero { code.emit(.localSet, Int64(counter)) }
        // The bound is evaluated once: a constant or an immutable local is read in place.
        var bound: (() -> Void)?
        if let value = foldedValue(upper) {
            expect(.int, found: value.type, at: tree[upper].range)
            bound = { [self] in pushConstant(value) }
        } else if let n = tree.name(upper), let local = lookup(n), local.kind != .variable {
            markUsed(local.index)
            expect(.int, found: localTypes[local.index], at: tree[upper].range)
            bound = { [self] in code.emit(.localGet, Int64(local.index), effect: (0, 1)) }
        }
        if bound == nil {
            let high = expr(upper, expected: .int)
            expect(.int, found: high, at: tree[upper].range)
            let limit = newLocal(.int)
            code.emit(.localSet, Int64(limit))
            bound = { [self] in code.emit(.localGet, Int64(limit), effect: (0, 1)) }
        }
        rotated(
            loop, step: { increment(counter) },
            test: { body in
                code.emit(.localGet, Int64(counter), effect: (0, 1))
                bound?()
                code.emit(.ltInt)
                code.jump(.jumpIf, to: body)
            })
    }

    /// Loops over a list already on the stack.
    private func memoryListLoop(_ loop: ForLoop, _ element: SemaType) {
        let list = newLocal(.list(element))
        code.emit(.localSet, Int64(list))
        let index = newLocal(.int)
        let names = loopNames(loop, count: 1)
        let item = declare(
            names?.first.name ?? "_", type: element, kind: .loop, range: names?.first.range ?? loop.body.range)
        code.emit(.pushInt, 0)
        code.emit(.localSet, Int64(index))
        rotated(
            loop,
            prologue: {
                code.emit(.localGet, Int64(list), effect: (0, 1))
                code.emit(.localGet, Int64(index), effect: (0, 1))
                code.emit(.listGet)
                code.emit(.localSet, Int64(item))
            }, step: { increment(index) },
            test: { body in
                code.emit(.localGet, Int64(index), effect: (0, 1))
                code.emit(.localGet, Int64(list), effect: (0, 1))
                code.emit(.listLen)
                code.emit(.ltInt)
                code.jump(.jumpIf, to: body)
            })
    }

    private func memoryMapLoop(_ loop: ForLoop, _ keyType: SemaType, _ valueType: SemaType) {
        let map = newLocal(.map(keyType, valueType))
        code.emit(.localSet, Int64(map))
        let index = newLocal(.int)
        let names = loopNames(loop, count: 2)
        let key = declare(
            names?.first.name ?? "_", type: keyType, kind: .loop, range: names?.first.range ?? loop.body.range)
        let value = declare(
            names?.second?.name ?? "_", type: valueType, kind: .loop, range: names?.second?.range ?? loop.body.range)
        code.emit(.pushInt, 0)
        code.emit(.localSet, Int64(index))
        rotated(
            loop,
            prologue: {
                code.emit(.localGet, Int64(map), effect: (0, 1))
                code.emit(.localGet, Int64(index), effect: (0, 1))
                code.emit(.mapKeyAt)
                code.emit(.localSet, Int64(key))
                code.emit(.localGet, Int64(map), effect: (0, 1))
                code.emit(.localGet, Int64(index), effect: (0, 1))
                code.emit(.mapValueAt)
                code.emit(.localSet, Int64(value))
            }, step: { increment(index) },
            test: { body in
                code.emit(.localGet, Int64(index), effect: (0, 1))
                code.emit(.localGet, Int64(map), effect: (0, 1))
                code.emit(.mapLen)
                code.emit(.ltInt)
                code.jump(.jumpIf, to: body)
            })
    }

    private func stateListLoop(_ loop: ForLoop, _ variable: StateSymbol, _ element: SemaType) {
        let slot = Int64(variable.index)
        let length = newLocal(.int), index = newLocal(.int)
        let names = loopNames(loop, count: 1)
        let item = declare(
            names?.first.name ?? "_", type: element, kind: .loop, range: names?.first.range ?? loop.body.range)
        code.emit(.slistLen, slot)
        code.emit(.localSet, Int64(length))
        code.emit(.pushInt, 0)
        code.emit(.localSet, Int64(index))
        rotated(
            loop,
            prologue: {
                code.emit(.localGet, Int64(index), effect: (0, 1))
                code.emit(.slistGet, slot)
                code.emit(.localSet, Int64(item))
            }, step: { increment(index) },
            test: { body in
                code.emit(.localGet, Int64(index), effect: (0, 1))
                code.emit(.localGet, Int64(length), effect: (0, 1))
                code.emit(.ltInt)
                code.jump(.jumpIf, to: body)
            })
    }

    private func stateMapLoop(_ loop: ForLoop, _ variable: StateSymbol, _ keyType: SemaType, _ valueType: SemaType) {
        let slot = Int64(variable.index)
        let more = newLocal(.bool)
        let names = loopNames(loop, count: 2)
        let key = declare(
            names?.first.name ?? "_", type: keyType, kind: .loop, range: names?.first.range ?? loop.body.range)
        let value = declare(
            names?.second?.name ?? "_", type: valueType, kind: .loop, range: names?.second?.range ?? loop.body.range)
        code.emit(.smapFirst, slot)
        code.emit(.localSet, Int64(more))
        code.emit(.localSet, Int64(key))
        rotated(
            loop,
            prologue: {
                code.emit(.localGet, Int64(key), effect: (0, 1))
                code.emit(.smapGet, slot)
                code.emit(.localSet, Int64(value))
            },
            step: {
                code.emit(.localGet, Int64(key), effect: (0, 1))
                code.emit(.smapNext, slot)
                code.emit(.localSet, Int64(more))
                code.emit(.localSet, Int64(key))
            },
            test: { body in
                code.emit(.localGet, Int64(more), effect: (0, 1))
                code.jump(.jumpIf, to: body)
            })
    }

    private func increment(_ local: Int) {
        code.emit(.localGet, Int64(local), effect: (0, 1))
        code.emit(.pushInt, 1)
        code.emit(.addInt)
        code.emit(.localSet, Int64(local))
    }

    // MARK: - Return, emit, try

    private func returnStatement(_ value: Expr?, range: SourceRange) {
        if let value {
            let type = expr(value, expected: symbol.result.isVoid ? nil : symbol.result)
            if symbol.result.isVoid {
                error(Messages.returnValueInVoid(symbol.name), at: tree[value].range)
                if !type.isVoid { code.emit(.pop, effect: (1, 0)) }
            } else {
                expect(symbol.result, found: type, at: tree[value].range)
            }
        } else if !symbol.result.isVoid {
            error(Messages.returnWithoutValue(symbol.result), at: range)
        }
        code.emit(.ret, effect: (symbol.result.isVoid ? 0 : 1, 0))
    }

    private func emitStatement(_ name: Identifier, _ arguments: NodeList<Expr>, range: SourceRange) {
        guard let event = module.events[name.name] else {
            let hint = EditDistance.suggestion(for: name.name, among: module.eventOrder).map(Messages.didYouMean)
            error(Messages.unknownEvent(name.name), at: name.range, hint: hint)
            for argument in arguments { if !expr(argument).isVoid { code.emit(.pop, effect: (1, 0)) } }
            return
        }
        checkArguments(name.name, event.fields.map(\.type), arguments, at: range, copy: false)
        noteWrite(range)
        code.mark(range)
        code.emit(.emit, Int64(event.index), effect: (event.fields.count, 0))
    }

    private func tryStatement(_ call: Expr, _ elseBody: Block, range: SourceRange) {
        guard case .call(let callee, let arguments) = tree[call].kind, case .member(let base, let ref) = tree[callee].kind
        else {
            error(Messages.tryNeedsExternal, at: tree[call].range)
            return
        }
        let name = tree.identifier(ref)
        let baseType = expr(base)
        guard case .interface(let interfaceName) = baseType,
            let function = module.interfaces[interfaceName]?.functions[name.name]
        else {
            if !baseType.isError { error(Messages.tryNeedsExternal, at: tree[call].range) }
            code.emit(.pop, effect: (1, 0))
            return
        }
        code.emit(.pushInt, 0)
        checkArguments(name.name, function.params.map(\.type), tree[arguments], at: tree[call].range, copy: false)
        if !function.isView { noteWrite(tree[call].range) }
        let results = function.result.isVoid ? 0 : 1
        code.mark(tree[call].range)
        code.emit(.tryCallExt, Int64(module.externIndex(function)), effect: (2 + function.params.count, results + 1))
        let ok = newLocal(.bool)
        code.emit(.localSet, Int64(ok))
        for _ in 0..<results { code.emit(.pop, effect: (1, 0)) }
        let end = code.newLabel()
        code.emit(.localGet, Int64(ok), effect: (0, 1))
        code.jump(.jumpIf, to: end)
        block(elseBody)
        code.place(end)
    }

    // MARK: - Conditions

    /// Emits a test of `e` that jumps to `label` when `e` equals `jumpIf` and falls through otherwise.
    func condition(_ e: Expr, jumpIf: Bool, to label: Label) {
        if let value = foldedValue(e), case .bool(let b) = value {
            if b == jumpIf { code.jump(.jump, to: label) }
            return
        }
        switch tree[e].kind {
        case .unary(.not, let operand):
            condition(operand, jumpIf: !jumpIf, to: label)
        case .binary(.and, let lhs, let rhs, _):
            if jumpIf {
                let skip = code.newLabel()
                condition(lhs, jumpIf: false, to: skip)
                condition(rhs, jumpIf: true, to: label)
                code.place(skip)
            } else {
                condition(lhs, jumpIf: false, to: label)
                condition(rhs, jumpIf: false, to: label)
            }
        case .binary(.or, let lhs, let rhs, _):
            if jumpIf {
                condition(lhs, jumpIf: true, to: label)
                condition(rhs, jumpIf: true, to: label)
            } else {
                let skip = code.newLabel()
                condition(lhs, jumpIf: true, to: skip)
                condition(rhs, jumpIf: false, to: label)
                code.place(skip)
            }
        default:
            let type = expr(e, expected: .bool)
            if !type.isBool && !type.isError { error(Messages.conditionNotBool(type), at: tree[e].range) }
            code.jump(jumpIf ? .jumpIf : .jumpUnless, to: label)
        }
    }
}
