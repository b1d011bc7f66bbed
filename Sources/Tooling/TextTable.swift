// Plain-text tables and grouped numbers: what the payout report, the REPL, `gov`, `bench` and the gas report print.

/// Columns of text padded to a common width.
public enum TextTable {
    /// The widest cell of each column (rows may be ragged; a missing cell is empty).
    public static func widths(_ rows: [[String]]) -> [Int] {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i == widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        return widths
    }

    /// `row` with each cell padded to `widths` (on the left for the columns in `rightAligned`), joined by
    /// `separator`, trailing spaces removed.
    public static func line(
        _ row: [String], widths: [Int], rightAligned: Set<Int> = [], separator: String = "  "
    ) -> String {
        var parts: [String] = []
        for (i, width) in widths.enumerated() {
            let cell = i < row.count ? row[i] : ""
            let pad = String(repeating: " ", count: max(0, width - cell.count))
            parts.append(rightAligned.contains(i) ? pad + cell : cell + pad)
        }
        var text = parts.joined(separator: separator)
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// Every row as a `line`, with the widths of all of them.
    public static func lines(_ rows: [[String]], rightAligned: Set<Int> = [], separator: String = "  ") -> [String] {
        let widths = widths(rows)
        return rows.map { line($0, widths: widths, rightAligned: rightAligned, separator: separator) }
    }

    /// `1234567` as `1,234,567`.
    public static func grouped<T: BinaryInteger>(_ n: T) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }
}
