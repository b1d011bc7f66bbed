// Calls: functions of this contract and of libraries, builtins, interface casts and calls of other
// contracts.
import Bytecode
import Diagnostics

extension FunctionCompiler {
    static let builtinFunctions = [
        "require", "revert", "assert", "assert_eq", "len", "has", "remove", "sha256", "transfer", "balance",
        "gas_left", "dec", "int", "string", "bytes", "split",
    ]

    /// For `xs.len()` or `m.has(k)`, where a builtin function of that name exists: "write 'len(xs)'" (the
    /// call as a function, from the source text of the value and the arguments; described instead when long).
    private func builtinAsFunctionHint(_ name: String, _ base: Expr, _ arguments: NodeList<Expr>) -> String? {
        guard FunctionCompiler.builtinFunctions.contains(name) else { return nil }
        let call = "\(name)(\(([base] + arguments).map { tree[$0].range.text }.joined(separator: ", ")))"
        let shown = call.utf8.count <= 60 && !call.utf8.contains(UInt8(ascii: "\n")) ? call : nil
        return Messages.builtinAsFunction(name, call: shown)
    }

    func call(_ e: Expr, callee: Expr, arguments: NodeList<Expr>, expected: SemaType?) -> SemaType {
        switch tree[callee].kind {
        case .name(let ref):
            let name = tree.text(ref)
            if lookup(name) != nil {
                valueCalled(name, .local, arguments, e, callee)
                return discardArguments(arguments)
            }
            if let function = unit.functions[name] { return callFunction(function, arguments, e) }
            if FunctionCompiler.builtinFunctions.contains(name) { return builtin(name, arguments, e) }
            if let interface = module.interfaces[name] {
                guard arguments.count == 1 else {
                    error(Messages.interfaceNotCallable(name), at: tree[e].range)
                    return discardArguments(arguments)
                }
                let type = expr(arguments[0], expected: .address)
                expect(.address, found: type, at: tree[arguments[0]].range)
                return .interface(interface.name)
            }
            if module.structs[name] != nil {
                error(
                    Messages.notCallable(name), at: tree[callee].range, hint: "build a struct with '\(name) { field: value }'"
                )
                return discardArguments(arguments)
            }
            if let kind = valueKind(name) {
                valueCalled(name, kind, arguments, e, callee)
                return discardArguments(arguments)
            }
            // A function of a used library, called without its qualifier.
            let qualifiers = unit.libraries.keys.sorted {
                (unit.libraries[$0]?.name == $0 ? 1 : 0, $0) < (unit.libraries[$1]?.name == $1 ? 1 : 0, $1)
            }
            if let qualifier = qualifiers.first(where: { unit.libraries[$0]?.functions[name] != nil }) {
                error(
                    Messages.unknownName(name), at: tree[callee].range, hint: "did you mean '\(qualifier).\(name)'?",
                    fixIt: FixIt(range: tree[callee].range, replacement: "\(qualifier).\(name)"))
                return discardArguments(arguments)
            }
            let candidates =
                Array(unit.functions.keys) + FunctionCompiler.builtinFunctions + module.interfaces.keys.sorted()
            unknownName(name, at: tree[callee].range, among: candidates)
            return discardArguments(arguments)
        case .member(let base, let ref):
            let name = tree.identifier(ref)
            if let q = tree.name(base), q == "block", !isLocal(q), valueKind(q) == .blockValue,
                ["height", "time"].contains(name.name)
            {
                valueCalled("block.\(name.name)", .blockValue, arguments, e, callee)
                return discardArguments(arguments)
            }
            if let q = tree.name(base), !isLocal(q), module.state[q] == nil, let library = unit.libraries[q] {
                guard let function = library.functions[name.name] else {
                    let hint = EditDistance.suggestion(for: name.name, among: Array(library.functions.keys))
                    error(
                        Messages.unknownName("\(q).\(name.name)"), at: tree[callee].range, hint: hint.map(Messages.didYouMean)
                    )
                    return discardArguments(arguments)
                }
                return callFunction(function, arguments, e)
            }
            if name.name == "push" || name.name == "pop" {
                if name.name == "push" {
                    guard arguments.count == 1 else {
                        error(Messages.argumentCount("push", expected: 1, found: arguments.count), at: tree[e].range)
                        return discardArguments(arguments)
                    }
                    mutate(base, .push(arguments[0]), range: tree[e].range)
                    return .void
                }
                guard arguments.isEmpty else {
                    error(Messages.argumentCount("pop", expected: 0, found: arguments.count), at: tree[e].range)
                    return discardArguments(arguments)
                }
                return mutate(base, .pop, range: tree[e].range)
            }
            let type = expr(base)
            guard case .interface(let interfaceName) = type, let interface = module.interfaces[interfaceName] else {
                if !type.isError {
                    error(Messages.noMethod(type, name.name), at: name.range,
                          hint: builtinAsFunctionHint(name.name, base, arguments))
                }
                code.emit(.pop, effect: (1, 0))
                return discardArguments(arguments)
            }
            guard let function = interface.functions[name.name] else {
                let hint = EditDistance.suggestion(for: name.name, among: interface.order).map(Messages.didYouMean)
                error(Messages.noMethod(type, name.name), at: name.range, hint: hint)
                code.emit(.pop, effect: (1, 0))
                return discardArguments(arguments)
            }
            code.emit(.pushInt, 0)
            checkArguments(name.name, function.params.map(\.type), arguments, at: tree[e].range, copy: false)
            if !function.isView { noteWrite(tree[e].range) }
            code.mark(tree[e].range)
            let results = function.result.isVoid ? 0 : 1
            code.emit(.callExt, Int64(module.externIndex(function)), effect: (2 + function.params.count, results))
            return function.result
        default:
            let type = expr(callee)
            code.emit(.pop, effect: (1, 0))
            if !type.isError { error("value of type '\(type)' is not a function", at: tree[callee].range) }
            return discardArguments(arguments)
        }
    }

    /// What a name that is not a function is, when it is a value that can be read; the raw value is the phrase
    /// of the error ("'caller' is a value of the call, not a function").
    private enum ValueKind: String {
        case local = "a local"
        case state = "a state variable"
        case constant = "a constant"
        case callValue = "a value of the call"
        case blockValue = "a value of the block"
    }

    /// What `name` is when it is a value that can be read (`caller`, a state variable, a constant), nil otherwise.
    /// Locals are reported before this is asked.
    private func valueKind(_ name: String) -> ValueKind? {
        if module.state[name] != nil, !unit.isLibrary { return .state }
        if unit.consts[name] != nil { return .constant }
        if FunctionCompiler.worldValues[name] != nil { return .callValue }
        if name == "block" { return .blockValue }
        return nil
    }

    /// `caller()`, `total()`, `block.height()`, `shares(k)`: the value is read without parentheses (a map or
    /// list is indexed), with a fix-it when the call had no arguments.
    private func valueCalled(_ name: String, _ kind: ValueKind, _ arguments: NodeList<Expr>, _ e: Expr, _ callee: Expr) {
        let indexed = (kind == .state || kind == .local) && arguments.count == 1
        let hint = indexed
            ? "a map or list is indexed with '[ ]': '\(name)[\(tree[arguments[0]].range.text)]'"
            : "read it without '()': '\(name)'"
        let fixIt = arguments.isEmpty ? FixIt(range: tree[e].range, replacement: name) : nil
        error(Messages.valueNotCallable(name, kind.rawValue), at: tree[callee].range, hint: hint, fixIt: fixIt)
    }

    /// Compiles arguments for their diagnostics only, leaving a placeholder `.error` value.
    private func discardArguments(_ arguments: some Sequence<Expr>) -> SemaType {
        for argument in arguments where !expr(argument).isVoid { code.emit(.pop, effect: (1, 0)) }
        code.emit(.pushInt, 0)
        return .error
    }

    /// Emits `arguments` checked against `types` (count and each type).
    func checkArguments(
        _ name: String, _ types: [SemaType], _ arguments: NodeList<Expr>, at range: SourceRange, copy: Bool,
        declaration: SourceRange? = nil
    ) {
        if types.count != arguments.count {
            module.diagnostics.report(
                Diagnostic(
                    severity: .error,
                    message: Messages.argumentCount(name, expected: types.count, found: arguments.count), range: range,
                    labels: declaration.map { [DiagnosticLabel(range: $0, message: "'\(name)' declared here")] } ?? []))
        }
        for (i, argument) in arguments.enumerated() {
            let expected = i < types.count ? types[i] : nil
            let type = expr(argument, expected: expected)
            if let expected, !expected.accepts(type) {
                error(Messages.argumentType(i + 1, name, expected: expected, found: type), at: tree[argument].range)
            }
            if type.isVoid { code.emit(.pushInt, 0) }
            if copy { copyIfPlace(argument, type) }
            if i >= types.count { code.emit(.pop, effect: (1, 0)) }
        }
        for i in arguments.count..<max(arguments.count, types.count) { pushZero(types[i]) }
    }

    private func callFunction(_ function: FunctionSymbol, _ arguments: NodeList<Expr>, _ e: Expr) -> SemaType {
        if function.kind == .`init` || function.kind == .migrate {
            error("'\(function.name)' cannot be called", at: tree[e].range)
            return discardArguments(arguments)
        }
        checkArguments(
            function.name, function.params.map(\.type), arguments, at: tree[e].range, copy: true,
            declaration: function.nameRange)
        let index = module.schedule(function)
        symbol.callees.append(FunctionSymbol.Callee(symbol: function, range: tree[e].range))
        code.mark(tree[e].range)
        code.emit(.call, Int64(index), effect: (function.params.count, function.result.isVoid ? 0 : 1))
        return function.result
    }

    // MARK: - Builtins

    private func builtin(_ name: String, _ arguments: NodeList<Expr>, _ e: Expr) -> SemaType {
        func arity(_ n: Int) -> Bool {
            guard arguments.count == n else {
                error(Messages.argumentCount(name, expected: n, found: arguments.count), at: tree[e].range)
                return false
            }
            return true
        }
        func operand(_ i: Int, _ type: SemaType) {
            let found = expr(arguments[i], expected: type)
            if !type.accepts(found) {
                error(Messages.argumentType(i + 1, name, expected: type, found: found), at: tree[arguments[i]].range)
            }
        }
        switch name {
        case "require":
            guard arity(2) else { return discardArguments(arguments) }
            let ok = code.newLabel()
            condition(arguments[0], jumpIf: true, to: ok)
            operand(1, .string)
            code.mark(tree[e].range)
            code.emit(.revert)
            code.place(ok)
            return .void
        case "revert":
            guard arity(1) else { return discardArguments(arguments) }
            operand(0, .string)
            code.mark(tree[e].range)
            code.emit(.revert)
            return .void
        case "assert":
            guard arity(1) else { return discardArguments(arguments) }
            let ok = code.newLabel()
            condition(arguments[0], jumpIf: true, to: ok)
            code.mark(tree[e].range)
            code.emit(.assertFail)
            code.place(ok)
            return .void
        case "assert_eq":
            guard arity(2) else { return discardArguments(arguments) }
            let left = expr(arguments[0])
            let right = expr(arguments[1], expected: left)
            let ok = code.newLabel()
            guard !left.isError, !right.isError else { return .void }
            guard left.accepts(right), let (opcode, _) = FunctionCompiler.binaryOpcode(.equal, left) else {
                error(Messages.binaryOperands("==", left, right), at: tree[e].range)
                return .void
            }
            code.emit(opcode, effect: (2, 1))
            code.jump(.jumpIf, to: ok)
            code.mark(tree[e].range)
            code.emit(.assertFail)
            code.place(ok)
            return .void
        case "len":
            guard arity(1) else { return discardArguments(arguments) }
            if let variable = stateCollection(arguments[0]) {
                guard case .list = variable.type else {
                    error(Messages.stateLength(variable.name), at: tree[arguments[0]].range)
                    return discardArguments([])
                }
                code.emit(.slistLen, Int64(variable.index), effect: (0, 1))
                return .int
            }
            let type = expr(arguments[0])
            switch type {
            case .string, .bytes: code.emit(.blobLen, effect: (1, 1))
            case .list: code.emit(.listLen, effect: (1, 1))
            case .map: code.emit(.mapLen, effect: (1, 1))
            case .error: return .int
            default: error("'len' needs a String, Bytes, List or Map, found '\(type)'", at: tree[arguments[0]].range)
            }
            return .int
        case "has":
            guard arity(2) else { return discardArguments(arguments) }
            if let variable = stateCollection(arguments[0]), case .map(let key, _) = variable.type {
                operand(1, key)
                code.emit(.smapHas, Int64(variable.index), effect: (1, 1))
                return .bool
            }
            let type = expr(arguments[0])
            guard case .map(let key, _) = type else {
                if !type.isError { error("'has' needs a Map, found '\(type)'", at: tree[arguments[0]].range) }
                code.emit(.pop, effect: (1, 0))
                return discardArguments([arguments[1]])
            }
            operand(1, key)
            code.emit(.mapHas, effect: (2, 1))
            return .bool
        case "remove":
            guard arity(2) else { return discardArguments(arguments) }
            mutate(arguments[0], .remove(arguments[1]), range: tree[e].range)
            return .void
        case "sha256":
            guard arity(1) else { return discardArguments(arguments) }
            let type = expr(arguments[0])
            guard type == .string || type == .bytes || type.isError else {
                error("'sha256' needs a String or Bytes, found '\(type)'", at: tree[arguments[0]].range)
                return .hash
            }
            code.emit(.sha256, effect: (1, 1))
            return .hash
        case "transfer":
            guard arity(2) else { return discardArguments(arguments) }
            operand(0, .address)
            operand(1, .int)
            noteWrite(tree[e].range)
            code.mark(tree[e].range)
            code.emit(.transfer)
            return .void
        case "balance":
            guard arity(1) else { return discardArguments(arguments) }
            operand(0, .address)
            code.emit(.balance)
            return .int
        case "gas_left":
            guard arity(0) else { return discardArguments(arguments) }
            code.emit(.gasLeft)
            return .int
        case "dec":
            guard arity(1) else { return discardArguments(arguments) }
            if let value = module.fold(e, in: unit, isLocal: isLocal) {
                pushConstant(value)
                return .dec
            }
            operand(0, .int)
            code.mark(tree[e].range)
            code.emit(.intToDec)
            return .dec
        case "int":
            guard arity(1) else { return discardArguments(arguments) }
            operand(0, .dec)
            code.emit(.decToInt)
            return .int
        case "split":
            // split(amount, weights): the VM's conserving split (Docs/language.md, "Builtins").
            guard arity(2) else { return discardArguments(arguments) }
            operand(0, .int)
            operand(1, .list(.int))
            code.mark(tree[e].range)
            code.emit(.split, effect: (2, 1))
            return .list(.int)
        case "string":
            guard arity(1) else { return discardArguments(arguments) }
            operand(0, .int)
            code.emit(.intToString)
            return .string
        default:  // "bytes"
            guard arity(1) else { return discardArguments(arguments) }
            let type = expr(arguments[0])
            guard
                [.string, .address, .hash, .error].contains(type)
                    || { if case .interface = type { true } else { false } }()
            else {
                error("'bytes' needs a String, Address or Hash, found '\(type)'", at: tree[arguments[0]].range)
                return .bytes
            }
            code.emit(.toBytes, effect: (1, 1))
            return .bytes
        }
    }

    /// The state list or map that `e` names directly, if any.
    func stateCollection(_ e: Expr) -> StateSymbol? {
        guard let name = tree.name(e), !isLocal(name), let variable = module.state[name], !unit.isLibrary else {
            return nil
        }
        switch variable.type {
        case .list, .map: return variable
        default: return nil
        }
    }
}
