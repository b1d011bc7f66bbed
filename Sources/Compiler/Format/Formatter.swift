// `datanet fmt`: the canonical layout of a `.dn` file.
//
// The formatter works on tokens and keeps every line break between tokens where it was (line breaks end
// statements, so they carry meaning), with one exception: `else` on the line after a `}` joins that line.
// Per line it sets the indentation (4 spaces per open bracket; a line continuing an expression one more),
// the spaces between tokens, and the place of a trailing comment; between lines it keeps at most one blank
// line and none just inside brackets. Comments are kept byte for byte. Before returning, the result is
// lexed again and must give the same tokens, the same line starts and the same comments, so a formatter
// bug can only ever refuse a file, never change its meaning. Docs/cli.md, "datanet fmt", gives the style.
import Diagnostics

/// What formatting one file produced.
public struct FormatResult: Sendable {
    /// The formatted file; nil when it was refused (it has syntax errors).
    public var bytes: [UInt8]?
    /// The syntax errors (and warnings) that made the formatter refuse the file.
    public var diagnostics: [Diagnostic]
    /// True when the formatted bytes differ from the input.
    public var changed: Bool

    /// The formatted file as text.
    public var text: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
}

/// Formats `.dn` source canonically.
public enum Formatter {
    /// Spaces per indentation level.
    public static let indentWidth = 4

    /// Formats `file`. A file with lexical or syntax errors is refused: the result has no bytes and carries
    /// the diagnostics (type errors do not matter; only the syntax must be valid).
    public static func format(_ file: SourceFile) -> FormatResult {
        let lexed = Lexer.tokenize(file)
        var parser = Parser(lexed: lexed)
        let ast = parser.parseFile(comments: lexed.comments)
        let diagnostics = parser.diagnostics.sorted
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return FormatResult(bytes: nil, diagnostics: diagnostics, changed: false)
        }
        var layout = LineLayout(lexed: lexed, layout: FormatLayout(ast))
        let output = layout.render()
        if let problem = sameTokens(lexed, output) {
            let message = "internal formatter error: the result would differ from the input (\(problem)); "
                + "the file is left as it is"
            return FormatResult(bytes: nil, diagnostics: [.error(message, at: .point(file, 0))], changed: false)
        }
        return FormatResult(bytes: output, diagnostics: [], changed: output != file.bytes)
    }

    /// Nil when `output` lexes to the same tokens, line starts (but for a joined `else`) and comments as
    /// `original`; otherwise what differs first.
    static func sameTokens(_ original: LexedFile, _ output: [UInt8]) -> String? {
        let again = Lexer.tokenize(SourceFile(path: original.file.path, bytes: output))
        guard again.diagnostics.isEmpty else { return "new lexical errors" }
        guard again.tokens.count == original.tokens.count else { return "a different number of tokens" }
        for (a, b) in zip(original.tokens, again.tokens) {
            guard a.kind == b.kind, original.file.bytes[a.start..<a.end] == output[b.start..<b.end] else {
                return "token at \(original.file.lineColumn(of: a.start))"
            }
            guard a.isAtLineStart == b.isAtLineStart || a.kind == .kwElse else {
                return "line break at \(original.file.lineColumn(of: a.start))"
            }
        }
        guard again.comments.count == original.comments.count else { return "a different number of comments" }
        for (a, b) in zip(original.comments, again.comments) {
            guard LineLayout.trimmed(original.file.bytes[a.start..<a.end]) == LineLayout.trimmed(output[b.start..<b.end])
            else { return "comment at \(a.startLineColumn)" }
        }
        return nil
    }
}

/// One line of the input: its tokens and the comment that ends it, as positions in the original file.
private struct SourceLine {
    /// Indices into the token array.
    var tokens: [Int] = []
    /// A `//` comment ending the line (the whole line when there are no tokens).
    var comment: Range<Int>?
    /// Blank lines before this one in the input.
    var blanksBefore = 0
    /// A trailing comment's column minus its line's indentation, in the input (Unicode scalars).
    var commentOffset = 0
}

/// Lays out the lines of one lexed, syntactically valid file.
struct LineLayout {
    let bytes: [UInt8]
    let tokens: [Token]
    let comments: [SourceRange]
    let blockStarts: Set<Int>
    /// Per token: a `<` or `>` bracketing a type's arguments.
    let typeAngle: [Bool]

    init(lexed: LexedFile, layout: FormatLayout) {
        bytes = lexed.file.bytes
        tokens = lexed.tokens
        comments = lexed.comments
        blockStarts = layout.blockStarts
        typeAngle = LineLayout.typeAngles(tokens, layout.typeRanges)
    }

    /// Marks the `<` and `>` tokens that fall inside a written type.
    private static func typeAngles(_ tokens: [Token], _ ranges: [Range<Int>]) -> [Bool] {
        var merged: [Range<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return tokens.map { token in
            guard token.kind == .less || token.kind == .greater else { return false }
            var low = 0, high = merged.count
            while low < high {  // the first range that ends after the token starts
                let mid = (low + high) / 2
                if merged[mid].upperBound <= token.start { low = mid + 1 } else { high = mid }
            }
            return low < merged.count && merged[low].contains(token.start)
        }
    }

    // MARK: - Lines

    /// Groups tokens and comments into the input's lines, joining `else` to a `}` on the line before.
    private func lines() -> [SourceLine] {
        var lines: [SourceLine] = []
        var previousEnd = 0
        var commentIndex = 0
        var tokenIndex = 0
        let tokenCount = tokens.count - 1  // without the end of file
        var physicalIndent = 0
        while tokenIndex < tokenCount || commentIndex < comments.count {
            let isComment = commentIndex < comments.count
                && (tokenIndex >= tokenCount || comments[commentIndex].start < tokens[tokenIndex].start)
            let start = isComment ? comments[commentIndex].start : tokens[tokenIndex].start
            let end = isComment ? comments[commentIndex].end : tokens[tokenIndex].end
            var breaks = 0
            var lineStart = previousEnd
            for offset in previousEnd..<max(previousEnd, start) where bytes[offset] == UInt8(ascii: "\n") {
                breaks += 1
                lineStart = offset + 1
            }
            if lines.isEmpty || breaks > 0 {
                physicalIndent = LineLayout.scalars(bytes[lineStart..<start])
                // `}` newline `else`: the `else` joins the `}`'s line.
                let joinsElse = !isComment && tokens[tokenIndex].kind == .kwElse && breaks == 1
                    && endsWithBrace(lines.last)
                if !joinsElse { lines.append(SourceLine(blanksBefore: max(0, breaks - 1))) }
            }
            if isComment {
                lines[lines.count - 1].comment = start..<end
                let column = LineLayout.scalars(bytes[LineLayout.lineStart(bytes, before: start)..<start])
                lines[lines.count - 1].commentOffset = column - physicalIndent
                commentIndex += 1
            } else {
                lines[lines.count - 1].tokens.append(tokenIndex)
                tokenIndex += 1
            }
            previousEnd = end
        }
        return lines
    }

    /// A line of code ending with `}` and no comment.
    private func endsWithBrace(_ line: SourceLine?) -> Bool {
        guard let line, line.comment == nil, let last = line.tokens.last else { return false }
        return tokens[last].kind == .rightBrace
    }

    /// The offset of the first byte of the line holding `offset`.
    static func lineStart(_ bytes: [UInt8], before offset: Int) -> Int {
        var i = offset
        while i > 0, bytes[i - 1] != UInt8(ascii: "\n") { i -= 1 }
        return i
    }

    /// Unicode scalars in UTF-8 bytes (an invalid byte counts as one).
    static func scalars<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// Bytes without trailing spaces and tabs.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") {
            end -= 1
        }
        return bytes[bytes.startIndex..<end]
    }

    // MARK: - Indentation

    /// The indentation level of every line.
    private func indents(_ lines: [SourceLine]) -> [Int] {
        var result = [Int](repeating: 0, count: lines.count)
        // Each open bracket with the level its contents are indented from: the line it opened on, or for a
        // block, the first line of the statement whose body it is.
        var open: [(kind: TokenKind, level: Int)] = []
        var statementLevel = 0
        var previousToken: Int?
        for (i, line) in lines.enumerated() {
            guard let firstIndex = line.tokens.first else { continue }
            let first = tokens[firstIndex].kind
            var level: Int
            if LineLayout.isCloser(first), let top = open.last {
                level = top.level
                statementLevel = level
            } else {
                level = open.last.map { $0.level + 1 } ?? 0
                // Inside `(` or `[` the bracket alone indents; a line directly in a block (or at the top) either
                // continues the statement before it or starts one.
                let inBlock = open.last.map { $0.kind == .leftBrace } ?? true
                if inBlock {
                    if let previousToken, continues(after: previousToken, with: firstIndex) {
                        level += 1
                    } else {
                        statementLevel = level
                    }
                }
            }
            result[i] = level
            for t in line.tokens {
                switch tokens[t].kind {
                case .leftParen, .leftBracket: open.append((tokens[t].kind, level))
                case .leftBrace: open.append((.leftBrace, blockStarts.contains(tokens[t].start) ? statementLevel : level))
                case .rightParen, .rightBracket, .rightBrace: if !open.isEmpty { open.removeLast() }
                default: break
                }
            }
            previousToken = line.tokens.last
        }
        // A comment line takes the level of the code after it, one deeper when that code closes a bracket.
        var next = 0
        for i in lines.indices.reversed() {
            if let first = lines[i].tokens.first {
                next = result[i] + (LineLayout.isCloser(tokens[first].kind) ? 1 : 0)
            } else {
                result[i] = next
            }
        }
        return result
    }

    static func isCloser(_ kind: TokenKind) -> Bool {
        kind == .rightParen || kind == .rightBracket || kind == .rightBrace
    }

    static func isOpener(_ kind: TokenKind) -> Bool {
        kind == .leftParen || kind == .leftBracket || kind == .leftBrace
    }

    /// Whether the line starting with token `next` continues the expression that token `previous` ended.
    private func continues(after previous: Int, with next: Int) -> Bool {
        let p = tokens[previous].kind, n = tokens[next].kind
        if isInfix(next) {
            // `-` starts a new statement after one that cannot take an operand (`}`, `break`...).
            return n != .minus || (LineLayout.isOperandEnd(p) && p != .rightBrace)
        }
        return isInfix(previous) || p == .colon || p == .bang || p == .kwIn || (p == .minus && isUnary(previous))
    }

    /// Binary operators, assignments, `.`, `..` and `->`: tokens between two operands.
    private func isInfix(_ index: Int) -> Bool {
        switch tokens[index].kind {
        case .plus, .star, .slash, .percent, .equalEqual, .bangEqual, .lessEqual, .greaterEqual, .ampAmp,
             .pipePipe, .dot, .dotDot, .arrow, .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual:
            return true
        case .less, .greater: return !typeAngle[index]
        case .minus: return !isUnary(index)
        default: return false
        }
    }

    // MARK: - Spacing

    /// Tokens that can end an operand: after them `-` is binary and `(`/`[` call or index.
    static func isOperandEnd(_ kind: TokenKind) -> Bool {
        switch kind {
        case .identifier, .integer, .decimal, .string, .address, .hash, .kwTrue, .kwFalse, .rightParen,
             .rightBracket, .rightBrace:
            return true
        default:
            return kind.isContextualKeyword
        }
    }

    private func isUnary(_ index: Int) -> Bool {
        switch tokens[index].kind {
        case .bang: return true
        case .minus: return index == 0 || !LineLayout.isOperandEnd(tokens[index - 1].kind)
        default: return false
        }
    }

    /// Whether one space separates tokens `a` and `b` (adjacent, on one line).
    private func spaced(_ a: Int, _ b: Int) -> Bool {
        let left = tokens[a].kind, right = tokens[b].kind
        if typeAngle[b] || (typeAngle[a] && left == .less) { return false }
        switch right {
        case .comma, .colon, .dot, .dotDot, .rightParen, .rightBracket: return false
        default: break
        }
        switch left {
        case .leftParen, .leftBracket, .dot, .dotDot: return false
        default: break
        }
        if isUnary(a) { return false }
        if right == .leftParen { return !(LineLayout.isOperandEnd(left) || left == .kwAs) }
        if right == .leftBracket { return !LineLayout.isOperandEnd(left) }
        return true
    }

    // MARK: - Output

    /// The formatted file.
    mutating func render() -> [UInt8] {
        let lines = lines()
        let levels = indents(lines)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for (i, line) in lines.enumerated() {
            if i > 0 {
                let afterOpener = lines[i - 1].tokens.last.map { LineLayout.isOpener(tokens[$0].kind) } ?? false
                let beforeCloser = line.tokens.first.map { LineLayout.isCloser(tokens[$0].kind) } ?? false
                if line.blanksBefore > 0, !afterOpener, !beforeCloser { out.append(UInt8(ascii: "\n")) }
            }
            let indent = levels[i] * Formatter.indentWidth
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
            var column = indent
            for (k, t) in line.tokens.enumerated() {
                if k > 0, spaced(line.tokens[k - 1], t) {
                    out.append(UInt8(ascii: " "))
                    column += 1
                }
                let text = bytes[tokens[t].start..<tokens[t].end]
                out.append(contentsOf: text)
                column += LineLayout.scalars(text)
            }
            if let comment = line.comment {
                if !line.tokens.isEmpty {
                    // Keep the comment's column (moved with the line's indentation) when the code leaves room.
                    let wanted = max(column + 1, indent + line.commentOffset)
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: wanted - column))
                }
                out.append(contentsOf: LineLayout.trimmed(bytes[comment]))
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}
