import Testing
@testable import CLI

@Suite struct HelpTests {
    @Test func helpListsEveryCommandWithItsSummary() {
        let r = datanet("--help")
        #expect(r.status == 0)
        #expect(r.err.isEmpty)
        for name in ["asm", "disasm", "verify", "run", "bench"] {
            #expect(r.out.contains("\n  \(name) "), "'\(name)' missing from --help")
        }
        for c in DatanetCLI.commands {
            #expect(r.out.contains(c.summary), "summary of '\(c.name)' missing")
        }
        #expect(datanet("-h").out == r.out)
        #expect(datanet("help").out == r.out)
    }

    @Test func noArgumentsPrintsTheOverviewAndIsAUsageError() {
        let r = datanet([])
        #expect(r.status == 2)
        #expect(r.out.contains("usage: datanet COMMAND"))
    }

    @Test func helpRunShowsUsageAndExamples() throws {
        let r = datanet("help", "run")
        #expect(r.status == 0)
        #expect(r.out == (try String(contentsOfFile: fixture("help-run.txt"), encoding: .utf8)))
        #expect(r.out.contains("usage: datanet run FILE.dn|FILE.dna|FILE.dnb --call 'fn(args)'"))
        #expect(r.out.contains("examples:\n  datanet run "))
        #expect(datanet("run", "--help").out == r.out)
    }

    @Test func everyCommandHasUsageAndAnExample() {
        for c in DatanetCLI.commands {
            let r = datanet("help", c.name)
            #expect(r.status == 0)
            #expect(r.out.contains("usage: datanet \(c.name)"))
            #expect(r.out.contains("examples:"))
        }
    }

    @Test func unknownCommandSuggestsTheNearestAndExitsWithTwo() {
        let r = datanet("rnu", "x.dna")
        #expect(r.status == 2)
        #expect(r.out.isEmpty)
        #expect(r.err.contains("error: unknown command 'rnu'; did you mean 'run'?"))
        #expect(r.err.contains("note: see 'datanet --help'"))
        let h = datanet("help", "disasem")
        #expect(h.status == 2)
        #expect(h.err.contains("did you mean 'disasm'?"))
    }

    @Test func unknownCommandFarFromAnyGetsNoSuggestion() {
        let r = datanet("frobnicate")
        #expect(r.status == 2)
        #expect(r.err.contains("unknown command 'frobnicate'"))
        #expect(!r.err.contains("did you mean"))
    }

    @Test func unknownFlagSuggestsTheNearestAndExitsWithTwo() {
        let r = datanet("run", fixture("small.dna"), "--call", "add(1, 2)", "--gas-limt", "5")
        #expect(r.status == 2)
        #expect(r.out.isEmpty)
        #expect(r.err.contains("error: run: unknown option '--gas-limt'; did you mean '--gas-limit'?"))
        #expect(r.err.contains("note: see 'datanet help run'"))
        let b = datanet("bench", "--jsn")
        #expect(b.status == 2)
        #expect(b.err.contains("did you mean '--json'?"))
    }

    /// `--passes` belongs to `bench chain` and takes 1 to 50; both mistakes are usage errors before anything runs.
    @Test func benchPassesIsCheckedBeforeAnythingRuns() {
        let zero = datanet("bench", "chain", "--only", "transfers", "--passes", "0")
        #expect(zero.status == 2)
        #expect(zero.err.contains("--passes takes 1 to 50"), "\(zero.err)")
        let misplaced = datanet("bench", "--only", "W4", "--passes", "3")
        #expect(misplaced.status == 2)
        #expect(misplaced.err.contains("--passes is for 'bench chain'"), "\(misplaced.err)")
    }

    /// Every name `bench --only` takes must be known: a typo beside a good name is not dropped quietly.
    @Test func benchOnlyRejectsAnUnknownName() {
        let typo = datanet("bench", "--only", "compile,W9")
        #expect(typo.status == 2)
        #expect(typo.out.isEmpty)
        #expect(typo.err.contains("--only: unknown 'w9'; the names are W1, W2, W3, W4, compile"), "\(typo.err)")
    }

    @Test func aFlagWithoutItsValueIsAUsageError() {
        let r = datanet("run", fixture("small.dna"), "--call")
        #expect(r.status == 2)
        #expect(r.err.contains("'--call' needs a value"))
        let g = datanet("run", fixture("small.dna"), "--call", "add(1, 2)", "--gas-limit", "lots")
        #expect(g.status == 2)
        #expect(g.err.contains("'--gas-limit' expects a non-negative integer, not 'lots'"))
        let big = datanet("run", fixture("small.dna"), "--call", "add(1, 2)", "--gas-limit", "99999999999999999999")
        #expect(big.status == 2)
        #expect(big.err.contains("'--gas-limit' is at most 9223372036854775807, not '99999999999999999999'"), "\(big.err)")
    }

    @Test func versionPrintsTheVersion() {
        let r = datanet("--version")
        #expect(r.status == 0)
        #expect(r.out == "datanet \(DatanetCLI.version)\n")
    }
}
