import Bytecode
import Compiler
import Diagnostics
import Foundation
import Testing
import Verifier
import VM

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A resolver over the repository's `Stdlib/` plus in-memory sources.
func resolver(_ sources: [String: String] = [:]) -> LibraryResolver {
    LibraryResolver(stdlibDirectory: repositoryRoot.appendingPathComponent("Stdlib").path, sources: sources)
}

/// Compiles `text`, failing the test on any error; the module must verify.
func compileModule(
    _ text: String, path: String = "test.dn", libraries: [String: String] = [:],
    sourceLocation: SourceLocation = #_sourceLocation
) -> Module? {
    let result = Compiler.compile(
        SourceFile(path: path, text: text), options: CompileOptions(libraries: resolver(libraries)))
    let errors = result.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(DiagnosticRenderer().render(errors))", sourceLocation: sourceLocation)
    guard let module = result.module else { return nil }
    do {
        _ = try Verifier.verify(module)
    } catch {
        Issue.record("verification failed: \(error)\n\(Disassembler.text(of: module))", sourceLocation: sourceLocation)
        return nil
    }
    return module
}

/// Compiles a contract and returns a verified, lowered program.
func compileProgram(
    _ text: String, libraries: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
) -> Program? {
    guard let module = compileModule(text, libraries: libraries, sourceLocation: sourceLocation),
        let verified = try? Verifier.verify(module)
    else { return nil }
    return Program(verified)
}

/// Wraps statements in a contract with one public function `f() -> T`.
func contract(_ body: String, returns type: String = "Int", declarations: String = "") -> String {
    """
    contract T
    \(declarations)
    pub fn f() -> \(type) {
    \(body)
    }
    """
}

/// Runs `function` on `host`.
func run(
    _ program: Program, _ function: String, _ args: [Value] = [], host: inout MemoryHost, gas: Int64 = 1 << 40
) -> ExecutionResult {
    Interpreter.call(program, function: function, args: args, host: &host, gasLimit: gas)
}

/// Runs `function` on a fresh host.
func run(_ program: Program, _ function: String, _ args: [Value] = [], gas: Int64 = 1 << 40) -> ExecutionResult {
    var host = MemoryHost()
    return run(program, function, args, host: &host, gas: gas)
}

/// Compiles a contract whose `f()` returns a value, runs it and gives the value or the trap message.
func evaluate(
    _ body: String, returns type: String = "Int", declarations: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) -> String {
    guard
        let program = compileProgram(
            contract(body, returns: type, declarations: declarations),
            sourceLocation: sourceLocation)
    else { return "compile error" }
    let result = run(program, "f")
    switch result.outcome {
    case .success(let values): return values.map(show).joined(separator: ", ")
    case .failure(let trap): return "trap: \(trap.message)"
    }
}

/// A compact rendering of a value for assertions.
func show(_ value: Value) -> String {
    switch value {
    case .int(let v): "\(v)"
    case .dec(let v): "dec(\(v))"
    case .bool(let b): "\(b)"
    case .string(let s): "\"\(s)\""
    case .address(let a): "@" + a.map { String($0) }.joined(separator: ".")
    case .hash(let h): "#" + h.prefix(4).map { String($0, radix: 16) }.joined()
    case .bytes(let b): "bytes\(b)"
    case .list(let xs): "[" + xs.map(show).joined(separator: ", ") + "]"
    case .map(let entries): "{" + entries.map { "\(show($0.key)): \(show($0.value))" }.joined(separator: ", ") + "}"
    case .structure(let fields): "(" + fields.map(show).joined(separator: ", ") + ")"
    }
}

/// Diagnostics of `text`, rendered plainly.
func diagnosticsText(_ text: String, path: String = "test.dn", libraries: [String: String] = [:]) -> String {
    let result = Compiler.compile(
        SourceFile(path: path, text: text), options: CompileOptions(libraries: resolver(libraries)))
    return DiagnosticRenderer().render(result.diagnostics)
}

/// `line:col: severity: message` of each diagnostic.
func diagnosticLines(_ text: String, libraries: [String: String] = [:]) -> [String] {
    let result = Compiler.compile(
        SourceFile(path: "test.dn", text: text), options: CompileOptions(libraries: resolver(libraries)))
    return result.diagnostics.map { "\($0.range.startLineColumn): \($0.severity.rawValue): \($0.message)" }
}

/// The text of a file in the repository.
func repositoryFile(_ path: String) -> String {
    (try? String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)) ?? ""
}
