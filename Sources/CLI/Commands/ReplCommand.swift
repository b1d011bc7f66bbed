import Foundation
import Tooling

#if canImport(Glibc)
import Glibc
#endif

/// `datanet repl`: expressions, statements and declarations run as compiled code on an in-memory chain.
enum ReplCommand {
    static let command = Command(
        name: "repl",
        summary: "an interactive session: expressions, fns, contracts and payout formulas on an in-memory chain",
        usage: "datanet repl [--history FILE] [--no-history]",
        examples: [
            "datanet repl",
            "printf 'let pool = 1000\\npool * 3 / 7\\n' | datanet repl",
            "datanet repl --history .datanet_history",
        ],
        spec: .init(valued: ["--history"], switches: ["--no-history"])
    ) { args, console in
        guard args.positional.isEmpty else { return usage(console, "repl takes no file; use ':load FILE' inside it") }
        let session: ReplSession
        do {
            session = try ReplSession(stdlibDirectory: SourceCompilation.stdlibDirectory(), colored: console.color)
        } catch {
            console.error("cannot start the session's chain: \(error)")
            return ExitCode.failure
        }
        let reader: LineReader
        if isatty(0) == 1 && isatty(1) == 1 {
            var historyFile: String?
            if !args.switches.contains("--no-history") {
                historyFile = args.flags["--history"]
                    ?? ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.datanet_history" }
            }
            let editor = TerminalLineEditor(input: 0, output: 1, historyFile: historyFile)
            editor.completions = { session.completions($0) }
            reader = editor
            console.out("datanet \(DatanetCLI.version) repl: ':help' lists the commands, ':quit' or Ctrl-D leaves")
        } else {
            reader = PlainLineReader(fd: 0)
        }
        return run(session, reader: reader, console: console)
    }

    static let prompt = "> "
    static let continuation = "... "

    /// Reads inputs until `:quit` or the end; multi-line while brackets are open. A piped session echoes each
    /// line after its prompt, so its output reads as a transcript.
    static func run(_ session: ReplSession, reader: LineReader, console: Console) -> Int32 {
        var buffer: [String] = []
        while true {
            let prompt = buffer.isEmpty ? Self.prompt : Self.continuation
            switch reader.read(prompt: prompt) {
            case .end:
                if !buffer.isEmpty {
                    console.error("the input ended inside an unfinished entry")
                    return ExitCode.failure
                }
                return ExitCode.ok
            case .interrupted:
                buffer = []
            case .line(let line):
                if !reader.isInteractive { console.out(prompt + line) }
                buffer.append(line)
                let text = buffer.joined(separator: "\n")
                if ReplSession.isIncomplete(text) { continue }
                buffer = []
                reader.remember(text)
                let (lines, quit) = session.submit(text)
                for line in lines {
                    if line.isError { console.err(line.text) } else { console.out(line.text) }
                }
                if quit { return ExitCode.ok }
            }
        }
    }
}
