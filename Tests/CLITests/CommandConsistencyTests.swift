import Foundation
import Testing
@testable import CLI

/// Every subcommand: help with a purpose, usage and examples; unknown options suggest the nearest; the
/// shared options mean the same everywhere.
@Suite struct CommandConsistencyTests {
    @Test func everySubcommandHasHelpBothWays() {
        for c in DatanetCLI.commands {
            let help = datanet("help", c.name)
            #expect(help.status == 0, "\(c.name)")
            #expect(help.out.hasPrefix("\(c.name): \(c.summary)\n"), "\(c.name)")
            #expect(help.out.contains("usage: datanet \(c.name)"), "\(c.name)")
            #expect(help.out.contains("examples:\n  "), "\(c.name)")
            #expect(!c.summary.contains("\n") && !c.summary.isEmpty, "\(c.name): the purpose is one line")
            #expect(datanet(c.name, "--help").out == help.out, "\(c.name)")
            #expect(datanet(c.name, "-h").out == help.out, "\(c.name)")
        }
    }

    @Test func everyOptionOfEveryCommandIsSuggestedWhenMisspelt() {
        for c in DatanetCLI.commands {
            for flag in (c.spec.valued + c.spec.switches) where flag.hasPrefix("--") && flag.count > 4 {
                var typo = Array(flag)
                typo.remove(at: 3)  // --from -> --fom
                let r = datanet([c.name, String(typo)])
                #expect(r.status == 2, "\(c.name) \(String(typo))")
                #expect(r.out.isEmpty)
                #expect(
                    r.err.contains("error: \(c.name): unknown option '\(String(typo))'; did you mean '\(flag)'?"),
                    "\(c.name) \(String(typo)): \(r.err)")
                #expect(r.err.contains("note: see 'datanet help \(c.name)'"))
            }
            let unknown = datanet([c.name, "--no-such-option-at-all"])
            #expect(unknown.status == 2, "\(c.name)")
            #expect(unknown.err.contains("unknown option '--no-such-option-at-all'"), "\(c.name)")
        }
    }

    @Test func theBriefsExampleTypo() {
        let r = datanet("call", "0x00", "f()", "--fo", "alice")
        #expect(r.status == 2)
        #expect(r.err.contains("unknown option '--fo'; did you mean '--from'?"))
    }

    @Test func sharedOptionsAreDeclaredTheSameWayEverywhere() {
        // --json and the other switches never take a value; --dir, --gas-limit and --from always do.
        for c in DatanetCLI.commands {
            #expect(!c.spec.valued.contains("--json"), "\(c.name)")
            for valued in ["--dir", "--gas-limit", "--from"] {
                #expect(!c.spec.switches.contains(valued), "\(c.name) \(valued)")
            }
        }
    }

    @Test func fromAlwaysNamesTheSendingKey() {
        // `--from KEY` is the account that signs (or, for query, the caller); block ranges use `--start`.
        let withFrom = Set(DatanetCLI.commands.filter { $0.spec.valued.contains("--from") }.map(\.name))
        #expect(withFrom.isSuperset(of: ["call", "deploy", "query", "transfer", "upgrade"]))
        #expect(!withFrom.contains("chain"))
        #expect(datanet("chain", "blocks", "--from", "3").err.contains("unknown option '--from'"))
    }

    @Test func plainTextWhenNotOnATerminal() {
        // The captured console is what a pipe gets: no colour codes and no progress display anywhere.
        let r = datanet("check", "/nonexistent.dn")
        #expect(!r.err.contains("\u{1B}"))
        let colored = Console(out: { _ in }, err: { _ in }, color: true)
        #expect(colored.progress == nil)
    }

    @Test func helpOverviewDocumentsExitCodes() {
        let r = datanet("--help")
        #expect(r.out.contains("exit codes: 0 ok, 1 error in the input"))
        #expect(r.out.contains("2 usage error"))
    }
}

/// The progress display: shown only through `Console.progress` (set only on a terminal), cleared at the end.
@Suite struct ProgressTests {
    @Test func replayReportsBlocksAndClearsTheLine() throws {
        let dir = temporaryDirectory()
        let d = ["--dir", dir.path]
        #expect(datanet(["chain", "init"] + d).status == 0)
        for amount in ["1", "2"] {
            #expect(datanet(["transfer", "@bob", amount, "--from", "alice"] + d).status == 0)
        }
        let shown = OutputBuffer(), out = OutputBuffer()
        let console = Console(out: { out.append($0) }, err: { _ in }, progress: { shown.append($0) })
        #expect(DatanetCLI.run(["chain", "replay"] + d, console: console) == 0)
        #expect(shown.text == "replaying block 2 of 2\n\n")
        #expect(out.text.hasPrefix("replayed 2 blocks from genesis"))
        // Without a terminal (no progress writer) the output is the same and nothing else is written.
        let plain = datanet(["chain", "replay"] + d)
        #expect(plain.out == out.text)
        #expect(plain.err.isEmpty)
    }
}
