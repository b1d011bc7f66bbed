// `datanet test`: runs the `test` blocks of a test file, each against a fresh `LocalChain`.
//
// Test bodies are interpreted statement by statement over the parsed file (see Docs/language.md §8, "Tests"):
// every contract call, deploy and transfer is a real transaction on the local chain, so gas, reverts, events
// and balances are exactly those of the chain; only the glue between them (locals, arithmetic, `if`, loops,
// helper `fn`s, assertions) runs in the runner.
import Bytecode
import Chain
import Compiler
import Crypto
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
    private var libraries: [String: Result<Program, TestError>] = [:]

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
        let file = SourceFile(path: path, bytes: bytes)
        let (ast, parseDiagnostics) = Parser.parse(file)
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
            try? self.module(at: Self.deployPath(written, testFile: path), range: SourceRange.point(file, 0)).get()
        }
        return checked.isEmpty ? .success(ast) : .failure(DiagnosticList(checked))
    }

    /// Parses the file at `path` (contents `bytes`) and runs each of its tests on a fresh chain.
    public func run(path: String, bytes: [UInt8]) -> TestFileResult {
        let ast: SourceFileAST
        switch load(path: path, bytes: bytes) {
        case .success(let loaded): ast = loaded
        case .failure(let errors): return TestFileResult(path: path, diagnostics: errors.items, outcomes: [])
        }
        let accounts = Self.accountNames(in: bytes)
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
        if let cached = modules[path] { return cached }
        let result: Result<Module, TestError>
        if let data = FileManager.default.contents(atPath: path) {
            let compiled = Compiler.compile(SourceFile(path: path, bytes: [UInt8](data)),
                options: CompileOptions(libraries: LibraryResolver(stdlibDirectory: stdlibDirectory)))
            if let module = compiled.module {
                result = .success(module)
            } else {
                let first = compiled.diagnostics.first { $0.severity == .error }
                let detail = first.map { "\($0.range): \($0.message)" } ?? "it does not compile"
                result = .failure(TestError(message: "deploy: '\(path)' does not compile: \(detail)", range: range))
            }
        } else {
            result = .failure(TestError(message: "deploy: cannot read '\(path)'", range: range))
        }
        modules[path] = result
        return result
    }

    /// The library `use`d as `use std.NAME` or `use "file.dn"` (by the file's path), compiled and verified.
    func library(_ target: UseTarget, from file: SourceFile, range: SourceRange) -> Result<Program, TestError> {
        let resolver = LibraryResolver(stdlibDirectory: stdlibDirectory)
        let source: SourceFile?
        let key: String
        switch target {
        case .library(let path):
            let name = path.map(\.name).joined(separator: ".")
            key = "lib:" + name
            source = path.count == 2 && path[0].name == "std" ? resolver.standard(path[1].name) : nil
        case .file(let path, _):
            source = resolver.relative(path, from: file)
            key = "file:" + (source?.path ?? path)
        }
        if let cached = libraries[key] { return cached }
        let result: Result<Program, TestError>
        if let source {
            let compiled = Compiler.compile(source, options: CompileOptions(libraries: resolver))
            if let module = compiled.module, let verified = try? Verifier.verify(module) {
                result = .success(Program(verified))
            } else {
                result = .failure(TestError(message: "library '\(source.path)' does not compile", range: range))
            }
        } else {
            result = .failure(TestError(message: "cannot find this library", range: range))
        }
        libraries[key] = result
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

    init(message: String, range: SourceRange, revert: String? = nil) {
        self.message = message
        self.range = range
        self.revert = revert
    }
}

/// How a statement ended.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
    case returned(Value?)
}

/// One test's run: its chain, the current caller, locals.
final class TestSession {
    let runner: TestRunner
    let ast: SourceFileAST
    var chain: LocalChain?
    var setupError: String?
    var callers: [String] = ["alice"]
    var scopes: [[String: Value]] = [[:]]
    var globals: [String: Value] = [:]
    var functions: [String: FunctionDecl] = [:]
    var libraries: [String: (target: UseTarget, range: SourceRange)] = [:]
    var names: [[UInt8]: String] = [:]
    var gasUsed: UInt64 = 0
    /// The native tokens `with_value` attaches to the contract call it wraps.
    var attachedValue: Int128 = 0
    /// The events of the last successful transaction, for `events("Name")`.
    var lastEvents: [EventRecord] = []
    var depth = 0
    var steps = 0
    /// Statements one test may run (loops included), so a test that never ends fails instead.
    static let stepLimit = 200_000

    /// A session on `chain`, or on a fresh in-memory chain funding `accounts` when `chain` is nil.
    init(runner: TestRunner, ast: SourceFileAST, accounts: [String], chain given: LocalChain? = nil) {
        self.runner = runner
        self.ast = ast
        do {
            let chain = try given ?? LocalChain(accounts: accounts, startBalance: testStartBalance)
            for name in accounts { names[try chain.address(of: name)] = name }
            self.chain = chain
        } catch {
            setupError = "cannot start the local chain: \(error)"
        }
        globals["START_BALANCE"] = .int(testStartBalance)
        for decl in ast.declarations {
            switch decl.kind {
            case .function(let f): functions[f.name.name] = f
            case .use(let target):
                switch target {
                case .library(let path): if let last = path.last { libraries[last.name] = (target, decl.range) }
                case .file(let path, _):
                    let base = path.split(separator: "/").last.map(String.init) ?? path
                    libraries[base.hasSuffix(".dn") ? String(base.dropLast(3)) : base] = (target, decl.range)
                }
            default: break
            }
        }
    }

    /// Runs a test body; returns the failure text, or nil when it passed.
    func run(_ body: Block) -> String? {
        if let setupError { return setupError }
        do throws(TestError) {
            for decl in ast.declarations {
                if case .constant(let name, _, let value) = decl.kind { globals[name.name] = try evaluate(value) }
            }
            _ = try execute(body)
            return nil
        } catch {
            return "\(error.range): \(error.message)"
        }
    }

    // MARK: Statements

    func execute(_ block: Block) throws(TestError) -> Flow {
        scopes.append([:])
        defer { scopes.removeLast() }
        for stmt in block.statements {
            let flow = try execute(stmt)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ stmt: Stmt) throws(TestError) -> Flow {
        steps += 1
        if steps > Self.stepLimit {
            throw TestError(message: "test ran over \(Self.stepLimit) statements", range: stmt.range)
        }
        switch stmt.kind {
        case .binding(let binding):
            let value = try binding.initializer.map { e throws(TestError) in try evaluate(e) } ?? .int(0)
            scopes[scopes.count - 1][binding.name.name] = value
        case .assignment(let target, let op, let value, _):
            guard case .name(let name) = target.kind else {
                throw TestError(message: "tests can only assign to local variables", range: target.range)
            }
            var result = try evaluate(value)
            if let binary = op.binaryOperator {
                result = try apply(binary, try evaluate(target), result, range: stmt.range)
            }
            try assign(name, result, range: target.range)
        case .expression(let e):
            _ = try evaluate(e, allowVoid: true)
        case .conditional(let conditional):
            for clause in conditional.clauses where try truth(clause.condition) {
                return try execute(clause.body)
            }
            if let elseBody = conditional.elseBody { return try execute(elseBody) }
        case .whileLoop(let condition, let body):
            while try truth(condition) {
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returned(let v): return .returned(v)
                case .normal, .continueLoop: continue
                }
            }
        case .forLoop(let loop):
            return try execute(loop, range: stmt.range)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .returnValue(let e):
            return .returned(try e.map { e throws(TestError) in try evaluate(e) })
        case .asAccount(let account, let body):
            let address = try evaluate(account)
            guard case .address(let bytes) = address, let name = names[bytes] else {
                throw TestError(message: "as(...) needs a named test account such as @bob", range: account.range)
            }
            callers.append(name)
            defer { callers.removeLast() }
            return try execute(body)
        case .expectRevert(let message, let body):
            return try expectRevert(message, body, range: stmt.range)
        case .block(let block):
            return try execute(block)
        case .emit, .tryCall:
            throw TestError(message: "this statement belongs in contracts, not tests", range: stmt.range)
        case .error:
            throw TestError(message: "statement did not parse", range: stmt.range)
        }
        return .normal
    }

    func execute(_ loop: ForLoop, range: SourceRange) throws(TestError) -> Flow {
        var items: [Value] = []
        switch loop.sequence {
        case .range(let lower, let upper):
            let low = try integer(lower), high = try integer(upper)
            let (span, overflow) = high.subtractingReportingOverflow(low)
            if high > low, overflow || span > Int128(Self.stepLimit) {
                throw TestError(message: "range has over \(Self.stepLimit) elements", range: range)
            }
            var i = low
            while i < high {
                items.append(.int(i))
                i += 1
            }
        case .value(let e):
            guard case .list(let values) = try evaluate(e) else {
                throw TestError(message: "tests can loop over ranges and lists", range: e.range)
            }
            items = values
        }
        guard loop.names.count == 1 else {
            throw TestError(message: "tests loop with one name", range: range)
        }
        for item in items {
            scopes.append([loop.names[0].name: item])
            let flow: Flow
            do throws(TestError) { flow = try execute(loop.body) } catch {
                scopes.removeLast()
                throw error
            }
            scopes.removeLast()
            switch flow {
            case .breakLoop: return .normal
            case .returned(let v): return .returned(v)
            case .normal, .continueLoop: continue
            }
        }
        return .normal
    }

    func expectRevert(_ message: Expr?, _ body: Block, range: SourceRange) throws(TestError) -> Flow {
        var expected: String?
        if let message {
            guard case .string(let text) = try evaluate(message) else {
                throw TestError(message: "expect_revert's message must be a String", range: message.range)
            }
            expected = text
        }
        guard let chain else { return .normal }
        let snapshot = chain.snapshot()  // empty on a persistent (SQLite) chain: a scenario's history stays real
        let savedCallers = callers
        let savedScopes = scopes
        defer {
            chain.restore(snapshot)
            callers = savedCallers
            scopes = savedScopes
        }
        do throws(TestError) {
            _ = try execute(body)
        } catch {
            guard let revert = error.revert else { throw error }
            if let expected, !revert.contains(expected) {
                throw TestError(message: "expected a revert containing \(quote(expected)), got \(quote(revert))",
                    range: range)
            }
            return .normal
        }
        let what = expected.map { "a revert containing \(quote($0))" } ?? "a revert"
        throw TestError(message: "expected \(what), but nothing in the block reverted", range: range)
    }

    func assign(_ name: String, _ value: Value, range: SourceRange) throws(TestError) {
        for i in stride(from: scopes.count - 1, through: 0, by: -1) where scopes[i][name] != nil {
            scopes[i][name] = value
            return
        }
        throw TestError(message: "cannot find local variable '\(name)'", range: range)
    }

    // MARK: Expressions

    func truth(_ e: Expr) throws(TestError) -> Bool {
        guard case .bool(let b) = try evaluate(e) else {
            throw TestError(message: "condition must be a Bool", range: e.range)
        }
        return b
    }

    func integer(_ e: Expr) throws(TestError) -> Int128 {
        guard case .int(let i) = try evaluate(e) else {
            throw TestError(message: "expected an Int", range: e.range)
        }
        return i
    }

    func evaluate(_ e: Expr) throws(TestError) -> Value {
        guard let value = try evaluate(e, allowVoid: false) else {
            throw TestError(message: "this returns no value", range: e.range)
        }
        return value
    }

    func evaluate(_ e: Expr, allowVoid: Bool) throws(TestError) -> Value? {
        switch e.kind {
        case .integer(let digits):
            guard let i = Int128(digits) else { throw TestError(message: "integer literal too large", range: e.range) }
            return .int(i)
        case .decimal(let text):
            guard let d = Self.decimal(text) else { throw TestError(message: "decimal out of range", range: e.range) }
            return .dec(d)
        case .string(let s):
            return .string(s)
        case .bool(let b):
            return .bool(b)
        case .hash(let bytes):
            return .hash(bytes)
        case .address(.bytes(let bytes)):
            return .address(bytes)
        case .address(.named(let name)):
            guard let chain, let address = try? chain.address(of: name) else {
                throw TestError(message: "no account @\(name)", range: e.range)
            }
            return .address(address)
        case .name(let name):
            for scope in scopes.reversed() { if let v = scope[name] { return v } }
            if let v = globals[name] { return v }
            throw TestError(message: "cannot find '\(name)' in a test", range: e.range)
        case .unary(let op, let operand):
            let v = try evaluate(operand)
            switch (op, v) {
            case (.not, .bool(let b)): return .bool(!b)
            case (.negate, .int(let i)) where i != .min: return .int(-i)
            case (.negate, .dec(let d)) where d != .min: return .dec(-d)
            default: throw TestError(message: "'\(op.rawValue)' cannot apply to \(describe(v))", range: e.range)
            }
        case .binary(let op, let left, let right, _):
            if op == .and || op == .or {
                let l = try truth(left)
                if op == .and ? !l : l { return .bool(l) }
                return .bool(try truth(right))
            }
            return try apply(op, try evaluate(left), try evaluate(right), range: e.range)
        case .call(let callee, let arguments):
            let result = try call(callee, arguments, range: e.range)
            if result == nil && !allowVoid { throw TestError(message: "this returns no value", range: e.range) }
            return result
        case .list(let elements):
            var values: [Value] = []
            for element in elements { values.append(try evaluate(element)) }
            return .list(values)
        case .index(let base, let index):
            let b = try evaluate(base), i = try integer(index)
            guard case .list(let values) = b else {
                throw TestError(message: "tests can index lists only", range: e.range)
            }
            guard i >= 0, i < Int128(values.count) else {
                throw TestError(message: "index \(i) out of range (length \(values.count))", range: e.range)
            }
            return values[Int(i)]
        case .member, .structLiteral:
            throw TestError(message: "this expression is not supported in tests yet", range: e.range)
        case .error:
            throw TestError(message: "expression did not parse", range: e.range)
        }
    }

    static func decimal(_ text: String) -> Int128? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int128(parts[0]) else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 18 else { return nil }
        while fraction.count < 18 { fraction += "0" }
        guard let f = Int128(fraction) else { return nil }
        let (scaled, o1) = whole.multipliedReportingOverflow(by: decScale)
        let (sum, o2) = scaled.addingReportingOverflow(f)
        return o1 || o2 ? nil : sum
    }

    func apply(_ op: BinaryOperator, _ l: Value, _ r: Value, range: SourceRange) throws(TestError) -> Value {
        switch op {
        case .equal: return .bool(l == r)
        case .notEqual: return .bool(l != r)
        default: break
        }
        let overflow = TestError(message: "arithmetic overflow in '\(op.rawValue)'", range: range)
        switch (l, r) {
        case (.int(let a), .int(let b)):
            switch op {
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            case .add:
                let (v, o) = a.addingReportingOverflow(b)
                if o { throw overflow }
                return .int(v)
            case .subtract:
                let (v, o) = a.subtractingReportingOverflow(b)
                if o { throw overflow }
                return .int(v)
            case .multiply:
                let (v, o) = a.multipliedReportingOverflow(by: b)
                if o { throw overflow }
                return .int(v)
            case .divide, .remainder:
                if b == 0 { throw TestError(message: "division by zero", range: range) }
                let (v, o) = op == .divide
                    ? a.dividedReportingOverflow(by: b) : a.remainderReportingOverflow(dividingBy: b)
                if o { throw overflow }
                return .int(v)
            default: break
            }
        case (.dec(let a), .dec(let b)):
            switch op {
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            case .add:
                let (v, o) = a.addingReportingOverflow(b)
                if o { throw overflow }
                return .dec(v)
            case .subtract:
                let (v, o) = a.subtractingReportingOverflow(b)
                if o { throw overflow }
                return .dec(v)
            default: break
            }
        case (.string(let a), .string(let b)) where op == .add:
            return .string(a + b)
        default: break
        }
        throw TestError(message: "'\(op.rawValue)' cannot apply to \(describe(l)) and \(describe(r))", range: range)
    }

    // MARK: Calls

    func call(_ callee: Expr, _ arguments: [Expr], range: SourceRange) throws(TestError) -> Value? {
        if case .name("with_value") = callee.kind { return try withValue(arguments, range: range) }
        if case .member(let base, let name) = callee.kind {
            // The value belongs to this call alone, not to calls made while evaluating its arguments.
            let attached = attachedValue
            attachedValue = 0
            if case .name(let library) = base.kind, lookup(library) == nil {
                guard let use = libraries[library] else {
                    throw TestError(message: "cannot find '\(library)' in a test", range: base.range)
                }
                if attached != 0 {
                    throw TestError(message: "with_value needs a contract call, not a library call", range: range)
                }
                var values: [Value] = []
                for argument in arguments { values.append(try evaluate(argument)) }
                return try callLibrary(use.target, name.name, values, range: range)
            }
            guard case .address(let contract) = try evaluate(base) else {
                throw TestError(message: "only contract handles have functions to call", range: base.range)
            }
            var values: [Value] = []
            for argument in arguments { values.append(try evaluate(argument)) }
            return try callContract(contract, name.name, values, value: attached, range: range)
        }
        guard case .name(let name) = callee.kind else {
            throw TestError(message: "cannot call this in a test", range: callee.range)
        }
        var values: [Value] = []
        for argument in arguments { values.append(try evaluate(argument)) }
        func arity(_ n: Int) throws(TestError) {
            guard values.count == n else {
                throw TestError(
                    message: "'\(name)' takes \(n) argument(s) but \(values.count) were given", range: range)
            }
        }
        switch name {
        case "sha256":
            try arity(1)
            switch values[0] {
            case .string(let text): return .hash(SHA256.hash(Array(text.utf8)))
            case .bytes(let bytes): return .hash(SHA256.hash(bytes))
            default: throw TestError(message: "sha256 needs a String or Bytes", range: range)
            }
        case "note":
            try arity(1)
            guard case .string(let text) = values[0] else {
                throw TestError(message: "note needs a String", range: range)
            }
            runner.onNote(text)
            return nil
        case "assert":
            try arity(1)
            guard case .bool(let b) = values[0] else {
                throw TestError(message: "assert needs a Bool", range: range)
            }
            if !b { throw TestError(message: "assertion failed: \(arguments[0].range.text)", range: range) }
            return nil
        case "assert_eq":
            try arity(2)
            if values[0] != values[1] {
                throw TestError(message: "assert_eq failed: left \(describe(values[0])), right \(describe(values[1]))",
                    range: range)
            }
            return nil
        case "require":
            guard values.count == 1 || values.count == 2, case .bool(let b) = values[0] else {
                throw TestError(message: "require(condition, \"message\")", range: range)
            }
            if !b {
                var text = "require failed"
                if values.count == 2, case .string(let s) = values[1] { text = s }
                throw TestError(message: text, range: range)
            }
            return nil
        case "split":
            try arity(2)
            guard case .int(let amount) = values[0], case .list(let items) = values[1] else {
                throw TestError(message: "split(amount: Int, weights: List<Int>)", range: range)
            }
            var weights: [Int128] = []
            for item in items {
                guard case .int(let w) = item else {
                    throw TestError(message: "split(amount: Int, weights: List<Int>)", range: range)
                }
                weights.append(w)
            }
            // The VM's own implementation, so a test computes exactly what a contract would.
            switch ConservingSplit.split(amount: amount, weights: weights) {
            case .success(let parts): return .list(parts.map { .int($0) })
            case .failure(let failure):
                let message = failure.trapReason.message
                throw TestError(message: "'split' trapped: \(quote(message))", range: range, revert: message)
            }
        case "balance":
            try arity(1)
            guard case .address(let a) = values[0], let chain else {
                throw TestError(message: "balance needs an Address", range: range)
            }
            guard let b = try? chain.balance(of: a) else {
                throw TestError(message: "cannot read the balance", range: range)
            }
            return .int(b)
        case "advance":
            try arity(1)
            guard case .int(let n) = values[0], n >= 0, n <= 1_000_000, let chain else {
                throw TestError(message: "advance needs a block count from 0 to 1000000", range: range)
            }
            do { try chain.advance(blocks: Int(n)) } catch {
                throw TestError(message: "advance failed: \(error)", range: range)
            }
            return nil
        case "send":
            try arity(3)
            guard case .address(let from) = values[0], let sender = names[from] else {
                throw TestError(message: "send's first argument must be a named test account", range: range)
            }
            guard case .address(let to) = values[1], case .int(let amount) = values[2], let chain else {
                throw TestError(message: "send(from: Address, to: Address, amount: Int)", range: range)
            }
            let result: Result<Receipt, Rejection>
            do { result = try chain.send(from: sender, to: to, amount: amount) } catch {
                throw TestError(message: "send failed: \(error)", range: range)
            }
            _ = try check(result, contract: nil, function: "send", range: range)
            return nil
        case "events":
            try arity(1)
            guard case .string(let wanted) = values[0], let chain else {
                throw TestError(message: "events(\"EventName\")", range: range)
            }
            var found: [Value] = []
            for event in lastEvents where event.name == wanted {
                guard let decoded = chain.chain.decode(event) else {
                    throw TestError(message: "cannot decode event '\(wanted)'", range: range)
                }
                found.append(.list(decoded.values))
            }
            return .list(found)
        case "deploy":
            guard let first = values.first, case .string(let path) = first, let chain else {
                throw TestError(message: "deploy(\"path.dn\", init arguments...)", range: range)
            }
            let full = TestRunner.deployPath(path, testFile: ast.file.path)
            let module: Module
            switch runner.module(at: full, range: range) {
            case .success(let m): module = m
            case .failure(let error): throw error
            }
            let result: Result<Receipt, Rejection>
            do { result = try chain.deploy(module, args: Array(values.dropFirst()), from: caller) } catch {
                throw TestError(message: "deploy failed: \(error)", range: range)
            }
            let receipt = try check(result, contract: module.name, function: "init", range: range)
            return .address(receipt.contract)
        default:
            if let f = functions[name] { return try callHelper(f, values, range: range) }
            throw TestError(message: "cannot find function '\(name)' in a test", range: callee.range)
        }
    }

    var caller: String { callers.last ?? "alice" }

    /// `with_value(amount, r.f(args))`: the call, sending `amount` native tokens with it.
    func withValue(_ arguments: [Expr], range: SourceRange) throws(TestError) -> Value? {
        guard arguments.count == 2 else {
            throw TestError(message: "'with_value' takes 2 argument(s) but \(arguments.count) were given", range: range)
        }
        let amount = try integer(arguments[0])
        guard amount >= 0 else { throw TestError(message: "with_value needs an amount >= 0", range: arguments[0].range) }
        guard case .call(let inner, _) = arguments[1].kind, case .member = inner.kind else {
            throw TestError(message: "with_value's second argument must be a contract call such as r.f(args)",
                range: arguments[1].range)
        }
        attachedValue = amount
        defer { attachedValue = 0 }
        return try evaluate(arguments[1], allowVoid: true)
    }

    func lookup(_ name: String) -> Value? {
        for scope in scopes.reversed() { if let v = scope[name] { return v } }
        return globals[name]
    }

    func callHelper(_ f: FunctionDecl, _ values: [Value], range: SourceRange) throws(TestError) -> Value? {
        guard values.count == f.parameters.count, let body = f.body else {
            throw TestError(message: "'\(f.name.name)' takes \(f.parameters.count) argument(s)", range: range)
        }
        guard depth < 200 else { throw TestError(message: "helper calls nested too deeply", range: range) }
        var frame: [String: Value] = [:]
        for (p, v) in zip(f.parameters, values) { frame[p.name.name] = v }
        let saved = scopes
        scopes = [frame]
        depth += 1
        defer {
            scopes = saved
            depth -= 1
        }
        if case .returned(let v) = try execute(body) { return v }
        return nil
    }

    /// Runs a library function in the VM, outside the chain: no transaction, no block, no gas counted.
    func callLibrary(_ target: UseTarget, _ function: String, _ values: [Value], range: SourceRange)
        throws(TestError) -> Value?
    {
        let program: Program
        switch runner.library(target, from: ast.file, range: range) {
        case .success(let p): program = p
        case .failure(let error): throw error
        }
        guard let index = program.module.functionIndex(named: function) else {
            throw TestError(message: "library '\(program.module.name)' has no function '\(function)'", range: range)
        }
        let params = program.module.functions[index].params.count
        guard params == values.count else {
            throw TestError(message: "'\(function)' takes \(params) argument(s) but \(values.count) were given",
                range: range)
        }
        var host = MemoryHost()
        var tracer = NoTracer()
        let result = Interpreter.call(
            program, function: index, args: values, host: &host, gasLimit: 100_000_000, readOnly: true,
            tracer: &tracer)
        switch result.outcome {
        case .success(let results):
            return results.count == 1 ? results[0] : (results.isEmpty ? nil : .list(results))
        case .failure(let trap):
            let at = trap.position.map { " at \($0)" } ?? ""
            throw TestError(message: "'\(function)' reverted: \(quote(trap.message))\(at)", range: range,
                revert: trap.message)
        }
    }

    func callContract(_ contract: [UInt8], _ function: String, _ values: [Value], value: Int128 = 0,
        range: SourceRange) throws(TestError) -> Value?
    {
        guard let chain else { return nil }
        guard let module = try? chain.chain.module(at: contract) else {
            throw TestError(message: "no contract at this address", range: range)
        }
        guard let index = module.functionIndex(named: function),
            [.public, .view].contains(module.functions[index].kind)
        else {
            throw TestError(message: "contract '\(module.name)' has no public function '\(function)'", range: range)
        }
        let params = module.functions[index].params.count
        guard params == values.count else {
            throw TestError(message: "'\(function)' takes \(params) argument(s) but \(values.count) were given",
                range: range)
        }
        let result: Result<Receipt, Rejection>
        do { result = try chain.call(contract, function, args: values, from: caller, value: value) } catch {
            throw TestError(message: "call failed: \(error)", range: range)
        }
        let receipt = try check(result, contract: module.name, function: function, range: range)
        let results = (try? chain.results(of: receipt)) ?? []
        return results.count == 1 ? results[0] : (results.isEmpty ? nil : .list(results))
    }

    /// The receipt of a successful transaction; a revert or rejection becomes a `TestError` carrying its message.
    func check(_ result: Result<Receipt, Rejection>, contract: String?, function: String, range: SourceRange)
        throws(TestError) -> Receipt
    {
        switch result {
        case .failure(let rejection):
            throw TestError(message: "transaction rejected: \(rejection)", range: range, revert: "\(rejection)")
        case .success(let receipt):
            gasUsed = gasUsed &+ receipt.gasUsed
            lastEvents = receipt.status == .success ? receipt.events : []
            if let contract { runner.record(contract: contract, function: function, gas: receipt.gasUsed) }
            guard receipt.status == .success else {
                var where_ = ""
                if !receipt.revertPosition.isEmpty {
                    where_ = " at \(receipt.revertPosition)"
                } else if !receipt.revertLocation.isEmpty {
                    where_ = " (at \(receipt.revertLocation))"
                }
                throw TestError(message: "'\(function)' reverted: \(quote(receipt.revertMessage))\(where_)",
                    range: range, revert: receipt.revertMessage)
            }
            return receipt
        }
    }

    // MARK: Showing values

    func quote(_ s: String) -> String { "\"\(s)\"" }

    func describe(_ v: Value) -> String {
        switch v {
        case .int(let i): return "\(i)"
        case .dec(let d):
            let sign = d < 0 ? "-" : ""
            let magnitude = d.magnitude
            let whole = magnitude / UInt128(decScale), fraction = magnitude % UInt128(decScale)
            var digits = String(fraction)
            while digits.count < 18 { digits = "0" + digits }
            while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
            return "\(sign)\(whole).\(digits)"
        case .bool(let b): return "\(b)"
        case .address(let a):
            if let name = names[a] { return "@\(name)" }
            return "@0x" + a.map { String(format: "%02x", $0) }.joined()
        case .hash(let h): return "#0x" + h.map { String(format: "%02x", $0) }.joined()
        case .string(let s): return quote(s)
        case .bytes(let b): return "0x" + b.map { String(format: "%02x", $0) }.joined()
        case .list(let values): return "[" + values.map(describe).joined(separator: ", ") + "]"
        case .map(let entries):
            return "{" + entries.map { "\(describe($0.key)): \(describe($0.value))" }.joined(separator: ", ") + "}"
        case .structure(let fields): return "{" + fields.map(describe).joined(separator: ", ") + "}"
        }
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
