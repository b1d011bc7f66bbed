import Chain
import Crypto
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
        usage: "datanet repl [--chain DIR [--write]] [--history FILE] [--no-history]",
        examples: [
            "datanet repl",
            "printf 'let pool = 1000\\npool * 3 / 7\\n' | datanet repl",
            "datanet repl --history .datanet_history",
            "datanet repl --chain .datanet            # a copy of that chain; nothing is written",
            "datanet repl --chain .datanet --write    # blocks the session keeps are added to it",
        ],
        spec: .init(valued: ["--history", "--chain"], switches: ["--no-history", "--write"])
    ) { args, console in
        guard args.positional.isEmpty else { return usage(console, "repl takes no file; use ':load FILE' inside it") }
        let session: ReplSession
        do {
            if let dir = args.flags["--chain"] {
                session = try chainSession(dir, write: args.switches.contains("--write"), console: console)
            } else {
                if args.switches.contains("--write") { return usage(console, "--write needs --chain DIR") }
                session = try ReplSession(stdlibDirectory: SourceCompilation.stdlibDirectory(), colored: console.color)
            }
        } catch let failure as CLIFailure {
            console.error(failure.message)
            return ExitCode.failure
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

    /// A session on an in-memory copy of the chain in `dir`, signing with its keystore's keys; with `write`, the
    /// blocks the session keeps are applied to the chain on disk too.
    static func chainSession(_ dir: String, write: Bool, console: Console) throws -> ReplSession {
        var arguments = Arguments()
        arguments.flags["--dir"] = dir
        let directory = ChainDirectory(arguments)
        let disk = try directory.open()
        var keys: [String: Ed25519PrivateKey] = [:]
        for key in try directory.keystore().keys { keys[key.name] = key.key }
        let names = keys.keys.sorted()
        let session = try ReplSession(
            stdlibDirectory: SourceCompilation.stdlibDirectory(), colored: console.color, accounts: names,
            chain: { try LocalChain(copying: disk.store, keys: keys) }, writingTo: write ? disk : nil)
        console.note("working on a copy of the chain in '\(dir)' at height \(disk.store.height)"
            + (write ? "; blocks the session keeps are written to it" : "; nothing is written (--write to keep blocks)"))
        return session
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
                // On a terminal, Ctrl-C while an input runs must not end the session: the run is bounded by its
                // gas limit, so the key is ignored until it ends.
                if reader.isInteractive { signal(SIGINT, SIG_IGN) }
                let (lines, quit) = session.submit(text)
                if reader.isInteractive { signal(SIGINT, SIG_DFL) }
                for line in lines {
                    if line.isError { console.err(line.text) } else { console.out(line.text) }
                }
                if quit { return ExitCode.ok }
            }
        }
    }
}
