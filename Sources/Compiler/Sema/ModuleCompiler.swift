// Compiles one contract (or library) file and the libraries it uses into a module: collects the
// declarations, resolves types, schedules function bodies and builds the module's tables.
import Bytecode
import Diagnostics

/// The state of one compilation. Function bodies are checked and emitted by `FunctionCompiler`.
final class ModuleCompiler {
    let options: CompileOptions
    // The tables below are read or extended for nearly every expression; no access to them overlaps another
    // (no inout access is held across a call that touches the same table), so dynamic exclusivity checks are off.
    @exclusivity(unchecked) var diagnostics = DiagnosticEngine()
    var main: Unit?
    @exclusivity(unchecked) var structs: [String: StructSymbol] = [:]
    var structOrder: [String] = []
    @exclusivity(unchecked) var events: [String: EventSymbol] = [:]
    var eventOrder: [String] = []
    /// State variables by name, in declaration order (their slot indices).
    @exclusivity(unchecked) var state = SmallNameMap<StateSymbol>()
    @exclusivity(unchecked) var interfaces: [String: InterfaceSymbol] = [:]
    /// Units by resolved file path, so a library used twice is compiled once.
    var loadedUnits: [String: Unit] = [:]
    var loading: Set<String> = []
    /// The library files and syntax trees this compilation found, by `LibraryRequest` key: what a parallel
    /// worker's `use` reads instead of the file system, so every thread sees the same files (`ParallelBodies`).
    var libraryFiles = LoadedLibraries()
    /// A worker's libraries, read instead of the resolver; nil on the main thread.
    var preloaded: LoadedLibraries?
    /// Function bodies compiled on worker threads and taken into the module.
    var bodiesFromWorkers = 0

    // Module tables, in the order entries are first needed.
    @exclusivity(unchecked) var types: [TypeDesc] = []
    @exclusivity(unchecked) private var typeIndices: [TypeDesc: Int] = [:]
    /// `typeIndex` of the seven scalar types (Int, Dec, Bool, Address, Hash, String, Bytes), once known.
    @exclusivity(unchecked) private var scalarTypeIndices = [UInt16?](repeating: nil, count: 7)
    @exclusivity(unchecked) var constants: [Constant] = []
    @exclusivity(unchecked) private var constantIndices: [Constant: Int] = [:]
    var externs: [ExternDecl] = []
    private var externIndices: [ExternDecl: Int] = [:]
    /// Functions in module order; bodies compiled from the worklist.
    var scheduled: [FunctionSymbol] = []
    var compiled: [Function?] = []
    var sourceFiles: [String] = []
    /// The file `fileIndex` was last asked about and its answer: every function of a file asks in turn.
    private var lastFileIndex: (file: SourceFile, index: Int)?
    @exclusivity(unchecked) var sourceEntries: [[SourceMapEntry]] = []

    init(options: CompileOptions) {
        self.options = options
    }

    // MARK: - Entry

    func compile(_ ast: SourceFileAST) -> Module? {
        // The main unit's bodies past the first share go to other threads when the file is large enough
        // (`ParallelBodies`); their results are merged below, in function order, as if compiled here.
        let workers = ParallelBodies.start(self, ast: ast)
        defer { workers?.finish() }
        guard let unit = prepare(ast) else { return nil }
        workers?.plan(functions: scheduled.count)
        var next = 0
        var compiler: FunctionCompiler?
        while next < scheduled.count, !diagnostics.isSaturated {
            if let workers, workers.merge(next, into: self) {
                next += 1
                continue
            }
            let function = FunctionCompiler.reusing(&compiler, module: self, symbol: scheduled[next]).compile()
            compiled[next] = function
            next += 1
        }
        workers?.finish()
        bodiesFromWorkers = workers?.merged ?? 0
        checkViews()
        guard !diagnostics.hasErrors else { return nil }
        let module = buildModule(name: unit.name)
        let tables = [module.types.count, module.constants.count, module.functions.count, module.externs.count]
        guard tables.allSatisfy({ $0 <= Limits.maxTableEntries }) else {
            diagnostics.report(.error(Messages.moduleTooLarge, at: ast.headerRange ?? .point(ast.file, 0)))
            return nil
        }
        return module
    }

    /// Makes the main unit, collects the declarations of it and the libraries it uses, and schedules its
    /// functions (in declaration order, then the generated `init`); nil when there is nothing to compile.
    func prepare(_ ast: SourceFileAST) -> Unit? {
        let unit: Unit
        switch ast.kind {
        case .contract(let name): unit = Unit(file: ast.file, tree: ast.tree, name: name.name, isLibrary: false)
        case .library(let name): unit = Unit(file: ast.file, tree: ast.tree, name: name.name, isLibrary: true)
        case .tests:
            if let first = ast.declarations.first {
                diagnostics.report(.error(Messages.testFile, at: first.range))
            } else {
                diagnostics.report(.error(Messages.emptyFile, at: SourceRange.point(ast.file, 0),
                    hint: Messages.emptyFileHint))
            }
            return nil
        }
        main = unit
        loadedUnits[ast.file.path] = unit
        collect(ast, into: unit)
        guard !diagnostics.isSaturated else { return nil }
        scheduleMain(unit, ast: ast)
        return unit
    }

    private func scheduleMain(_ unit: Unit, ast: SourceFileAST) {
        let initializers = state.values.filter { $0.initializer != nil }
        var hasInit = false
        for symbol in unit.functionOrder {
            if symbol.kind == .`init` {
                hasInit = true
                symbol.stateInitializers = initializers
            }
            schedule(symbol)
        }
        if !initializers.isEmpty && !hasInit, let header = ast.headerRange {
            let symbol = FunctionSymbol(
                name: "init", moduleName: "init", kind: .`init`, body: nil, range: header, nameRange: header,
                unit: unit)
            symbol.stateInitializers = initializers
            schedule(symbol)
        }
    }

    /// The module index of `symbol`, scheduling its body on first use.
    @discardableResult
    func schedule(_ symbol: FunctionSymbol) -> Int {
        if let index = symbol.index { return index }
        let index = scheduled.count
        symbol.index = index
        scheduled.append(symbol)
        compiled.append(nil)
        sourceEntries.append([])
        return index
    }

    // MARK: - Tables

    /// The module type index of `type`, adding entries as needed.
    func typeIndex(_ type: SemaType) -> UInt16 {
        let desc: TypeDesc
        let scalar: Int
        switch type {
        case .int, .error, .void: (desc, scalar) = (.int, 0)
        case .dec: (desc, scalar) = (.dec, 1)
        case .bool: (desc, scalar) = (.bool, 2)
        case .address, .interface: (desc, scalar) = (.address, 3)
        case .hash: (desc, scalar) = (.hash, 4)
        case .string: (desc, scalar) = (.string, 5)
        case .bytes: (desc, scalar) = (.bytes, 6)
        default: return compoundTypeIndex(type)
        }
        // Scalar types, asked for every parameter and local, are answered without hashing a `TypeDesc`.
        if let index = scalarTypeIndices[scalar] { return index }
        let index = tableIndex(of: desc)
        scalarTypeIndices[scalar] = index
        return index
    }

    /// `typeIndex` of a list, map or struct type.
    private func compoundTypeIndex(_ type: SemaType) -> UInt16 {
        let desc: TypeDesc
        switch type {
        case .int, .error, .void, .dec, .bool, .address, .interface, .hash, .string, .bytes:
            return typeIndex(type)
        case .list(let element): desc = .list(elem: typeIndex(element))
        case .map(let key, let value):
            let k = typeIndex(key)
            desc = .map(key: k, value: typeIndex(value))
        case .structure(let name): desc = .structure(UInt16(truncatingIfNeeded: structs[name]?.index ?? 0))
        }
        return tableIndex(of: desc)
    }

    /// The index of `desc` in the type table, adding it if needed.
    func tableIndex(of desc: TypeDesc) -> UInt16 {
        if let index = typeIndices[desc] { return UInt16(truncatingIfNeeded: index) }
        types.append(desc)
        typeIndices[desc] = types.count - 1
        return UInt16(truncatingIfNeeded: types.count - 1)
    }

    /// The constant-pool index of `constant`.
    func constantIndex(_ constant: Constant) -> Int {
        if let index = constantIndices[constant] { return index }
        constants.append(constant)
        constantIndices[constant] = constants.count - 1
        return constants.count - 1
    }

    /// The extern index of an interface function.
    func externIndex(_ function: InterfaceFunction) -> Int {
        externTableIndex(
            of: ExternDecl(
                name: function.name, params: function.params.map { typeIndex($0.type) },
                results: function.result.isVoid ? [] : [typeIndex(function.result)], isView: function.isView))
    }

    /// The index of `decl` in the extern table, adding it if needed.
    func externTableIndex(of decl: ExternDecl) -> Int {
        if let index = externIndices[decl] { return index }
        externs.append(decl)
        externIndices[decl] = externs.count - 1
        return externs.count - 1
    }

    /// The source-map file index of `file`.
    func fileIndex(_ file: SourceFile) -> Int {
        if let last = lastFileIndex, last.file === file { return last.index }
        let index = sourceMapIndex(of: file)
        lastFileIndex = (file, index)
        return index
    }

    private func sourceMapIndex(of file: SourceFile) -> Int {
        sourceFileIndex(named: LibraryResolver.sourceMapName(of: file.path, main: main?.file.path ?? file.path))
    }

    /// The index of the source-map file `name`, adding it if needed.
    func sourceFileIndex(named name: String) -> Int {
        if let index = sourceFiles.firstIndex(of: name) { return index }
        sourceFiles.append(name)
        return sourceFiles.count - 1
    }

    // MARK: - View checks

    /// A `view` function may not write, directly or through functions it calls.
    private func checkViews() {
        var writes = scheduled.map { $0.firstWrite != nil }
        var changed = true
        while changed {
            changed = false
            for (i, symbol) in scheduled.enumerated() where !writes[i] {
                if symbol.callees.contains(where: { writes[$0.symbol.index ?? 0] }) {
                    writes[i] = true
                    changed = true
                }
            }
        }
        for symbol in scheduled where symbol.kind == .view {
            if let write = symbol.firstWrite {
                diagnostics.report(
                    Diagnostic(
                        severity: .error, message: Messages.viewWrites(symbol.name), range: write,
                        labels: [DiagnosticLabel(range: symbol.nameRange, message: "declared 'view' here")]))
                continue
            }
            for call in symbol.callees where writes[call.symbol.index ?? 0] {
                let (callee, range) = (call.symbol, call.range)
                diagnostics.report(.error(Messages.viewCallsWriter(symbol.name, callee.name), at: range))
                break
            }
        }
    }

    // MARK: - Module

    private func buildModule(name: String) -> Module {
        for key in structOrder { for field in structs[key]?.fields ?? [] { _ = typeIndex(field.type) } }
        let structDecls = structOrder.compactMap { structs[$0] }.sorted { $0.index < $1.index }.map { s in
            StructDecl(name: s.name, fields: s.fields.map { Field(name: $0.name, type: typeIndex($0.type)) })
        }
        let stateFields = state.values.map { Field(name: $0.name, type: typeIndex($0.type)) }
        let eventDecls = eventOrder.compactMap { events[$0] }.map { e in
            EventDecl(name: e.name, fields: e.fields.map { Field(name: $0.name, type: typeIndex($0.type)) })
        }
        // Moved out of `compiled` (`take`), not copied: a copy retained and later released each function's arrays.
        var functions: [Function] = []
        functions.reserveCapacity(compiled.count)
        for index in compiled.indices { if let function = compiled[index].take() { functions.append(function) } }
        // Sized once: growing by doubling copied the map about twice over (a megabyte for 50,000 lines) into
        // fresh, page-faulting memory.
        var entries: [SourceMapEntry] = []
        if options.sourceMap {
            entries.reserveCapacity(sourceEntries.reduce(0) { $0 + $1.count })
            for list in sourceEntries { entries += list }
        }
        return Module(
            name: name, types: types, constants: constants, structs: structDecls, state: stateFields,
            events: eventDecls, externs: externs, functions: functions,
            sourceMap: options.sourceMap ? SourceMap(files: sourceFiles, entries: entries) : nil)
    }
}
