// Renders diagnostics for people, in the style of the Swift and Rust compilers:
//
//     path/to/file.dn:12:9: error: expected expression after '+'
//      12 |     x = a +
//         |            ^
//     hint: ...
//
// Tabs are shown as four spaces and invalid UTF-8 or control characters as U+FFFD, so the underline
// always sits under the span; a long line is cut to a window around the span.

/// Turns diagnostics into text for a terminal or a log.
public struct DiagnosticRenderer: Sendable {
    /// Whether to emit ANSI colour codes. The caller decides (a terminal and no `NO_COLOR`).
    public var colored: Bool
    /// Lines longer than this many bytes are shown as a window around the span.
    public var maxLineBytes: Int
    /// Bytes of context kept either side of the span when a line is cut.
    public var contextBytes: Int

    /// Creates a renderer.
    public init(colored: Bool = false, maxLineBytes: Int = 200, contextBytes: Int = 60) {
        self.colored = colored
        self.maxLineBytes = max(16, maxLineBytes)
        self.contextBytes = max(8, contextBytes)
    }

    /// The colour policy: colour only when writing to a terminal and `NO_COLOR` is unset or empty
    /// (https://no-color.org). The caller supplies both facts, so this stays pure and testable.
    public static func shouldColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        return environment["NO_COLOR", default: ""].isEmpty
    }

    // MARK: - Rendering

    /// Renders diagnostics one after another, each ending with a newline.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// Renders one diagnostic with its snippet, labels, notes, hint and fix-it.
    public func render(_ diagnostic: Diagnostic) -> String {
        var out = headline(diagnostic.range, diagnostic.severity, diagnostic.message)
        out += snippet(diagnostic.range, severity: diagnostic.severity)
        for label in diagnostic.labels {
            out += headline(label.range, .note, label.message)
            out += snippet(label.range, severity: .note)
        }
        for note in diagnostic.notes {
            out += paint("note:", Style.note) + " " + note + "\n"
        }
        if let hint = diagnostic.hint {
            out += paint("hint:", Style.hint) + " " + hint + "\n"
        }
        if let fixIt = diagnostic.fixIt {
            let action = if fixIt.range.length == 0 {
                "insert '\(fixIt.replacement)'"
            } else if fixIt.replacement.isEmpty {
                "remove '\(fixIt.range.text)'"
            } else {
                "replace '\(fixIt.range.text)' with '\(fixIt.replacement)'"
            }
            out += paint("fix-it:", Style.hint) + " " + action + "\n"
        }
        return out
    }

    private func headline(_ range: SourceRange, _ severity: Severity, _ message: String) -> String {
        let location = "\(range.file.path):\(range.startLineColumn):"
        let style: String = switch severity {
        case .error: Style.error
        case .warning: Style.warning
        case .note: Style.note
        }
        return paint(location, Style.bold) + " " + paint("\(severity.rawValue):", style) + " "
            + paint(message, Style.bold) + "\n"
    }

    // MARK: - Snippets

    /// The numbered source line holding the start of `range`, and the underline below the span.
    func snippet(_ range: SourceRange, severity: Severity) -> String {
        let file = range.file
        let lineIndex = file.lineIndex(of: range.start)
        let line = file.lineRange(lineIndex)
        let spanStart = min(max(range.start, line.lowerBound), line.upperBound)
        let spanEnd = min(max(range.end, spanStart), line.upperBound)

        var windowStart = line.lowerBound
        var windowEnd = line.upperBound
        if line.count > maxLineBytes {
            windowStart = max(line.lowerBound, spanStart - contextBytes)
            let spanShown = min(spanEnd, spanStart + maxLineBytes)
            windowEnd = min(line.upperBound, spanShown + contextBytes)
            windowStart = scalarBoundary(file.bytes, windowStart, lowest: line.lowerBound)
            windowEnd = scalarBoundary(file.bytes, windowEnd, lowest: windowStart)
        }

        var text = ""
        var column = 0
        var caretStart = -1
        var caretEnd = -1
        if windowStart > line.lowerBound {
            text += "..."
            column += 3
        }
        var index = windowStart
        while index < windowEnd {
            if index >= spanStart && caretStart < 0 { caretStart = column }
            if index >= spanEnd && caretEnd < 0 && caretStart >= 0 { caretEnd = column }
            let length = UTF8Scan.scalarLength(file.bytes, at: index)
            let scalar = UTF8Scan.scalar(file.bytes, at: index)
            switch scalar {
            case .some("\t"):
                text += "    "
                column += 4
            case .some(let s) where s.value >= 0x20 && s.value != 0x7F && !(0x80...0x9F).contains(s.value):
                text.unicodeScalars.append(s)
                column += 1
            default:
                text += "\u{FFFD}"
                column += 1
            }
            index += length
        }
        if caretStart < 0 { caretStart = column }
        if caretEnd < 0 { caretEnd = column }
        if windowEnd < line.upperBound { text += "..." }

        let number = String(lineIndex + 1)
        let gutter = String(repeating: " ", count: number.count)
        let width = max(1, caretEnd - caretStart)
        let marker = "^" + String(repeating: "~", count: width - 1)
        let style: String = switch severity {
        case .error: Style.error
        case .warning: Style.warning
        case .note: Style.note
        }
        return paint(" \(number) |", Style.gutter) + (text.isEmpty ? "" : " " + text) + "\n"
            + paint(" \(gutter) |", Style.gutter) + " " + String(repeating: " ", count: caretStart)
            + paint(marker, style) + "\n"
    }

    /// Moves `offset` back to the start of the scalar it falls in (at most 3 bytes, never below `lowest`).
    private func scalarBoundary(_ bytes: [UInt8], _ offset: Int, lowest: Int) -> Int {
        var result = offset
        var steps = 0
        while result > lowest, result < bytes.count, bytes[result] & 0xC0 == 0x80, steps < 3 {
            result -= 1
            steps += 1
        }
        return result
    }

    // MARK: - Colour

    private enum Style {
        static let bold = "\u{1B}[1m"
        static let error = "\u{1B}[1;31m"
        static let warning = "\u{1B}[1;33m"
        static let note = "\u{1B}[1;36m"
        static let hint = "\u{1B}[1;32m"
        static let gutter = "\u{1B}[1;34m"
        static let reset = "\u{1B}[0m"
    }

    private func paint(_ text: String, _ style: String) -> String {
        colored ? style + text + Style.reset : text
    }
}
