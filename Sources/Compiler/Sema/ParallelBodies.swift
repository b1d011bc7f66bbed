// Function bodies on several threads. Once the file is parsed (and the libraries it uses found and parsed), the
// main unit's functions are cut into contiguous runs; each run but the first goes to a worker thread with a
// compiler of its own (its own unit, symbols, tables and diagnostics, built from the same syntax tree and
// library files: nothing mutable is shared), which collects the declarations and compiles its run, while the
// main thread collects its own and compiles the first run. The main thread then takes the workers' bodies in
// function order, as if it had compiled them: it replays each body's additions to the type, constant, extern,
// function and source-file tables in the order the worker made them (so every entry gets the index a serial
// compile gives it), rewrites the table indices in the body's code, and reports its diagnostics. A body with
// an error, or any body after an error, is compiled again on the main thread instead, so diagnostics (which
// depend on errors before them: "never used" warnings stop after the first error, and so does the engine's
// count) are exactly a serial compile's. The module's bytes are the same whatever the thread count or timing.
import Bytecode
import Diagnostics
import Foundation
import Synchronization
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The library files and syntax trees a compilation read, keyed by how a `use` asked for them: a worker's
/// `use` reads these instead of the file system, so all threads compile the same files.
struct LoadedLibraries: Sendable {
    /// Files by request (`standardKey`, `relativeKey`).
    var files: [String: SourceFile] = [:]
    /// Parsed libraries by file path.
    var syntax: [String: Parsed] = [:]

    /// A parsed library and what its parse reported.
    struct Parsed: Sendable {
        var ast: SourceFileAST
        var diagnostics: [Diagnostic]
    }

    static func standardKey(_ name: String) -> String { "std\u{0}" + name }
    static func relativeKey(_ path: String, from file: String) -> String { "file\u{0}" + file + "\u{0}" + path }
}

/// How many threads compile function bodies.
enum CompileThreads {
    /// Below this many declarations an automatic compile keeps the bodies on one thread (starting threads costs
    /// more).
    static let automaticMinimumFunctions = 64

    /// The thread count for `requested` (`CompileOptions.threads`: 0 is automatic), for a job of `units` parts
    /// (functions, tokens): at most one thread per part. Automatic: `DATANET_COMPILE_THREADS` when set to a
    /// positive number (whatever the job's size: 1 forces one thread, more force that many), else the active
    /// processor count when the job `isLarge`, one thread otherwise.
    static func count(requested: Int, isLarge: Bool, units: Int) -> Int {
        var threads = requested
        if threads <= 0 {
            // `getenv`, not `ProcessInfo.environment`, which copies the whole environment into a dictionary.
            if let text = getenv("DATANET_COMPILE_THREADS").map({ String(cString: $0) }), let n = Int(text), n > 0 {
                threads = n
            } else {
                threads = isLarge ? ProcessInfo.processInfo.activeProcessorCount : 1
            }
        }
        return max(1, min(threads, units, 64))
    }
}

/// What a worker compiled for one function, in the worker's table indices.
struct CompiledBody: Sendable {
    var function: Function?
    var sourceEntries: [SourceMapEntry]
    /// Everything the body reported, in report order.
    var diagnostics: [Diagnostic]
    var hasErrors: Bool
    var firstWrite: SourceRange?
    /// The functions it calls (worker function indices) and where.
    var callees: [(index: Int, range: SourceRange)]
    /// The sizes of the worker's tables once this body was compiled: its additions are below them.
    var tableSizes: TableSizes
}

/// The sizes of a compiler's module tables.
struct TableSizes: Sendable {
    var types = 0
    var constants = 0
    var externs = 0
    var functions = 0
    var sourceFiles = 0

    init() {}

    init(_ module: ModuleCompiler) {
        types = module.types.count
        constants = module.constants.count
        externs = module.externs.count
        functions = module.scheduled.count
        sourceFiles = module.sourceFiles.count
    }
}

/// A worker's results: its bodies and its tables.
struct WorkerOutput: Sendable {
    /// The bodies of the worker's run, in order; shorter than the run when one had errors (the rest would not
    /// be used).
    var bodies: [CompiledBody]
    var types: [TypeDesc]
    var constants: [Constant]
    var externs: [ExternDecl]
    /// The library functions the worker scheduled (its function indices from `mainFunctions` on): file path
    /// and name.
    var libraryFunctions: [(path: String, name: String)]
    var mainFunctions: Int
    var sourceFiles: [String]
}

/// The workers of one compilation and the main thread's merge of their bodies.
final class ParallelBodies {
    /// The threads (the main thread's included) and the runs the workers compile (function indices), in order;
    /// the main thread's own run is before them. Set by `plan` once the main thread collected the declarations.
    private let threads: Int
    private var runs: [Range<Int>] = []
    private var mainFunctions = 0
    private let workers: WorkerThreads<WorkerOutput?>
    private var outputs: [WorkerOutput?] = []
    private var joined = false
    /// Set when a body was refused: from there on the main thread compiles every body itself.
    private var refused = false
    /// The worker whose bodies are being merged, and its indices mapped to the module's so far.
    private var current = -1
    private var maps = IndexMaps()
    /// Bodies taken from the workers so far.
    private(set) var merged = 0

    private init(threads: Int, workers: WorkerThreads<WorkerOutput?>) {
        self.threads = threads
        self.workers = workers
    }

    /// Starts the workers for `ast`, before `module` collects its declarations (each worker collects its own),
    /// or returns nil when one thread is to do it all: few functions or one thread asked for.
    static func start(_ module: ModuleCompiler, ast: SourceFileAST) -> ParallelBodies? {
        // The declarations stand for the functions here (the exact count is known after `collect`, and each
        // worker computes its run from it).
        let functions = ast.declarations.count
        let threads = CompileThreads.count(
            requested: module.options.threads, isLarge: functions >= CompileThreads.automaticMinimumFunctions,
            units: functions)
        guard threads > 1 else { return nil }
        // The workers read the libraries the main thread found, so every thread compiles the same files.
        module.loadLibraries(of: ast)
        let options = module.options
        let libraries = module.libraryFiles
        let workers = WorkerThreads.start(1..<threads) { w in
            ParallelBodies.compile(worker: w, of: threads, ast: ast, options: options, libraries: libraries)
        }
        return ParallelBodies(threads: threads, workers: workers)
    }

    /// The runs of `functions` main-unit functions on `threads` threads, of equal length: the first is the main
    /// thread's. Each thread collects the declarations at the same time, then compiles its run; the main thread
    /// then takes the workers' bodies, which is quick (about 1.5 ms of a 50 ms compile of the benchmark's
    /// contract), so equal runs finish together. (Runs weighted 6 to 10 for the main thread, from callgrind's
    /// instruction counts, left it waiting for the worker for a third of its own run in wall time.)
    private static func runs(functions: Int, threads: Int) -> [Range<Int>] {
        let bounds = (0...threads).map { functions * $0 / threads }
        return (0..<threads).map { bounds[$0]..<bounds[$0 + 1] }
    }

    /// Called once the main thread scheduled its `functions` main-unit functions: the workers' runs.
    func plan(functions: Int) {
        mainFunctions = functions
        runs = Array(ParallelBodies.runs(functions: functions, threads: threads).dropFirst())
    }

    /// Worker `w` of `threads`: collects the declarations and compiles the bodies of its run with a compiler of
    /// its own.
    private static func compile(
        worker w: Int, of threads: Int, ast: SourceFileAST, options: CompileOptions, libraries: LoadedLibraries
    ) -> WorkerOutput? {
        let module = ModuleCompiler(options: options)
        module.preloaded = libraries
        guard module.prepare(ast) != nil, !module.diagnostics.hasErrors else { return nil }
        let mainFunctions = module.scheduled.count
        let run = runs(functions: mainFunctions, threads: threads)[w]
        var bodies: [CompiledBody] = []
        bodies.reserveCapacity(run.count)
        var compiler: FunctionCompiler?
        for index in run {
            let symbol = module.scheduled[index]
            let reported = module.diagnostics.diagnostics.count
            let errors = module.diagnostics.errorCount
            let function = FunctionCompiler.reusing(&compiler, module: module, symbol: symbol).compile()
            let hasErrors = module.diagnostics.errorCount > errors
            bodies.append(
                CompiledBody(
                    function: function, sourceEntries: module.sourceEntries[index],
                    diagnostics: Array(module.diagnostics.diagnostics[reported...]), hasErrors: hasErrors,
                    firstWrite: symbol.firstWrite,
                    callees: symbol.callees.map { ($0.symbol.index ?? -1, $0.range) }, tableSizes: TableSizes(module)))
            if hasErrors { break }
        }
        return WorkerOutput(
            bodies: bodies, types: module.types, constants: module.constants, externs: module.externs,
            libraryFunctions: module.scheduled[mainFunctions...].map { ($0.unit.file.path, $0.name) },
            mainFunctions: mainFunctions, sourceFiles: module.sourceFiles)
    }

    /// Waits for the workers (before returning from the compile, whether or not their bodies were used).
    func finish() {
        guard !joined else { return }
        outputs = workers.wait().map { $0 ?? nil }
        joined = true
    }

    /// Takes a worker's body of function `index` into `module` as if it were compiled there; false when the
    /// main thread is to compile it (its own run, a refused body, or any body after one).
    func merge(_ index: Int, into module: ModuleCompiler) -> Bool {
        guard !refused, let first = runs.first, index >= first.lowerBound,
            let last = runs.last, index < last.upperBound
        else { return false }
        finish()
        guard let worker = runs.firstIndex(where: { $0.contains(index) }), take(index, worker + 1, into: module) else {
            refused = true
            return false
        }
        return true
    }

    /// Takes worker `worker`'s body of function `index`.
    private func take(_ index: Int, _ worker: Int, into module: ModuleCompiler) -> Bool {
        guard let output = outputs[safe: worker] ?? nil, output.mainFunctions == mainFunctions else { return false }
        let position = index - runs[worker - 1].lowerBound
        guard position < output.bodies.count, module.diagnostics.errorCount == 0 else { return false }
        let body = output.bodies[position]
        guard !body.hasErrors, var function = body.function else { return false }
        if worker != current {
            current = worker
            maps = IndexMaps()
        }
        guard maps.extend(to: body.tableSizes, from: output, into: module),
            maps.remap(&function), let symbol = module.scheduled[safe: index]
        else { return false }
        var entries = body.sourceEntries
        for i in entries.indices {
            guard let file = maps.sourceFiles[safe: Int(entries[i].file)] else { return false }
            entries[i].file = UInt16(truncatingIfNeeded: file)
        }
        var callees: [FunctionSymbol.Callee] = []
        for (callee, range) in body.callees {
            guard let mapped = maps.functions[safe: callee], let target = module.scheduled[safe: mapped] else {
                return false
            }
            callees.append(FunctionSymbol.Callee(symbol: target, range: range))
        }
        symbol.firstWrite = body.firstWrite
        symbol.callees = callees
        module.compiled[index] = function
        module.sourceEntries[index] = entries
        for diagnostic in body.diagnostics { module.diagnostics.report(diagnostic) }
        merged += 1
        return true
    }
}

/// A worker's table indices mapped to the module's, extended body by body.
private struct IndexMaps {
    var types: [UInt16] = []
    var constants: [Int] = []
    var externs: [Int] = []
    var functions: [Int] = []
    var sourceFiles: [Int] = []
    /// False once any index maps to another number: only then is code rewritten.
    var identity = true

    /// Replays the worker's table additions below `sizes` into `module`, in the worker's order, which is the
    /// order a serial compile of the same bodies adds them in.
    mutating func extend(to sizes: TableSizes, from output: WorkerOutput, into module: ModuleCompiler) -> Bool {
        guard sizes.types <= output.types.count, sizes.constants <= output.constants.count,
            sizes.externs <= output.externs.count, sizes.sourceFiles <= output.sourceFiles.count,
            sizes.functions <= output.mainFunctions + output.libraryFunctions.count
        else { return false }
        while types.count < sizes.types {
            guard let desc = mapped(output.types[types.count]) else { return false }
            let index = module.tableIndex(of: desc)
            note(types.count, Int(index))
            types.append(index)
        }
        while constants.count < sizes.constants {
            let index = module.constantIndex(output.constants[constants.count])
            note(constants.count, index)
            constants.append(index)
        }
        while externs.count < sizes.externs {
            var decl = output.externs[externs.count]
            guard let params = mapped(decl.params), let results = mapped(decl.results) else { return false }
            (decl.params, decl.results) = (params, results)
            let index = module.externTableIndex(of: decl)
            note(externs.count, index)
            externs.append(index)
        }
        while functions.count < sizes.functions {
            let index: Int
            if functions.count < output.mainFunctions {
                index = functions.count
            } else {
                let (path, name) = output.libraryFunctions[functions.count - output.mainFunctions]
                guard let symbol = module.loadedUnits[path]?.functions[name] else { return false }
                index = module.schedule(symbol)
            }
            note(functions.count, index)
            functions.append(index)
        }
        while sourceFiles.count < sizes.sourceFiles {
            let index = module.sourceFileIndex(named: output.sourceFiles[sourceFiles.count])
            note(sourceFiles.count, index)
            sourceFiles.append(index)
        }
        return true
    }

    private mutating func note(_ from: Int, _ to: Int) { if from != to { identity = false } }

    private func mapped(_ type: UInt16) -> UInt16? { types[safe: Int(type)] }

    private func mapped(_ list: [UInt16]) -> [UInt16]? {
        var out: [UInt16] = []
        out.reserveCapacity(list.count)
        for type in list {
            guard let m = mapped(type) else { return nil }
            out.append(m)
        }
        return out
    }

    private func mapped(_ desc: TypeDesc) -> TypeDesc? {
        switch desc {
        case .list(let elem): return mapped(elem).map { .list(elem: $0) }
        case .map(let key, let value):
            guard let k = mapped(key), let v = mapped(value) else { return nil }
            return .map(key: k, value: v)
        default: return desc
        }
    }

    /// Rewrites the worker's indices in `function` (its code's immediates by their roles, and its types).
    func remap(_ function: inout Function) -> Bool {
        guard !identity else { return true }
        guard let params = mapped(function.params), let results = mapped(function.results),
            let locals = mapped(function.locals)
        else { return false }
        (function.params, function.results, function.locals) = (params, results, locals)
        return remap(&function.code)
    }

    private func remap(_ code: inout [UInt8]) -> Bool {
        let layouts = Opcode.layouts
        let roles = IndexMaps.roles
        var p = 0
        while p < code.count {
            let op = Int(code[p])
            let sizes = layouts[op].immediateSizes
            let role = roles[op]
            p += 1
            guard p + sizes.first + sizes.second <= code.count else { return false }
            guard rewrite(&code, at: p, width: sizes.first, role.first) else { return false }
            p += sizes.first
            guard rewrite(&code, at: p, width: sizes.second, role.second) else { return false }
            p += sizes.second
        }
        return true
    }

    private func rewrite(_ code: inout [UInt8], at p: Int, width: Int, _ role: ImmediateRole?) -> Bool {
        guard let role, width > 0 else { return true }
        switch role {
        case .constant, .type, .function, .extern: guard width <= 4 else { return false }
        default: return true
        }
        var value = 0
        for i in 0..<width { value |= Int(code[p + i]) << (8 * i) }
        let mapped: Int?
        switch role {
        case .constant: mapped = constants[safe: value]
        case .type: mapped = types[safe: value].map(Int.init)
        case .function: mapped = functions[safe: value]
        case .extern: mapped = externs[safe: value]
        default: return true
        }
        guard let mapped, mapped >> (8 * width) == 0 else { return false }
        for i in 0..<width { code[p + i] = UInt8(truncatingIfNeeded: mapped >> (8 * i)) }
        return true
    }

    /// The roles of each opcode's first two immediates, by opcode byte.
    static let roles: [(first: ImmediateRole?, second: ImmediateRole?)] = Opcode.table.map { info in
        let roles = info?.roles ?? []
        return (roles.first, roles.count > 1 ? roles[1] : nil)
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}

/// Work on threads of their own: `start` runs `work(i)` for each index on a new thread (or, when a thread
/// cannot be made, on the calling thread); `wait` joins them and returns the results by index (nil below the
/// first index). Plain threads, joined, rather than a shared pool: a compile may be called from a pool thread,
/// and a joined thread has released everything its work held (its captures, its result) when `wait` returns,
/// so a compile leaves nothing behind on other threads.
struct WorkerThreads<Result: Sendable> {
    private let slots: ResultSlots<Result>
    private var threads: [pthread_t] = []

    private init(count: Int) { slots = ResultSlots(count: count) }

    static func start(_ indices: Range<Int>, _ work: @escaping @Sendable (Int) -> Result) -> WorkerThreads {
        var workers = WorkerThreads(count: indices.upperBound)
        let slots = workers.slots
        for i in indices {
            let body = ThreadBody {
                let result = work(i)
                slots.values.withLock { $0[i] = result }
            }
            if let thread = spawn(body) { workers.threads.append(thread) } else { body.run() }
        }
        return workers
    }

    /// Joins every worker and returns the results by index. Called once.
    func wait() -> [Result?] {
        for thread in threads { pthread_join(thread, nil) }
        return slots.values.withLock { values in
            defer { values = [] }
            return values
        }
    }

    /// Starts a thread running `body`, with room for the parser's, checker's and code generator's recursion (to
    /// `Parser.maxDepth`) as on the calling thread; nil when the system refuses.
    private static func spawn(_ body: ThreadBody) -> pthread_t? {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        _ = pthread_attr_setstacksize(&attributes, 16 << 20)
        let context = Unmanaged.passRetained(body).toOpaque()
        #if canImport(Glibc)
            var thread = pthread_t()
            let status = pthread_create(&thread, &attributes, { context in
                guard let context else { return nil }
                Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<ThreadBody>.fromOpaque(context).release()
                return nil
            }
            return thread
        #else
            var thread: pthread_t?
            let status = pthread_create(&thread, &attributes, { context in
                Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
            guard status == 0, let thread else {
                Unmanaged<ThreadBody>.fromOpaque(context).release()
                return nil
            }
            return thread
        #endif
    }
}

/// The results of a set of workers, by index.
private final class ResultSlots<Result: Sendable>: Sendable {
    let values: Mutex<[Result?]>

    init(count: Int) { values = Mutex([Result?](repeating: nil, count: count)) }
}

/// What a worker thread runs; released on that thread when the work is done.
private final class ThreadBody: Sendable {
    let run: @Sendable () -> Void

    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}
