// A span of a source file, as byte offsets.

/// A half-open byte range `start..<end` of one source file. Empty ranges mark a point (a missing token).
public struct SourceRange: Hashable, Sendable {
    /// The file the range belongs to.
    public let file: SourceFile
    /// The first byte of the range.
    public let start: Int
    /// One past the last byte of the range.
    public let end: Int

    /// Creates a range; `end` below `start` is raised to `start`.
    public init(file: SourceFile, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The empty range at `offset`.
    public static func point(_ file: SourceFile, _ offset: Int) -> SourceRange {
        SourceRange(file: file, start: offset, end: offset)
    }

    /// The number of bytes covered.
    public var length: Int { end - start }

    /// The smallest range covering both (both must be in the same file; otherwise `self`).
    public func union(_ other: SourceRange) -> SourceRange {
        guard other.file === file else { return self }
        return SourceRange(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    /// The range from the start of `self` to the end of `other`.
    public func through(_ other: SourceRange) -> SourceRange { union(other) }

    /// The 1-based line and column of the start.
    public var startLineColumn: LineColumn { file.lineColumn(of: start) }

    /// The 1-based line and column of the end.
    public var endLineColumn: LineColumn { file.lineColumn(of: end) }

    /// The source text covered.
    public var text: String { file.text(start..<end) }
}

extension SourceRange: CustomStringConvertible {
    /// `path:line:col`.
    public var description: String { "\(file.path):\(startLineColumn)" }
}
