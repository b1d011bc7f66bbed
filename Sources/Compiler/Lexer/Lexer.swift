// Turns the bytes of a source file into tokens. One pass, no backtracking beyond a byte or two;
// every byte of input ends up in exactly one token, comment or stretch of whitespace, so the lexer
// always terminates. Bytes that form no token become `.error` tokens with a diagnostic.
import Diagnostics

/// The tokens of one file, its comments (kept for a formatter) and the lexical diagnostics.
public struct LexedFile: Sendable {
    /// The file that was lexed.
    public let file: SourceFile
    /// The tokens, ending with exactly one `.endOfFile`.
    public let tokens: [Token]
    /// Every `//` comment, from `//` to the end of its line (newline excluded).
    public let comments: [SourceRange]
    /// Lexical errors: invalid bytes, unterminated strings, bad escapes, malformed numbers.
    public let diagnostics: [Diagnostic]
    /// The distinct names and number literals of the file, decoded once each (a number's text without `_`),
    /// indexed by `Token.name`.
    let names: [String]
}

/// The lexer.
public struct Lexer {
    private let file: SourceFile
    /// The file's bytes, for the helpers that take an array (cold paths: messages, invalid bytes).
    private let source: [UInt8]
    /// The same bytes, read by the hot loops. Valid while `tokenize` runs; every read is below `bytes.count`.
    private let bytes: UnsafeBufferPointer<UInt8>
    /// `ByteClass.table`.
    private let classes: UnsafePointer<UInt8>
    /// Where lexing stops: no token starts at or after it (the file's end, or a run's, `tokenize(_:from:to:)`).
    private let end: Int
    private var index = 0
    private var atLineStart = true
    private var tokens: TokenBuffer
    private var comments: [SourceRange] = []
    private var diagnostics = DiagnosticEngine()
    private var names = NameTable()

    private init(file: SourceFile, bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0, to end: Int? = nil) {
        self.file = file
        self.source = file.bytes
        self.bytes = bytes
        self.classes = ByteClass.table
        self.end = min(end ?? bytes.count, bytes.count)
        index = min(max(0, start), self.end)
        // About one token per three bytes of code; the buffer grows if there are more.
        tokens = TokenBuffer(capacity: (self.end - index) / 3 + 16)
    }

    /// Lexes a whole file.
    public static func tokenize(_ file: SourceFile) -> LexedFile {
        tokenize(file, from: 0, to: nil)
    }

    /// Lexes the tokens of `file` that start in `start..<end`, `start` being the start of a line; the end-of-file
    /// token is at `end`. A token may run past `end` (the caller checks; no token spans a line break).
    static func tokenize(_ file: SourceFile, from start: Int, to end: Int?) -> LexedFile {
        file.bytes.withUnsafeBufferPointer { bytes in
            var lexer = Lexer(file: file, bytes: bytes, from: start, to: end)
            lexer.run()
            return LexedFile(file: file, tokens: lexer.tokens.finish(), comments: lexer.comments,
                             diagnostics: lexer.diagnostics.diagnostics, names: lexer.names.names)
        }
    }

    // MARK: - Main loop

    private mutating func run() {
        while true {
            skipWhitespaceAndComments()
            guard index < end else { break }
            let start = index
            let (kind, name) = scanToken()
            if index <= start { index = start + 1 }  // never stall, whatever scanToken did
            tokens.append(Token(kind: kind, lower: Lexer.offset(start), upper: Lexer.offset(index),
                                isAtLineStart: atLineStart, name: name))
            atLineStart = false
        }
        let last = Lexer.offset(end)
        tokens.append(Token(kind: .endOfFile, lower: last, upper: last, isAtLineStart: true, name: Token.noName))
    }

    /// A byte offset as a token stores it, clamped to `UInt32.max` as in `SourceRange`. Offsets here are never
    /// negative: the lexer's index starts at 0 or above and only grows.
    @inline(__always)
    private static func offset(_ offset: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: Swift.min(offset, Int(UInt32.max)))
    }

    private func peek(_ offset: Int = 0) -> UInt8 {
        let position = index + offset
        return position < bytes.count ? bytes[position] : 0
    }

    /// After a `|` where an argument or a value starts: the end of a closure's parameter list (`|x|`,
    /// `|a, b: Int|`) on the same line, or nil when what follows is not one.
    private func closureParametersEnd(from start: Int) -> Int? {
        var i = start, sawName = false
        while i < bytes.count, i - start < 120 {
            let b = bytes[i]
            if b == UInt8(ascii: "|") { return sawName ? i + 1 : nil }
            if Lexer.isIdentifierStart(b) || Lexer.isDigit(b) {
                sawName = true
            } else if !(b == UInt8(ascii: " ") || b == UInt8(ascii: ",") || b == UInt8(ascii: ":")
                || b == UInt8(ascii: "<") || b == UInt8(ascii: ">"))
            {
                return nil
            }
            i += 1
        }
        return nil
    }

    private func range(_ start: Int, _ end: Int) -> SourceRange { SourceRange(file: file, start: start, end: end) }

    private mutating func skipWhitespaceAndComments() {
        var i = index
        let count = bytes.count
        while i < count {
            // Most whitespace is spaces (indentation, single spaces): skipped by a loop of their own.
            while bytes[i] == UInt8(ascii: " ") {
                i += 1
                guard i < count else {
                    index = i
                    return
                }
            }
            switch bytes[i] {
            case UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
            case UInt8(ascii: "\n"):
                i += 1
                atLineStart = true
            case UInt8(ascii: "/") where i + 1 < count && bytes[i + 1] == UInt8(ascii: "/"):
                let start = i
                while i < count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                var end = i
                if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                comments.append(range(start, end))
            default:
                index = i
                return
            }
        }
        index = i
    }

    // MARK: - Tokens

    /// Scans the token at `index` (not whitespace): its kind, and for names and numbers their `Token.name`.
    private mutating func scanToken() -> (TokenKind, UInt32) {
        let byte = bytes[index]
        let byteClass = classes[Int(byte)]
        if byteClass & ByteClass.identifierStart != 0 { return scanIdentifier() }
        if byteClass & ByteClass.digit != 0 { return scanNumber() }
        return (scanPunctuation(byte), Token.noName)
    }

    @inline(__always)
    private mutating func scanPunctuation(_ byte: UInt8) -> TokenKind {
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return scanString(start: index - 1)
        case UInt8(ascii: "@"): return scanAddress(start: index - 1)
        case UInt8(ascii: "#"): return scanHash(start: index - 1)
        case UInt8(ascii: "("): return .leftParen
        case UInt8(ascii: ")"): return .rightParen
        case UInt8(ascii: "{"): return .leftBrace
        case UInt8(ascii: "}"): return .rightBrace
        case UInt8(ascii: "["): return .leftBracket
        case UInt8(ascii: "]"): return .rightBracket
        case UInt8(ascii: ","): return .comma
        case UInt8(ascii: ":"): return .colon
        case UInt8(ascii: "."): return match(UInt8(ascii: "."), .dotDot, else: .dot)
        case UInt8(ascii: "+"): return match(UInt8(ascii: "="), .plusEqual, else: .plus)
        case UInt8(ascii: "-"):
            if peek() == UInt8(ascii: ">") { index += 1; return .arrow }
            return match(UInt8(ascii: "="), .minusEqual, else: .minus)
        case UInt8(ascii: "*"): return match(UInt8(ascii: "="), .starEqual, else: .star)
        case UInt8(ascii: "/"): return match(UInt8(ascii: "="), .slashEqual, else: .slash)
        case UInt8(ascii: "%"): return .percent
        case UInt8(ascii: "!"): return match(UInt8(ascii: "="), .bangEqual, else: .bang)
        case UInt8(ascii: "="): return match(UInt8(ascii: "="), .equalEqual, else: .equal)
        case UInt8(ascii: "<"): return match(UInt8(ascii: "="), .lessEqual, else: .less)
        case UInt8(ascii: ">"): return match(UInt8(ascii: "="), .greaterEqual, else: .greater)
        case UInt8(ascii: "&"):
            if peek() == UInt8(ascii: "&") { index += 1; return .ampAmp }
            diagnostics.error(Messages.singleOperator("&", "&&"), at: range(index - 1, index))
            return .error
        case UInt8(ascii: "|"):
            if peek() == UInt8(ascii: "|") { index += 1; return .pipePipe }
            if let last = tokens.lastKind, last == .leftParen || last == .comma || last == .equal,
                let end = closureParametersEnd(from: index)
            {
                diagnostics.error(Messages.closure, at: range(index - 1, end), hint: Messages.closureHint)
                index = end
                return .error
            }
            diagnostics.error(Messages.singleOperator("|", "||"), at: range(index - 1, index))
            return .error
        default:
            index -= 1
            return scanInvalid()
        }
    }

    private mutating func match(_ next: UInt8, _ kind: TokenKind, else other: TokenKind) -> TokenKind {
        if peek() == next {
            index += 1
            return kind
        }
        return other
    }

    /// A name or keyword: the keywords are in the table of names from the start, so one lookup tells them apart
    /// and gives a name its index.
    private mutating func scanIdentifier() -> (TokenKind, UInt32) {
        let start = index
        var i = index + 1  // the first byte starts a name
        let count = bytes.count
        while i < count, classes[Int(bytes[i])] & ByteClass.identifierContinue != 0 { i += 1 }
        index = i
        return names.intern(bytes, start: start, end: i, kind: .identifier)
    }

    /// A run of bytes that start no token: one error token and one diagnostic for the whole run.
    private mutating func scanInvalid() -> TokenKind {
        let start = index
        let message = Messages.invalidCharacter(source, at: start)
        while index < bytes.count {
            let length = UTF8Scan.scalarLength(source, at: index)
            index += length
            guard index < bytes.count, !Lexer.startsToken(bytes[index]) else { break }
            if bytes[start] == UInt8(ascii: ";") { break }
        }
        var diagnostic = Diagnostic.error(message.text, at: range(start, index), hint: message.hint)
        if bytes[start] == UInt8(ascii: ";") {
            diagnostic.fixIt = FixIt(range: range(start, index), replacement: "")
        }
        diagnostics.report(diagnostic)
        return .error
    }

    // MARK: - Numbers

    /// An integer or decimal literal; a valid one gets the index of its digits (without `_`) among the names.
    private mutating func scanNumber() -> (TokenKind, UInt32) {
        let start = index
        let count = bytes.count
        var i = index
        while i < count, classes[Int(bytes[i])] & ByteClass.digitOrUnderscore != 0 { i += 1 }
        var kind = TokenKind.integer
        var fractionDigits = 0
        if i + 1 < count, bytes[i] == UInt8(ascii: "."), Lexer.isDigit(bytes[i + 1]) {
            kind = .decimal
            i += 1
            while i < count, classes[Int(bytes[i])] & ByteClass.digitOrUnderscore != 0 {
                if bytes[i] != UInt8(ascii: "_") { fractionDigits += 1 }
                i += 1
            }
        }
        index = i
        if index < count, Lexer.isIdentifierContinue(bytes[index]) {
            while index < count, Lexer.isIdentifierContinue(bytes[index]) { index += 1 }
            diagnostics.error(Messages.malformedNumber(file.text(start..<index)), at: range(start, index),
                              hint: Messages.malformedNumberHint)
            return (.error, Token.noName)
        }
        if fractionDigits > 18 {
            diagnostics.error(Messages.tooManyFractionDigits, at: range(start, index))
            return (.error, Token.noName)
        }
        return names.intern(bytes, start: start, end: index, kind: kind)
    }

    // MARK: - Strings

    private mutating func scanString(start: Int) -> TokenKind {
        var valid = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return valid ? .string : .error
            case UInt8(ascii: "\n"):
                return unterminatedString(start)
            case UInt8(ascii: "\\"):
                valid = scanEscape() && valid
            case 0x00..<0x20 where byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\r"), 0x7F:
                diagnostics.error(Messages.controlCharacterInString, at: range(index, index + 1))
                valid = false
                index += 1
            case 0x80...:
                let length = UTF8Scan.scalarLength(source, at: index)
                if length == 1 {
                    diagnostics.error(Messages.invalidUTF8InString(byte), at: range(index, index + 1))
                    valid = false
                }
                index += length
            default:
                index += 1
            }
        }
        return unterminatedString(start)
    }

    private mutating func unterminatedString(_ start: Int) -> TokenKind {
        var end = index
        if end > start, end <= bytes.count, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        diagnostics.error(Messages.unterminatedString, at: range(start, end), hint: Messages.unterminatedStringHint)
        return .error
    }

    /// Scans one escape at `index` (the backslash); reports and returns false if it is invalid.
    private mutating func scanEscape() -> Bool {
        let start = index
        index += 1
        guard index < bytes.count, bytes[index] != UInt8(ascii: "\n") else {
            diagnostics.error(Messages.invalidEscape("\\"), at: range(start, index))
            return false
        }
        let byte = bytes[index]
        switch byte {
        case UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "0"),
             UInt8(ascii: "\\"), UInt8(ascii: "\""):
            index += 1
            return true
        case UInt8(ascii: "u"):
            index += 1
            guard peek() == UInt8(ascii: "{") else {
                diagnostics.error(Messages.invalidUnicodeEscape, at: range(start, index))
                return false
            }
            index += 1
            var value: UInt32 = 0
            var digits = 0
            while index < bytes.count, let digit = Lexer.hexValue(bytes[index]), digits < 8 {
                value = value &* 16 &+ UInt32(digit)
                digits += 1
                index += 1
            }
            guard digits >= 1, digits <= 6, peek() == UInt8(ascii: "}") else {
                diagnostics.error(Messages.invalidUnicodeEscape, at: range(start, index))
                return false
            }
            index += 1
            guard Unicode.Scalar(value) != nil else {
                diagnostics.error(Messages.invalidUnicodeScalar, at: range(start, index))
                return false
            }
            return true
        default:
            let length = UTF8Scan.scalarLength(source, at: index)
            index += length
            diagnostics.error(Messages.invalidEscape(file.text(start..<index)), at: range(start, index),
                              hint: Messages.validEscapesHint)
            return false
        }
    }

    // MARK: - Addresses and hashes

    private mutating func scanAddress(start: Int) -> TokenKind {
        if peek() == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") {
            return scanHex(start: start, what: "address")
        }
        guard index < bytes.count, Lexer.isIdentifierStart(bytes[index]) else {
            diagnostics.error(Messages.expectedAfterAt, at: range(start, index))
            return .error
        }
        while index < bytes.count, Lexer.isIdentifierContinue(bytes[index]) { index += 1 }
        return .address
    }

    private mutating func scanHash(start: Int) -> TokenKind {
        guard peek() == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") else {
            diagnostics.error(Messages.expectedAfterHash, at: range(start, index))
            return .error
        }
        return scanHex(start: start, what: "hash")
    }

    /// Scans `0x` and hex digits after `@` or `#`; exactly 64 digits make a valid literal.
    private mutating func scanHex(start: Int, what: String) -> TokenKind {
        index += 2
        var digits = 0
        while index < bytes.count, Lexer.hexValue(bytes[index]) != nil {
            digits += 1
            index += 1
        }
        if index < bytes.count, Lexer.isIdentifierContinue(bytes[index]) {
            while index < bytes.count, Lexer.isIdentifierContinue(bytes[index]) { index += 1 }
            diagnostics.error(Messages.invalidHexLiteral(what), at: range(start, index))
            return .error
        }
        guard digits == 64 else {
            diagnostics.error(Messages.wrongHexLength(what, digits), at: range(start, index))
            return .error
        }
        return what == "address" ? .address : .hash
    }

    // MARK: - Character classes

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isIdentifierContinue(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether a byte ends a run of invalid bytes: whitespace or something that starts a real token.
    static func startsToken(_ byte: UInt8) -> Bool {
        if isIdentifierContinue(byte) { return true }
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"),
             UInt8(ascii: "\""), UInt8(ascii: "@"), UInt8(ascii: "#"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","),
             UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"),
             UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "!"), UInt8(ascii: "="), UInt8(ascii: "<"),
             UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: ";"):
            return true
        default:
            return false
        }
    }
}
