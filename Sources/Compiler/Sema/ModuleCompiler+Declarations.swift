// Declaration collection: structs, interfaces, events, state, consts, functions and `use`d libraries.
import Bytecode
import Diagnostics

extension ModuleCompiler {
    func collect(_ ast: SourceFileAST, into unit: Unit) {
        let decls = ast.declarations
        // Names of structs and interfaces first: types may name them before their declaration.
        if !unit.isLibrary {
            for decl in decls {
                switch decl.kind {
                case .structure(let name, _):
                    guard !isDuplicateType(name) else { continue }
                    structs[name.name] = StructSymbol(
                        name: name.name, index: structOrder.count, fields: [], range: name.range)
                    structOrder.append(name.name)
                case .interface(let name, _):
                    guard !isDuplicateType(name) else { continue }
                    interfaces[name.name] = InterfaceSymbol(name: name.name, functions: [:], order: [])
                default: break
                }
            }
        }
        for decl in decls {
            if case .use(let target) = decl.kind { use(target, range: decl.range, into: unit) }
        }
        // Room for a function per declaration at once: growing the table rehashed every name so far at each step.
        unit.functions.reserveCapacity(decls.count)
        for decl in decls {
            switch decl.kind {
            case .use: break
            case .constant(let name, let type, let value):
                if let previous = unit.consts[name.name] {
                    duplicate("const", name, previous.range)
                } else {
                    unit.consts[name.name] = ConstSymbol(
                        name: name.name, declaredType: type, expr: value, range: name.range)
                }
            case .function(let function):
                let kind: FunctionKind =
                    unit.isLibrary
                    ? (unit === main ? .public : .private)
                    : (function.isView ? .view : function.isPublic ? .public : .private)
                addFunction(
                    name: function.name, kind: kind, parameters: function.parameters, returnType: function.returnType,
                    body: function.body, range: function.range, unit: unit)
            case .test, .scenario:
                diagnostics.report(.error(Messages.testDeclarationInContract, at: decl.range))
            default:
                if unit.isLibrary {
                    diagnostics.report(.error(Messages.libraryDeclaration, at: decl.range))
                } else {
                    collectContractDeclaration(decl, unit: unit)
                }
            }
        }
        if !unit.isLibrary { breakStructCycles() }
    }

    /// Reports structs that contain themselves (directly or through lists, maps and other structs) and
    /// cuts the cycle, so zero values and type tables stay finite.
    private func breakStructCycles() {
        func contains(_ type: SemaType, _ target: String, _ seen: inout Set<String>) -> Bool {
            switch type {
            case .list(let element): return contains(element, target, &seen)
            case .map(let key, let value): return contains(key, target, &seen) || contains(value, target, &seen)
            case .structure(let name):
                if name == target { return true }
                guard seen.insert(name).inserted else { return false }
                return (structs[name]?.fields ?? []).contains { contains($0.type, target, &seen) }
            default: return false
            }
        }
        for name in structOrder {
            guard let s = structs[name] else { continue }
            for (i, field) in s.fields.enumerated() {
                var seen: Set<String> = []
                if contains(field.type, name, &seen) {
                    diagnostics.report(.error(Messages.recursiveStruct(name), at: s.range))
                    structs[name]?.fields[i].type = .error
                }
            }
        }
    }

    private func collectContractDeclaration(_ decl: Decl, unit: Unit) {
        switch decl.kind {
        case .structure(let name, let fields):
            guard structs[name.name]?.range == name.range else { return }
            let checked = checkedFields(fields, what: "field")
            structs[name.name]?.fields = checked
        case .interface(let name, let functions):
            var symbol = InterfaceSymbol(name: name.name, functions: [:], order: [])
            for f in functions {
                guard symbol.functions[f.name.name] == nil else {
                    diagnostics.report(.error(Messages.duplicate("function", f.name.name), at: f.name.range))
                    continue
                }
                let params = f.parameters.map { (name: $0.name.name, type: resolve($0.type)) }
                let result = f.returnType.map(resolve) ?? .void
                symbol.functions[f.name.name] = InterfaceFunction(
                    name: f.name.name, params: params, result: result, isView: f.isView)
                symbol.order.append(f.name.name)
            }
            if interfaces[name.name] != nil, structs[name.name] == nil { interfaces[name.name] = symbol }
        case .event(let name, let fields):
            guard events[name.name] == nil else {
                diagnostics.report(.error(Messages.duplicate("event", name.name), at: name.range))
                return
            }
            let checked = checkedFields(fields, what: "field")
            events[name.name] = EventSymbol(name: name.name, index: eventOrder.count, fields: checked)
            eventOrder.append(name.name)
        case .state(let name, let type, let initializer):
            if let previous = state[name.name] {
                duplicate("state variable", name, previous.range)
                return
            }
            let resolved = resolve(type)
            state[name.name] = StateSymbol(
                name: name.name, index: state.count, type: resolved, initializer: initializer, range: name.range)
        case .initializer(let parameters, let body):
            addFunction(
                name: Identifier(
                    name: "init",
                    range: SourceRange(
                        fileID: decl.range.fileID, start: decl.range.start,
                        end: decl.range.start + 4)),
                kind: .`init`, parameters: parameters, returnType: nil, body: body, range: decl.range, unit: unit)
        case .migration(let parameters, let body):
            let nameRange = SourceRange(fileID: decl.range.fileID, start: decl.range.start, end: decl.range.start + 7)
            if parameters.count != 1 || resolve(parameters[0].type) != .int {
                diagnostics.report(.error(Messages.migrateSignature, at: nameRange))
            }
            addFunction(
                name: Identifier(name: "migrate", range: nameRange), kind: .migrate, parameters: parameters,
                returnType: nil, body: body, range: decl.range, unit: unit)
        default: break
        }
    }

    private func addFunction(
        name: Identifier, kind: FunctionKind, parameters: [Parameter], returnType: TypeSyntax?, body: Block?,
        range: SourceRange, unit: Unit
    ) {
        let moduleName = unit === main ? name.name : unit.name.lowercased() + "." + name.name
        let symbol = FunctionSymbol(
            name: name.name, moduleName: moduleName, kind: kind, body: body, range: range, nameRange: name.range,
            unit: unit)
        // Entered at once, the name hashed once; a name already taken gets its first function back.
        if let previous = unit.functions.updateValue(symbol, forKey: name.name) {
            unit.functions[name.name] = previous
            if kind == .`init` || kind == .migrate {
                diagnostics.report(.error(Messages.initOrMigrateTwice(name.name), at: name.range))
            } else {
                duplicate("function", name, previous.nameRange)
            }
            return
        }
        // Duplicates by a scan of the earlier parameters while there are few (a set per function cost more than
        // its whole signature), by a set beyond that.
        // The list is built here and stored once (appending to the symbol's own property checked exclusive
        // access to it on every append).
        var seen: Set<String> = []
        var params: [FunctionSymbol.Param] = []
        params.reserveCapacity(parameters.count)
        for (i, p) in parameters.enumerated() {
            let repeated = parameters.count <= 16
                ? parameters[..<i].contains { $0.name.name == p.name.name } : !seen.insert(p.name.name).inserted
            if repeated {
                diagnostics.report(.error(Messages.duplicate("parameter", p.name.name), at: p.name.range))
            }
            params.append(FunctionSymbol.Param(name: p.name.name, type: resolve(p.type), range: p.name.range))
        }
        symbol.params = params
        symbol.result = returnType.map(resolve) ?? .void
        unit.functionOrder.append(symbol)
    }

    private func checkedFields(_ fields: [Parameter], what: String) -> [(name: String, type: SemaType)] {
        var out: [(name: String, type: SemaType)] = []
        for field in fields {
            if out.contains(where: { $0.name == field.name.name }) {
                diagnostics.report(.error(Messages.duplicate(what, field.name.name), at: field.name.range))
                continue
            }
            out.append((field.name.name, resolve(field.type)))
        }
        return out
    }

    private func isDuplicateType(_ name: Identifier) -> Bool {
        if let previous = structs[name.name] {
            duplicate("type", name, previous.range)
            return true
        }
        if interfaces[name.name] != nil {
            diagnostics.report(.error(Messages.duplicate("type", name.name), at: name.range))
            return true
        }
        return false
    }

    private func duplicate(_ what: String, _ name: Identifier, _ previous: SourceRange) {
        diagnostics.report(
            Diagnostic(
                severity: .error, message: Messages.duplicate(what, name.name), range: name.range,
                labels: [DiagnosticLabel(range: previous, message: Messages.previousDefinition)]))
    }

    // MARK: - Types

    /// The names of the scalar types.
    static let simpleTypeNames = ["Int", "Dec", "Bool", "Address", "Hash", "String", "Bytes"]

    /// The scalar type `name` names, if it is one: a switch (asked for every parameter and binding's type,
    /// where hashing the name into a dictionary cost ten times as much), the most written names first.
    static func simpleType(named name: String) -> SemaType? {
        switch name {
        case "Int": .int
        case "Address": .address
        case "Bool": .bool
        case "String": .string
        case "Dec": .dec
        case "Hash": .hash
        case "Bytes": .bytes
        default: nil
        }
    }

    /// The type a written type names; unknown names are reported and give `.error`.
    func resolve(_ syntax: TypeSyntax) -> SemaType {
        guard case .named(let name, let arguments) = syntax.kind else { return .error }
        func arity(_ n: Int) -> Bool {
            guard arguments.count == n else {
                diagnostics.report(
                    .error(
                        Messages.typeArgumentCount, at: syntax.range,
                        hint: n == 0 ? nil : "write '\(name.name)<\(n == 1 ? "T" : "K, V")>'"))
                return false
            }
            return true
        }
        if let type = ModuleCompiler.simpleType(named: name.name) { return arity(0) ? type : .error }
        switch name.name {
        case "List":
            guard arity(1) else { return .error }
            return .list(resolve(arguments[0]))
        case "Map":
            guard arity(2) else { return .error }
            let key = resolve(arguments[0])
            if !key.isMapKey { diagnostics.report(.error(Messages.notMapKey(key), at: arguments[0].range)) }
            return .map(key, resolve(arguments[1]))
        default:
            guard arity(0) else { return .error }
            if structs[name.name] != nil { return .structure(name.name) }
            if interfaces[name.name] != nil { return .interface(name.name) }
            let candidates = ModuleCompiler.simpleTypeNames + ["List", "Map"] + structOrder + interfaces.keys.sorted()
            let hint = EditDistance.suggestion(for: name.name, among: candidates).map(Messages.didYouMean)
            diagnostics.report(.error(Messages.unknownType(name.name), at: name.range, hint: hint))
            return .error
        }
    }

    // MARK: - Libraries

    private func use(_ target: UseTarget, range: SourceRange, into unit: Unit) {
        let (shown, qualifier, found) = locate(target, from: unit.file)
        guard let file = found else {
            unit.missingLibraries.insert(qualifier)
            diagnostics.report(.error(Messages.unknownLibrary(shown), at: range, hint: missingLibraryHint(target, from: unit.file)))
            return
        }
        if let loaded = loadedUnits[file.path] {
            unit.libraries[qualifier] = loaded
            unit.libraries[loaded.name] = loaded
            return
        }
        guard !loading.contains(file.path) else { return }
        let parsed = parsedLibrary(file)
        diagnostics.append(contentsOf: parsed.diagnostics)
        let ast = parsed.ast
        guard case .library(let name) = ast.kind else {
            var hint: String?
            if case .contract(let contract) = ast.kind {
                hint = "'\(contract.name)' is a contract: a contract is deployed, not used; a test deploys it with "
                    + "'deploy(\"\(shown)\")', another contract calls it at its address through an 'interface'"
            }
            diagnostics.report(.error(Messages.notALibrary(shown), at: range, hint: hint))
            return
        }
        let library = Unit(file: file, tree: ast.tree, name: name.name, isLibrary: true)
        loadedUnits[file.path] = library
        loading.insert(file.path)
        collect(ast, into: library)
        loading.remove(file.path)
        unit.libraries[qualifier] = library
        unit.libraries[name.name] = library
    }

    /// Why a `use` found nothing, and what to write instead.
    private func missingLibraryHint(_ target: UseTarget, from file: SourceFile) -> String {
        switch target {
        case .library(let path):
            guard path.count == 2, path[0].name == "std" else { return Messages.libraryForms }
            let names = options.libraries.standardNames()
            if names.isEmpty { return Messages.noStandardLibrary }
            let suggestion = EditDistance.suggestion(for: path[1].name, among: names)
            return Messages.standardLibraryHas(names.map { "std." + $0 }, suggestion: suggestion.map { "std." + $0 })
        case .file(let path, _):
            return Messages.noLibraryFile(options.libraries.relativePath(path, from: file))
        }
    }

    /// What a `use` in `file` names: how messages show it, the qualifier its functions are called with, and its
    /// file (nil when there is none).
    private func locate(_ target: UseTarget, from file: SourceFile) -> (shown: String, qualifier: String, file: SourceFile?) {
        switch target {
        case .library(let path):
            let shown = path.map(\.name).joined(separator: ".")
            guard path.count == 2, path[0].name == "std" else { return (shown, path.last?.name ?? "", nil) }
            let found = library(LoadedLibraries.standardKey(path[1].name)) { options.libraries.standard(path[1].name) }
            return (shown, path.last?.name ?? "", found)
        case .file(let path, _):
            let stem = path.split(separator: "/").last.map(String.init) ?? path
            let qualifier = stem.hasSuffix(".dn") ? String(stem.dropLast(3)) : stem
            let found = library(LoadedLibraries.relativeKey(path, from: file.path)) {
                options.libraries.relative(path, from: file)
            }
            return (path, qualifier, found)
        }
    }

    /// The library file a `use` names: on a worker only the main thread's (`preloaded`); otherwise the one found
    /// before under `key`, or `load()`'s, remembered for the workers.
    private func library(_ key: String, _ load: () -> SourceFile?) -> SourceFile? {
        if let preloaded { return preloaded.files[key] }
        if let known = libraryFiles.files[key] { return known }
        let file = load()
        if let file { libraryFiles.files[key] = file }
        return file
    }

    /// `file` parsed, once per compilation (and once for all of its threads).
    private func parsedLibrary(_ file: SourceFile) -> LoadedLibraries.Parsed {
        if let known = (preloaded ?? libraryFiles).syntax[file.path] { return known }
        let (ast, diagnostics) = Parser.parse(file)
        let parsed = LoadedLibraries.Parsed(ast: ast, diagnostics: diagnostics)
        libraryFiles.syntax[file.path] = parsed
        return parsed
    }

    /// Finds and parses every library `ast` uses, and the libraries they use, before the declarations are
    /// collected: the body workers then start at once, reading these files (`preloaded`) instead of waiting for
    /// the main thread's `collect` to find them.
    func loadLibraries(of ast: SourceFileAST) {
        var pending = [(ast.file, ast.declarations)]
        var seen: Set<String> = [ast.file.path]
        while let (file, declarations) = pending.popLast() {
            for declaration in declarations {
                guard case .use(let target) = declaration.kind, let found = locate(target, from: file).file,
                    seen.insert(found.path).inserted
                else { continue }
                let parsed = parsedLibrary(found)
                if case .library = parsed.ast.kind { pending.append((found, parsed.ast.declarations)) }
            }
        }
    }
}
