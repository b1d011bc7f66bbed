// Collects the diagnostics of one compilation, in the order they were reported.

/// A collector of diagnostics. After `errorLimit` errors it records one "too many errors" error and
/// drops the rest, so garbage input cannot produce unbounded output.
public struct DiagnosticEngine: Sendable {
    /// Everything reported so far, in report order.
    public private(set) var diagnostics: [Diagnostic] = []
    /// The number of errors reported (counting dropped ones).
    public private(set) var errorCount = 0
    /// The number of errors kept before the rest are dropped.
    public let errorLimit: Int

    /// Creates an empty engine.
    public init(errorLimit: Int = 200) {
        self.errorLimit = max(1, errorLimit)
    }

    /// True once any error was reported.
    public var hasErrors: Bool { errorCount > 0 }

    /// True once the error limit was reached; callers may stop early.
    public var isSaturated: Bool { errorCount >= errorLimit }

    /// Records a diagnostic.
    public mutating func report(_ diagnostic: Diagnostic) {
        guard diagnostic.severity == .error else {
            if !isSaturated { diagnostics.append(diagnostic) }
            return
        }
        errorCount += 1
        if errorCount < errorLimit {
            diagnostics.append(diagnostic)
        } else if errorCount == errorLimit {
            diagnostics.append(.error("too many errors; stopping here", at: diagnostic.range))
        }
    }

    /// Records an error.
    public mutating func error(_ message: String, at range: SourceRange, hint: String? = nil) {
        report(.error(message, at: range, hint: hint))
    }

    /// Records a warning.
    public mutating func warning(_ message: String, at range: SourceRange, hint: String? = nil) {
        report(.warning(message, at: range, hint: hint))
    }

    /// Records every diagnostic of another engine, in order.
    public mutating func append(contentsOf other: [Diagnostic]) {
        for diagnostic in other { report(diagnostic) }
    }

    /// The diagnostics sorted by file path, then position, then report order (stable).
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { lhs, rhs in
            let l = lhs.element.range
            let r = rhs.element.range
            if l.fileID != r.fileID {
                let (a, b) = (l.file.path, r.file.path)
                if a != b { return a < b }
            }
            if l.start != r.start { return l.start < r.start }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
