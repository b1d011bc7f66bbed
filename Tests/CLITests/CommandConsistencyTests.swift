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
        let withFrom = DatanetCLI.commands.filter { $0.spec.valued.contains("--from") }.map(\.name).sorted()
        #expect(withFrom == ["call", "deploy", "query", "transfer", "upgrade"])
        #expect(datanet("chain", "blocks", "--from", "3").err.contains("unknown option '--from'"))
    }

    @Test func colourFollowsTheEnvironment() {
        #expect(Console.useColor(environment: [:]))
        #expect(!Console.useColor(environment: ["NO_COLOR": "1"]))
        #expect(!Console.useColor(environment: ["NO_COLOR": ""]))
    }

    @Test func helpOverviewDocumentsExitCodes() {
        let r = datanet("--help")
        #expect(r.out.contains("exit codes: 0 ok, 1 error in the input"))
        #expect(r.out.contains("2 usage error"))
    }
}
