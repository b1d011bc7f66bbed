// Renders diagnostics as JSON for editors: one array, keys sorted, no whitespace variation, so the
// same diagnostics always give the same bytes.

/// Deterministic JSON rendering of diagnostics.
public enum DiagnosticJSON {
    /// A JSON array with one object per diagnostic, keys in sorted order:
    /// `end`, `file`, `fixIt`, `hint`, `labels`, `message`, `notes`, `severity`, `start`.
    /// Positions are objects `{"column", "line", "offset"}` (1-based line and column, byte offset).
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        "[" + diagnostics.map(object).joined(separator: ",") + "]"
    }

    private static func object(_ diagnostic: Diagnostic) -> String {
        let fixIt = diagnostic.fixIt.map {
            "{\"end\":\(position($0.range.file, $0.range.end)),\"replacement\":\(string($0.replacement))"
                + ",\"start\":\(position($0.range.file, $0.range.start))}"
        } ?? "null"
        let labels = diagnostic.labels.map {
            "{\"end\":\(position($0.range.file, $0.range.end)),\"file\":\(string($0.range.file.path))"
                + ",\"message\":\(string($0.message)),\"start\":\(position($0.range.file, $0.range.start))}"
        }
        let range = diagnostic.range
        return "{\"end\":\(position(range.file, range.end))"
            + ",\"file\":\(string(range.file.path))"
            + ",\"fixIt\":\(fixIt)"
            + ",\"hint\":\(diagnostic.hint.map(string) ?? "null")"
            + ",\"labels\":[\(labels.joined(separator: ","))]"
            + ",\"message\":\(string(diagnostic.message))"
            + ",\"notes\":[\(diagnostic.notes.map(string).joined(separator: ","))]"
            + ",\"severity\":\(string(diagnostic.severity.rawValue))"
            + ",\"start\":\(position(range.file, range.start))}"
    }

    private static func position(_ file: SourceFile, _ offset: Int) -> String {
        let lineColumn = file.lineColumn(of: offset)
        return "{\"column\":\(lineColumn.column),\"line\":\(lineColumn.line),\"offset\":\(offset)}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest as UTF-8 (also
    /// what the CLI's `--json` output uses).
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
