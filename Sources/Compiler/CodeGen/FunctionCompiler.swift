// Checks and emits one function body in a single walk: name resolution in nested scopes, types of
// every expression, the checks of the language (mutability, view writes, returns, reachability), and
// the bytecode with its stack height and source positions.
import Bytecode
import Diagnostics

/// Compiles the body of one `FunctionSymbol` into a `Function`.
final class FunctionCompiler {
    /// The module being compiled. Unowned and unchecked: a `FunctionCompiler` lives only inside
    /// `ModuleCompiler.compile`, which holds the module, and the checked form retained and released the module on
    /// every access.
    unowned(unsafe) let module: ModuleCompiler
    /// The function being compiled, and its unit, held for the body's compile (`symbol.unit` is unowned: a
    /// checked retain per access). Set again by `reset(for:)`; read throughout the walk, never overlappingly.
    @exclusivity(unchecked) private(set) var symbol: FunctionSymbol
    @exclusivity(unchecked) private(set) var unit: Unit
    /// The unit's expressions and statements (`unit.tree`, held here: the walk reads a node at every step).
    @exclusivity(unchecked) private(set) var tree: SyntaxTree
    // The hot state of the walk is never accessed overlappingly (no inout access to it is held across a call
    // that touches it again), so its dynamic exclusivity checks — 7 % of a compile — are off.
    @exclusivity(unchecked) var code: CodeBuffer
    @exclusivity(unchecked) var localTypes: [SemaType] = []
    /// The names in scope, outermost first: a scope is the run from its start in `scopeStarts` to the end of
    /// `visible` (or the next scope's start). Searched from the innermost end, as shadowing requires; function
    /// bodies have few names, and comparing small strings is cheaper than hashing them into a dictionary per scope.
    @exclusivity(unchecked) var visible: [(name: String, local: LocalVariable)] = []
    /// Where each open scope starts in `visible`; the first is the function's (parameters).
    @exclusivity(unchecked) var scopeStarts: [Int] = [0]
    @exclusivity(unchecked) var loops: [(breakLabel: Label, continueLabel: Label)] = []
    /// Locals read somewhere (for "never used" warnings), by local index.
    @exclusivity(unchecked) var usedLocals: [Bool] = []
    /// The `for` statement whose loop is being emitted (its step and test map to its line).
    var loopHeader: SourceRange?
    /// Set once the function has errors: "never used" warnings would only add noise.
    var suppressUnused = false

    init(module: ModuleCompiler, symbol: FunctionSymbol) {
        self.module = module
        self.symbol = symbol
        self.unit = symbol.unit
        tree = symbol.unit.tree
        code = CodeBuffer(file: symbol.unit.file)
        localTypes.reserveCapacity(16)
        usedLocals.reserveCapacity(16)
        visible.reserveCapacity(16)
    }

    /// The compiler for `symbol`: `previous`, made ready for it, or a new one, kept in `previous` for the next
    /// function. A module's functions share one compiler and so one set of tables, emptied between functions with
    /// their storage kept, instead of making and freeing a compiler and a dozen arrays each.
    static func reusing(_ previous: inout FunctionCompiler?, module: ModuleCompiler, symbol: FunctionSymbol)
        -> FunctionCompiler
    {
        if let compiler = previous {
            compiler.reset(for: symbol)
            return compiler
        }
        let compiler = FunctionCompiler(module: module, symbol: symbol)
        previous = compiler
        return compiler
    }

    /// Readies the compiler for `symbol`'s body: every table and flag as `init` leaves them, the tables' storage
    /// kept.
    func reset(for symbol: FunctionSymbol) {
        self.symbol = symbol
        unit = symbol.unit
        tree = symbol.unit.tree
        code.reset(file: symbol.unit.file)
        localTypes.truncate(to: 0)
        visible.truncate(to: 0)
        scopeStarts.truncate(to: 0)
        scopeStarts.append(0)
        loops.truncate(to: 0)
        usedLocals.truncate(to: 0)
        loopHeader = nil
        suppressUnused = false
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
            code.mark(tree[initializer].range)
            if case .map = variable.type {
                error("state maps start empty and take no initial value", at: tree[initializer].range)
                continue
            }
            if case .list = variable.type {
                error("state lists start empty and take no initial value", at: tree[initializer].range)
                continue
            }
            let type = expr(initializer, expected: variable.type)
            expect(variable.type, found: type, at: tree[initializer].range)
            code.emit(.sstore, Int64(variable.index))
        }
        if let body = symbol.body { block(body, newScope: false) }
        if code.reachable {
            if symbol.result.isVoid {
                if let body = symbol.body {
                    code.mark(SourceRange.point(body.range.fileID, max(body.range.start, body.range.end - 1)))
                }
                code.emit(.ret, effect: (0, 0))
            } else {
                let end = symbol.body.map { SourceRange.point($0.range.fileID, max($0.range.start, $0.range.end - 1)) }
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
        guard code.size <= Limits.maxCodeBytes, code.maxHeight <= Limits.maxFunctionStack else {
            error(Messages.functionTooLarge, at: symbol.nameRange, hint: Messages.functionTooLargeHint)
            return nil
        }
        reportUnused(from: 0)
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
            results: symbol.result.isVoid ? [] : [module.typeIndex(symbol.result)],
            locals: localTypes.dropFirst(paramCount).map { module.typeIndex($0) },
            maxStack: UInt16(truncatingIfNeeded: min(code.maxHeight, Int(UInt16.max))), code: code.finished())
    }

    // MARK: - Scopes and locals

    @discardableResult
    func declare(_ name: String, type: SemaType, kind: LocalVariable.Kind, range: SourceRange) -> Int {
        let index = newLocal(type)
        let local = LocalVariable(index: index, kind: kind, range: range)
        // A name declared again in the same scope replaces the earlier binding (after the error, unless `_`).
        if let position = innermostPosition(of: name) {
            if name != "_" {
                module.diagnostics.report(
                    Diagnostic(
                        severity: .error, message: Messages.duplicate("variable", name), range: range,
                        labels: [DiagnosticLabel(range: visible[position].local.range, message: Messages.previousDefinition)]))
            }
            visible[position].local = local
        } else {
            visible.append((name, local))
        }
        return index
    }

    /// Where `name` is bound in the innermost scope, if it is.
    func innermostPosition(of name: String) -> Int? {
        var i = visible.count - 1
        let start = scopeStarts[scopeStarts.count - 1]
        while i >= start {
            if visible[i].name == name { return i }
            i -= 1
        }
        return nil
    }

    /// A fresh local slot (also used for temporaries).
    func newLocal(_ type: SemaType) -> Int {
        localTypes.append(type)
        usedLocals.append(false)
        return localTypes.count - 1
    }

    /// Marks a local as read.
    @inline(__always)
    func markUsed(_ index: Int) { usedLocals[index] = true }

    func lookup(_ name: String) -> LocalVariable? {
        var i = visible.count - 1
        while i >= 0 {
            if visible[i].name == name { return visible[i].local }
            i -= 1
        }
        return nil
    }

    func isLocal(_ name: String) -> Bool { lookup(name) != nil }

    /// Enters a new innermost scope.
    func pushScope() { scopeStarts.append(visible.count) }

    /// Leaves the innermost scope, warning about its `let` and `var` bindings that were never read.
    func popScope() {
        let start = scopeStarts.removeLast()
        reportUnused(from: start)
        visible.truncate(to: start)
    }

    /// Warns about the `let` and `var` bindings in `visible[start...]` that were never read, in declaration order.
    func reportUnused(from start: Int) {
        guard !suppressUnused, module.diagnostics.errorCount == 0 else { return }
        func isUnused(_ name: String, _ local: LocalVariable) -> Bool {
            !usedLocals[local.index] && (local.kind == .constant || local.kind == .variable) && !name.hasPrefix("_")
        }
        // Most scopes have none: asked first, without building the list.
        guard visible[start...].contains(where: { isUnused($0.name, $0.local) }) else { return }
        let unused = visible[start...].filter { isUnused($0.name, $0.local) }
        for (name, local) in unused.sorted(by: { $0.local.index < $1.local.index }) {
            module.diagnostics.report(
                .warning(
                    Messages.unusedVariable(name), at: local.range,
                    hint: "remove it, or name it '_\(name)'"))
        }
    }

    /// Every name visible here, for suggestions.
    func visibleNames() -> [String] {
        var names: [String] = visible.map(\.name)
        names += module.state.names
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
        if unit.missingLibraries.contains(name) { return }  // its `use` line has the error
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

    /// True when `e` is a name that folds to nothing here (the unit has no constants, or the name is a local):
    /// the fold of an operator whose first operand is such a name stops at it, reporting nothing, so the code
    /// generator need not ask the folder, which copies the operands out of the tree on its way down (and is
    /// asked again for each operator of a chain as its operands are compiled).
    @inline(__always)
    func isNonConstantName(_ e: Expr) -> Bool {
        guard let name = tree.name(e) else { return false }
        return unit.consts.isEmpty || isLocal(name)
    }

    /// `module.fold(e)` in this function's scopes; nil at once when `e`, or its first operand, is a name that
    /// folds to nothing (`isNonConstantName`), which is the folder's own answer then.
    func foldedValue(_ e: Expr) -> ConstValue? {
        let kind = tree[e].kind
        switch kind {
        case .name: return folded(e, first: e)
        case .unary(_, let operand): return folded(e, first: operand)
        case .binary(_, let lhs, _, _): return folded(e, first: lhs)
        default: return literalValue(kind) ?? module.fold(e, in: unit, isLocal: isLocal)
        }
    }

    /// The value of an integer or `Bool` literal, read straight from the tree: the folder's answer for it, without
    /// the folder's set-up (a quarter of the literals' cost). Nil for any other expression, and for an integer
    /// too large for `Int`, which the folder then reports. (The twin of `ModuleCompiler.fold`'s two literal
    /// cases, kept here as a member: a shared function taking the tree retained and released it per literal,
    /// +1.1 M instructions a compile.)
    @inline(__always)
    func literalValue(_ kind: ExprKind) -> ConstValue? {
        switch kind {
        case .integer(let ref): ModuleCompiler.parseInteger(tree.text(ref)).map { .int($0) }
        case .bool(let value): .bool(value)
        default: nil
        }
    }

    /// `foldedValue(e)` for a caller that already holds `first`, the operand the fold of `e` starts with (`e`
    /// itself for a name): no second look at `e`'s kind. The folder goes down first operands before anything
    /// else (it reports nothing on the way), so when the leftmost operand under `first` is a name that folds to
    /// nothing, so does `e`: `a * 2 + b` is not folded at all when `a` is a local.
    @inline(__always)
    func folded(_ e: Expr, first: Expr) -> ConstValue? {
        isNonConstantName(leftmost(first)) ? nil : module.fold(e, in: unit, isLocal: isLocal)
    }

    /// The first operand of `e`'s first operand, and so on, down to one that is not an operator.
    private func leftmost(_ e: Expr) -> Expr {
        var e = e
        while true {
            switch tree[e].kind {
            case .binary(_, let lhs, _, _): e = lhs
            case .unary(_, let operand): e = operand
            default: return e
            }
        }
    }

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
