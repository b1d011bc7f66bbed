// One token: a kind and a byte range, plus whether a line break precedes it.

/// A lexed token. Its text is `file.bytes[start..<end]`; literal values are decoded by `LiteralDecoder`.
public struct Token: Hashable, Sendable {
    /// What the token is.
    public let kind: TokenKind
    /// First byte.
    public let start: Int
    /// One past the last byte.
    public let end: Int
    /// True when a line break (or the start of the file) separates this token from the previous one.
    /// The parser uses it to end statements: the language has no semicolons.
    public let isAtLineStart: Bool

    /// Creates a token.
    public init(kind: TokenKind, start: Int, end: Int, isAtLineStart: Bool) {
        self.kind = kind
        self.start = start
        self.end = end
        self.isAtLineStart = isAtLineStart
    }
}
