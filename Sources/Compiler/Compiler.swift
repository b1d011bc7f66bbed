// The compiler's entry point: source file in, module and diagnostics out.
import Bytecode
import Diagnostics

/// How to compile.
public struct CompileOptions: Sendable {
    /// Where `use std.NAME` and `use "file.dn"` find their sources.
    public var libraries: LibraryResolver
    /// Record a source map (positions of statements and of instructions that can trap).
    public var sourceMap: Bool
    /// Addresses of named accounts (`@alice`), which only the REPL compiles; elsewhere they are an error.
    public var namedAccounts: [String: [UInt8]]
    /// Threads that compile function bodies: 1 compiles on the calling thread only; 0 (automatic) uses
    /// `DATANET_COMPILE_THREADS` when set, else every active processor for files of at least 64 declarations
    /// (function bodies) or 100,000 bytes (lexing and parsing).
    /// The module and diagnostics are the same whatever the count.
    public var threads: Int

    /// Options with a library resolver.
    public init(
        libraries: LibraryResolver = .none, sourceMap: Bool = true, namedAccounts: [String: [UInt8]] = [:],
        threads: Int = 0
    ) {
        self.libraries = libraries
        self.sourceMap = sourceMap
        self.namedAccounts = namedAccounts
        self.threads = threads
    }
}

/// What a compilation produced.
public struct CompileResult: Sendable {
    /// The module, when there were no errors.
    public var module: Module?
    /// Errors and warnings in source order, parse diagnostics included.
    public var diagnostics: [Diagnostic]
    /// How many function bodies were compiled on worker threads (`CompileOptions.threads`) and taken into the
    /// module as a serial compile would have made them; 0 when one thread compiled everything.
    public var bodiesFromWorkers = 0
    /// How many runs of declarations were parsed at once, on as many threads (1: the file was parsed on one
    /// thread).
    public var parsedRuns = 1

    /// True when any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Compiles `.dn` contracts and libraries to modules.
public enum Compiler {
    /// Parses, checks and compiles `file`. A library compiles to a module whose functions are public.
    public static func compile(_ file: SourceFile, options: CompileOptions = CompileOptions()) -> CompileResult {
        if let binary = Parser.binaryContent(file) { return CompileResult(module: nil, diagnostics: [binary]) }
        let (ast, parseDiagnostics, runs) = Parser.parseText(file, threads: options.threads)
        let compiler = ModuleCompiler(options: options)
        compiler.diagnostics.append(contentsOf: parseDiagnostics)
        var module: Module?
        if !compiler.diagnostics.isSaturated {
            module = compiler.compile(ast)
        }
        let diagnostics = deduplicated(compiler.diagnostics.sorted)
        if diagnostics.contains(where: { $0.severity == .error }) { module = nil }
        var result = CompileResult(module: module, diagnostics: diagnostics)
        result.bodiesFromWorkers = compiler.bodiesFromWorkers
        result.parsedRuns = runs
        return result
    }

    /// Type-checks `file` without keeping the module; returns its diagnostics.
    public static func check(_ file: SourceFile, options: CompileOptions = CompileOptions()) -> [Diagnostic] {
        compile(file, options: options).diagnostics
    }

    private static func deduplicated(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen: Set<Diagnostic> = []
        return diagnostics.filter { seen.insert($0).inserted }
    }
}

extension Compiler {
    /// The language's builtin functions (`len`, `require`, `split`, …): what a call by a bare name may name besides
    /// declared functions, for tools that check calls before compiling (the test runner's name check).
    public static var builtinFunctionNames: [String] { FunctionCompiler.builtinFunctions }
}
