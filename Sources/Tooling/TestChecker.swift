// Checks a test file's names before any test runs: every name a test reads is a local, a parameter, a
// const, `START_BALANCE`, a library or a deploy handle; the prelude forms and the file's `fn`s get their
// argument counts, and calls through a `deploy` handle name a `pub`/`view` function of that contract. Everything
// else (builtins, library functions, types) the compiler checks when the test code is compiled as it runs.
import Compiler
import struct Compiler.Block
import Bytecode
import Diagnostics

struct TestChecker {
    /// The file's expressions and statements.
    private let tree: SyntaxTree
    /// Prelude forms and how many arguments each takes (nil: any number, at least one).
    static let prelude: [String: Int?] = [
        "assert": 1, "assert_eq": 2, "balance": 1, "advance": 1, "send": 3, "deploy": nil, "with_value": 2,
        "events": 1, "note": 1,
    ]
    /// Names the language defines in every function (the world a call sees).
    static let worldNames: Set<String> = ["caller", "origin", "self", "value", "block"]

    private var diagnostics: [Diagnostic] = []
    /// Names in scope; a `let` bound straight to `deploy("path.dn", …)` maps to that path.
    private var scopes: [[String: String]] = []
    private var contracts: (String) -> Module? = { _ in nil }
    private var functions: [String: Int] = [:]
    private var libraries: Set<String> = []
    /// Structs and interfaces the file declares: `Name { … }` and `Name(address)` are not calls of functions.
    private var types: Set<String> = []

    /// Errors in `ast`, in source order.
    /// `contract` gives the module `deploy(path)` deploys, to check calls through its handle.
    static func check(_ ast: SourceFileAST, contract: @escaping (String) -> Module?) -> [Diagnostic] {
        var checker = TestChecker(tree: ast.tree)
        checker.contracts = contract
        var globals: Set<String> = Self.worldNames.union(["START_BALANCE"])
        for decl in ast.declarations {
            switch decl.kind {
            case .constant(let name, _, _): globals.insert(name.name)
            case .function(let f): checker.functions[f.name.name] = f.parameters.count
            case .use(let target): checker.libraries.insert(TestSession.libraryName(target))
            case .structure(let name, _), .interface(let name, _): checker.types.insert(name.name)
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
        for stmt in tree[block.statements] { statement(stmt) }
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
        switch tree[stmt].kind {
        case .binding(let ref):
            let binding = tree[ref]
            if let e = binding.initializer { expression(e) }
            var contract = ""
            if !binding.isMutable, let e = binding.initializer, case .call(let callee, let arguments) = tree[e].kind,
                case .name(let name) = tree[callee].kind, tree.text(name) == "deploy", let first = tree[arguments].first,
                case .string(let path) = tree[first].kind
            {
                contract = tree.text(path)
            }
            declare(binding.name.name, contract: contract)
        case .assignment(let target, _, let value, _):
            expression(target)
            expression(value)
        case .expression(let e): expression(e)
        case .conditional(let c):
            for clause in tree[c.clauses] {
                expression(clause.condition)
                block(clause.body)
            }
            if let e = c.elseBody { block(e) }
        case .whileLoop(let condition, let body):
            expression(condition)
            block(body)
        case .forLoop(let loop):
            switch tree[loop].sequence {
            case .value(let e): expression(e)
            case .range(let lower, let upper):
                expression(lower)
                expression(upper)
            }
            scopes.append(Dictionary(tree[loop].names.map { ($0.name, "") }) { a, _ in a })
            block(tree[loop].body)
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
            diagnostics.append(.error("this statement belongs in contracts, not tests", at: tree[stmt].range))
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
                Messages.argumentCount(name.name, expected: function.params.count, found: count), at: range))
        }
    }

    private mutating func expression(_ e: Expr) {
        switch tree[e].kind {
        case .name(let ref):
            let name = tree.text(ref)
            if !isDeclared(name) {
                diagnostics.append(.error("cannot find '\(name)' in scope", at: tree[e].range,
                    hint: functions[name] != nil || Self.prelude[name] != nil
                        ? "'\(name)' is a function; call it" : "declare it with 'let' or 'const' first"))
            }
        case .unary(_, let operand): expression(operand)
        case .binary(_, let l, let r, _):
            expression(l)
            expression(r)
        case .call(let callee, let arguments):
            for argument in tree[arguments] { expression(argument) }
            switch tree[callee].kind {
            case .name(let ref):
                let name = tree.text(ref)
                if let count = functions[name] {
                    if count != arguments.count {
                        diagnostics.append(.error(
                            Messages.argumentCount(name, expected: count, found: Int(arguments.count)), at: tree[e].range))
                    }
                } else if let entry = Self.prelude[name] {
                    if let count = entry, count != arguments.count {
                        diagnostics.append(.error(
                            Messages.argumentCount(name, expected: count, found: Int(arguments.count)), at: tree[e].range))
                    } else if entry == nil, arguments.isEmpty {
                        diagnostics.append(.error("'\(name)' needs at least one argument", at: tree[e].range))
                    }
                } else if !Compiler.builtinFunctionNames.contains(name), !types.contains(name), !isDeclared(name) {
                    let known = Array(functions.keys) + Array(Self.prelude.keys) + Compiler.builtinFunctionNames
                    let hint = EditDistance.suggestion(for: name, among: known.sorted()).map { "did you mean '\($0)'?" }
                    diagnostics.append(.error("cannot find function '\(name)' in a test file", at: tree[callee].range,
                        hint: hint ?? "tests call the prelude (deploy, send, advance, balance, with_value, events, "
                            + "note, assert, assert_eq), the language's builtins, library functions and the file's "
                            + "'fn's, and contract functions through a handle"))
                }
            case .member(let base, let ref):
                let name = tree.identifier(ref)
                if let library = tree.name(base), !isDeclared(library), libraries.contains(library) {
                    _ = name
                } else {
                    expression(base)
                    if let handle = tree.name(base), let path = contractPath(handle),
                        let module = contracts(path)
                    {
                        checkCall(name, Int(arguments.count), on: module, range: tree[e].range)
                    }
                }
            default:
                expression(callee)
            }
        case .member(let base, _):
            if let library = tree.name(base), !isDeclared(library), libraries.contains(library) { break }
            expression(base)
        case .index(let base, let index):
            expression(base)
            expression(index)
        case .list(let elements): for element in tree[elements] { expression(element) }
        case .structLiteral(let literal): for field in tree[literal].fields { expression(field.value) }
        case .integer, .decimal, .string, .bool, .address, .hash, .error: break
        }
    }
}
