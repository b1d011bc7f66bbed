// Parsing on several threads. The file is lexed once; the token list is cut before top-level function
// declarations (a `fn`, `pub` or `view` token at the start of a line, outside any bracket), and each run of
// declarations is parsed by a parser of its own, the first on the calling thread. The runs' declarations,
// concatenated, are the file's. When anything is reported (by the lexer or by any run's parser), or a later run
// holds a header, the whole file is parsed again on one thread, so diagnostics are always a one-thread parse's.
//
// The syntax tree differs from a one-thread parse's in one respect only: node ids are unique and increase in
// source order, but are not dense (a run's ids start at four times the index of its first token; a run that
// made more ids than that leaves room for is refused, and the file parsed on one thread). `nodeCount` is then
// one more than the largest id. The compiler does not read node ids; tools that key side tables by them use
// `Parser.parse`, which is always the one-thread parse.
import Diagnostics

extension Parser {
    /// Below this many tokens an automatic compile parses on one thread.
    static let automaticMinimumTokens = 20_000

    /// `parseText` with the declarations parsed on up to `threads` threads (0: automatic, as for function
    /// bodies, `CompileThreads`); also returns the number of runs parsed (1 when on one thread).
    static func parseText(_ file: SourceFile, threads requested: Int) -> (SourceFileAST, [Diagnostic], runs: Int) {
        let lexed = Lexer.tokenize(file)
        let threads = CompileThreads.count(
            requested: requested, isLarge: lexed.tokens.count >= automaticMinimumTokens, units: lexed.tokens.count)
        if threads > 1, lexed.diagnostics.isEmpty, let (ast, runs) = parseRuns(lexed, threads: threads) {
            return (ast, [], runs)
        }
        let (ast, diagnostics) = parse(lexed)
        return (ast, diagnostics, 1)
    }

    /// Node ids a run may make per token of the run.
    private static let idsPerToken = 4

    /// A parser for `tokens[range]` alone: the run ends with an end-of-file token where the next run starts.
    private init(file: SourceFile, tokens all: [Token], range: Range<Int>) {
        self.file = file
        fileID = file.id
        bytes = file.bytes
        var tokens = Array(all[range])
        if tokens.last?.kind != .endOfFile {
            let next = all[range.upperBound].start
            tokens.append(Token(kind: .endOfFile, start: next, end: next, isAtLineStart: true))
        }
        self.tokens = tokens
        nextID = range.lowerBound * Parser.idsPerToken
    }

    /// One run's results.
    private struct Run: Sendable {
        var ast: SourceFileAST
        var clean: Bool
        var lastID: Int
    }

    /// The declarations of `lexed` parsed in up to `threads` runs, or nil when the file cannot be cut or any
    /// run was refused (then it is parsed on one thread).
    private static func parseRuns(_ lexed: LexedFile, threads: Int) -> (SourceFileAST, Int)? {
        let cuts = declarationCuts(lexed.tokens, parts: threads)
        guard !cuts.isEmpty else { return nil }
        let bounds = [0] + cuts + [lexed.tokens.count]
        let ranges = (0..<bounds.count - 1).map { bounds[$0]..<bounds[$0 + 1] }
        let file = lexed.file
        let tokens = lexed.tokens
        let parse: @Sendable (Int) -> Run = { i in
            var parser = Parser(file: file, tokens: tokens, range: ranges[i])
            let ast = parser.parseFile(comments: [])
            return Run(ast: ast, clean: parser.diagnostics.diagnostics.isEmpty, lastID: parser.nextID)
        }
        // The first run on this thread, the others on workers.
        let workers = WorkerThreads.start(1..<ranges.count, parse)
        let first = parse(0)
        var runs = workers.wait()
        runs[0] = first
        var declarations: [Decl] = []
        for (i, run) in runs.enumerated() {
            guard let run, run.clean, run.lastID < (i + 1 < ranges.count ? ranges[i + 1].lowerBound * idsPerToken : .max)
            else { return nil }
            if i > 0 {
                guard case .tests = run.ast.kind, run.ast.headerRange == nil else { return nil }
            }
            declarations += run.ast.declarations
        }
        guard let head = runs.first??.ast, let last = runs.last ?? nil else { return nil }
        let ast = SourceFileAST(
            file: file, kind: head.kind, headerRange: head.headerRange, declarations: declarations,
            comments: lexed.comments, nodeCount: last.lastID + 1)
        return (ast, ranges.count)
    }

    /// Token indices to cut `tokens` at into about `parts` runs of similar length: each is a top-level function
    /// declaration's first token (`fn`, `pub` or `view` at the start of a line, outside brackets). Ascending,
    /// never 0; empty when there is no such place.
    static func declarationCuts(_ tokens: [Token], parts: Int) -> [Int] {
        guard parts > 1 else { return [] }
        var cuts: [Int] = []
        var depth = 0
        var part = 1
        var target = tokens.count * part / parts
        for (i, token) in tokens.enumerated() {
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace: depth -= 1
            case .kwFn, .kwPub, .kwView:
                guard i >= target, i > 0, depth == 0, token.isAtLineStart, cuts.last != i else { continue }
                cuts.append(i)
                part += 1
                guard part < parts else { return cuts }
                target = tokens.count * part / parts
            default: break
            }
        }
        return cuts
    }
}

