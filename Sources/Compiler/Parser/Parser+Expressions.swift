// Expressions: one Pratt parser driven by `ParseRule.table`, which gives each token kind its prefix
// role, infix role and binding power (the precedence table of LANGUAGE.md).
import Diagnostics

extension Parser {
    // MARK: - Pratt loop

    /// Parses an expression whose infix operators bind at least as tightly as `minimum`.
    mutating func parseExpression(_ minimum: Precedence = .or) -> Expr {
        guard enterNesting() else {
            leaveNesting()
            return node(range(current), .error)
        }
        defer { leaveNesting() }
        let start = current.start
        var left = parsePrefix()
        var previousWasComparison = false
        var folded = 0
        while !panicking {
            let token = current
            let rule = rules[Int(token.kind.rawValue)]
            guard rule.infix != .none, rule.precedence >= minimum else { break }
            // A `(` or `[` on a new line starts a new statement, not a call or index.
            if token.isAtLineStart, token.kind == .leftParen || token.kind == .leftBracket { break }
            // Each operator folded into `left` deepens the tree by one; later passes recurse over it.
            folded += 1
            if depth + folded > Parser.maxDepth {
                error(Messages.expressionTooLong, at: range(token), hint: Messages.nestingTooDeepHint)
                break
            }
            switch rule.infix {
            case .binary(let op):
                if op.precedence == .comparison, previousWasComparison {
                    softError(Messages.chainedComparison, at: range(token), hint: Messages.chainedComparisonHint)
                }
                previousWasComparison = op.precedence == .comparison
                advance()
                let right = leafOperand(op.precedence.tighter) ?? parseExpression(op.precedence.tighter)
                left = node(range(from: start), .binary(op, left, right, operatorRange: range(token)))
            case .call:
                let arguments = parseArguments()
                left = node(range(from: start), .call(callee: left, arguments: arguments))
            case .index:
                let open = advance()
                let index = parseNested()
                expectClosing(.rightBracket, opening: open)
                left = node(range(from: start), .index(base: left, index: index))
            case .member:
                advance()
                guard let name = expectName(Messages.expected("a member name", after: "'.'"), sameLine: true) else {
                    break
                }
                let member = Name(text: nameText(previous), range: name.range)
                left = node(range(from: start), .member(base: left, name: member))
            case .none:
                break
            }
        }
        return left
    }

    /// The operand at the current token when it is a single name or literal that the token after it does not
    /// continue (`b` in `a + b * 2` is not one, `2` is): built as `parseExpression(minimum)` would build it (the
    /// same node id and range, after the same nesting check), without the recursive call. Nil when the operand
    /// needs the full parse: anything else, a token starting a line, `Name {`, or the deepest nesting reached.
    @inline(__always)
    private mutating func leafOperand(_ minimum: Precedence) -> Expr? {
        let token = current
        guard !token.isAtLineStart, depth < Parser.maxDepth, position + 1 < tokens.count else { return nil }
        let isLiteral: Bool
        switch rules[Int(token.kind.rawValue)].prefix {
        case .literal: isLiteral = true
        case .name: isLiteral = false
        default: return nil
        }
        let next = tokens[position + 1]
        let rule = rules[Int(next.kind.rawValue)]
        if rule.infix != .none, rule.precedence >= minimum { return nil }
        if !isLiteral, next.kind == .leftBrace, !next.isAtLineStart { return nil }
        advance()
        return node(range(token), isLiteral ? literal(token) : .name(nameText(token)))
    }

    /// An expression inside brackets, where struct literals are always allowed.
    mutating func parseNested() -> Expr {
        let saved = allowStructLiteral
        allowStructLiteral = true
        defer { allowStructLiteral = saved }
        return parseExpression()
    }

    /// `( e, e, ... )` with an optional trailing comma; the current token is `(`.
    mutating func parseArguments() -> ExprList {
        let mark = syntax.exprMark
        let open = advance()
        while current.kind != .rightParen, current.kind != .endOfFile, !panicking {
            let argument = parseNested()
            syntax.push(argument)
            if !match(.comma) { break }
        }
        expectClosing(.rightParen, opening: open)
        return syntax.finishExprs(from: mark)
    }

    // MARK: - Prefix forms

    private mutating func parsePrefix() -> Expr {
        let token = current
        let start = token.start
        // A declaration keyword starting a line is the next declaration, not an operand continued from here.
        let prefix = token.isAtLineStart && isDeclarationStart && position > 0
            ? PrefixParselet.none : rules[Int(token.kind.rawValue)].prefix
        switch prefix {
        case .literal:
            advance()
            return node(range(token), literal(token))
        case .name:
            advance()
            // Only `Name {` on the same line may be a struct literal: every other name is a leaf, made here.
            if current.kind == .leftBrace, !current.isAtLineStart { return parseNameOrStructLiteral(token) }
            return node(range(token), .name(nameText(token)))
        case .group:
            advance()
            let inner = parseNested()
            expectClosing(.rightParen, opening: token)
            syntax.widen(inner, to: range(from: start))
            return inner
        case .list:
            let mark = syntax.exprMark
            advance()
            while current.kind != .rightBracket, current.kind != .endOfFile, !panicking {
                let element = parseNested()
                syntax.push(element)
                if !match(.comma) { break }
            }
            expectClosing(.rightBracket, opening: token)
            return node(range(from: start), .list(syntax.finishExprs(from: mark)))
        case .unary(let op):
            advance()
            let operand = parseExpression(.unary)
            return node(range(from: start), .unary(op, operand))
        case .errorToken:
            advance()
            panicking = true  // the lexer reported it; skip the rest of the statement quietly
            return node(range(token), .error)
        case .none:
            let message = position == 0 ? Messages.expectedExpression
                : Messages.expected("expression", after: previousDescription)
            errorAtCurrent(message)
            return node(missingTokenRange, .error)
        }
    }

    private mutating func literal(_ token: Token) -> ExprKind {
        switch token.kind {
        case .integer: .integer(digitsText(token))
        case .decimal: .decimal(digitsText(token))
        case .string: .string(syntax.text(LiteralDecoder.string(bytes, token)))
        case .kwTrue: .bool(true)
        case .kwFalse: .bool(false)
        case .address:
            if let raw = LiteralDecoder.hexBytes(bytes, token), token.end - token.start == 67 {
                .address(.bytes(syntax.bytes(raw)))
            } else {
                .address(.named(syntax.text(LiteralDecoder.accountName(bytes, token))))
            }
        case .hash: .hash(syntax.bytes(LiteralDecoder.hexBytes(bytes, token) ?? []))
        default: .error
        }
    }

    /// A name, or `Name { field: value, ... }` where struct literals are allowed.
    private mutating func parseNameOrStructLiteral(_ token: Token) -> Expr {
        let name = Identifier(name: self.name(token), range: range(token))
        let looksLikeStruct = current.kind == .leftBrace && !current.isAtLineStart
            && (peek(1).kind == .rightBrace || (peek(1).kind.isName && peek(2).kind == .colon))
        guard looksLikeStruct else { return node(name.range, .name(nameText(token))) }
        guard allowStructLiteral else {
            // `if x == Point { x: 1 } { ... }`: say why instead of failing inside the "body".
            if peek(1).kind != .rightBrace {
                error(Messages.structLiteralInCondition, at: range(current),
                      hint: Messages.structLiteralInConditionHint)
            }
            return node(name.range, .name(nameText(token)))
        }
        let open = advance()
        let saved = allowStructLiteral
        allowStructLiteral = true
        defer { allowStructLiteral = saved }
        var fields: [FieldInitializer] = []
        while current.kind != .rightBrace, current.kind != .endOfFile, !panicking {
            guard let field = expectName(Messages.expected("a field name", in: "struct literal '\(name.name)'")) else {
                break
            }
            guard expect(.colon, Messages.expected("':' and a value", after: "field '\(field.name)'")) else { break }
            fields.append(FieldInitializer(name: field, value: parseExpression()))
            if match(.comma) { continue }
            if current.kind != .rightBrace, !current.isAtLineStart {
                errorAtCurrent(Messages.expected("',' or '}'", after: "field '\(field.name)'"))
            }
        }
        expectClosing(.rightBrace, opening: open)
        return node(range(from: token.start), .structLiteral(syntax.add(StructLiteral(type: name, fields: fields))))
    }
}

// MARK: - The rule table

/// What a token does at the start of an expression.
enum PrefixParselet: Equatable {
    case none, literal, name, group, list, unary(UnaryOperator), errorToken
}

/// What a token does after a complete operand.
enum InfixParselet: Equatable {
    case none, binary(BinaryOperator), call, index, member
}

/// One row of the Pratt table.
struct ParseRule {
    let prefix: PrefixParselet
    let infix: InfixParselet
    let precedence: Precedence

    /// One rule per `TokenKind`, indexed by raw value.
    static let table: [ParseRule] = {
        let count = Int(TokenKind.allCases.map(\.rawValue).max() ?? 0) + 1
        var rules = [ParseRule](repeating: ParseRule(prefix: .none, infix: .none, precedence: .none), count: count)
        for kind in TokenKind.allCases { rules[Int(kind.rawValue)] = rule(for: kind) }
        return rules
    }()

    private static func rule(for kind: TokenKind) -> ParseRule {
        switch kind {
        case .integer, .decimal, .string, .address, .hash, .kwTrue, .kwFalse:
            return ParseRule(prefix: .literal, infix: .none, precedence: .none)
        case .identifier:
            return ParseRule(prefix: .name, infix: .none, precedence: .none)
        case .leftParen:
            return ParseRule(prefix: .group, infix: .call, precedence: .postfix)
        case .leftBracket:
            return ParseRule(prefix: .list, infix: .index, precedence: .postfix)
        case .dot:
            return ParseRule(prefix: .none, infix: .member, precedence: .postfix)
        case .minus:
            return ParseRule(prefix: .unary(.negate), infix: .binary(.subtract), precedence: .term)
        case .bang:
            return ParseRule(prefix: .unary(.not), infix: .none, precedence: .none)
        case .error:
            return ParseRule(prefix: .errorToken, infix: .none, precedence: .none)
        default:
            if kind.isContextualKeyword { return ParseRule(prefix: .name, infix: .none, precedence: .none) }
            if let op = BinaryOperator(rawValue: kind.spelling), !kind.spelling.isEmpty {
                return ParseRule(prefix: .none, infix: .binary(op), precedence: op.precedence)
            }
            return ParseRule(prefix: .none, infix: .none, precedence: .none)
        }
    }
}

extension Precedence {
    /// The next tighter level: the right operand of a left-associative operator binds at least this.
    var tighter: Precedence { Precedence(rawValue: rawValue + 1) ?? .postfix }
}
