// Checks and emits one function body in a single walk: name resolution in nested scopes, types of
// every expression, the checks of the language (mutability, view writes, returns, reachability), and
// the bytecode with its stack height and source positions.
import Bytecode
import Diagnostics

/// Compiles the body of one `FunctionSymbol` into a `Function`.
final class FunctionCompiler {
    unowned let module: ModuleCompiler
    let symbol: FunctionSymbol
    var unit: Unit { symbol.unit }
    var code = CodeBuffer()
    var localTypes: [SemaType] = []
    var scopes: [[String: LocalVariable]] = [[:]]
    var loops: [(breakLabel: Label, continueLabel: Label)] = []
    /// Locals read somewhere (for "never used" warnings).
    var usedLocals: Set<Int> = []
    /// The `for` statement whose loop is being emitted (its step and test map to its line).
    var loopHeader: SourceRange?
    /// Set once the function has errors: "never used" warnings would only add noise.
    var suppressUnused = false

    init(module: ModuleCompiler, symbol: FunctionSymbol) {
        self.module = module
        self.symbol = symbol
    }

    // MARK: - Entry

    func compile() -> Function? {
        let errorsBefore = module.diagnostics.errorCount
        defer { if module.diagnostics.errorCount > errorsBefore { suppressUnused = true } }
        for param in symbol.params {
            declare(param.name, type: param.type, kind: .parameter, range: param.range)
        }
        for variable in symbol.stateInitializers {
            guard let initializer = variable.initializer else { continue }
            code.mark(initializer.range)
            if case .map = variable.type {
                error("state maps start empty and take no initial value", at: initializer.range)
                continue
            }
            if case .list = variable.type {
                error("state lists start empty and take no initial value", at: initializer.range)
                continue
            }
            let type = expr(initializer, expected: variable.type)
            expect(variable.type, found: type, at: initializer.range)
            code.emit(.sstore, Int64(variable.index))
        }
        if let body = symbol.body { block(body, newScope: false) }
        if code.reachable {
            if symbol.result == .void {
                if let body = symbol.body {
                    code.mark(SourceRange.point(body.range.file, max(body.range.start, body.range.end - 1)))
                }
                code.emit(.ret, effect: (0, 0))
            } else {
                let end = symbol.body.map { SourceRange.point($0.range.file, max($0.range.start, $0.range.end - 1)) }
                module.diagnostics.report(
                    Diagnostic(
                        severity: .error, message: Messages.missingReturn(symbol.name, symbol.result),
                        range: end ?? symbol.nameRange,
                        labels: [DiagnosticLabel(range: symbol.nameRange, message: "function declared here")]))
            }
        }
        guard localTypes.count <= Limits.maxLocals else {
            error(Messages.tooManyLocals(Limits.maxLocals), at: symbol.nameRange)
            return nil
        }
        guard code.code.count <= Limits.maxCodeBytes, code.maxHeight <= Limits.maxFunctionStack else {
            error(Messages.functionTooLarge, at: symbol.nameRange, hint: Messages.functionTooLargeHint)
            return nil
        }
        reportUnused(scopes[0])
        let paramCount = symbol.params.count
        let fileIndex = module.fileIndex(unit.file)
        module.sourceEntries[symbol.index ?? 0] = code.positions.map {
            SourceMapEntry(
                function: UInt16(truncatingIfNeeded: symbol.index ?? 0), offset: UInt32(truncatingIfNeeded: $0.offset),
                file: UInt16(truncatingIfNeeded: fileIndex), line: UInt32(truncatingIfNeeded: $0.line),
                column: UInt32(truncatingIfNeeded: $0.column))
        }
        return Function(
            name: symbol.moduleName, kind: symbol.kind, params: symbol.params.map { module.typeIndex($0.type) },
            results: symbol.result == .void ? [] : [module.typeIndex(symbol.result)],
            locals: localTypes.dropFirst(paramCount).map { module.typeIndex($0) },
            maxStack: UInt16(truncatingIfNeeded: min(code.maxHeight, Int(UInt16.max))), code: code.finished())
    }

    // MARK: - Scopes and locals

    @discardableResult
    func declare(_ name: String, type: SemaType, kind: LocalVariable.Kind, range: SourceRange) -> Int {
        let index = newLocal(type)
        if let previous = scopes[scopes.count - 1][name], name != "_" {
            module.diagnostics.report(
                Diagnostic(
                    severity: .error, message: Messages.duplicate("variable", name), range: range,
                    labels: [DiagnosticLabel(range: previous.range, message: Messages.previousDefinition)]))
        }
        scopes[scopes.count - 1][name] = LocalVariable(index: index, type: type, kind: kind, range: range)
        return index
    }

    /// A fresh local slot (also used for temporaries).
    func newLocal(_ type: SemaType) -> Int {
        localTypes.append(type)
        return localTypes.count - 1
    }

    func lookup(_ name: String) -> LocalVariable? {
        // By index, innermost first: no copy of each scope's dictionary.
        var i = scopes.count - 1
        while i >= 0 {
            if let local = scopes[i][name] { return local }
            i -= 1
        }
        return nil
    }

    func isLocal(_ name: String) -> Bool { lookup(name) != nil }

    /// Leaves the innermost scope, warning about its `let` and `var` bindings that were never read.
    func popScope() {
        reportUnused(scopes.removeLast())
    }

    func reportUnused(_ scope: [String: LocalVariable]) {
        guard !suppressUnused, module.diagnostics.errorCount == 0 else { return }
        let unused = scope.filter { name, local in
            (local.kind == .constant || local.kind == .variable) && !name.hasPrefix("_")
                && !usedLocals.contains(local.index)
        }
        for (name, local) in unused.sorted(by: { $0.value.index < $1.value.index }) {
            module.diagnostics.report(
                .warning(
                    Messages.unusedVariable(name), at: local.range,
                    hint: "remove it, or name it '_\(name)'"))
        }
    }

    /// Every name visible here, for suggestions.
    func visibleNames() -> [String] {
        var names: [String] = []
        for scope in scopes { names += scope.keys }
        names += module.stateOrder
        names += unit.consts.keys
        names += unit.functions.keys
        names += unit.libraries.keys
        names += ["caller", "origin", "self", "value", "block"] + FunctionCompiler.builtinFunctions
        return names
    }

    // MARK: - Diagnostics

    func error(_ message: String, at range: SourceRange, hint: String? = nil, fixIt: FixIt? = nil) {
        module.diagnostics.report(
            Diagnostic(severity: .error, message: message, range: range, hint: hint, fixIt: fixIt))
    }

    /// "cannot find 'name'" with the closest visible name as a hint and a fix-it.
    func unknownName(_ name: String, at range: SourceRange, among candidates: [String]) {
        let suggestion = EditDistance.suggestion(for: name, among: candidates)
        error(
            Messages.unknownName(name), at: range, hint: suggestion.map(Messages.didYouMean),
            fixIt: suggestion.map { FixIt(range: range, replacement: $0) })
    }

    /// Reports a mismatch unless `expected` accepts `found`; returns whether it did.
    @discardableResult
    func expect(_ expected: SemaType, found: SemaType, at range: SourceRange) -> Bool {
        guard !expected.accepts(found) else { return true }
        var hint: String?
        if expected == .dec && found == .int { hint = "convert with 'dec(...)'" }
        if expected == .int && found == .dec { hint = "convert with 'int(...)', which truncates toward zero" }
        error(Messages.typeMismatch(expected: expected, found: found), at: range, hint: hint)
        return false
    }

    /// Records a state write at `range` (for `view` checks).
    func noteWrite(_ range: SourceRange) {
        if symbol.firstWrite == nil { symbol.firstWrite = range }
    }

    // MARK: - Constants

    func pushConstant(_ value: ConstValue) {
        switch value {
        case .int(let v): code.pushInt(v, constant: module.constantIndex)
        case .dec(let v): pushPool(.dec(v))
        case .bool(let b): code.emit(b ? .pushTrue : .pushFalse)
        case .string(let s): pushPool(.string(Array(s.utf8)))
        case .address(let raw): pushPool(.address(raw))
        case .hash(let raw): pushPool(.hash(raw))
        }
    }

    func pushPool(_ constant: Constant) {
        code.emit(.pushConst, Int64(module.constantIndex(constant)), effect: (0, 1))
    }

    /// Pushes the zero value of `type` (what a missing map entry reads as).
    func pushZero(_ type: SemaType) {
        switch type {
        case .int, .error, .void: code.emit(.pushInt, 0)
        case .dec: pushPool(.dec(0))
        case .bool: code.emit(.pushFalse)
        case .string: pushPool(.string([]))
        case .bytes: pushPool(.bytes([]))
        case .address, .interface: pushPool(.address([UInt8](repeating: 0, count: 32)))
        case .hash: pushPool(.hash([UInt8](repeating: 0, count: 32)))
        case .list: code.emit(.listNew, Int64(module.typeIndex(type)), effect: (0, 1))
        case .map: code.emit(.mapNew, Int64(module.typeIndex(type)), effect: (0, 1))
        case .structure(let name):
            let fields = module.structs[name]?.fields ?? []
            for field in fields { pushZero(field.type) }
            code.emit(.structNew, Int64(module.structs[name]?.index ?? 0), effect: (fields.count, 1))
        }
    }
}
