// `datanet test`: runs the `test` blocks of a test file, each against a fresh `LocalChain`.
//
// The prelude forms that act on the chain (deploy, calls through handles, send, as, advance, expect_revert,
// with_value, events, balance, note) and the assertions run in `TestSession`; every other piece of test code
// is compiled and run on the VM (TestSession.swift, Docs/language.md §8.1).
import Bytecode
import Chain
import Compiler
import struct Compiler.Block
import Diagnostics
import Foundation
import Verifier
import VM

/// The native tokens every `@name` account holds at the start of each test.
public let testStartBalance: Int128 = 1_000_000_000_000

/// What one `test` block did.
public struct TestOutcome: Sendable {
    /// The test's name as written.
    public var name: String
    /// Gas used by every transaction the test made.
    public var gas: UInt64
    /// Wall-clock time of the test, in seconds.
    public var seconds: Double
    /// Why it failed, with the source position; nil when it passed.
    public var failure: String?

    /// True when the test passed.
    public var passed: Bool { failure == nil }
}

/// What a test file did: compile errors, or one outcome per test block in source order.
public struct TestFileResult: Sendable {
    /// The file's path as given.
    public var path: String
    /// Errors that kept the file from running (parse errors, not a test file).
    public var diagnostics: [Diagnostic]
    /// The tests, in source order.
    public var outcomes: [TestOutcome]
}

/// One row of the gas report: the gas of every call of one contract function over the run.
public struct GasReportRow: Sendable, Equatable {
    /// The contract's module name.
    public var contract: String
    /// The function (`init` for deploys).
    public var function: String
    /// Gas of each call, sorted ascending.
    public var samples: [UInt64]

    /// The smallest sample.
    public var min: UInt64 { samples.first ?? 0 }
    /// The largest sample.
    public var max: UInt64 { samples.last ?? 0 }
    /// The middle sample (the lower middle for an even count).
    public var median: UInt64 { samples.isEmpty ? 0 : samples[(samples.count - 1) / 2] }
}

/// Runs test files.
public final class TestRunner {
    /// Where `use std.NAME` finds the standard library, for the contracts tests deploy.
    public let stdlibDirectory: String?
    private var modules: [String: Result<Module, TestError>] = [:]
    private var gas: [String: [String: [UInt64]]] = [:]
    private var programs: [SourceText: Result<Program, DiagnosticList>] = [:]

    /// A synthetic contract's text as a dictionary key, hashed as one block of bytes: an `[UInt8]` key is hashed
    /// byte by byte (a `Hasher.combine` call per byte), which was 3 % of a `datanet test` run over the repository's
    /// tests, for a cache looked up at every evaluated expression. Only looked up, never iterated.
    private struct SourceText: Hashable {
        let bytes: [UInt8]

        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    /// Called with the text of each `note("…")` as it runs (scenarios print them; tests ignore them).
    public var onNote: (String) -> Void = { _ in }

    /// A runner; `stdlibDirectory` is for compiling deployed contracts.
    public init(stdlibDirectory: String?) {
        self.stdlibDirectory = stdlibDirectory
    }

    /// Gas per contract function over every test run so far, sorted by contract then function.
    public var gasReport: [GasReportRow] {
        var rows: [GasReportRow] = []
        for contract in gas.keys.sorted() {
            let functions = gas[contract] ?? [:]
            for function in functions.keys.sorted() {
                rows.append(GasReportRow(contract: contract, function: function,
                    samples: (functions[function] ?? []).sorted()))
            }
        }
        return rows
    }

    /// Parses and checks the test file at `path` (contents `bytes`): its syntax tree, or the errors that keep
    /// it from running.
    func load(path: String, bytes: [UInt8]) -> Result<SourceFileAST, DiagnosticList> {
        load(Parser.parse(SourceFile(path: path, bytes: bytes)))
    }

    /// `load` of a parsed file.
    private func load(_ parsed: (SourceFileAST, [Diagnostic])) -> Result<SourceFileAST, DiagnosticList> {
        let (ast, parseDiagnostics) = parsed
        let file = ast.file
        let errors = parseDiagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { return .failure(DiagnosticList(errors)) }
        if ast.kind != .tests {
            let range = ast.headerRange ?? SourceRange.point(file, 0)
            return .failure(DiagnosticList([
                .error("this is not a test file: it declares a contract or library", at: range,
                    hint: "test files have no header; they hold 'use', 'const', 'fn', 'test' and 'scenario' "
                        + "declarations")
            ]))
        }
        let checked = TestChecker.check(ast) { written in
            try? self.module(at: Self.deployPath(written, testFile: file.path), range: SourceRange.point(file, 0)).get()
        }
        return checked.isEmpty ? .success(ast) : .failure(DiagnosticList(checked))
    }

    /// A parsed test file loaded and its own declarations compiled (`TestSession.preludeErrors`): the syntax
    /// tree and the accounts it names, or every error that keeps it from running.
    private func runnable(
        _ parsed: (SourceFileAST, [Diagnostic]), bytes: [UInt8]
    ) -> Result<(SourceFileAST, [String]), DiagnosticList> {
        switch load(parsed) {
        case .failure(let errors): return .failure(errors)
        case .success(let ast):
            let accounts = Self.accountNames(in: bytes)
            let errors = TestSession(runner: self, ast: ast, accounts: accounts).preludeErrors()
            return errors.isEmpty ? .success((ast, accounts)) : .failure(DiagnosticList(errors))
        }
    }

    /// What `datanet check` says of a test or scenario file, without running it: what would keep it from running
    /// (syntax errors, names the test code cannot know, its own declarations that do not compile). Nil when the
    /// file is not one (it has a `contract` or `library` header).
    public func check(path: String, bytes: [UInt8]) -> [Diagnostic]? {
        let parsed = Parser.parse(SourceFile(path: path, bytes: bytes))
        guard parsed.0.kind == .tests else { return nil }
        switch runnable(parsed, bytes: bytes) {
        case .failure(let errors): return errors.items
        case .success: return []
        }
    }

    /// Parses the file at `path` (contents `bytes`) and runs each of its tests on a fresh chain.
    public func run(path: String, bytes: [UInt8]) -> TestFileResult {
        let ast: SourceFileAST, accounts: [String]
        switch runnable(Parser.parse(SourceFile(path: path, bytes: bytes)), bytes: bytes) {
        case .success(let loaded): (ast, accounts) = loaded
        case .failure(let errors): return TestFileResult(path: path, diagnostics: errors.items, outcomes: [])
        }
        var outcomes: [TestOutcome] = []
        for decl in ast.declarations {
            guard case .test(let name, _, let body) = decl.kind else { continue }
            let clock = ContinuousClock()
            let start = clock.now
            let session = TestSession(runner: self, ast: ast, accounts: accounts)
            let failure = session.run(body)
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            outcomes.append(TestOutcome(name: name, gas: session.gasUsed, seconds: seconds, failure: failure))
        }
        return TestFileResult(path: path, diagnostics: [], outcomes: outcomes)
    }

    /// Where `deploy(written)` in the test file at `testFile` finds its contract.
    static func deployPath(_ written: String, testFile: String) -> String {
        if written.hasPrefix("/") { return written }
        let directory = URL(fileURLWithPath: testFile).deletingLastPathComponent()
        return directory.appendingPathComponent(written).standardizedFileURL.path
    }

    /// Every distinct `@name` written in the file (scanned from the text; a name inside a comment or string only
    /// funds an account nobody uses), sorted.
    static func accountNames(in bytes: [UInt8]) -> [String] {
        var names: Set<String> = ["alice"]
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "@"), i + 1 < bytes.count, isNameStart(bytes[i + 1]) {
                var j = i + 1
                while j < bytes.count, isNameStart(bytes[j]) || (bytes[j] >= 48 && bytes[j] <= 57) { j += 1 }
                let name = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                if !(name.hasPrefix("0x") || name.hasPrefix("0X")) { names.insert(name) }
                i = j
            } else {
                i += 1
            }
        }
        return names.sorted()
    }

    private static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
    }

    func module(at path: String, range: SourceRange) -> Result<Module, TestError> {
        // A cached failure is reported at this call's place, not where the file was first compiled.
        if let cached = modules[path] { return cached.mapError { TestError(message: $0.message, range: range) } }
        let result: Result<Module, TestError>
        if let data = FileManager.default.contents(atPath: path) {
            let compiled = Compiler.compile(SourceFile(path: path, bytes: [UInt8](data)),
                options: CompileOptions(libraries: LibraryResolver(stdlibDirectory: stdlibDirectory)))
            if let module = compiled.module {
                result = .success(module)
            } else {
                let errors = compiled.diagnostics.filter { $0.severity == .error }
                var detail = errors.first.map { "\($0.range): \($0.message)" } ?? "it does not compile"
                if errors.count > 1 {
                    detail += " (and \(errors.count - 1) more \(errors.count == 2 ? "error" : "errors"): "
                        + "'datanet check \(path)' lists them)"
                }
                result = .failure(TestError(message: "deploy: '\(path)' does not compile: \(detail)", range: range))
            }
        } else {
            result = .failure(TestError(message: "deploy: cannot read '\(path)'", range: range))
        }
        modules[path] = result
        return result
    }

    /// The compiled and verified synthetic contract of some test code, by its text (the same code at the same
    /// place in a loop, or the same text elsewhere, compiles once per run); or the compiler's diagnostics, in
    /// the synthetic file's positions.
    func program(_ source: SyntheticSource, chain: LocalChain) -> Result<Program, DiagnosticList> {
        let key = SourceText(bytes: source.bytes)
        if let cached = programs[key] { return cached }
        let compiled = SyntheticCode.compile(source, stdlibDirectory: stdlibDirectory, chain: chain)
        let result: Result<Program, DiagnosticList>
        if let module = compiled.module {
            do { result = .success(Program(try Verifier.verify(module))) } catch {
                result = .failure(DiagnosticList([.error("the test code does not verify: \(error)",
                    at: SourceRange.point(source.file(), 0))]))
            }
        } else {
            result = .failure(DiagnosticList(compiled.diagnostics.filter { $0.severity == .error }))
        }
        programs[key] = result
        return result
    }

    func record(contract: String, function: String, gas used: UInt64) {
        gas[contract, default: [:]][function, default: []].append(used)
    }
}

/// Diagnostics as an `Error`, for `Result`.
struct DiagnosticList: Error {
    var items: [Diagnostic]
    init(_ items: [Diagnostic]) { self.items = items }
}

/// A test failure (or a revert not expected): its message and where.
struct TestError: Error {
    var message: String
    var range: SourceRange
    /// Set when a transaction reverted or was rejected: what `expect_revert` matches.
    var revert: String?
    /// Set when test code did not compile (so `assert_eq` can try typing one side by the other).
    var isCompileError: Bool

    init(message: String, range: SourceRange, revert: String? = nil, isCompileError: Bool = false) {
        self.message = message
        self.range = range
        self.revert = revert
        self.isCompileError = isCompileError
    }
}

/// The text `datanet test` prints.
public enum TestReport {
    /// Every `*_test.dn` file under `directory` (recursively), sorted by path.
    public static func testFiles(under directory: String) -> [String] {
        SourceTree.files(under: directory, suffix: "_test.dn")
    }

    /// One line per test (`✓ name  (gas N, T)` or `✗ name` and its failure indented), files with no tests
    /// noted. `timing: false` leaves the time out (for reproducible output).
    public static func lines(for result: TestFileResult, timing: Bool = true) -> [String] {
        var lines = [result.path]
        if result.outcomes.isEmpty, result.diagnostics.isEmpty { lines.append("  (no tests)") }
        for outcome in result.outcomes {
            if let failure = outcome.failure {
                lines.append("  ✗ \(outcome.name)")
                lines.append("      \(failure)")
            } else {
                let time = timing ? ", \(duration(outcome.seconds))" : ""
                lines.append("  ✓ \(outcome.name)  (gas \(outcome.gas)\(time))")
            }
        }
        return lines
    }

    /// `N passed, N failed`.
    public static func summary(passed: Int, failed: Int) -> String { "\(passed) passed, \(failed) failed" }

    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return String(format: "%.1f ms", seconds * 1000) }
        return String(format: "%.2f s", seconds)
    }

    /// A Foundry-style table: contract, function, calls, min, median, max gas.
    public static func gasTable(_ rows: [GasReportRow]) -> [String] {
        let header = ["contract", "function", "calls", "min", "median", "max"]
        let cells = rows.map {
            [$0.contract, $0.function, "\($0.samples.count)", "\($0.min)", "\($0.median)", "\($0.max)"]
        }
        let widths = TextTable.widths([header] + cells)
        func line(_ row: [String]) -> String {
            "| " + TextTable.line(row, widths: widths, rightAligned: [2, 3, 4, 5], separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"
        return [line(header), rule] + cells.map(line)
    }
}
