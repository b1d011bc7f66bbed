// One token: a kind and a byte range, plus whether a line break precedes it.

/// A lexed token. Its text is `file.bytes[start..<end]`; literal values are decoded by `LiteralDecoder`.
/// Sixteen bytes: the offsets are stored as `UInt32` (as in `SourceRange`), and a name or number literal
/// carries the index of its decoded text in `LexedFile.names`, so the parser does not decode it again.
public struct Token: Hashable, Sendable {
    /// What the token is.
    public let kind: TokenKind
    /// True when a line break (or the start of the file) separates this token from the previous one.
    /// The parser uses it to end statements: the language has no semicolons.
    public let isAtLineStart: Bool
    @usableFromInline let lower: UInt32
    @usableFromInline let upper: UInt32
    /// For names (identifiers and keywords) and number literals from `Lexer.tokenize`: the index of the
    /// token's text (a number's without `_`) in `LexedFile.names`; `Token.noName` otherwise.
    let name: UInt32

    /// The `name` of a token without one.
    static let noName = UInt32.max

    /// First byte.
    @inlinable public var start: Int { Int(lower) }
    /// One past the last byte.
    @inlinable public var end: Int { Int(upper) }

    /// Creates a token. Offsets are clamped to 0...UInt32.max (as in `SourceRange`).
    public init(kind: TokenKind, start: Int, end: Int, isAtLineStart: Bool) {
        self.init(kind: kind, lower: UInt32(clamping: start), upper: UInt32(clamping: end),
                  isAtLineStart: isAtLineStart, name: Token.noName)
    }

    init(kind: TokenKind, lower: UInt32, upper: UInt32, isAtLineStart: Bool, name: UInt32) {
        self.kind = kind
        self.isAtLineStart = isAtLineStart
        self.lower = lower
        self.upper = upper
        self.name = name
    }
}
