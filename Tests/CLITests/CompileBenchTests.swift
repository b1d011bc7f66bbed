@testable import CLI
import Compiler
import Diagnostics
import Testing
import Tooling

/// The compile-speed figure of `datanet bench`: its generated corpus and its report (timing itself is only
/// ever printed, never asserted).
@Suite struct CompileBenchTests {
    @Test func theCorpusIsFiftyThousandLinesThatCompileCleanly() {
        let text = CompileCorpus.datanet()
        #expect(text == CompileCorpus.datanet())  // deterministic
        let lines = CompileBenchmark.lineCount(text)
        #expect(lines <= 50_000 && lines > 49_980)
        let result = Compiler.compile(SourceFile(path: "big.dn", text: text))
        #expect(result.diagnostics.isEmpty)
        #expect(result.module?.functions.count == (lines - 3) / 11)
    }

    @Test func theLuaCorpusHasTheSameShape() {
        let dn = CompileCorpus.datanet(lines: 1_000), lua = CompileCorpus.lua(lines: 1_000)
        #expect(CompileBenchmark.lineCount(dn) == CompileBenchmark.lineCount(lua))
        #expect(lua.hasPrefix("-- Big\ntotal = 0\nshares = {}\nfunction f0(a, b)\n    local x = a * 1 + b\n"))
        #expect(lua.hasSuffix("    return s + x\nend\n"))
    }

    @Test func aSmallRunReportsLinesAndNoErrors() {
        let speed = CompileBenchmark.datanet(lines: 500, runs: 1)
        #expect(speed.lines == CompileBenchmark.lineCount(CompileCorpus.datanet(lines: 500)))
        #expect(speed.errors == 0)
        #expect(speed.seconds > 0)
        // luac's figure comes from the Lua file of the same shape: the same number of lines per function.
        #expect(CompileBenchmark.lineCount(CompileCorpus.lua(lines: 500)) == speed.lines)
    }

    @Test func aRaceTimesEveryThreadCountOnTheSameCorpus() {
        let race = CompileBenchmark.race(lines: 1_000, runs: 2, threadCounts: [1, 2], luacScale: 0)
        #expect(race.datanet.map(\.threads) == [1, 2])
        #expect(race.datanet.allSatisfy { $0.errors == 0 && $0.seconds > 0 })
        #expect(race.datanet.allSatisfy { $0.lines == CompileBenchmark.lineCount(CompileCorpus.datanet(lines: 1_000)) })
        #expect(race.luac == nil, "luacScale 0 leaves luac out")
    }

    @Test func luacIsRunToItsEndAndItsStatusRead() {
        // The runner luac goes through: a program's exit status, its arguments passed, a failure to start.
        #expect(CompileBenchmark.run("/bin/sh", arguments: ["-c", "exit 0"]))
        #expect(!CompileBenchmark.run("/bin/sh", arguments: ["-c", "exit 3"]))
        #expect(!CompileBenchmark.run("/bin/sh", arguments: ["-c", "kill -9 $$"]))
        #expect(CompileBenchmark.run("/bin/sh", arguments: ["-c", "test \"$0\" = ok", "ok"]))
        #expect(!CompileBenchmark.run("/bin/sh", arguments: ["-c", "test \"$0\" = ok", "no"]))
        #expect(!CompileBenchmark.run("/nonexistent/luac5.4", arguments: ["-p", "x.lua"]))
    }

    @Test func parallelRunsCompileTheSameCorpus() {
        let speed = CompileBenchmark.datanet(lines: 2_000, runs: 1, threads: 2)
        #expect(speed.errors == 0 && speed.threads == 2)
    }

    @Test func theReportPrintsBothRatesAndTheRatio() {
        let ours = CompileSpeed(lines: 49_997, seconds: 0.1, errors: 0)
        let cores = CompileSpeed(lines: 49_997, seconds: 0.05, errors: 0, threads: 2)
        let luac = CompileSpeed(lines: 49_997, seconds: 0.2, errors: 0)
        #expect(BenchCommand.compileLine(ours, luac: luac)
            == "compile    49,997 lines, 1 thread:  0.100 s, 499,970 lines/s   luac5.4 -p (1 thread): 249,985 lines/s   "
            + "2.00x luac's rate")
        #expect(BenchCommand.compileLine(cores, luac: luac)
            == "compile    49,997 lines, 2 threads: 0.050 s, 999,940 lines/s   luac5.4 -p (1 thread): 249,985 lines/s   "
            + "4.00x luac's rate")
        #expect(BenchCommand.compileLine(ours, luac: nil).hasSuffix("499,970 lines/s   (luac5.4 not on PATH)"))
        let json = BenchCommand.json([], compile: .init(oneThread: ours, allCores: cores, luac: luac))
        #expect(json == "{\"compile\": {\"datanet\": {\"lines\": 49997, \"lines_per_second\": 499970, "
            + "\"seconds\": 0.100000, \"threads\": 1}, \"datanet_all_cores\": {\"lines\": 49997, "
            + "\"lines_per_second\": 999940, \"seconds\": 0.050000, \"threads\": 2}, \"errors\": 0, "
            + "\"luac\": {\"lines\": 49997, \"lines_per_second\": 249985, \"seconds\": 0.200000, \"threads\": 1}, "
            + "\"ratio\": 2.000, \"ratio_all_cores\": 4.000}, \"workloads\": []}")
        let oneCore = BenchCommand.json([], compile: .init(oneThread: ours, allCores: nil, luac: nil))
        #expect(oneCore.contains("\"datanet_all_cores\": null") && oneCore.contains("\"ratio_all_cores\": null"))
        #expect(BenchCommand.json([]) == "{\"workloads\": []}")
        #expect(TextTable.grouped(1_234_567) == "1,234,567" && TextTable.grouped(12) == "12")
    }
}
