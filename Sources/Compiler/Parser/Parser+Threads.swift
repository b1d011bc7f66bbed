// Lexing and parsing on several threads. The file's bytes are cut at the starts of lines that begin a
// top-level function (`pub fn `, `view fn ` or `fn ` in the first column), and each run of lines is lexed and
// parsed by a lexer and parser of its own, the first on the calling thread. The runs' declarations and comments,
// concatenated, are the file's. When anything is reported (by any run's lexer or parser), a run's last token runs
// past its end, or a later run holds a header, the whole file is lexed and parsed again on one thread, so the
// diagnostics are always a one-thread parse's. (A cut inside a declaration leaves a bracket open at the end of
// its run, which the parser reports; no token spans a line break.)
//
// Each run's parser stores its expressions and statements in a segment of its own, numbered by the run, so the
// runs' segments together are the file's `SyntaxTree` as they are, with no renumbering. The tree differs from a
// one-thread parse's in two respects only: the nodes are stored in several segments, and the ids of declarations,
// parameters and types are unique and increase in source order, but are not dense (a run's ids start at four times
// the byte offset of its start; a run that made more ids than that leaves room for is refused, and the file parsed
// on one thread). `nodeCount` is then one more than the largest id. The compiler does not read node ids; tools
// that key side tables by them use `Parser.parse`, which is always the one-thread parse.
import Diagnostics

extension Parser {
    /// Below this many bytes an automatic compile parses on one thread.
    static let automaticMinimumBytes = 100_000

    /// `parseText` with the file lexed and parsed in runs on up to `threads` threads (0: automatic, as for
    /// function bodies, `CompileThreads`); also returns how many runs (one when on one thread).
    static func parseText(_ file: SourceFile, threads requested: Int) -> (SourceFileAST, [Diagnostic], runs: Int) {
        let threads = CompileThreads.count(
            requested: requested, isLarge: file.bytes.count >= automaticMinimumBytes, units: file.bytes.count)
        if threads > 1, let (ast, runs) = parseRuns(file, threads: threads) {
            return (ast, [], runs)
        }
        let (ast, diagnostics) = parseText(file)
        return (ast, diagnostics, 1)
    }

    /// Node ids a run may make per byte of the run.
    private static let idsPerByte = 4

    /// One run's results.
    private struct Run: Sendable {
        var ast: SourceFileAST
        var comments: [SourceRange]
        var clean: Bool
        var lastID: Int
    }

    /// `file` lexed and parsed in up to `threads` runs, or nil when it cannot be cut or any run was refused.
    private static func parseRuns(_ file: SourceFile, threads: Int) -> (SourceFileAST, runs: Int)? {
        let cuts = functionLineCuts(file.bytes, parts: threads)
        // Each run fills a segment of the tree, numbered in the top bits of its nodes' indices.
        guard !cuts.isEmpty, cuts.count < SyntaxTree.maxSegments else { return nil }
        let bounds = [0] + cuts + [file.bytes.count]
        let ranges = (0..<bounds.count - 1).map { bounds[$0]..<bounds[$0 + 1] }
        let parse: @Sendable (Int) -> Run = { i in
            let range = ranges[i]
            let lexed = Lexer.tokenize(file, from: range.lowerBound, to: range.upperBound)
            var parser = Parser(lexed: lexed, segment: i)
            parser.nextID = range.lowerBound * idsPerByte
            let ast = parser.parseFile(comments: [])
            let last = lexed.tokens.count > 1 ? lexed.tokens[lexed.tokens.count - 2].end : range.lowerBound
            return Run(
                ast: ast, comments: lexed.comments,
                clean: parser.diagnostics.diagnostics.isEmpty && last <= range.upperBound, lastID: parser.nextID)
        }
        // The first run on this thread, the others on workers.
        let workers = WorkerThreads.start(1..<ranges.count, parse)
        let first = parse(0)
        var runs = workers.wait()
        runs[0] = first
        var declarations: [Decl] = []
        var segments: [SyntaxSegment] = []
        var comments: [SourceRange] = []
        for (i, run) in runs.enumerated() {
            let limit = i + 1 < ranges.count ? ranges[i + 1].lowerBound * idsPerByte : Int.max
            guard let run, run.clean, run.lastID < limit else { return nil }
            if i > 0 {
                guard case .tests = run.ast.kind, run.ast.headerRange == nil else { return nil }
            }
            declarations += run.ast.declarations
            segments.append(run.ast.tree.segments[0])
            comments += run.comments
        }
        guard let head = runs.first ?? nil, let last = runs.last ?? nil else { return nil }
        let ast = SourceFileAST(
            file: file, kind: head.ast.kind, headerRange: head.ast.headerRange, declarations: declarations,
            tree: SyntaxTree(segments: segments), comments: comments, nodeCount: last.lastID + 1)
        return (ast, ranges.count)
    }

    /// Byte offsets to cut `bytes` at into about `parts` runs of similar length: each the start of a line that
    /// begins with `pub fn `, `view fn ` or `fn `, the first at or after each `k * count / parts`. Ascending, never 0;
    /// empty when there is no such line.
    static func functionLineCuts(_ bytes: [UInt8], parts: Int) -> [Int] {
        guard parts > 1 else { return [] }
        var cuts: [Int] = []
        for part in 1..<parts {
            // From the line break before the target, or after the last cut.
            var i = max(bytes.count * part / parts - 1, (cuts.last ?? 0) + 1)
            while i < bytes.count {
                guard bytes[i] == UInt8(ascii: "\n") else {
                    i += 1
                    continue
                }
                let line = i + 1
                if startsFunction(bytes, at: line) {
                    cuts.append(line)
                    break
                }
                i = line
            }
            guard i < bytes.count else { break }
        }
        return cuts.filter { $0 > 0 && $0 < bytes.count }
    }

    private static func startsFunction(_ bytes: [UInt8], at i: Int) -> Bool {
        func has(_ word: StaticString, at i: Int) -> Bool {
            word.withUTF8Buffer { utf8 in
                guard i + utf8.count <= bytes.count else { return false }
                for (k, byte) in utf8.enumerated() where bytes[i + k] != byte { return false }
                return true
            }
        }
        return has("fn ", at: i) || has("pub fn ", at: i) || has("view fn ", at: i)
    }
}
