// The synthetic contract a REPL input or a piece of test code compiles into, assembled from pieces of the
// inputs (declarations, the statements of the current input or test) and generated glue. Every piece remembers
// where its text came from, so the compiler's diagnostics and the VM's trap positions can be put back into the
// text the user wrote. Shared by `ReplSession` and `TestSession` (SyntheticCode.swift holds the rest).
import Bytecode
import Diagnostics

/// Source text built from pieces, each either copied from an input or generated.
struct SyntheticSource {
    /// Where a piece of the synthetic text came from: `file` at byte `start`.
    struct Origin {
        var file: SourceFile
        var start: Int
    }

    private struct Piece {
        var range: Range<Int>
        var origin: Origin?
    }

    /// The path of the REPL's synthetic file (never shown when every position maps back to an input).
    static let replPath = "<repl session>"

    /// The path the synthetic file is compiled under: `use "relative.dn"` resolves from its directory.
    let path: String

    init(path: String = SyntheticSource.replPath) {
        self.path = path
    }

    private(set) var bytes: [UInt8] = []
    private var pieces: [Piece] = []

    /// Appends generated text.
    mutating func glue(_ text: String) {
        append(Array(text.utf8), origin: nil)
    }

    /// Appends bytes `range` of `file`, remembering where they came from.
    mutating func copy(_ file: SourceFile, _ range: Range<Int>) {
        let lower = max(0, min(range.lowerBound, file.bytes.count))
        let upper = max(lower, min(range.upperBound, file.bytes.count))
        append(Array(file.bytes[lower..<upper]), origin: Origin(file: file, start: lower))
    }

    /// Appends bytes already prepared (e.g. with declarations blanked out) that stand for `file` from `start`.
    mutating func copy(_ bytes: [UInt8], standingFor file: SourceFile, at start: Int) {
        append(bytes, origin: Origin(file: file, start: start))
    }

    private mutating func append(_ text: [UInt8], origin: Origin?) {
        guard !text.isEmpty else { return }
        pieces.append(Piece(range: bytes.count..<(bytes.count + text.count), origin: origin))
        bytes += text
    }

    /// The file to compile.
    func file() -> SourceFile { SourceFile(path: path, bytes: bytes) }

    /// Where byte `offset` of the synthetic text came from (nil for generated text). An offset at the very end of
    /// a copied piece still maps to it, so that "expected X after Y" points just after the input.
    func origin(of offset: Int) -> (file: SourceFile, offset: Int)? {
        for piece in pieces where piece.range.contains(offset) || piece.range.upperBound == offset {
            guard let origin = piece.origin else { continue }
            return (origin.file, origin.start + offset - piece.range.lowerBound)
        }
        return nil
    }

    /// Like `origin(of:)`, but generated text leading into copied text on the same line (`return ` before the
    /// input's final expression) counts as the start of that text: the code it stands for belongs to the input.
    func originOrNext(of offset: Int) -> (file: SourceFile, offset: Int)? {
        if let found = origin(of: offset) { return found }
        guard let next = pieces.first(where: { $0.range.lowerBound > offset && $0.origin != nil }),
            let origin = next.origin,
            !bytes[min(offset, bytes.count)..<min(next.range.lowerBound, bytes.count)].contains(UInt8(ascii: "\n"))
        else { return nil }
        return (origin.file, origin.start)
    }

    /// `range` of the synthetic file as a range of the input it came from, or nil for generated text.
    func map(_ range: SourceRange) -> SourceRange? {
        guard let start = origin(of: range.start) else { return nil }
        let end = origin(of: range.end).flatMap { $0.file === start.file && $0.offset >= start.offset ? $0 : nil }
        return SourceRange(file: start.file, start: start.offset, end: end?.offset ?? start.offset)
    }

    /// `diagnostic` with every range put back into the inputs; nil when its main range is in generated text.
    func map(_ diagnostic: Diagnostic) -> Diagnostic? {
        guard let range = map(diagnostic.range) else { return nil }
        let labels = diagnostic.labels.compactMap { label in
            map(label.range).map { DiagnosticLabel(range: $0, message: label.message) }
        }
        let fixIt = diagnostic.fixIt.flatMap { fix in
            map(fix.range).map { FixIt(range: $0, replacement: fix.replacement) }
        }
        return Diagnostic(
            severity: diagnostic.severity, message: diagnostic.message, range: range, labels: labels,
            notes: diagnostic.notes, hint: diagnostic.hint, fixIt: fixIt)
    }

    /// A trap position of the synthetic file (`file:line:col`) as a place in the input it came from.
    func location(_ text: String) -> (file: SourceFile, offset: Int)? {
        guard text.hasPrefix(path + ":") else { return nil }
        let parts = text.dropFirst(path.count + 1).split(separator: ":")
        guard parts.count == 2, let line = Int(parts[0]), let column = Int(parts[1]) else { return nil }
        return location(line: line, column: column)
    }

    func location(line: Int, column: Int) -> (file: SourceFile, offset: Int)? {
        file().offset(line: line, column: column).flatMap(originOrNext)
    }
}
