// One test's run (or every scenario block of a file, on one chain): the prelude forms that act on the chain run
// here; every other piece of test code runs on the VM (Docs/language.md §8.1, "How it runs").
//
// - Statements that do not touch the chain (`let`, `var`, assignments, `xs.push`, `if`, `while`, `for`, library
//   calls, `require`, every builtin) are compiled the way the REPL compiles its inputs: a synthetic contract
//   holding the file's `use` lines, consts, structs and pure helper `fn`s, whose `pub fn __test` takes the test's
//   live locals as arguments and returns the ones it declares or changes. Consecutive such statements form one
//   function; the compiled code is cached by its text, so a loop compiles its body once.
// - A statement that acts on the chain (a prelude form, a call through a contract handle, a helper `fn` that
//   does either, `as`, `expect_revert`) runs here. The chain parts of its expressions run first, in source
//   order, and their results come into the rest of the statement — still run on the VM — as parameters
//   `__t0, __t1, …`. `&&` and `||` keep short-circuiting: their operands run one after the other here.
// - `events("Name")` gives rows the language cannot type (each mixes its event's field types): the session
//   keeps them, indexes them (a field comes back with its declared type), loops over them, measures them
//   (`len`) and compares them with a list literal in `assert_eq`, which is evaluated element by element.
//
// Test code runs read-only on a `MemoryHost` whose caller is the current test account, outside any transaction:
// its gas is not counted in the test's gas (which is that of the chain's transactions), but bounded by
// `testCodeGasLimit` per piece.
import Bytecode
import Chain
import Compiler
import struct Compiler.Block
import Diagnostics
import Foundation
import VM

/// The VM gas one piece of test code (a run of statements, or one expression) may use.
let testCodeGasLimit: Int64 = 100_000_000

/// What a test local holds: a value of a language type (by name, as the compiler writes it), or rows of
/// `events("Name")`, which the language cannot type.
enum SlotType: Equatable {
    case language(String)
    /// `events(…)`: a list of rows, each with these field types.
    case events([String])
    /// One row of `events(…)`.
    case event([String])
    /// A list literal built element by element to compare with rows.
    case mixed

    /// The language type's name; nil for rows.
    var name: String? {
        if case .language(let name) = self { return name }
        return nil
    }

    /// How many times a value of this type is indexed before it is a value of a language type.
    var depth: Int {
        switch self {
        case .language: 0
        case .events: 2
        case .event, .mixed: 1
        }
    }
}

/// A test local: its value, type and whether `var` declared it.
struct Slot {
    var value: Value
    var type: SlotType
    var isMutable = false
}

/// How a statement ended.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
    case returned(Slot?)
}

/// A local that a run of test code declares: whether `var`, and its type when the source says it.
struct Declared {
    var name: String
    var isMutable: Bool
    var type: String?
}

/// The result of a chain part of an expression, standing in the code run on the VM as `__tN` for `range`.
struct Temp {
    var range: Range<Int>
    var slot: Slot
}

/// One test's run: its chain, the current caller, locals.
final class TestSession {
    let runner: TestRunner
    let ast: SourceFileAST
    /// The file's expressions and statements (`ast.tree`).
    let tree: SyntaxTree
    var chain: LocalChain?
    var setupError: String?
    var callers: [String] = ["alice"]
    var scopes: [[String: Slot]] = [[:]]
    var names: [[UInt8]: String] = [:]
    var gasUsed: UInt64 = 0
    /// The native tokens `with_value` attaches to the contract call it wraps.
    var attachedValue: Int128 = 0
    /// The events of the last successful transaction, for `events("Name")`.
    var lastEvents: [EventRecord] = []
    /// What the last transaction was (`Token.transfer`, `send`), for a failed comparison of `events(…)`.
    var lastTransaction: String?
    var depth = 0
    var steps = 0
    /// The file's helper `fn`s that act on the chain (directly or through another): run here, statement by
    /// statement. The others are compiled into the test code.
    var chainFunctions: [String: FunctionDecl] = [:]
    /// The names the file `use`s libraries as (`math` for `use std.math`).
    var libraryNames: Set<String> = []
    /// The declared return types of the helpers running, innermost last.
    var returnTypes: [String?] = []
    /// The start of every synthetic contract: the file's `use` lines, consts, structs, interfaces and pure
    /// helpers, copied with their positions, and `START_BALANCE`.
    var prelude: SyntheticSource
    /// Statements one test may run here (loops included; a run of statements on the VM counts one), so a test
    /// that never ends fails instead.
    static let stepLimit = 200_000
    /// The prelude forms that act on the chain or check a test, run by the session.
    static let chainForms: Set<String> = [
        "deploy", "send", "advance", "balance", "events", "note", "with_value", "assert", "assert_eq",
    ]

    /// A session on `chain`, or on a fresh in-memory chain funding `accounts` when `chain` is nil.
    init(runner: TestRunner, ast: SourceFileAST, accounts: [String], chain given: LocalChain? = nil) {
        self.runner = runner
        self.ast = ast
        tree = ast.tree
        prelude = SyntheticSource(path: ast.file.path + "#test-code")
        do {
            let chain = try given ?? LocalChain(accounts: accounts, startBalance: testStartBalance)
            for name in accounts { names[try chain.address(of: name)] = name }
            self.chain = chain
        } catch {
            setupError = "cannot start the local chain: \(error)"
        }
        var functions: [(String, FunctionDecl)] = []
        for decl in ast.declarations {
            switch decl.kind {
            case .function(let f): functions.append((f.name.name, f))
            case .use(let target): libraryNames.insert(Self.libraryName(target))
            default: break
            }
        }
        // A helper acts on the chain when its body does, or calls a helper that does.
        var changed = true
        while changed {
            changed = false
            for (name, f) in functions where chainFunctions[name] == nil {
                if let body = f.body, actsOnChain(body) {
                    chainFunctions[name] = f
                    changed = true
                }
            }
        }
        prelude.glue("contract TestCode\n")
        for decl in ast.declarations {
            switch decl.kind {
            case .use, .constant, .structure, .interface, .event:
                prelude.copy(ast.file, decl.range.start..<decl.range.end)
                prelude.glue("\n")
            case .function(let f) where chainFunctions[f.name.name] == nil:
                prelude.copy(ast.file, decl.range.start..<decl.range.end)
                prelude.glue("\n")
            default: break
            }
        }
        prelude.glue("const START_BALANCE: Int = \(testStartBalance)\n")
    }

    /// The name a `use` line makes a library known by: `math` for `use std.math`, `h` for `use "lib/h.dn"`.
    static func libraryName(_ target: UseTarget) -> String {
        switch target {
        case .library(let path): return path.last?.name ?? ""
        case .file(let path, _):
            let base = path.split(separator: "/").last.map(String.init) ?? path
            return base.hasSuffix(".dn") ? String(base.dropLast(3)) : base
        }
    }

    /// The errors of the file's own declarations (`use` lines, consts, structs, pure helpers), compiled once
    /// before any test runs, in the test file's positions: a `use` of a file that is not a library, or a
    /// helper that does not type-check, fails the file as a compile error would, not whichever test first
    /// needs the code. Empty when they compile.
    func preludeErrors() -> [Diagnostic] {
        guard let chain else { return [] }
        guard case .failure(let errors) = runner.program(prelude, chain: chain) else { return [] }
        let mapped = errors.items.compactMap { prelude.map($0) }
        if mapped.isEmpty, let first = errors.items.first {
            return [.error(first.message, at: SourceRange.point(ast.file, 0), hint: first.hint)]
        }
        return mapped
    }

    /// Runs a test body; returns the failure text, or nil when it passed.
    func run(_ body: Block) -> String? {
        if let setupError { return setupError }
        do throws(TestError) {
            _ = try execute(body)
            return nil
        } catch {
            return "\(error.range): \(error.message)"
        }
    }

    func lookup(_ name: String) -> Slot? {
        for scope in scopes.reversed() { if let slot = scope[name] { return slot } }
        return nil
    }

    var caller: String { callers.last ?? "alice" }

    // MARK: What acts on the chain

    /// Whether evaluating `e` acts on the chain or reads events rows: then the session runs it, not the VM alone.
    func actsOnChain(_ e: Expr) -> Bool {
        switch tree[e].kind {
        case .name(let ref): return (lookup(tree.text(ref))?.type.depth ?? 0) > 0
        case .call(let callee, let arguments):
            if tree[arguments].contains(where: actsOnChain) { return true }
            switch tree[callee].kind {
            case .name(let ref):
                let name = tree.text(ref)
                return Self.chainForms.contains(name) || chainFunctions[name] != nil
            case .member(let base, let ref):
                let name = tree.identifier(ref)
                return isContractCall(base, name) || actsOnChain(base)
            default: return actsOnChain(callee)
            }
        case .unary(_, let operand): return actsOnChain(operand)
        case .binary(_, let left, let right, _): return actsOnChain(left) || actsOnChain(right)
        case .member(let base, _): return actsOnChain(base)
        case .index(let base, let index): return actsOnChain(base) || actsOnChain(index)
        case .structLiteral(let literal): return tree[literal].fields.contains { actsOnChain($0.value) }
        case .list(let elements): return tree[elements].contains(where: actsOnChain)
        case .integer, .decimal, .string, .bool, .address, .hash, .error: return false
        }
    }

    func actsOnChain(_ block: Block) -> Bool { tree[block.statements].contains(where: actsOnChain) }

    func actsOnChain(_ stmt: Stmt) -> Bool {
        switch tree[stmt].kind {
        case .binding(let binding): return tree[binding].initializer.map(actsOnChain) ?? false
        case .assignment(let target, _, let value, _): return actsOnChain(target) || actsOnChain(value)
        case .expression(let e): return actsOnChain(e)
        case .conditional(let c):
            return tree[c.clauses].contains { actsOnChain($0.condition) || actsOnChain($0.body) }
                || (c.elseBody.map(actsOnChain) ?? false)
        case .whileLoop(let condition, let body): return actsOnChain(condition) || actsOnChain(body)
        case .forLoop(let loop): return actsOnChain(tree[loop].sequence) || actsOnChain(tree[loop].body)
        case .returnValue(let e): return e.map(actsOnChain) ?? false
        case .block(let b): return actsOnChain(b)
        case .asAccount, .expectRevert, .emit, .tryCall: return true
        case .breakLoop, .continueLoop, .error: return false
        }
    }

    func actsOnChain(_ sequence: ForLoop.Sequence) -> Bool {
        switch sequence {
        case .value(let e): return actsOnChain(e)
        case .range(let lower, let upper): return actsOnChain(lower) || actsOnChain(upper)
        }
    }

    /// `base.name(…)` calls a contract unless `base` is a library or it is a list's `push`/`pop`.
    func isContractCall(_ base: Expr, _ name: Identifier) -> Bool {
        if let library = tree.name(base), libraryNames.contains(library), lookup(library) == nil { return false }
        return name.name != "push" && name.name != "pop"
    }

    /// Whether `stmt` runs on the VM as a whole: it does not act on the chain, return, or leave a loop it is not in.
    func isPure(_ stmt: Stmt, loops: Int = 0) -> Bool {
        switch tree[stmt].kind {
        case .binding, .assignment, .expression: return !actsOnChain(stmt)
        case .conditional(let c):
            return tree[c.clauses].allSatisfy { !actsOnChain($0.condition) && isPure($0.body, loops: loops) }
                && (c.elseBody.map { isPure($0, loops: loops) } ?? true)
        case .whileLoop(let condition, let body): return !actsOnChain(condition) && isPure(body, loops: loops + 1)
        case .forLoop(let loop): return !actsOnChain(tree[loop].sequence) && isPure(tree[loop].body, loops: loops + 1)
        case .breakLoop, .continueLoop: return loops > 0
        case .block(let b): return isPure(b, loops: loops)
        case .returnValue, .asAccount, .expectRevert, .emit, .tryCall, .error: return false
        }
    }

    func isPure(_ block: Block, loops: Int) -> Bool { tree[block.statements].allSatisfy { isPure($0, loops: loops) } }

    /// How many times `e` is indexed before it gives a value of a language type (0 for every language value).
    func rowDepth(_ e: Expr) -> Int {
        switch tree[e].kind {
        case .name(let ref): return lookup(tree.text(ref))?.type.depth ?? 0
        case .call(let callee, _):
            if case .name(let name) = tree[callee].kind, tree.text(name) == "events" { return 2 }
            return 0
        case .index(let base, _): return max(0, rowDepth(base) - 1)
        default: return 0
        }
    }

    /// Whether the session itself evaluates `e` (its operands may still run on the VM).
    func isSessionForm(_ e: Expr) -> Bool {
        switch tree[e].kind {
        case .call(let callee, let arguments):
            switch tree[callee].kind {
            case .name(let ref):
                let name = tree.text(ref)
                if Self.chainForms.contains(name) || chainFunctions[name] != nil { return true }
                return name == "len" && arguments.count == 1 && rowDepth(tree[arguments][0]) > 0
            case .member(let base, let ref):
                let name = tree.identifier(ref)
                return isContractCall(base, name)
            default: return false
            }
        case .binary(let op, _, _, _): return (op == .and || op == .or) && actsOnChain(e)
        case .index(let base, _): return rowDepth(base) > 0
        default: return false
        }
    }

    // MARK: Statements

    func countStep(_ range: SourceRange) throws(TestError) {
        steps += 1
        if steps > Self.stepLimit {
            throw TestError(message: "test ran over \(Self.stepLimit) statements", range: range)
        }
    }

    func execute(_ block: Block, scope: [String: Slot] = [:]) throws(TestError) -> Flow {
        scopes.append(scope)
        defer { scopes.removeLast() }
        let statements = tree[block.statements]
        var i = 0
        while i < statements.count {
            if isPure(statements[i]) {
                var j = i + 1
                while j < statements.count, isPure(statements[j]) { j += 1 }
                let run = Array(statements[i..<j])
                try countStep(tree[run[0]].range)
                _ = try runOnVM(tree[run[0]].range.start..<tree[run[run.count - 1]].range.end, declaring: declarations(run))
                i = j
                continue
            }
            let flow = try execute(statements[i])
            if case .normal = flow {
                i += 1
                continue
            }
            return flow
        }
        return .normal
    }

    /// The names `statements` bind at their own level, in order (a name bound twice counts once, last), with
    /// their types where the source says them (written, or the type of a literal).
    func declarations(_ statements: [Stmt]) -> [Declared] {
        var declared: [Declared] = []
        for stmt in statements {
            guard case .binding(let ref) = tree[stmt].kind else { continue }
            let b = tree[ref]
            declared.removeAll { $0.name == b.name.name }
            var type = b.type?.range.text
            if type == nil, let e = b.initializer {
                var value = e
                if case .unary(.negate, let operand) = tree[e].kind { value = operand }
                if case .decimal = tree[value].kind { type = "Dec" } else { type = literal(value)?.type.name }
            }
            declared.append(Declared(name: b.name.name, isMutable: b.isMutable, type: type))
        }
        return declared
    }

    func execute(_ stmt: Stmt) throws(TestError) -> Flow {
        try countStep(tree[stmt].range)
        let whole = tree[stmt].range.start..<tree[stmt].range.end
        switch tree[stmt].kind {
        case .binding(let ref):
            let binding = tree[ref]
            guard let initializer = binding.initializer, isSessionForm(initializer) else {
                _ = try runOnVM(whole, declaring: declarations([stmt]), temps: try hoist(binding.initializer))
                return .normal
            }
            let written = binding.type.map { $0.range.text }
            var slot = try need(evaluate(initializer, expecting: written.map(SlotType.language)), initializer)
            if let written, slot.type.name != nil { slot.type = .language(written) }
            slot.isMutable = binding.isMutable
            scopes[scopes.count - 1][binding.name.name] = slot
        case .assignment(let target, _, let value, _):
            if actsOnChain(target) {
                throw TestError(message: "tests assign to their own locals; this target calls the chain",
                    range: tree[target].range)
            }
            _ = try runOnVM(whole, declaring: [], temps: try hoist(value))
        case .expression(let e):
            if isSessionForm(e) {
                _ = try evaluate(e)
            } else {
                _ = try runOnVM(whole, declaring: [], temps: try hoist(e))
            }
        case .conditional(let conditional):
            for clause in tree[conditional.clauses] where try truth(clause.condition) {
                return try execute(clause.body)
            }
            if let elseBody = conditional.elseBody { return try execute(elseBody) }
        case .whileLoop(let condition, let body):
            while try truth(condition) {
                try countStep(tree[stmt].range)
                switch try execute(body) {
                case .breakLoop: return .normal
                case .returned(let v): return .returned(v)
                case .normal, .continueLoop: continue
                }
            }
        case .forLoop(let loop):
            return try execute(tree[loop], range: tree[stmt].range)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .returnValue(let e):
            guard let e else { return .returned(nil) }
            return .returned(try evaluate(e, expecting: (returnTypes.last ?? nil).map(SlotType.language)))
        case .asAccount(let account, let body):
            let address = try need(evaluate(account, expecting: .language("Address")), account)
            guard case .address(let bytes) = address.value, let name = names[bytes] else {
                throw TestError(message: "as(...) needs a named test account such as @bob", range: tree[account].range)
            }
            callers.append(name)
            defer { callers.removeLast() }
            return try execute(body)
        case .expectRevert(let message, let body):
            return try expectRevert(message, body, range: tree[stmt].range)
        case .block(let block):
            return try execute(block)
        case .emit, .tryCall:
            throw TestError(message: "this statement belongs in contracts, not tests", range: tree[stmt].range)
        case .error:
            throw TestError(message: "statement did not parse", range: tree[stmt].range)
        }
        return .normal
    }

    func execute(_ loop: ForLoop, range: SourceRange) throws(TestError) -> Flow {
        var items: [[String: Slot]] = []
        let names = loop.names.map(\.name)
        switch loop.sequence {
        case .range(let lower, let upper):
            let low = try integer(lower), high = try integer(upper)
            let (span, overflow) = high.subtractingReportingOverflow(low)
            if high > low, overflow || span > Int128(Self.stepLimit) {
                throw TestError(message: "range has over \(Self.stepLimit) elements", range: range)
            }
            guard names.count == 1 else {
                throw TestError(message: "a range is looped over with one name ('for i in a..b')", range: range)
            }
            var i = low
            while i < high {
                items.append([names[0]: Slot(value: .int(i), type: .language("Int"))])
                i += 1
            }
        case .value(let e):
            let sequence = try need(evaluate(e), e)
            switch (sequence.value, sequence.type, names.count) {
            case (.list(let values), .language(let type), 1):
                let element = SyntheticCode.typeArguments(type).first ?? "Int"
                items = values.map { [names[0]: Slot(value: $0, type: .language(element))] }
            case (.map(let entries), .language(let type), 2) where SyntheticCode.typeArguments(type).count == 2:
                let arguments = SyntheticCode.typeArguments(type)
                items = entries.map {
                    [names[0]: Slot(value: $0.key, type: .language(arguments[0])),
                     names[1]: Slot(value: $0.value, type: .language(arguments[1]))]
                }
            case (.list(let rows), .events(let fields), 1):
                items = rows.map { [names[0]: Slot(value: $0, type: .event(fields))] }
            default:
                throw TestError(message: "tests loop over a list with one name or a map with two ('for k, v in m')",
                    range: tree[e].range)
            }
        }
        for item in items {
            switch try execute(loop.body, scope: item) {
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
            guard case .string(let text) = try need(evaluate(message, expecting: .language("String")), message).value
            else {
                throw TestError(message: "expect_revert's message must be a String", range: tree[message].range)
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

    func assign(_ name: String, _ value: Value) {
        for i in stride(from: scopes.count - 1, through: 0, by: -1) where scopes[i][name] != nil {
            scopes[i][name]?.value = value
            return
        }
    }

    // MARK: Expressions

    /// `slot`, or a failure saying that `e` gives no value.
    func need(_ slot: Slot?, _ e: Expr) throws(TestError) -> Slot {
        guard let slot else { throw TestError(message: "this returns no value", range: tree[e].range) }
        return slot
    }

    func truth(_ e: Expr) throws(TestError) -> Bool {
        guard case .bool(let b) = try need(evaluate(e, expecting: .language("Bool")), e).value else {
            throw TestError(message: "condition must be a Bool", range: tree[e].range)
        }
        return b
    }

    func integer(_ e: Expr) throws(TestError) -> Int128 {
        guard case .int(let i) = try need(evaluate(e, expecting: .language("Int")), e).value else {
            throw TestError(message: "expected an Int", range: tree[e].range)
        }
        return i
    }

    func string(_ e: Expr) throws(TestError) -> String {
        guard case .string(let s) = try need(evaluate(e, expecting: .language("String")), e).value else {
            throw TestError(message: "expected a String", range: tree[e].range)
        }
        return s
    }

    func address(_ e: Expr) throws(TestError) -> [UInt8] {
        guard case .address(let a) = try need(evaluate(e, expecting: .language("Address")), e).value else {
            throw TestError(message: "expected an Address", range: tree[e].range)
        }
        return a
    }

    /// The value of `e` (nil for a call that gives none). `expecting` types what the code alone cannot (`[]`)
    /// and lets rows be compared with a list literal.
    func evaluate(_ e: Expr, expecting: SlotType? = nil) throws(TestError) -> Slot? {
        switch tree[e].kind {
        case .name(let ref):
            let name = tree.text(ref)
            if let slot = lookup(name) { return slot }
        case .address(.named(let ref)):
            let name = tree.text(ref)
            if let chain, let address = try? chain.address(of: name) {
                return Slot(value: .address(address), type: .language("Address"))
            }
        case .list(let elements):
            if let expecting, expecting.name == nil { return try assemble(Array(tree[elements]), as: expecting) }
        default:
            // A literal the parser has decoded is its value; one the type expected may convert, or that does not
            // fit, is the compiler's to judge.
            if let literal = literal(e), expecting?.name == nil || expecting?.name == literal.type.name {
                return literal
            }
        }
        if isSessionForm(e) { return try evaluateHere(e) }
        return try runOnVM(tree[e].range.start..<tree[e].range.end, declaring: [], value: true, expecting: expecting?.name,
            temps: try hoist(e))
    }

    /// The value of an Int (that fits), String, Bool, Hash or Address literal, as the parser decoded it.
    func literal(_ e: Expr) -> Slot? {
        switch tree[e].kind {
        case .integer(let digits):
            return Int128(tree.text(digits)).map { Slot(value: .int($0), type: .language("Int")) }
        case .string(let s): return Slot(value: .string(tree.text(s)), type: .language("String"))
        case .bool(let b): return Slot(value: .bool(b), type: .language("Bool"))
        case .hash(let ref) where tree.bytes(ref).count == 32:
            return Slot(value: .hash(tree.bytes(ref)), type: .language("Hash"))
        case .address(.bytes(let ref)) where tree.bytes(ref).count == 32:
            return Slot(value: .address(tree.bytes(ref)), type: .language("Address"))
        default: return nil
        }
    }

    /// The chain parts of `e` (outermost first, in source order), run here.
    func hoist(_ e: Expr?) throws(TestError) -> [Temp] {
        var temps: [Temp] = []
        if let e { try hoist(e, into: &temps) }
        return temps
    }

    func hoist(_ e: Expr, into temps: inout [Temp]) throws(TestError) {
        guard actsOnChain(e) else { return }
        if isSessionForm(e) {
            let slot = try need(evaluateHere(e), e)
            guard slot.type.name != nil else { throw rowsMisused(e) }
            temps.append(Temp(range: tree[e].range.start..<tree[e].range.end, slot: slot))
            return
        }
        switch tree[e].kind {
        case .name: throw rowsMisused(e)
        case .unary(_, let operand): try hoist(operand, into: &temps)
        case .binary(_, let left, let right, _):
            try hoist(left, into: &temps)
            try hoist(right, into: &temps)
        case .call(let callee, let arguments):
            if case .member(let base, _) = tree[callee].kind { try hoist(base, into: &temps) }
            for argument in tree[arguments] { try hoist(argument, into: &temps) }
        case .member(let base, _): try hoist(base, into: &temps)
        case .index(let base, let index):
            try hoist(base, into: &temps)
            try hoist(index, into: &temps)
        case .structLiteral(let literal): for field in tree[literal].fields { try hoist(field.value, into: &temps) }
        case .list(let elements): for element in tree[elements] { try hoist(element, into: &temps) }
        case .integer, .decimal, .string, .bool, .address, .hash, .error: break
        }
    }

    func rowsMisused(_ e: Expr) -> TestError {
        TestError(message: "events rows can be compared with assert_eq, indexed, looped over and measured with "
            + "len, but not used as a value here", range: tree[e].range)
    }

    /// A list literal built element by element, to compare with events rows.
    func assemble(_ elements: [Expr], as type: SlotType) throws(TestError) -> Slot {
        var values: [Value] = []
        for (i, element) in elements.enumerated() {
            let expected: SlotType?
            switch type {
            case .events(let fields): expected = .event(fields)
            case .event(let fields): expected = i < fields.count ? .language(fields[i]) : nil
            case .language, .mixed: expected = .mixed
            }
            values.append(try need(evaluate(element, expecting: expected), element).value)
        }
        return Slot(value: .list(values), type: type)
    }

    /// The forms the session evaluates itself (`isSessionForm`).
    func evaluateHere(_ e: Expr) throws(TestError) -> Slot? {
        switch tree[e].kind {
        case .call(let callee, let arguments):
            switch tree[callee].kind {
            case .name(let ref):
                let name = tree.text(ref)
                if let f = chainFunctions[name] { return try callHelper(f, Array(tree[arguments]), range: tree[e].range) }
                if name == "len" {
                    let list = tree[arguments][0]
                    guard case .list(let items) = try need(evaluate(list), list).value else {
                        throw TestError(message: "len needs a list", range: tree[e].range)
                    }
                    return Slot(value: .int(Int128(items.count)), type: .language("Int"))
                }
                return try prelude(name, Array(tree[arguments]), callee: callee, range: tree[e].range)
            case .member(let base, let ref):
                let name = tree.identifier(ref)
                // The value belongs to this call alone, not to calls made while evaluating its arguments.
                let attached = attachedValue
                attachedValue = 0
                guard case .address(let contract) = try need(evaluate(base), base).value else {
                    throw TestError(message: "only contract handles have functions to call", range: tree[base].range)
                }
                return try callContract(contract, name.name, Array(tree[arguments]), value: attached, range: tree[e].range)
            default:
                break
            }
        case .binary(let op, let left, let right, _):
            let l = try truth(left)
            let result = (op == .and) == l ? try truth(right) : l
            return Slot(value: .bool(result), type: .language("Bool"))
        case .index(let base, let index):
            let rows = try need(evaluate(base), base)
            let i = try integer(index)
            guard case .list(let items) = rows.value else {
                throw TestError(message: "events rows are lists", range: tree[base].range)
            }
            guard i >= 0, i < Int128(items.count) else {
                throw TestError(message: "index \(i) out of range (length \(items.count))", range: tree[e].range)
            }
            let type: SlotType
            switch rows.type {
            case .events(let fields): type = .event(fields)
            case .event(let fields) where Int(i) < fields.count: type = .language(fields[Int(i)])
            default: type = .mixed
            }
            return Slot(value: items[Int(i)], type: type)
        default:
            break
        }
        throw TestError(message: "cannot evaluate this in a test", range: tree[e].range)
    }

    // MARK: Test code on the VM

    /// Runs test code on the VM: the statements at `range` of the file (declaring `declaring` at their level), or
    /// with `value`, the expression at `range`, whose value (typed `expecting` when given) it returns. Each of
    /// `temps` replaces its range. Locals the code reads come in as parameters; the ones it declares or changes
    /// come back and are updated.
    func runOnVM(
        _ range: Range<Int>, declaring: [Declared], value: Bool = false,
        expecting: String? = nil, temps: [Temp] = []
    ) throws(TestError) -> Slot? {
        guard let chain else { throw TestError(message: "no chain", range: SourceRange.point(ast.file, range.lowerBound)) }
        let at = SourceRange(file: ast.file, start: range.lowerBound, end: range.upperBound)
        let fragment = SourceFile(path: ast.file.path, bytes: Array(ast.file.bytes[range]))
        let declaredNames = Set(declaring.map(\.name))
        var parameters: [(name: String, slot: Slot)] = []
        for name in SyntheticCode.mentionedNames(fragment).sorted() where !declaredNames.contains(name) {
            if let slot = lookup(name), slot.type.name != nil { parameters.append((name, slot)) }
        }
        let mutated = SyntheticCode.mutatedNames(fragment)
        let changed = parameters.filter { mutated.contains($0.name) && $0.slot.isMutable }
        var declared = declaring
        if value { declared.insert(Declared(name: "__value", isMutable: false, type: expecting), at: 0) }

        func source(types: [String]?, probes: Bool) -> SyntheticSource {
            var source = prelude
            let outputs = zip(declared.map(\.name), types ?? []).map { ($0, $1) }
                + changed.map { ($0.name, $0.slot.type.name ?? "Int") }
            if !probes, !outputs.isEmpty {
                source.glue("struct __Out { " + outputs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + " }\n")
            }
            var list = parameters.map { (mutated.contains($0.name) ? "__in_" : "") + "\($0.name): \($0.slot.type.name ?? "Int")" }
            list += temps.enumerated().map { "__t\($0.offset): \($0.element.slot.type.name ?? "Int")" }
            source.glue("pub fn __test(" + list.joined(separator: ", ") + ")" + (!probes && !outputs.isEmpty ? " -> __Out" : "")
                + " {\n")
            for p in parameters where mutated.contains(p.name) {
                source.glue("\(p.slot.isMutable ? "var" : "let") \(p.name) = __in_\(p.name)\n")
            }
            if value { source.glue(expecting.map { "let __value: \($0) = " } ?? "let __value = ") }
            var offset = range.lowerBound
            for (i, temp) in temps.enumerated() {
                source.copy(ast.file, offset..<temp.range.lowerBound)
                source.glue("__t\(i)")
                offset = temp.range.upperBound
            }
            source.copy(ast.file, offset..<range.upperBound)
            source.glue("\n")
            if probes {
                for (i, d) in declared.enumerated() { source.glue("let __probe_\(i) = \(d.name)\n") }
            } else if !outputs.isEmpty {
                source.glue("return __Out { " + outputs.map { "\($0.0): \($0.0)" }.joined(separator: ", ") + " }\n")
            }
            source.glue("}\n")
            return source
        }

        var types = declared.compactMap(\.type)
        if types.count != declared.count {
            let probe = source(types: nil, probes: true)
            let program = try compiled(probe, chain: chain, at: at)
            guard let found = SyntheticCode.lastLocalTypes(program.module, function: "__test", count: declared.count)
            else { throw TestError(message: "cannot tell the types of this code's locals", range: at) }
            types = found
        }
        let code = source(types: types, probes: false)
        let program = try compiled(code, chain: chain, at: at)
        let args = parameters.map(\.slot.value) + temps.map(\.slot.value)
        let results = try execute(program, code, args: args, chain: chain, at: at)
        let outputCount = declared.count + changed.count
        if outputCount == 0 { return nil }
        guard case .structure(let fields)? = results.first, fields.count == outputCount else {
            throw TestError(message: "the test code returned an unexpected value", range: at)
        }
        var result: Slot?
        for (i, d) in declared.enumerated() {
            let slot = Slot(value: fields[i], type: .language(types[i]), isMutable: d.isMutable)
            if value && i == 0 {
                result = slot
            } else {
                scopes[scopes.count - 1][d.name] = slot
            }
        }
        for (i, c) in changed.enumerated() { assign(c.name, fields[declared.count + i]) }
        return result
    }

    /// `source` compiled and verified; its first error, put back into the test file, otherwise.
    func compiled(_ source: SyntheticSource, chain: LocalChain, at: SourceRange) throws(TestError) -> Program {
        switch runner.program(source, chain: chain) {
        case .success(let program): return program
        case .failure(let errors):
            guard let first = errors.items.first else {
                throw TestError(message: "the test code does not compile", range: at, isCompileError: true)
            }
            let mapped = source.map(first)
            var message = "error: " + first.message
            if let hint = first.hint { message += " (\(hint))" }
            throw TestError(message: message, range: mapped?.range ?? at, isCompileError: true)
        }
    }

    /// Runs `__test` of `program` read-only, as the current test account, at the chain's latest block. A trap
    /// in the test's own code fails the test at its position (`expect_revert` does not catch it); one inside a
    /// library it calls is a revert, as in a contract.
    func execute(_ program: Program, _ source: SyntheticSource, args: [Value], chain: LocalChain, at: SourceRange)
        throws(TestError) -> [Value]
    {
        let account = (try? chain.address(of: caller)) ?? []
        let header = try? chain.chain.head().header
        var host = MemoryHost(context: CallContext(
            caller: account, origin: account, selfAddress: [UInt8](repeating: 0, count: 32),
            blockHeight: Int128(header?.height ?? 0), blockTime: Int128(header?.time ?? 0)))
        let result = Interpreter.call(
            program, function: "__test", args: args, host: &host, gasLimit: testCodeGasLimit, readOnly: true)
        switch result.outcome {
        case .success(let values): return values
        case .failure(let trap):
            let message = trap.message
            if let position = trap.position {
                if position.file == LibraryResolver.sourceMapName(of: source.path, main: source.path) {
                    if let place = source.location(line: position.line, column: position.column) {
                        throw TestError(message: "test code trapped: \(quote(message))",
                            range: SourceRange.point(place.file, place.offset))
                    }
                } else {
                    throw TestError(message: "reverted: \(quote(message)) at \(position)", range: at, revert: message)
                }
            }
            throw TestError(message: "test code trapped: \(quote(message))", range: at)
        }
    }

    // MARK: Calls

    func prelude(_ name: String, _ arguments: [Expr], callee: Expr, range: SourceRange) throws(TestError) -> Slot? {
        func arity(_ n: Int) throws(TestError) {
            guard arguments.count == n else {
                throw TestError(
                    message: Messages.argumentCount(name, expected: n, found: arguments.count), range: range)
            }
        }
        guard let chain else { return nil }
        switch name {
        case "note":
            try arity(1)
            runner.onNote(try string(arguments[0]))
            return nil
        case "assert":
            try arity(1)
            if !(try truth(arguments[0])) {
                throw TestError(message: "assertion failed: \(tree[arguments[0]].range.text)", range: range)
            }
            return nil
        case "assert_eq":
            try arity(2)
            if try equalOnVM(arguments[0], arguments[1], chain: chain) { return nil }
            var left: Slot?
            if let literal = literal(arguments[1]) {
                // `assert_eq(f(x), 3)`: the literal types the other side (a literal has no effects to order).
                left = try need(evaluate(arguments[0], expecting: literal.type), arguments[0])
            } else {
                do throws(TestError) { left = try need(evaluate(arguments[0]), arguments[0]) } catch {
                    // `assert_eq([], xs)`: the left side is typed by the right one.
                    guard error.isCompileError else { throw error }
                }
            }
            let right: Slot
            if let left {
                right = try need(evaluate(arguments[1], expecting: left.type), arguments[1])
            } else {
                right = try need(evaluate(arguments[1]), arguments[1])
                left = try need(evaluate(arguments[0], expecting: right.type), arguments[0])
            }
            if let left, left.value != right.value {
                // `events` reads only the last transaction, which is easily a later call than the one meant.
                let readsEvents = arguments.prefix(2).contains {
                    if case .call(let callee, _) = tree[$0].kind, case .name(let name) = tree[callee].kind,
                        tree.text(name) == "events"
                    {
                        return true
                    }
                    return false
                }
                let hint = readsEvents
                    ? "; events(…) lists the last transaction's events, and the last transaction was "
                        + (lastTransaction.map { "'\($0)'" } ?? "none") + " (a view call is a transaction too)"
                    : ""
                throw TestError(
                    message: "assert_eq failed: left \(describe(left.value)), right \(describe(right.value))" + hint,
                    range: range)
            }
            return nil
        case "balance":
            try arity(1)
            guard let b = try? chain.balance(of: try address(arguments[0])) else {
                throw TestError(message: "cannot read the balance", range: range)
            }
            return Slot(value: .int(b), type: .language("Int"))
        case "advance":
            try arity(1)
            let n = try integer(arguments[0])
            guard n >= 0, n <= 1_000_000 else {
                throw TestError(message: "advance needs a block count from 0 to 1000000", range: range)
            }
            do { try chain.advance(blocks: Int(n)) } catch {
                throw TestError(message: "advance failed: \(error)", range: range)
            }
            return nil
        case "send":
            try arity(3)
            guard let sender = names[try address(arguments[0])] else {
                throw TestError(message: "send's first argument must be a named test account", range: range)
            }
            let to = try address(arguments[1])
            let amount = try integer(arguments[2])
            let result: Result<Receipt, Rejection>
            do { result = try chain.send(from: sender, to: to, amount: amount) } catch {
                throw TestError(message: "send failed: \(error)", range: range)
            }
            _ = try check(result, contract: nil, function: "send", range: range)
            return nil
        case "events":
            try arity(1)
            let wanted = try string(arguments[0])
            var rows: [Value] = []
            var fields: [String]?
            for event in lastEvents where event.name == wanted {
                guard let module = try? chain.chain.module(id: event.moduleID),
                    let decoded = Chain.decode(event, in: module)
                else {
                    throw TestError(message: "cannot decode event '\(wanted)'", range: range)
                }
                rows.append(.list(decoded.values))
                if fields == nil {
                    fields = decoded.decl.fields.map { TypeNames.name(module.types[Int($0.type)], in: module) }
                }
            }
            return Slot(value: .list(rows), type: .events(fields ?? []))
        case "deploy":
            guard let first = arguments.first else {
                throw TestError(message: "deploy(\"path.dn\", init arguments...)", range: range)
            }
            let path = try string(first)
            let full = TestRunner.deployPath(path, testFile: ast.file.path)
            let module: Module
            switch runner.module(at: full, range: range) {
            case .success(let m): module = m
            case .failure(let error): throw error
            }
            let initializer = module.functions.first { $0.kind == .`init` }
            let types = (initializer?.params ?? []).map { TypeNames.name(module.types[Int($0)], in: module) }
            guard types.count == arguments.count - 1 else {
                throw TestError(message: "'\(module.name)' init " + Messages.takesArguments(expected: types.count, found: arguments.count - 1), range: range)
            }
            var values: [Value] = []
            for (argument, type) in zip(arguments.dropFirst(), types) {
                values.append(try need(evaluate(argument, expecting: .language(type)), argument).value)
            }
            let result: Result<Receipt, Rejection>
            do { result = try chain.deploy(module, args: values, from: caller) } catch {
                throw TestError(message: "deploy failed: \(error)", range: range)
            }
            let receipt = try check(result, contract: module.name, function: "init", range: range)
            return Slot(value: .address(receipt.contract), type: .language("Address"))
        case "with_value":
            try arity(2)
            let amount = try integer(arguments[0])
            guard amount >= 0 else {
                throw TestError(message: "with_value needs an amount >= 0", range: tree[arguments[0]].range)
            }
            guard case .call(let inner, _) = tree[arguments[1]].kind, case .member(let base, let ref) = tree[inner].kind,
                case let function = tree.identifier(ref),
                isContractCall(base, function)
            else {
                throw TestError(message: "with_value's second argument must be a contract call such as r.f(args)",
                    range: tree[arguments[1]].range)
            }
            attachedValue = amount
            defer { attachedValue = 0 }
            return try evaluateHere(arguments[1])
        default:
            throw TestError(message: "cannot find function '\(name)' in a test", range: tree[callee].range)
        }
    }

    /// Whether `a == b` holds when both sides are test code that changes nothing: one compiled comparison, the
    /// language's own `==`. False when it does not hold, or cannot be decided so (the sides act on the chain,
    /// change a local, do not compile together or trap): `assert_eq` then evaluates each side to show them.
    func equalOnVM(_ a: Expr, _ b: Expr, chain: LocalChain) throws(TestError) -> Bool {
        guard !actsOnChain(a), !actsOnChain(b), literal(a) == nil || literal(b) == nil else { return false }
        var parameters: [(name: String, slot: Slot)] = []
        var mentioned: Set<String> = []
        for e in [a, b] {
            let fragment = SourceFile(path: ast.file.path, bytes: Array(ast.file.bytes[tree[e].range.start..<tree[e].range.end]))
            if !SyntheticCode.mutatedNames(fragment).isEmpty { return false }
            mentioned.formUnion(SyntheticCode.mentionedNames(fragment))
        }
        for name in mentioned.sorted() {
            if let slot = lookup(name), let type = slot.type.name { parameters.append((name, Slot(value: slot.value,
                type: .language(type)))) }
        }
        var source = prelude
        source.glue("pub fn __test(" + parameters.map { "\($0.name): \($0.slot.type.name ?? "Int")" }
            .joined(separator: ", ") + ") -> Bool {\nreturn (")
        source.copy(ast.file, tree[a].range.start..<tree[a].range.end)
        source.glue(") == (")
        source.copy(ast.file, tree[b].range.start..<tree[b].range.end)
        source.glue(")\n}\n")
        guard case .success(let program) = runner.program(source, chain: chain) else { return false }
        guard let values = try? execute(program, source, args: parameters.map(\.slot.value), chain: chain, at: tree[a].range)
        else { return false }
        return values.first == .bool(true)
    }

    func callHelper(_ f: FunctionDecl, _ arguments: [Expr], range: SourceRange) throws(TestError) -> Slot? {
        guard arguments.count == f.parameters.count else {
            throw TestError(
                message: Messages.argumentCount(f.name.name, expected: f.parameters.count, found: arguments.count),
                range: range)
        }
        guard let body = f.body else { throw TestError(message: "'\(f.name.name)' has no body", range: range) }
        guard depth < 200 else { throw TestError(message: "helper calls nested too deeply", range: range) }
        var frame: [String: Slot] = [:]
        for (p, argument) in zip(f.parameters, arguments) {
            let type = p.type.range.text
            let slot = try need(evaluate(argument, expecting: .language(type)), argument)
            frame[p.name.name] = Slot(value: slot.value, type: slot.type.name == nil ? slot.type : .language(type))
        }
        let saved = scopes
        scopes = [frame]
        returnTypes.append(f.returnType.map { $0.range.text })
        depth += 1
        defer {
            scopes = saved
            returnTypes.removeLast()
            depth -= 1
        }
        if case .returned(let v) = try execute(body) { return v }
        return nil
    }

    func callContract(_ contract: [UInt8], _ function: String, _ arguments: [Expr], value: Int128 = 0,
        range: SourceRange) throws(TestError) -> Slot?
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
        let declared = module.functions[index]
        guard declared.params.count == arguments.count else {
            throw TestError(message: Messages.argumentCount(function, expected: declared.params.count, found: arguments.count), range: range)
        }
        var values: [Value] = []
        for (argument, type) in zip(arguments, declared.params) {
            let name = TypeNames.name(module.types[Int(type)], in: module)
            values.append(try need(evaluate(argument, expecting: .language(name)), argument).value)
        }
        let result: Result<Receipt, Rejection>
        do { result = try chain.call(contract, function, args: values, from: caller, value: value) } catch {
            throw TestError(message: "call failed: \(error)", range: range)
        }
        let receipt = try check(result, contract: module.name, function: function, range: range)
        let results = (try? chain.results(of: receipt)) ?? []
        guard let first = results.first, let type = declared.results.first else { return nil }
        return Slot(value: first, type: .language(TypeNames.name(module.types[Int(type)], in: module)))
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
            lastTransaction = contract.map { "\($0).\(function)" } ?? function
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

    /// A value as the language writes it, with named accounts as `@name`.
    func describe(_ v: Value) -> String {
        TypeNames.literal(v) { address in self.names[address].map { "@" + $0 } }
    }
}
