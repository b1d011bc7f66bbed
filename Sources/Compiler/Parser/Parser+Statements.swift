// Blocks and statements.
import Diagnostics

extension Parser {
    // MARK: - Blocks

    /// `{ statements }`. The caller has checked that the current token is `{`.
    mutating func parseBlock() -> Block {
        let open = current
        guard enterNesting() else {
            leaveNesting()
            skipBalancedBraces()
            return Block(range: range(from: open.start), statements: .empty)
        }
        defer { leaveNesting() }
        advance()
        let statements = parseStatementList(until: .rightBrace)
        expectClosing(.rightBrace, opening: open)
        return Block(range: range(from: open.start), statements: statements)
    }

    /// Statements up to (not including) `terminator` or the end of the file, recovering after errors.
    mutating func parseStatementList(until terminator: TokenKind) -> StmtList {
        let mark = syntax.stmtMark
        while current.kind != terminator, current.kind != .endOfFile, !diagnostics.isSaturated {
            let start = position
            if current.kind == .rightBrace {  // only when the terminator is the end of the file
                error(Messages.unexpectedCloseBrace, at: range(current))
                advance()
                panicking = false
                continue
            }
            let statement = parseStatement()
            if !panicking, current.kind == .dotDot {
                error(Messages.rangeOnlyInFor, at: range(current))
            }
            if panicking {
                synchronizeStatement()
            } else if current.kind != .rightBrace, current.kind != .endOfFile, !current.isAtLineStart {
                errorAtCurrent(Messages.consecutiveStatements, hint: callWithoutParenthesesHint)
                synchronizeStatement()
            }
            if let statement { syntax.push(statement) }
            skipLineIfStuck(since: start)
        }
        return syntax.finishStmts(from: mark)
    }

    /// Skips a `{` and everything up to its matching `}`, iteratively.
    mutating func skipBalancedBraces() {
        var braces = 0
        while current.kind != .endOfFile {
            let kind = advance().kind
            if kind == .leftBrace { braces += 1 }
            if kind == .rightBrace {
                braces -= 1
                if braces <= 0 { return }
            }
        }
    }

    /// A block that must follow a head (`if c`, `while c`, `as(a)`...); reports and returns nil if absent.
    mutating func parseRequiredBlock(after what: String) -> Block? {
        if current.kind == .leftBrace { return parseBlock() }
        if current.kind == .equal {
            error(Messages.assignmentInExpression, at: range(current), hint: Messages.assignmentInExpressionHint)
        } else {
            errorAtCurrent(Messages.expected("'{'", after: what))
        }
        return nil
    }

    // MARK: - Statements

    mutating func parseStatement() -> Stmt? {
        let start = current.start
        let kind: StmtKind?
        switch current.kind {
        case .kwLet, .kwVar: kind = parseBinding()
        case .kwIf: kind = parseConditional()
        case .kwWhile: kind = parseWhile()
        case .kwFor: kind = parseFor()
        case .kwBreak:
            advance()
            kind = .breakLoop
        case .kwContinue:
            advance()
            kind = .continueLoop
        case .kwReturn:
            advance()
            let ends = current.isAtLineStart || current.kind == .rightBrace || current.kind == .endOfFile
            kind = .returnValue(ends ? nil : parseExpression())
        case .kwEmit: kind = parseEmit()
        case .kwTry: kind = parseTry()
        case .kwAs: kind = parseAs()
        case .leftBrace: kind = .block(parseBlock())
        case .identifier where token(current, is: "expect_revert")
            && (peek(1).kind == .leftBrace || peek(1).kind == .leftParen):
            kind = parseExpectRevert()
        default: kind = parseExpressionStatement()
        }
        return node(range(from: start), kind ?? .error)
    }

    private mutating func parseBinding() -> StmtKind? {
        let keyword = advance()
        guard let name = expectName(Messages.expected("name", after: "'\(keyword.kind.spelling)'"),
                                    sameLine: true) else { return nil }
        var type: TypeSyntax?
        if match(.colon) { type = parseType() }
        var initializer: Expr?
        if match(.equal) { initializer = parseExpression() }
        return .binding(
            syntax.add(Binding(isMutable: keyword.kind == .kwVar, name: name, type: type, initializer: initializer)))
    }

    private mutating func parseConditional() -> StmtKind? {
        let mark = syntax.clauseMark
        // On an error the clauses so far are dropped (their statements stay in the tree, unreferenced).
        defer { syntax.discardClauses(from: mark) }
        var elseBody: Block?
        advance()
        while true {
            let condition = parseCondition()
            if panicking { return nil }
            guard let body = parseRequiredBlock(after: "the 'if' condition") else { return nil }
            syntax.push(Conditional.Clause(condition: condition, body: body))
            guard match(.kwElse) else { break }
            if match(.kwIf) { continue }
            guard let body = parseRequiredBlock(after: "'else'") else { return nil }
            elseBody = body
            break
        }
        return .conditional(Conditional(clauses: syntax.finishClauses(from: mark), elseBody: elseBody))
    }

    /// An expression in a statement head, where `Name {` opens the body rather than a struct literal.
    private mutating func parseCondition() -> Expr {
        let saved = allowStructLiteral
        allowStructLiteral = false
        defer { allowStructLiteral = saved }
        return parseExpression()
    }

    private mutating func parseWhile() -> StmtKind? {
        advance()
        let condition = parseCondition()
        if panicking { return nil }
        guard let body = parseRequiredBlock(after: "the 'while' condition") else { return nil }
        return .whileLoop(condition: condition, body: body)
    }

    private mutating func parseFor() -> StmtKind? {
        advance()
        let message = Messages.expected("a loop variable", after: "'for'")
        guard let first = expectName(message, sameLine: true) else { return nil }
        var second: Identifier?
        if match(.comma) {
            guard let name = expectName(Messages.expected("a second loop variable", after: "','")) else { return nil }
            second = name
        }
        guard expect(.kwIn, Messages.expected("'in'", after: "the loop variables")) else { return nil }
        let lower = parseCondition()
        var sequence = ForLoop.Sequence.value(lower)
        if match(.dotDot) {
            sequence = .range(lower: lower, upper: parseCondition())
        }
        if panicking { return nil }
        guard let body = parseRequiredBlock(after: "the 'for' sequence") else { return nil }
        return .forLoop(syntax.add(ForLoop(first: first, second: second, sequence: sequence, body: body)))
    }

    private mutating func parseEmit() -> StmtKind? {
        advance()
        let message = Messages.expected("an event name", after: "'emit'")
        guard let event = expectName(message, sameLine: true) else { return nil }
        guard current.kind == .leftParen, !current.isAtLineStart else {
            errorAtCurrent(Messages.expected("'(' and the event's fields", after: "'\(event.name)'"))
            return nil
        }
        let name = Name(text: nameText(previous), range: event.range)
        return .emit(event: name, arguments: parseArguments())
    }

    private mutating func parseTry() -> StmtKind? {
        let keyword = advance()
        let call = parseExpression()
        if panicking { return nil }
        let node = syntax.node(call)
        guard case .call = node?.kind else {
            error(Messages.tryNeedsCall, at: (node?.range ?? range(keyword)).union(range(keyword)))
            return nil
        }
        guard expect(.kwElse, Messages.tryNeedsElse) else { return nil }
        guard let body = parseRequiredBlock(after: "'else'") else { return nil }
        return .tryCall(call: call, elseBody: body)
    }

    private mutating func parseAs() -> StmtKind? {
        advance()
        let open = current
        guard expect(.leftParen, Messages.expected("'(' and an account", after: "'as'")) else { return nil }
        let account = parseNested()
        expectClosing(.rightParen, opening: open)
        if panicking { return nil }
        guard let body = parseRequiredBlock(after: "'as(...)'") else { return nil }
        return .asAccount(account: account, body: body)
    }

    private mutating func parseExpectRevert() -> StmtKind? {
        advance()
        var message: Expr?
        if current.kind == .leftParen {
            let open = advance()
            message = parseNested()
            expectClosing(.rightParen, opening: open)
            if panicking { return nil }
        }
        guard current.kind == .leftBrace else {
            errorAtCurrent(Messages.expectRevertNeedsBlock)
            return nil
        }
        return .expectRevert(message: message, body: parseBlock())
    }

    private mutating func parseExpressionStatement() -> StmtKind? {
        if current.kind == .rightParen || current.kind == .rightBracket || current.kind == .kwElse {
            error(Messages.expectedStatement, at: range(current))
            return nil
        }
        let target = parseExpression()
        if panicking { return nil }
        let op: AssignmentOperator? = switch current.kind {
        case .equal: .assign
        case .plusEqual: .add
        case .minusEqual: .subtract
        case .starEqual: .multiply
        case .slashEqual: .divide
        default: nil
        }
        guard let op else { return .expression(target) }
        let operatorToken = advance()
        let node = syntax.node(target)
        switch node?.kind {
        case .name, .index, .member: break
        default:
            error(Messages.invalidAssignmentTarget, at: node?.range ?? range(operatorToken),
                  hint: Messages.invalidAssignmentTargetHint)
            return nil
        }
        let value = parseExpression()
        return .assignment(target: target, op: op, value: value, operatorRange: range(operatorToken))
    }
}
