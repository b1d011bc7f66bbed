// One message from the compiler: what went wrong, where, and what might fix it.

/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Comparable {
    case error
    case warning
    case note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary range with its own short message, e.g. the `{` an expected `}` should close.
public struct DiagnosticLabel: Hashable, Sendable {
    /// The range the label points at.
    public let range: SourceRange
    /// What the label says about that range (lowercase, no final period).
    public let message: String

    /// Creates a label.
    public init(range: SourceRange, message: String) {
        self.range = range
        self.message = message
    }
}

/// A suggested edit: replace `range` with `replacement`.
public struct FixIt: Hashable, Sendable {
    /// The range to replace (empty to insert).
    public let range: SourceRange
    /// The new text.
    public let replacement: String

    /// Creates a fix-it.
    public init(range: SourceRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
}

/// A compiler diagnostic. Messages are lowercase, without a final period, with names in quotes.
public struct Diagnostic: Hashable, Sendable {
    /// Error, warning or note.
    public var severity: Severity
    /// The one-line message.
    public var message: String
    /// The exact span the diagnostic is about.
    public var range: SourceRange { didSet { holdFiles() } }
    /// Other spans that explain it.
    public var labels: [DiagnosticLabel] { didSet { holdFiles() } }
    /// Extra lines printed as `note: ...` after the snippet.
    public var notes: [String]
    /// A suggestion printed as `hint: ...`.
    public var hint: String?
    /// A machine-applicable edit.
    public var fixIt: FixIt? { didSet { holdFiles() } }
    /// The files the ranges point into, kept alive for rendering (a range holds only its file's id).
    private var hold = SourceFileHold()

    /// Creates a diagnostic.
    public init(
        severity: Severity, message: String, range: SourceRange, labels: [DiagnosticLabel] = [],
        notes: [String] = [], hint: String? = nil, fixIt: FixIt? = nil
    ) {
        self.severity = severity
        self.message = message
        self.range = range
        self.labels = labels
        self.notes = notes
        self.hint = hint
        self.fixIt = fixIt
        holdFiles()
    }

    private mutating func holdFiles() {
        var ids = [range.fileID]
        for label in labels where !ids.contains(label.range.fileID) { ids.append(label.range.fileID) }
        if let fix = fixIt?.range.fileID, !ids.contains(fix) { ids.append(fix) }
        hold = SourceFileHold(files: ids.map(SourceFile.live))
    }

    /// An error diagnostic.
    public static func error(_ message: String, at range: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .error, message: message, range: range, hint: hint)
    }

    /// A warning diagnostic.
    public static func warning(_ message: String, at range: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .warning, message: message, range: range, hint: hint)
    }

    /// `path:line:col: severity: message`, the first line of the rendering.
    public var headline: String {
        "\(range.file.path):\(range.startLineColumn): \(severity.rawValue): \(message)"
    }
}

/// Strong references that keep source files alive; equal to every other hold, so it takes no part in comparing
/// or hashing what holds it.
struct SourceFileHold: Hashable, Sendable {
    var files: [SourceFile] = []

    static func == (lhs: SourceFileHold, rhs: SourceFileHold) -> Bool { true }

    func hash(into hasher: inout Hasher) {}
}
