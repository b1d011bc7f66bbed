// Declarations: the file header, `use`, `const`, `state`, `event`, `struct`, `interface`, `init`,
// `migrate`, functions and `test` blocks.
import Diagnostics

extension Parser {
    // MARK: - File

    mutating func parseFile(comments: [SourceRange]) -> SourceFileAST {
        var kind = FileKind.tests
        var headerRange: SourceRange?
        var declarations: [Decl] = []
        // A declaration is a few tokens at least; room for one per 48 (the benchmark's functions have 67) saves
        // most of the array's regrowth (each a copy of every declaration so far).
        declarations.reserveCapacity(tokens.count / 48 + 4)
        var bracedHeader = false  // `contract C {`: reported once; the matching top-level `}` is then skipped
        while current.kind != .endOfFile, !diagnostics.isSaturated {
            let start = position
            if bracedHeader, current.kind == .rightBrace {
                bracedHeader = false
                advance()
                continue
            }
            let isHeader = (current.kind == .kwContract || current.kind == .kwLibrary)
                && peek(1).kind.isName && !peek(1).isAtLineStart
            if isHeader {
                let header = parseHeader()
                if headerRange != nil {
                    error(Messages.duplicateHeader, at: header.range)
                } else if !declarations.isEmpty {
                    error(Messages.headerNotFirst(header.keyword), at: header.range)
                } else {
                    kind = header.kind
                    headerRange = header.range
                }
                if current.kind == .leftBrace, !current.isAtLineStart {
                    softError(Messages.bracedHeader(header.keyword), at: range(current), hint: Messages.bracedHeaderHint)
                    bracedHeader = true
                    advance()
                    continue
                }
            } else if let decl = parseDeclaration() {
                declarations.append(decl)
            }
            if panicking {
                synchronizeDeclaration()
            } else if current.kind != .endOfFile, !current.isAtLineStart {
                errorAtCurrent(Messages.consecutiveDeclarations)
                synchronizeDeclaration()
            }
            if position == start { advance() }
        }
        if checkSize() { declarations = [] }
        return SourceFileAST(
            file: file, kind: kind, headerRange: headerRange, declarations: declarations,
            tree: declarations.isEmpty ? SyntaxTree() : tree, comments: comments, nodeCount: nextID + 1)
    }

    private mutating func parseHeader() -> (kind: FileKind, range: SourceRange, keyword: String) {
        let keyword = advance()
        let name = Identifier(name: self.name(current), range: range(current))
        advance()
        let kind: FileKind = keyword.kind == .kwContract ? .contract(name) : .library(name)
        return (kind, range(from: keyword.start), keyword.kind.spelling)
    }

    // MARK: - Declarations

    mutating func parseDeclaration() -> Decl? {
        let start = current.start
        let kind: DeclKind?
        switch current.kind {
        case .kwContract, .kwLibrary:
            let keyword = advance()
            errorAtCurrent(Messages.expected("name", after: "'\(keyword.kind.spelling)'"))
            return nil
        case .kwUse: kind = parseUse()
        case .kwConst: kind = parseConst()
        case .kwState: kind = parseState()
        case .kwEvent: kind = parseEvent()
        case .kwStruct: kind = parseStruct()
        case .kwInterface: kind = parseInterface()
        case .kwInit, .kwMigrate: kind = parseSpecialFunction()
        case .kwPub, .kwView, .kwFn: kind = parseFunction(inInterface: false).map(DeclKind.function)
        case .kwTest: kind = parseTest()
        case .identifier where isScenarioStart: kind = parseTest(scenario: true)
        case .rightBrace:
            error(Messages.unexpectedCloseBrace, at: range(current))
            advance()
            return nil
        default:
            errorAtCurrent(Messages.expectedDeclaration, hint: Messages.expectedDeclarationHint)
            return nil
        }
        guard let kind else { return nil }
        return Decl(id: makeID(), range: range(from: start), kind: kind)
    }

    private mutating func parseUse() -> DeclKind? {
        advance()
        if current.kind == .string {
            let token = advance()
            return .use(.file(LiteralDecoder.string(bytes, token), range: range(token)))
        }
        guard let first = expectName(Messages.expected("a library name or a quoted path", after: "'use'"),
                                    sameLine: true) else {
            return nil
        }
        var path = [first]
        while current.kind == .dot {
            advance()
            guard let part = expectName(Messages.expected("name", after: "'.'"), sameLine: true) else { return nil }
            path.append(part)
        }
        return .use(.library(path))
    }

    private mutating func parseConst() -> DeclKind? {
        advance()
        guard let name = expectName(Messages.expected("name", after: "'const'"), sameLine: true) else { return nil }
        var type: TypeSyntax?
        if match(.colon) { type = parseType() }
        guard expect(.equal, Messages.expected("'=' and a value", after: "constant '\(name.name)'")) else { return nil }
        return .constant(name: name, type: type, value: parseExpression())
    }

    private mutating func parseState() -> DeclKind? {
        advance()
        guard let name = expectName(Messages.expected("name", after: "'state'"), sameLine: true) else { return nil }
        guard expect(.colon, Messages.expected("':' and a type", after: "state variable '\(name.name)'")) else {
            return nil
        }
        let type = parseType()
        var initializer: Expr?
        if match(.equal) { initializer = parseExpression() }
        return .state(name: name, type: type, initializer: initializer)
    }

    private mutating func parseEvent() -> DeclKind? {
        advance()
        guard let name = expectName(Messages.expected("name", after: "'event'"), sameLine: true) else { return nil }
        guard let fields = parseParameters(after: "event '\(name.name)'") else { return nil }
        return .event(name: name, fields: fields)
    }

    private mutating func parseStruct() -> DeclKind? {
        advance()
        guard let name = expectName(Messages.expected("name", after: "'struct'"), sameLine: true) else { return nil }
        let open = current
        guard expect(.leftBrace, Messages.expected("'{'", after: "struct '\(name.name)'")) else { return nil }
        var fields: [Parameter] = []
        while current.kind != .rightBrace, current.kind != .endOfFile {
            guard let field = parseParameter(in: "struct '\(name.name)'") else { return nil }
            fields.append(field)
            if match(.comma) { continue }
            guard current.kind == .rightBrace || current.isAtLineStart else {
                errorAtCurrent(Messages.expected("',' or a line break", after: "field '\(field.name.name)'"))
                return nil
            }
        }
        expectClosing(.rightBrace, opening: open)
        return .structure(name: name, fields: fields)
    }

    private mutating func parseInterface() -> DeclKind? {
        advance()
        guard let name = expectName(Messages.expected("name", after: "'interface'"), sameLine: true) else { return nil }
        let open = current
        guard expect(.leftBrace, Messages.expected("'{'", after: "interface '\(name.name)'")) else { return nil }
        var functions: [FunctionDecl] = []
        while current.kind != .rightBrace, current.kind != .endOfFile {
            let start = position
            if [.kwFn, .kwView, .kwPub].contains(current.kind), let function = parseFunction(inInterface: true) {
                functions.append(function)
            } else if !panicking {
                error(Messages.expectedInterfaceMember, at: range(current))
            }
            if panicking {
                synchronizeStatement()
            } else if current.kind != .rightBrace, !current.isAtLineStart {
                errorAtCurrent(Messages.consecutiveDeclarations)
                synchronizeStatement()
            }
            skipLineIfStuck(since: start)
        }
        expectClosing(.rightBrace, opening: open)
        return .interface(name: name, functions: functions)
    }

    private mutating func parseSpecialFunction() -> DeclKind? {
        let keyword = advance()
        guard let parameters = parseParameters(after: "'\(keyword.kind.spelling)'") else { return nil }
        guard current.kind == .leftBrace else {
            errorAtCurrent(Messages.expected("'{'", after: "the parameters of '\(keyword.kind.spelling)'"))
            return nil
        }
        let body = parseBlock()
        return keyword.kind == .kwInit
            ? .initializer(parameters: parameters, body: body)
            : .migration(parameters: parameters, body: body)
    }

    /// `pub`/`view` modifiers, `fn name(params) -> T`, and a body unless in an interface.
    mutating func parseFunction(inInterface: Bool) -> FunctionDecl? {
        let start = current.start
        var isPublic = false
        var isView = false
        while current.kind == .kwPub || current.kind == .kwView {
            let modifier = advance()
            let seen = modifier.kind == .kwPub ? isPublic : isView
            if seen { softError(Messages.duplicateModifier, at: range(modifier)) }
            if modifier.kind == .kwPub { isPublic = true } else { isView = true }
        }
        guard expect(.kwFn, Messages.expectedFnAfterModifiers) else { return nil }
        guard let name = expectName(Messages.expected("name", after: "'fn'"), sameLine: true) else { return nil }
        guard let parameters = parseParameters(after: "function '\(name.name)'") else { return nil }
        var returnType: TypeSyntax?
        if match(.arrow) { returnType = parseType() }
        if panicking { return nil }
        var body: Block?
        if inInterface {
            if current.kind == .leftBrace, !current.isAtLineStart {
                error(Messages.interfaceBody, at: range(current))
                return nil
            }
        } else if current.kind == .leftBrace {
            body = parseBlock()
        } else {
            errorAtCurrent(Messages.functionNeedsBody)
            return nil
        }
        return FunctionDecl(id: makeID(), name: name, isPublic: isPublic, isView: isView, parameters: parameters,
                            returnType: returnType, body: body, range: range(from: start))
    }

    /// `test "name" { }`, or `scenario "title" { }` (`scenario` is a keyword only there, before a string).
    private mutating func parseTest(scenario: Bool = false) -> DeclKind? {
        let what = scenario ? "scenario" : "test"
        advance()
        guard current.kind == .string else {
            errorAtCurrent(Messages.expected("the \(what)'s name as a string", after: "'\(what)'"))
            return nil
        }
        let nameToken = advance()
        guard current.kind == .leftBrace else {
            errorAtCurrent(Messages.expected("'{'", after: "the \(what)'s name"))
            return nil
        }
        let name = LiteralDecoder.string(bytes, nameToken)
        let body = parseBlock()
        return scenario
            ? .scenario(name: name, nameRange: range(nameToken), body: body)
            : .test(name: name, nameRange: range(nameToken), body: body)
    }

    // MARK: - Parameters and types

    /// `( name: Type, ... )` with an optional trailing comma; line breaks are free inside.
    mutating func parseParameters(after owner: @autoclosure () -> String) -> [Parameter]? {
        let open = current
        let count = itemCount(ofListAt: position)
        guard expect(.leftParen, Messages.expected("'('", after: owner())) else { return nil }
        var parameters: [Parameter] = []
        parameters.reserveCapacity(count)
        while current.kind != .rightParen, current.kind != .endOfFile {
            guard let parameter = parseParameter(in: "the parameters of \(owner())") else { return nil }
            parameters.append(parameter)
            if match(.comma) { continue }
            if current.kind != .rightParen, !current.isAtLineStart, current.kind != .endOfFile {
                errorAtCurrent(Messages.expected("',' or ')'", after: "parameter '\(parameter.name.name)'"))
                return nil
            }
            break
        }
        expectClosing(.rightParen, opening: open)
        return panicking ? nil : parameters
    }

    mutating func parseParameter(in context: @autoclosure () -> String) -> Parameter? {
        guard let name = expectName(Messages.expected("name", in: context())) else { return nil }
        guard expect(.colon, Messages.expected("':' and a type", after: "'\(name.name)'")) else { return nil }
        let type = parseType()
        return Parameter(id: makeID(), name: name, type: type)
    }

    /// `Name` or `Name<T, ...>`.
    mutating func parseType() -> TypeSyntax {
        let start = current.start
        guard enterNesting() else {
            leaveNesting()
            return TypeSyntax(id: makeID(), range: range(current), kind: .error)
        }
        defer { leaveNesting() }
        // The message is built only on error (the autoclosure captures the token and bytes, not the parser).
        let before = position == 0 ? nil : previous, source = bytes
        guard let name = expectName(Messages.expected("type", after: Parser.describe(before, in: source)), sameLine: true)
        else {
            return TypeSyntax(id: makeID(), range: missingTokenRange, kind: .error)
        }
        var arguments: [TypeSyntax] = []
        if current.kind == .less {
            let open = advance()
            repeat {
                arguments.append(parseType())
            } while match(.comma) && !panicking
            if !match(.greater) {
                let line = file.lineColumn(of: open.start).line
                errorAtCurrent(Messages.expectedClosing(">", "<", line: line))
            }
        }
        return TypeSyntax(id: makeID(), range: range(from: start), kind: .named(name, arguments: arguments))
    }
}
