// A span of a source file, as byte offsets.

/// A half-open byte range `start..<end` of one source file. Empty ranges mark a point (a missing token).
///
/// The file is held by its id, not by reference: a range is three plain numbers, so the AST's nodes copy
/// without reference counting. `file` finds the file while it lives; whoever keeps ranges keeps their file
/// (`SourceFileAST` holds its file, `Diagnostic` the files its ranges point into). Inlinable: the compiler's
/// hot paths build and read ranges across the module boundary.
public struct SourceRange: Hashable, Sendable {
    /// The identity of the file the range belongs to.
    public let fileID: SourceFileID
    @usableFromInline let lower: UInt32
    @usableFromInline let upper: UInt32

    /// Creates a range; `end` below `start` is raised to `start`. Offsets are clamped to 0...UInt32.max.
    @inlinable
    public init(file: SourceFile, start: Int, end: Int) {
        self.init(fileID: file.id, start: start, end: end)
    }

    /// Creates a range of the file with identity `fileID`; `end` below `start` is raised to `start`.
    @inlinable
    public init(fileID: SourceFileID, start: Int, end: Int) {
        self.fileID = fileID
        lower = UInt32(clamping: start)
        upper = max(lower, UInt32(clamping: end))
    }

    /// The empty range at `offset`.
    @inlinable
    public static func point(_ file: SourceFile, _ offset: Int) -> SourceRange {
        SourceRange(fileID: file.id, start: offset, end: offset)
    }

    /// The empty range at `offset` of the file with identity `fileID`.
    @inlinable
    public static func point(_ fileID: SourceFileID, _ offset: Int) -> SourceRange {
        SourceRange(fileID: fileID, start: offset, end: offset)
    }

    /// The file the range belongs to (an empty `<unknown>` file if it no longer exists).
    public var file: SourceFile { SourceFile.live(fileID) }

    /// The first byte of the range.
    @inlinable
    public var start: Int { Int(lower) }

    /// One past the last byte of the range.
    @inlinable
    public var end: Int { Int(upper) }

    /// The number of bytes covered.
    @inlinable
    public var length: Int { Int(upper - lower) }

    /// The smallest range covering both (both must be in the same file; otherwise `self`).
    @inlinable
    public func union(_ other: SourceRange) -> SourceRange {
        guard other.fileID == fileID else { return self }
        return SourceRange(fileID: fileID, start: Int(min(lower, other.lower)), end: Int(max(upper, other.upper)))
    }

    /// The range from the start of `self` to the end of `other`.
    @inlinable
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
