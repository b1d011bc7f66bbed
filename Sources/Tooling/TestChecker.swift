// Checks a test file's names before any test runs: every name a test reads is a local, a parameter, a
// const, `START_BALANCE` or a deploy handle; every function it calls is a prelude form or one of the file's
// `fn`s, with the prelude's argument counts. Types are checked as the test runs.
import Compiler
import struct Compiler.Block
import Bytecode
import Diagnostics

struct TestChecker {
    /// Prelude forms and how many arguments each takes (nil: any number, at least one).
    static let prelude: [String: Int?] = [
        "assert": 1, "assert_eq": 2, "balance": 1, "advance": 1, "send": 3, "deploy": nil, "require": nil,
        "with_value": 2, "events": 1, "note": 1, "sha256": 1, "split": 2,
    ]

    private var diagnostics: [Diagnostic] = []
    /// Names in scope; a `let` bound straight to `deploy("path.dn", …)` maps to that path.
    private var scopes: [[String: String]] = []
    private var contracts: (String) -> Module? = { _ in nil }
    private var functions: [String: Int] = [:]
    private var libraries: Set<String> = []

    /// Errors in `ast`, in source order.
    /// `contract` gives the module `deploy(path)` deploys, to check calls through its handle.
    static func check(_ ast: SourceFileAST, contract: @escaping (String) -> Module?) -> [Diagnostic] {
        var checker = TestChecker()
        checker.contracts = contract
        var globals: Set<String> = ["START_BALANCE"]
        for decl in ast.declarations {
            switch decl.kind {
            case .constant(let name, _, _): globals.insert(name.name)
            case .function(let f): checker.functions[f.name.name] = f.parameters.count
            case .use(.library(let path)): if let last = path.last { checker.libraries.insert(last.name) }
            case .use(.file(let path, _)):
                let base = path.split(separator: "/").last.map(String.init) ?? path
                checker.libraries.insert(base.hasSuffix(".dn") ? String(base.dropLast(3)) : base)
            default: break
            }
        }
        checker.scopes = [Dictionary(uniqueKeysWithValues: globals.map { ($0, "") })]
        for decl in ast.declarations {
            switch decl.kind {
            case .constant(_, _, let value): checker.expression(value)
            case .function(let f):
                checker.scopes.append(Dictionary(f.parameters.map { ($0.name.name, "") }) { a, _ in a })
                if let body = f.body { checker.block(body) }
                checker.scopes.removeLast()
            case .test(_, _, let body), .scenario(_, _, let body): checker.block(body)
            case .use, .initializer, .migration, .state, .event, .structure, .interface:
                break
            }
        }
        return checker.diagnostics.sorted { ($0.range.start, $0.range.end) < ($1.range.start, $1.range.end) }
    }

    private mutating func block(_ block: Block) {
        scopes.append([:])
        for stmt in block.statements { statement(stmt) }
        scopes.removeLast()
    }

    private mutating func declare(_ name: String, contract: String = "") {
        scopes[scopes.count - 1][name] = contract
    }

    private func isDeclared(_ name: String) -> Bool { scopes.contains { $0[name] != nil } }

    /// The path of the contract a name holds the handle of, if it was bound by `let x = deploy("…")`.
    private func contractPath(_ name: String) -> String? {
        for scope in scopes.reversed() {
            if let path = scope[name] { return path.isEmpty ? nil : path }
        }
        return nil
    }

    private mutating func statement(_ stmt: Stmt) {
        switch stmt.kind {
        case .binding(let binding):
            if let e = binding.initializer { expression(e) }
            var contract = ""
            if !binding.isMutable, let e = binding.initializer, case .call(let callee, let arguments) = e.kind,
                case .name("deploy") = callee.kind, let first = arguments.first, case .string(let path) = first.kind
            {
                contract = path
            }
            declare(binding.name.name, contract: contract)
        case .assignment(let target, _, let value, _):
            expression(target)
            expression(value)
        case .expression(let e): expression(e)
        case .conditional(let c):
            for clause in c.clauses {
                expression(clause.condition)
                block(clause.body)
            }
            if let e = c.elseBody { block(e) }
        case .whileLoop(let condition, let body):
            expression(condition)
            block(body)
        case .forLoop(let loop):
            switch loop.sequence {
            case .value(let e): expression(e)
            case .range(let lower, let upper):
                expression(lower)
                expression(upper)
            }
            if loop.names.count != 1 {
                diagnostics.append(.error("tests loop with one name ('for x in')", at: stmt.range))
            }
            scopes.append(Dictionary(loop.names.map { ($0.name, "") }) { a, _ in a })
            block(loop.body)
            scopes.removeLast()
        case .returnValue(let e): if let e { expression(e) }
        case .asAccount(let account, let body):
            expression(account)
            block(body)
        case .expectRevert(let message, let body):
            if let message { expression(message) }
            block(body)
        case .block(let b): block(b)
        case .emit, .tryCall:
            diagnostics.append(.error("this statement belongs in contracts, not tests", at: stmt.range))
        case .breakLoop, .continueLoop, .error: break
        }
    }

    /// A call through a handle: the contract has a `pub` or `view` function of that name and arity.
    private mutating func checkCall(_ name: Identifier, _ count: Int, on module: Module, range: SourceRange) {
        let callable = module.functions.filter { $0.kind == .public || $0.kind == .view }
        guard let function = callable.first(where: { $0.name == name.name }) else {
            let hint = EditDistance.suggestion(for: name.name, among: callable.map(\.name))
                .map { "did you mean '\($0)'?" }
            diagnostics.append(.error("contract '\(module.name)' has no public function '\(name.name)'",
                at: name.range, hint: hint))
            return
        }
        if function.params.count != count {
            diagnostics.append(.error(
                "'\(name.name)' takes \(function.params.count) argument(s) but \(count) were given", at: range))
        }
    }

    private mutating func expression(_ e: Expr) {
        switch e.kind {
        case .name(let name):
            if !isDeclared(name) {
                diagnostics.append(.error("cannot find '\(name)' in scope", at: e.range,
                    hint: functions[name] != nil || Self.prelude[name] != nil
                        ? "'\(name)' is a function; call it" : "declare it with 'let' or 'const' first"))
            }
        case .unary(_, let operand): expression(operand)
        case .binary(_, let l, let r, _):
            expression(l)
            expression(r)
        case .call(let callee, let arguments):
            for argument in arguments { expression(argument) }
            switch callee.kind {
            case .name(let name):
                if let count = functions[name] {
                    if count != arguments.count {
                        diagnostics.append(.error(
                            "'\(name)' takes \(count) argument(s) but \(arguments.count) were given", at: e.range))
                    }
                } else if let entry = Self.prelude[name] {
                    if let count = entry, count != arguments.count {
                        diagnostics.append(.error(
                            "'\(name)' takes \(count) argument(s) but \(arguments.count) were given", at: e.range))
                    } else if entry == nil, arguments.isEmpty {
                        diagnostics.append(.error("'\(name)' needs at least one argument", at: e.range))
                    }
                } else {
                    diagnostics.append(.error("cannot find function '\(name)' in a test file", at: callee.range,
                        hint: "tests call the prelude (deploy, send, advance, balance, with_value, events, note, sha256, split, assert, assert_eq), "
                            + "the file's 'fn's and contract functions through a handle"))
                }
            case .member(let base, let name):
                if case .name(let library) = base.kind, !isDeclared(library), libraries.contains(library) {
                    _ = name
                } else {
                    expression(base)
                    if case .name(let handle) = base.kind, let path = contractPath(handle),
                        let module = contracts(path)
                    {
                        checkCall(name, arguments.count, on: module, range: e.range)
                    }
                }
            default:
                diagnostics.append(.error("cannot call this in a test", at: callee.range))
            }
        case .member(let base, _):
            expression(base)
            diagnostics.append(.error("tests read contract state through its view functions", at: e.range))
        case .index(let base, let index):
            expression(base)
            expression(index)
        case .list(let elements): for element in elements { expression(element) }
        case .structLiteral:
            diagnostics.append(.error("struct values are not supported in tests yet", at: e.range))
        case .integer, .decimal, .string, .bool, .address, .hash, .error: break
        }
    }
}
