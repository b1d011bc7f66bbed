import Foundation

/// The `datanet` command: dispatch to subcommands, help and version.
public enum DatanetCLI {
    public static let version = "0.1.0"

    static let commands: [Command] = [
        CompileCommands.build, CompileCommands.check, AsmCommands.asm, AsmCommands.disasm, AsmCommands.verify,
        RunCommand.command, TestCommand.command, ScenarioCommand.command, ReplCommand.command, BenchCommand.command,
        FmtCommand.command, NewCommand.command,
        ChainCommands.command, KeysCommand.command, TransactionCommands.deploy, TransactionCommands.call,
        TransactionCommands.query, TransactionCommands.upgrade, TransactionCommands.transfer,
        GovCommands.command, ExplainCommand.command,
    ]

    /// Runs `datanet` with `args` (without the program name); returns the exit code.
    public static func run(_ args: [String], console: Console) -> Int32 {
        guard let first = args.first else {
            console.out(overview)
            return ExitCode.usage
        }
        switch first {
        case "--version", "-V", "version":
            console.out("datanet \(version)")
            return ExitCode.ok
        case "--help", "-h":
            console.out(overview)
            return ExitCode.ok
        case "help":
            guard args.count > 1 else {
                console.out(overview)
                return ExitCode.ok
            }
            guard let c = commands.first(where: { $0.name == args[1] }) else {
                return unknown(args[1], console)
            }
            console.out(c.help)
            return ExitCode.ok
        default:
            guard let c = commands.first(where: { $0.name == first }) else { return unknown(first, console) }
            let rest = Array(args.dropFirst())
            if rest.contains("--help") || rest.contains("-h") {
                console.out(c.help)
                return ExitCode.ok
            }
            do throws(Arguments.UsageError) {
                return c.body(try Arguments.parse(rest, spec: c.spec), console)
            } catch {
                console.error("\(c.name): \(error.message)")
                console.note("see 'datanet help \(c.name)'")
                return ExitCode.usage
            }
        }
    }

    static func unknown(_ name: String, _ console: Console) -> Int32 {
        console.error("unknown command '\(name)'" + suggestion(name, among: commands.map(\.name)))
        console.note("see 'datanet --help' for the list of commands")
        return ExitCode.usage
    }

    static var overview: String {
        let width = commands.map(\.name.count).max() ?? 0
        var lines = [
            "datanet \(version): a deterministic, gas-metered contract VM and runtime", "",
            "usage: datanet COMMAND [ARGS]", "", "commands:",
        ]
        for c in commands {
            lines.append("  " + c.name + String(repeating: " ", count: width - c.name.count + 2) + c.summary)
        }
        lines += ["", "'datanet help COMMAND' shows a command's options and examples.",
                  "exit codes: 0 ok, 1 error in the input (compile error, trap, failed check), 2 usage error"]
        return lines.joined(separator: "\n")
    }
}

extension CommandLine {
    /// Runs the `datanet` command with the process arguments; returns the exit code.
    public static func runDatanet() -> Int32 {
        DatanetCLI.run(Array(arguments.dropFirst()), console: .standard())
    }
}
