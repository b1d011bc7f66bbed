// The parser: recursive descent for declarations and statements, one table-driven Pratt parser for
// expressions (Parser+Expressions.swift).
//
// Statements are separated by line breaks: a statement ends where the next token starts a new line,
// or at `}` or the end of the file. Binary operators and `.` may continue an expression on the next
// line; `(` and `[` continue it (as a call or index) only on the same line.
//
// Errors use panic mode: the first error of a statement or declaration is reported, later ones are
// suppressed until the parser resynchronises at the next line, `}` or declaration keyword. Every loop
// consumes at least one token per iteration, and nesting deeper than `maxDepth` is an error, not a
// stack overflow.
import Diagnostics
#if canImport(Glibc)
    import Glibc
#endif

/// Parses Datanet source into an AST.
public struct Parser {
    /// The deepest nesting of expressions, blocks and types accepted.
    public static let maxDepth = 256

    let file: SourceFile
    /// The file's id, for the ranges of the nodes (building them needs no reference to the file).
    let fileID: SourceFileID
    let bytes: [UInt8]
    let tokens: [Token]
    /// `LexedFile.names`: the text of each distinct name and number literal, decoded once by the lexer.
    let names: [String]
    var position = 0
    var diagnostics = DiagnosticEngine()
    /// Set by the first error of a construct; cleared when the parser resynchronises.
    var panicking = false
    var depth = 0
    /// Ids of declarations, parameters and types (expressions and statements are their index in `syntax`).
    var nextID = 0
    /// False while parsing `if`/`while`/`for` heads, where `Name {` starts the body, not a struct literal.
    var allowStructLiteral = true
    /// The expressions and statements made so far.
    var syntax: SyntaxBuilder
    /// `ParseRule.table`, held here: reading the global costs a `swift_once` call per token.
    let rules = ParseRule.table

    /// A parser of `lexed` whose nodes go into segment `segment` of the tree.
    init(lexed: LexedFile, segment: Int = 0) {
        file = lexed.file
        fileID = lexed.file.id
        bytes = lexed.file.bytes
        tokens = lexed.tokens.isEmpty
            ? [Token(kind: .endOfFile, start: 0, end: 0, isAtLineStart: true)]
            : lexed.tokens
        names = lexed.names
        syntax = SyntaxBuilder(segment: segment)
        syntax.useNames(lexed.names)
        syntax.reserve(tokens: tokens.count)
        diagnostics.append(contentsOf: lexed.diagnostics)
    }

    /// The tree of the nodes made so far: one segment.
    var tree: SyntaxTree { SyntaxTree(segments: [syntax.segment]) }

    // MARK: - Entry points

    /// Parses a whole file. The diagnostics (lexer's and parser's) are sorted by position.
    public static func parse(_ file: SourceFile) -> (SourceFileAST, [Diagnostic]) {
        if let binary = binaryContent(file) {
            let empty = SourceFileAST(
                file: file, kind: .tests, headerRange: nil, declarations: [], tree: SyntaxTree(), comments: [],
                nodeCount: 1)
            return (empty, [binary])
        }
        return parseText(file)
    }

    /// `parse` for a file already known not to be binary (`Compiler.compile` checks first, to stop there).
    static func parseText(_ file: SourceFile) -> (SourceFileAST, [Diagnostic]) {
        parse(Lexer.tokenize(file))
    }

    /// Parses a lexed file on this thread.
    static func parse(_ lexed: LexedFile) -> (SourceFileAST, [Diagnostic]) {
        var parser = Parser(lexed: lexed)
        let ast = parser.parseFile(comments: lexed.comments)
        return (ast, parser.diagnostics.sorted)
    }

    /// One error for a file that is binary data instead of a hundred about its bytes: it holds a NUL byte
    /// (no text does), or control characters are more than 5 % of its first 4 KiB (more than ten of them).
    /// Compiled bytecode is named as such.
    public static func binaryContent(_ file: SourceFile) -> Diagnostic? {
        let sample = file.bytes.prefix(4096)
        var first: Int?
        var controls = 0
        for (offset, byte) in sample.enumerated() where byte < 0x20 && byte != 9 && byte != 10 && byte != 13 {
            if first == nil { first = offset }
            controls += 1
        }
        let at: Int
        if let first, controls > 10, controls * 20 > sample.count {
            at = first
        } else if let nul = firstNUL(file.bytes) {
            at = nul
        } else {
            return nil
        }
        let bytecode = file.bytes.starts(with: Array("DNVM".utf8))
        return .error(
            bytecode ? Messages.bytecodeNotSource : Messages.binaryFile, at: SourceRange.point(file, at),
            hint: bytecode ? Messages.bytecodeNotSourceHint : Messages.binaryFileHint)
    }

    /// The offset of the first NUL byte of `bytes`: `memchr` where the C library has it (the scan covers every
    /// byte of every file compiled, at a fraction of a loop's instructions per byte).
    private static func firstNUL(_ bytes: [UInt8]) -> Int? {
        #if canImport(Glibc)
            bytes.withUnsafeBytes { buffer -> Int? in
                guard let base = buffer.baseAddress, let found = memchr(base, 0, buffer.count) else { return nil }
                return base.distance(to: UnsafeRawPointer(found))
            }
        #else
            bytes.firstIndex(of: 0)
        #endif
    }

    /// Parses one expression filling the whole file (the REPL, tests, tools); its nodes are in the tree.
    public static func parseExpression(_ file: SourceFile) -> (Expr, SyntaxTree, [Diagnostic]) {
        var parser = Parser(lexed: Lexer.tokenize(file))
        let expr = parser.parseExpression()
        if !parser.panicking, parser.current.kind != .endOfFile {
            parser.errorAtCurrent(Messages.expected("end of input", after: parser.previousDescription))
        }
        if parser.checkSize() {
            var empty = SyntaxBuilder(segment: 0)
            let failed = empty.add(.point(file, 0), ExprKind.error)
            return (failed, SyntaxTree(segments: [empty.segment]), parser.diagnostics.diagnostics)
        }
        return (expr, parser.tree, parser.diagnostics.diagnostics)
    }

    /// Parses REPL-style input: declarations and statements mixed, in order (`interface T { ... }` then
    /// `let t = T(a)`). A line that starts a declaration is parsed as one; anything else as a statement.
    public static func parseInteractive(_ file: SourceFile) -> ([InteractiveItem], SyntaxTree, [Diagnostic]) {
        var parser = Parser(lexed: Lexer.tokenize(file))
        var items: [InteractiveItem] = []
        while parser.current.kind != .endOfFile, !parser.diagnostics.isSaturated {
            let start = parser.position
            if parser.isDeclarationStart {
                if let decl = parser.parseDeclaration() { items.append(.declaration(decl)) }
            } else if parser.current.kind == .rightBrace {
                parser.error(Messages.unexpectedCloseBrace, at: parser.range(parser.current))
                parser.advance()
            } else if let statement = parser.parseStatement() {
                items.append(.statement(statement))
            }
            if parser.panicking {
                parser.synchronizeStatement()
            } else if parser.current.kind != .endOfFile, !parser.current.isAtLineStart {
                parser.errorAtCurrent(Messages.consecutiveStatements, hint: parser.callWithoutParenthesesHint)
                parser.synchronizeStatement()
            }
            parser.skipLineIfStuck(since: start)
        }
        if parser.checkSize() { return ([], SyntaxTree(), parser.diagnostics.diagnostics) }
        return (items, parser.tree, parser.diagnostics.diagnostics)
    }

    /// Whether REPL input is unfinished and the next line should be appended before parsing: a `(`, `[`
    /// or `{` is still open, or the last token is an operator or separator that needs a right-hand side.
    public static func isIncompleteInput(_ file: SourceFile) -> Bool {
        let tokens = Lexer.tokenize(file).tokens
        var open = 0
        for token in tokens {
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace: open += 1
            case .rightParen, .rightBracket, .rightBrace: open -= 1
            default: break
            }
        }
        if open > 0 { return true }
        guard tokens.count >= 2 else { return false }
        switch tokens[tokens.count - 2].kind {
        case .plus, .minus, .star, .slash, .percent, .bang, .equal, .plusEqual, .minusEqual, .starEqual,
             .slashEqual, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .ampAmp, .pipePipe,
             .comma, .dot, .dotDot, .arrow, .colon:
            return true
        default:
            return false
        }
    }

    // MARK: - Tokens

    @inline(__always) var current: Token { tokens[position] }

    @inline(__always) var previous: Token { tokens[max(position - 1, 0)] }

    @inline(__always) func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    @discardableResult @inline(__always)
    mutating func advance() -> Token {
        let token = tokens[position]
        if token.kind != .endOfFile { position += 1 }
        return token
    }

    @inline(__always) func check(_ kind: TokenKind) -> Bool { current.kind == kind }

    @inline(__always) mutating func match(_ kind: TokenKind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    func text(_ token: Token) -> String {
        String(decoding: bytes[min(token.start, bytes.count)..<min(token.end, bytes.count)], as: UTF8.self)
    }

    /// The text of a name token (an identifier or keyword), as the lexer decoded it.
    @inline(__always) func name(_ token: Token) -> String {
        let index = Int(token.name)
        return index < names.count ? names[index] : text(token)
    }

    /// The text of a name token in the tree: the lexer's decoded name, kept once per file.
    @inline(__always) mutating func nameText(_ token: Token) -> TextRef {
        Int(token.name) < names.count ? syntax.text(name: token.name) : syntax.text(text(token))
    }

    /// The digits of a number token in the tree, as `digits` gives them.
    @inline(__always) mutating func digitsText(_ token: Token) -> TextRef {
        Int(token.name) < names.count ? syntax.text(name: token.name) : syntax.text(digits(token))
    }

    /// The digits of a number token without `_` (`LiteralDecoder.digits`), as the lexer decoded them.
    @inline(__always) func digits(_ token: Token) -> String {
        let index = Int(token.name)
        return index < names.count ? names[index] : LiteralDecoder.digits(bytes, token)
    }

    /// How many items the bracketed list whose opening token is at `open` holds, at most (its top-level commas
    /// plus one; 0 when it is empty), looking no further than 64 tokens ahead; 0 when its close is not within
    /// them. The parser reserves that many, so a list's array is allocated once instead of grown from empty.
    func itemCount(ofListAt open: Int) -> Int {
        var depth = 0, commas = 0, i = open + 1
        let limit = min(tokens.count, open + 65)
        while i < limit {
            switch tokens[i].kind {
            case .leftParen, .leftBracket, .leftBrace:
                depth += 1
            case .rightParen, .rightBracket, .rightBrace:
                if depth == 0 { return i == open + 1 ? 0 : commas + 1 }
                depth -= 1
            case .comma where depth == 0:
                commas += 1
            case .endOfFile:
                return 0
            default:
                break
            }
            i += 1
        }
        return 0
    }

    /// Whether `token`'s text is `word`, compared byte by byte (no `String` made for the test).
    func token(_ token: Token, is word: StaticString) -> Bool {
        guard token.start >= 0, token.end <= bytes.count, token.end - token.start == word.utf8CodeUnitCount else {
            return false
        }
        return word.withUTF8Buffer { utf8 in
            var i = token.start
            for byte in utf8 {
                if bytes[i] != byte { return false }
                i += 1
            }
            return true
        }
    }

    @inline(__always) func range(_ token: Token) -> SourceRange { SourceRange(fileID: fileID, start: token.start, end: token.end) }

    /// From `start` to the end of the last consumed token.
    @inline(__always) func range(from start: Int) -> SourceRange {
        SourceRange(fileID: fileID, start: start, end: max(start, position > 0 ? previous.end : start))
    }

    @inline(__always) mutating func makeID() -> NodeID {
        nextID += 1
        return NodeID(nextID)
    }

    /// A new expression node.
    @inline(__always) mutating func node(_ range: SourceRange, _ kind: ExprKind) -> Expr { syntax.add(range, kind) }

    /// A new statement node.
    @inline(__always) mutating func node(_ range: SourceRange, _ kind: StmtKind) -> Stmt { syntax.add(range, kind) }

    /// Reports a file with more nodes than a tree holds (2^26 expressions, say: hundreds of megabytes of source);
    /// true then, and the caller returns no nodes.
    mutating func checkSize() -> Bool {
        guard syntax.overflowed else { return false }
        diagnostics.error(Messages.fileTooLarge, at: .point(file, 0), hint: Messages.fileTooLargeHint)
        return true
    }

    /// `'text'` of a token for messages, shortened; "end of file" at the end.
    func describe(_ token: Token) -> String { Parser.describe(token, in: bytes) }

    /// `describe` for a token of `bytes`; "start of file" for no token.
    static func describe(_ token: Token?, in bytes: [UInt8]) -> String {
        guard let token else { return "start of file" }
        switch token.kind {
        case .endOfFile: return "end of file"
        case .string: return "string literal"
        default:
            let text = String(decoding: bytes[min(token.start, bytes.count)..<min(token.end, bytes.count)], as: UTF8.self)
            return "'" + (text.count > 24 ? String(text.prefix(24)) + "..." : text) + "'"
        }
    }

    /// The previous token for "expected X after Y" messages.
    var previousDescription: String { Parser.describe(position == 0 ? nil : previous, in: bytes) }

    // MARK: - Errors

    /// Reports an error unless already panicking, then enters panic mode.
    mutating func error(_ message: String, at range: SourceRange, hint: String? = nil,
                        labels: [DiagnosticLabel] = []) {
        guard !panicking else { return }
        panicking = true
        // Error tokens were reported by the lexer; a second message about them only adds noise.
        if current.kind == .error, range.start == current.start { return }
        diagnostics.report(Diagnostic(severity: .error, message: message, range: range, labels: labels, hint: hint))
    }

    /// Reports an error that does not disturb parsing (no panic mode).
    mutating func softError(_ message: String, at range: SourceRange, hint: String? = nil) {
        guard !panicking else { return }
        diagnostics.error(message, at: range, hint: hint)
    }

    /// Reports an error about the current token; when that token starts a new line (or is the end of
    /// the file), the error points just after the previous token instead, where something is missing.
    /// For `name value` on one line (`deploy Payout()`): a hint that a call's arguments go in parentheses.
    var callWithoutParenthesesHint: String? {
        // `h.f{value: 10}()`, as in Solidity: tokens go with a call another way.
        if position > 0, previous.kind == .identifier, current.kind == .leftBrace, peek(1).kind == .identifier,
            bytes[peek(1).start..<peek(1).end].elementsEqual("value".utf8), peek(2).kind == .colon
        {
            return "a call takes no '{value: …}': in a test, 'with_value(10, h.f(…))' sends tokens with a call; "
                + "a contract sends them with 'transfer(to, amount)'"
        }
        guard position > 0, previous.kind == .identifier,
            [.identifier, .integer, .string, .address].contains(current.kind)
        else { return nil }
        let name = String(decoding: bytes[previous.start..<previous.end], as: UTF8.self)
        return "to call '\(name)', put its arguments in parentheses: '\(name)(...)'"
    }

    mutating func errorAtCurrent(_ message: String, hint: String? = nil, labels: [DiagnosticLabel] = []) {
        error(message, at: missingTokenRange, hint: hint, labels: labels)
    }

    var missingTokenRange: SourceRange {
        if position > 0, current.isAtLineStart || current.kind == .endOfFile {
            return .point(file, previous.end)
        }
        return range(current)
    }

    /// Consumes `kind` or reports `message`.
    @discardableResult
    mutating func expect(_ kind: TokenKind, _ message: @autoclosure () -> String) -> Bool {
        if match(kind) { return true }
        errorAtCurrent(message())
        return false
    }

    /// Consumes the closing `close` of `open`, or reports "expected ')' to close '(' at line N".
    mutating func expectClosing(_ close: TokenKind, opening open: Token) {
        if match(close) { return }
        let line = file.lineColumn(of: open.start).line
        let label = DiagnosticLabel(range: range(open), message: Messages.unclosedLabel(open.kind.spelling))
        errorAtCurrent(Messages.expectedClosing(close.spelling, open.kind.spelling, line: line), labels: [label])
    }

    /// Consumes a name (identifier or contextual keyword) or reports. With `sameLine`, a name at the
    /// start of the next line does not count: it belongs to the next statement or declaration.
    mutating func expectName(_ message: @autoclosure () -> String, sameLine: Bool = false) -> Identifier? {
        guard current.kind.isName, !(sameLine && current.isAtLineStart && position > 0) else {
            errorAtCurrent(message())
            return nil
        }
        let token = advance()
        return Identifier(name: name(token), range: range(token))
    }

    // MARK: - Nesting

    /// Enters one nesting level; false (after reporting) when the limit is reached.
    @inline(__always)
    mutating func enterNesting() -> Bool {
        depth += 1
        if depth > Parser.maxDepth {
            error(Messages.nestingTooDeep, at: range(current), hint: Messages.nestingTooDeepHint)
            return false
        }
        return true
    }

    @inline(__always) mutating func leaveNesting() { depth -= 1 }

    // MARK: - Recovery

    /// Skips to where a statement may start: a token at the start of a line, a `}` closing the current
    /// block, or the end of the file. Braces opened while skipping are skipped with their contents.
    mutating func synchronizeStatement() {
        panicking = false
        var braces = 0
        while current.kind != .endOfFile {
            switch current.kind {
            case .rightBrace:
                if braces == 0 { return }
                braces -= 1
            case .leftBrace:
                braces += 1
            default:
                if braces == 0, current.isAtLineStart { return }
                if current.isAtLineStart, isDeclarationStart { return }
            }
            advance()
        }
    }

    /// After an error that consumed nothing, skips the offending token and the rest of its line, so each
    /// error costs at least one token and a broken line is reported once.
    mutating func skipLineIfStuck(since start: Int) {
        guard position == start else { return }
        advance()
        if !current.isAtLineStart, current.kind != .rightBrace { synchronizeStatement() }
    }

    /// Skips to the next line that starts a declaration, or the end of the file.
    mutating func synchronizeDeclaration() {
        panicking = false
        while current.kind != .endOfFile {
            if current.isAtLineStart, isDeclarationStart { return }
            advance()
        }
    }

    /// Whether the current token starts a declaration (contextual keywords only with a plausible next token).
    var isDeclarationStart: Bool {
        let next = peek(1).kind
        switch current.kind {
        case .kwFn: return true
        case .kwContract, .kwLibrary, .kwConst, .kwState, .kwEvent, .kwStruct, .kwInterface: return next.isName
        case .kwUse: return next.isName || next == .string
        case .kwInit, .kwMigrate: return (next == .leftParen || next == .leftBrace) && !peek(1).isAtLineStart
        case .kwPub, .kwView: return next == .kwFn || next == .kwView || next == .kwPub
        case .kwTest: return next == .string
        case .identifier: return isScenarioStart
        default: return false
        }
    }

    /// `scenario "…"`: the contextual keyword that starts a scenario block in a test file.
    var isScenarioStart: Bool {
        current.kind == .identifier && peek(1).kind == .string && token(current, is: "scenario")
    }
}
