// A source file held as UTF-8 bytes. Positions are byte offsets; line and column are computed when asked
// for, from a table of line starts built with the file (one pass over the bytes, like the lexer's).

/// A 1-based line and column. Columns count Unicode scalars of the line (an invalid UTF-8 byte counts
/// as one), so `é` or `→` advance the column by one and a tab also counts as one column.
public struct LineColumn: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 1-based line number.
    public let line: Int
    /// The 1-based column, in Unicode scalars from the start of the line.
    public let column: Int

    /// Creates a position from a 1-based line and column.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: LineColumn, rhs: LineColumn) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// One source file: its path as given by the caller and its text as UTF-8 bytes (not validated).
///
/// Each file gets a process-unique `id` and is findable by it while it lives (`SourceFile.live(_:)`), so a
/// `SourceRange` holds the id and two offsets instead of a strong reference: copying a range (every AST node
/// holds some) costs no reference counting.
public final class SourceFile: Sendable, Hashable {
    /// The file's identity, unique in the process; what a `SourceRange` holds.
    public let id: SourceFileID
    /// The path used in diagnostics, exactly as the caller gave it.
    public let path: String
    /// The raw bytes of the file.
    public let bytes: [UInt8]
    /// The byte offsets at which each line starts; the first is always 0. A line ends at `\n`
    /// (a `\r` before it belongs to the line's terminator, not its text).
    public let lineStarts: [Int]
    /// True when every byte is ASCII: a column is then a byte difference, with no scalars to count.
    public let isASCII: Bool

    /// Creates a source file from raw bytes.
    public convenience init(path: String, bytes: [UInt8]) {
        self.init(id: SourceFileRegistry.nextID(), path: path, bytes: bytes)
        SourceFileRegistry.add(self)
    }

    /// The registry's stand-in for a file that no longer exists: id 0, empty, never registered.
    convenience init(placeholderPath path: String) {
        self.init(id: SourceFileID(0), path: path, bytes: [])
    }

    private init(id: SourceFileID, path: String, bytes: [UInt8]) {
        self.id = id
        self.path = path
        self.bytes = bytes
        // Built here rather than on first use: the lock around a lazily built table cost more than this
        // scan, as the compiler asks for a line and column for every source-map entry.
        var starts = [0]
        var high: UInt8 = 0
        bytes.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index] == UInt8(ascii: "\n") { starts.append(index + 1) }
            for byte in buffer { high |= byte & 0x80 }
        }
        lineStarts = starts
        isASCII = high == 0
    }

    deinit { SourceFileRegistry.remove(id) }

    /// The live file with identity `id`; a file that no longer exists gives an empty file named `<unknown>`
    /// (whoever keeps a range must keep its file: `Diagnostic` does, the AST's `SourceFileAST` does).
    public static func live(_ id: SourceFileID) -> SourceFile { SourceFileRegistry.file(id) }

    /// Creates a source file from a string (stored as its UTF-8 encoding).
    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    public static func == (lhs: SourceFile, rhs: SourceFile) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    // MARK: - Lines

    /// The number of lines (an empty file has one, empty, line).
    public var lineCount: Int { lineStarts.count }

    /// The 0-based index of the line holding `offset` (clamped to the file).
    public func lineIndex(of offset: Int) -> Int { lineIndex(of: offset, near: -1) }

    /// `lineIndex(of:)`, searching outwards from the 0-based line `near` (steps doubling, then a binary
    /// search between the last two) when it is a line: a few steps when the offset is a few lines away.
    private func lineIndex(of offset: Int, near: Int) -> Int {
        lineStarts.withUnsafeBufferPointer { starts in
            let target = min(max(offset, 0), bytes.count)
            var low = 0
            var high = starts.count - 1
            if near >= 0, near < starts.count {
                var step = 1
                if starts[near] <= target {
                    low = near
                    while low + step < starts.count, starts[low + step] <= target {
                        low += step
                        step *= 2
                    }
                    high = min(low + step, starts.count) - 1
                } else {
                    high = near - 1
                    while high - step >= 0, starts[high - step + 1] > target {
                        high -= step
                        step *= 2
                    }
                    low = max(high - step + 1, 0)
                }
            }
            while low < high {
                let mid = low + (high - low + 1) / 2
                if starts[mid] <= target { low = mid } else { high = mid - 1 }
            }
            return low
        }
    }

    /// The byte range of the text of the 0-based line `index`, without its `\n` or `\r\n`.
    public func lineRange(_ index: Int) -> Range<Int> {
        let starts = lineStarts
        let clamped = min(max(index, 0), starts.count - 1)
        let start = starts[clamped]
        var end = clamped + 1 < starts.count ? starts[clamped + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    /// The byte offset of a 1-based line and column (columns count Unicode scalars, as `lineColumn(of:)` does);
    /// nil when the line is not in the file. A column past the line's end gives the line's end.
    public func offset(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count else { return nil }
        let end = lineRange(line - 1).upperBound
        var offset = lineStarts[line - 1]
        var remaining = column - 1
        while remaining > 0, offset < end {
            offset += UTF8Scan.scalarLength(bytes, at: offset)
            remaining -= 1
        }
        return min(offset, end)
    }

    /// The 1-based line and column of a byte offset (clamped to the file).
    public func lineColumn(of offset: Int) -> LineColumn {
        var hint = -1
        return lineColumn(of: offset, lineHint: &hint)
    }

    /// `lineColumn(of:)` for callers asking about nearby offsets in order (the compiler's source map):
    /// `hint` is the 0-based line of the previous answer, used when `offset` is still on it instead of a
    /// binary search, and updated.
    public func lineColumn(of offset: Int, lineHint hint: inout Int) -> LineColumn {
        let target = min(max(offset, 0), bytes.count)
        let line: Int
        if isOnLine(hint, target) {
            line = hint
        } else if hint >= 0, isOnLine(hint + 1, target) {
            line = hint + 1  // the next line: where in-order callers usually go next
        } else {
            line = lineIndex(of: target, near: hint)
        }
        hint = line
        let start = lineStarts[line]
        let column = isASCII ? target - start : UTF8Scan.scalarCount(bytes, from: start, to: target)
        return LineColumn(line: line + 1, column: column + 1)
    }

    /// `lineColumn(of:lineHint:)` for a `LineCursor`: also returns the 0-based line's byte bounds.
    @usableFromInline
    func lineColumnAndBounds(of offset: Int, lineHint hint: inout Int) -> (LineColumn, start: Int, end: Int) {
        // The line after the hint's in an ASCII file, where the cursor goes next (the compiler's statements are
        // on successive lines): answered here from the line table, the answer `lineColumn(of:lineHint:)` gives.
        let next = hint + 1
        if isASCII, hint >= 0, next < lineStarts.count, offset >= lineStarts[next], offset <= bytes.count {
            let end = next + 1 < lineStarts.count ? lineStarts[next + 1] : bytes.count + 1
            if offset < end {
                hint = next
                return (LineColumn(line: next + 1, column: offset - lineStarts[next] + 1), lineStarts[next], end)
            }
        }
        let position = lineColumn(of: offset, lineHint: &hint)
        let end = hint + 1 < lineStarts.count ? lineStarts[hint + 1] : bytes.count + 1
        return (position, lineStarts[hint], end)
    }

    /// Whether the offset `target` (already clamped to the file) is on the 0-based line `line`.
    private func isOnLine(_ line: Int, _ target: Int) -> Bool {
        line >= 0 && line < lineStarts.count && lineStarts[line] <= target
            && (line + 1 == lineStarts.count || target < lineStarts[line + 1])
    }

    /// The text of a byte range, with invalid UTF-8 replaced by U+FFFD.
    public func text(_ range: Range<Int>) -> String {
        let lower = min(max(range.lowerBound, 0), bytes.count)
        let upper = min(max(range.upperBound, lower), bytes.count)
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}

/// The line and column of offsets in one file asked for mostly in order (the compiler's source map, a
/// position per instruction): remembers the byte bounds of the last line answered, so that in an ASCII file
/// another offset on it costs two comparisons and a subtraction instead of a call into the line table.
public struct LineCursor: Sendable {
    /// The byte offsets where the last line answered starts and where the next starts (one past the end of
    /// the file for the last line); `end` below `start` before the first answer.
    @usableFromInline var start = 0
    @usableFromInline var end = -1
    /// The 0-based index of that line (the hint for the next lookup), -1 before the first answer.
    @usableFromInline var line = -1
    @usableFromInline var ascii = false

    public init() {}

    /// `file.lineColumn(of: offset)`; `file` must be the same file on every call.
    @inlinable @inline(__always)
    public mutating func lineColumn(of offset: Int, in file: SourceFile) -> LineColumn {
        if ascii, offset >= start, offset < end {
            return LineColumn(line: line + 1, column: offset - start + 1)
        }
        let (position, start, end) = file.lineColumnAndBounds(of: offset, lineHint: &line)
        self.start = start
        self.end = end
        ascii = file.isASCII
        return position
    }
}
