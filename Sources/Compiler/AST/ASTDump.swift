// A compact S-expression rendering of the AST, for tests and `--dump-ast` style debugging.
// Ranges and IDs are left out so the output pins down structure only.

import Bytecode

/// Renders AST nodes as S-expressions: `(+ a (* b c))`.
public enum ASTDump {
    /// One line per declaration.
    public static func dump(_ file: SourceFileAST) -> String { Dumper(tree: file.tree).dump(file) }

    /// A declaration whose expressions and statements are in `tree`.
    public static func dump(_ decl: Decl, in tree: SyntaxTree) -> String { Dumper(tree: tree).dump(decl) }

    /// A statement of `tree`.
    public static func dump(_ stmt: Stmt, in tree: SyntaxTree) -> String { Dumper(tree: tree).dump(stmt) }

    /// An expression of `tree`.
    public static func dump(_ expr: Expr, in tree: SyntaxTree) -> String { Dumper(tree: tree).dump(expr) }
}

/// The renderer, over one tree.
private struct Dumper {
    let tree: SyntaxTree

    func dump(_ file: SourceFileAST) -> String {
        var lines: [String] = []
        switch file.kind {
        case .contract(let name): lines.append("(contract \(name.name))")
        case .library(let name): lines.append("(library \(name.name))")
        case .tests: break
        }
        lines += file.declarations.map(dump)
        return lines.joined(separator: "\n")
    }

    /// A declaration.
    func dump(_ decl: Decl) -> String {
        switch decl.kind {
        case .use(.library(let path)): return "(use \(path.map(\.name).joined(separator: ".")))"
        case .use(.file(let path, _)): return "(use \(quote(path)))"
        case .constant(let name, let type, let value):
            return "(const \(name.name)\(type.map { " " + dump($0) } ?? "") \(dump(value)))"
        case .state(let name, let type, let initializer):
            return "(state \(name.name) \(dump(type))\(initializer.map { " " + dump($0) } ?? ""))"
        case .event(let name, let fields): return "(event \(name.name) \(dump(fields)))"
        case .structure(let name, let fields): return "(struct \(name.name) \(dump(fields)))"
        case .interface(let name, let functions):
            return "(interface \(name.name)" + functions.map { " " + dump($0) }.joined() + ")"
        case .initializer(let parameters, let body): return "(init \(dump(parameters)) \(dump(body)))"
        case .migration(let parameters, let body): return "(migrate \(dump(parameters)) \(dump(body)))"
        case .function(let function): return dump(function)
        case .test(let name, _, let body): return "(test \(quote(name)) \(dump(body)))"
        case .scenario(let name, _, let body): return "(scenario \(quote(name)) \(dump(body)))"
        }
    }

    /// A function declaration.
    func dump(_ function: FunctionDecl) -> String {
        var head = "(fn"
        if function.isPublic { head += " pub" }
        if function.isView { head += " view" }
        head += " \(function.name.name) \(dump(function.parameters))"
        if let returnType = function.returnType { head += " -> \(dump(returnType))" }
        if let body = function.body { head += " \(dump(body))" }
        return head + ")"
    }

    func dump(_ parameters: [Parameter]) -> String {
        "(" + parameters.map { "\($0.name.name): \(dump($0.type))" }.joined(separator: ", ") + ")"
    }

    /// A type.
    func dump(_ type: TypeSyntax) -> String {
        switch type.kind {
        case .named(let name, let arguments) where arguments.isEmpty: name.name
        case .named(let name, let arguments): name.name + "<" + arguments.map(dump).joined(separator: ", ") + ">"
        case .error: "<error>"
        }
    }

    /// A block.
    func dump(_ block: Block) -> String {
        "{" + tree[block.statements].map { " " + dump($0) }.joined() + " }"
    }

    /// A statement.
    func dump(_ stmt: Stmt) -> String {
        switch tree[stmt].kind {
        case .binding(let ref):
            let binding = tree[ref]
            var out = "(\(binding.isMutable ? "var" : "let") \(binding.name.name)"
            if let type = binding.type { out += ": \(dump(type))" }
            if let value = binding.initializer { out += " \(dump(value))" }
            return out + ")"
        case .assignment(let target, let op, let value, _): return "(\(op.rawValue) \(dump(target)) \(dump(value)))"
        case .expression(let expr): return dump(expr)
        case .conditional(let conditional):
            var out = "(if"
            for clause in tree[conditional.clauses] { out += " \(dump(clause.condition)) \(dump(clause.body))" }
            if let elseBody = conditional.elseBody { out += " else \(dump(elseBody))" }
            return out + ")"
        case .whileLoop(let condition, let body): return "(while \(dump(condition)) \(dump(body)))"
        case .forLoop(let ref):
            let loop = tree[ref]
            let names = loop.names.map(\.name).joined(separator: ", ")
            let sequence = switch loop.sequence {
            case .value(let expr): dump(expr)
            case .range(let lower, let upper): "(.. \(dump(lower)) \(dump(upper)))"
            }
            return "(for \(names) in \(sequence) \(dump(loop.body)))"
        case .breakLoop: return "(break)"
        case .continueLoop: return "(continue)"
        case .returnValue(let value): return "(return\(value.map { " " + dump($0) } ?? ""))"
        case .emit(let ref, let arguments):
            let event = tree.identifier(ref)
            return "(emit \(event.name)" + tree[arguments].map { " " + dump($0) }.joined() + ")"
        case .tryCall(let call, let elseBody): return "(try \(dump(call)) else \(dump(elseBody)))"
        case .asAccount(let account, let body): return "(as \(dump(account)) \(dump(body)))"
        case .expectRevert(let message, let body):
            return "(expect_revert\(message.map { " " + dump($0) } ?? "") \(dump(body)))"
        case .block(let block): return dump(block)
        case .error: return "(error)"
        }
    }

    /// An expression.
    func dump(_ expr: Expr) -> String {
        switch tree[expr].kind {
        case .integer(let digits), .decimal(let digits): tree.text(digits)
        case .string(let value): quote(tree.text(value))
        case .bool(let value): value ? "true" : "false"
        case .address(.bytes(let raw)): "@0x" + Hex.encode(tree.bytes(raw))
        case .address(.named(let name)): "@" + tree.text(name)
        case .hash(let raw): "#0x" + Hex.encode(tree.bytes(raw))
        case .name(let name): tree.text(name)
        case .unary(let op, let operand): "(\(op.rawValue) \(dump(operand)))"
        case .binary(let op, let lhs, let rhs, _): "(\(op.rawValue) \(dump(lhs)) \(dump(rhs)))"
        case .call(let callee, let arguments): "(call \(dump(callee))" + tree[arguments].map { " " + dump($0) }.joined() + ")"
        case .member(let base, let name): "(. \(dump(base)) \(tree.text(name.text)))"
        case .index(let base, let index): "([] \(dump(base)) \(dump(index)))"
        case .structLiteral(let literal):
            "(new \(tree[literal].type.name)"
                + tree[literal].fields.map { " \($0.name.name): \(dump($0.value))" }.joined() + ")"
        case .list(let elements): "[" + tree[elements].map(dump).joined(separator: " ") + "]"
        case .error: "(error)"
        }
    }

    func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
