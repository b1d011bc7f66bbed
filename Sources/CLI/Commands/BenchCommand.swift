import Bytecode
import Chain
import Foundation
import Tooling
import VM

/// `datanet bench`: the anchor workloads on the VM (release build), as a table or JSON.
enum BenchCommand {
    static let command = Command(
        name: "bench",
        summary: "run the W1, W2, W3 and W4 workloads (time, ns per iteration, gas) and time the compiler",
        usage: "datanet bench [--json] [--runs N] [--only W1,W2,W3,W4,compile] [--workloads DIR] [--source]\n"
            + "       datanet bench chain [--json] [--runs N] [--passes N] [--only large|roots|transfers]",
        examples: [
            "swift build -c release && .build/release/datanet bench",
            ".build/release/datanet bench --source    # the workloads compiled from Examples/bench/*.dn",
            ".build/release/datanet bench --only compile   # lines/s on a generated 50,000-line contract, beside luac5.4 -p",
            "python3 ../shared/anchors/compare_lua.py \"$(.build/release/datanet bench --json)\"",
        ],
        spec: .init(valued: ["--runs", "--only", "--workloads", "--passes"], switches: ["--json", "--source"])
    ) { args, console in
        if args.positional.first == "chain" { return ChainBenchCommand.run(args, console) }
        if args.flags["--passes"] != nil { return usage(console, "--passes is for 'bench chain'") }
        let runs: Int64
        do throws(Arguments.UsageError) { runs = try args.integer("--runs", default: 5) } catch { return usage(console, error.message) }
        var workloads = Workload.standard
        workloads.insert(Workload.w2, at: 1)
        var timeCompiler = true
        if let only = args.flags["--only"] {
            let names = only.uppercased().split(separator: ",").map(String.init)
            // Every name must be one of them: a typo ('W5', 'compil') would otherwise quietly leave its part out.
            let known = workloads.map(\.name) + ["COMPILE"]
            if let unknown = names.first(where: { !known.contains($0) }) {
                return usage(console, "--only: unknown '\(unknown.lowercased())'; the names are W1, W2, W3, W4, compile")
            }
            workloads = workloads.filter { names.contains($0.name) }
            timeCompiler = names.contains("COMPILE")
            guard !workloads.isEmpty || timeCompiler else {
                return usage(console, "--only names none of W1, W2, W3, W4, compile")
            }
        }
        // The workloads' files are only needed when a workload runs: `--only compile` runs anywhere.
        let dir = args.flags["--workloads"] ?? findBenchDirectory()
        if dir == nil && !workloads.isEmpty {
            console.error("cannot find Examples/bench; run from the repository or pass --workloads DIR")
            return ExitCode.failure
        }
        var results: [BenchmarkResult] = []
        defer { console.progress?("") }
        for (n, w) in workloads.enumerated() {
            guard let dir else { break }
            console.progress?("bench: \(w.name) (\(n + 1) of \(workloads.count)), \(max(1, runs)) timed runs")
            // `--source`: the same workload written in the language (w1.dn beside w1.dna), where one exists
            // (W2 is assembly only so far).
            let source = String(w.file.dropLast())
            let useSource = args.switches.contains("--source") && w.file.hasSuffix(".dna")
                && FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(source))
            let path = (dir as NSString).appendingPathComponent(useSource ? source : w.file)
            do throws(ModuleLoader.LoadError) {
                let module = try ModuleLoader.load(path)
                if w.name == Workload.w2.name {
                    results.append(runThroughChain(w, module: module, runs: Int(max(1, runs))))
                } else {
                    results.append(Benchmark.run(w, module: module, runs: Int(max(1, runs))))
                }
            } catch {
                console.report(error)
                return ExitCode.failure
            }
        }
        // The compiler on a generated contract on one thread and on every core, and luac5.4 -p (single-threaded)
        // on the same shape in Lua when it is on PATH.
        var compile: CompileFigures?
        if timeCompiler {
            console.progress?("bench: compiling a generated 50,000-line contract, \(max(1, runs)) timed runs")
            let threads = CompileBenchmark.allCoreThreads
            let race = CompileBenchmark.race(runs: Int(max(1, runs)), threadCounts: threads > 1 ? [1, threads] : [1])
            compile = CompileFigures(oneThread: race.datanet[0], allCores: race.datanet.dropFirst().first, luac: race.luac)
        }
        if args.switches.contains("--json") {
            console.out(json(results, compile: compile))
        } else {
            if !results.isEmpty { console.out("workload   median time   ns/iter        gas   gas/s (M)   checksum") }
            for r in results {
                let gps = r.seconds > 0 ? Double(r.gas) / r.seconds / 1e6 : 0
                let check = r.error ?? (r.checksumOK ? "ok" : "WRONG \(r.checksum.map { String($0) } ?? "-")")
                console.out(
                    pad(r.name, 8) + pad(String(format: "%.3f ms", r.seconds * 1000), 14, right: true)
                        + pad(String(format: "%.2f", r.nsPerIteration), 10, right: true)
                        + pad(String(r.gas), 11, right: true) + pad(String(format: "%.0f", gps), 12, right: true)
                        + "   " + check)
            }
            if let compile {
                console.out(compileLine(compile.oneThread, luac: compile.luac))
                if let allCores = compile.allCores { console.out(compileLine(allCores, luac: compile.luac)) }
            }
        }
        let compiled = compile.map { $0.oneThread.errors == 0 && ($0.allCores?.errors ?? 0) == 0 } ?? true
        return results.allSatisfy({ $0.checksumOK && $0.error == nil }) && compiled ? ExitCode.ok : ExitCode.failure
    }

    /// W2 through the chain's journaled host over the memory store: deployed on a `LocalChain`, each timed call a
    /// dry run (`Chain.simulate`), so the storage map is empty at the start of every call.
    static func runThroughChain(_ w: Workload, module: Module, runs: Int) -> BenchmarkResult {
        let failed = { (message: String) in BenchmarkResult.failed(w, message) }
        let local: LocalChain
        let contract: [UInt8]
        do {
            local = try LocalChain(accounts: ["bench"], startBalance: 1 << 100)
            switch try local.deploy(module, args: [], from: "bench") {
            case .success(let receipt): contract = receipt.contract
            case .failure(let rejection): return failed("\(w.file): \(rejection)")
            }
        } catch {
            return failed("\(w.file): \(error)")
        }
        return Benchmark.run(w, runs: runs) {
            do {
                let r = try local.chain.simulate(
                    contract, function: w.function, args: [.int(w.argument)], gasLimit: Benchmark.gasLimit)
                return (r.outcome, r.gasUsed)
            } catch {
                return (.failure(Trap(.revert("store failure: \(error)"))), 0)
            }
        }
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    /// The compile-speed figures: Datanet on one thread and on every core (nil on a one-core machine), luac's.
    struct CompileFigures {
        var oneThread: CompileSpeed
        var allCores: CompileSpeed?
        var luac: CompileSpeed?
    }

    /// "compile    49,997 lines, 1 thread:   0.150 s, 333,313 lines/s   luac5.4 -p (1 thread): 300,000 lines/s
    /// 1.11x luac's rate"
    static func compileLine(_ ours: CompileSpeed, luac: CompileSpeed?) -> String {
        let threads = ours.threads == 1 ? "1 thread: " : "\(ours.threads) threads:"
        var line = "compile  " + pad(TextTable.grouped(ours.lines), 8, right: true) + " lines, " + threads + " "
            + String(format: "%.3f s", ours.seconds) + ", " + TextTable.grouped(Int(ours.linesPerSecond)) + " lines/s"
        if ours.errors > 0 { line += " (\(ours.errors) errors: WRONG)" }
        if let luac {
            line += "   luac5.4 -p (1 thread): " + TextTable.grouped(Int(luac.linesPerSecond)) + " lines/s   "
                + String(format: "%.2fx", ours.linesPerSecond / max(luac.linesPerSecond, 1e-9)) + " luac's rate"
        } else {
            line += "   (luac5.4 not on PATH)"
        }
        return line
    }

    /// `{"compile": {...}, "workloads": [...]}` with keys in sorted order; "compile" only when the compiler
    /// was timed: "datanet" and "ratio" on one thread, "datanet_all_cores" and "ratio_all_cores" on every core
    /// (null on one core); "luac" (single-threaded) and the ratios null when luac5.4 is not on PATH.
    static func json(_ results: [BenchmarkResult], compile: CompileFigures? = nil) -> String {
        var head = ""
        if let compile {
            func speed(_ s: CompileSpeed) -> String {
                "{\"lines\": \(s.lines), \"lines_per_second\": \(String(format: "%.0f", s.linesPerSecond)), "
                    + "\"seconds\": \(String(format: "%.6f", s.seconds)), \"threads\": \(s.threads)}"
            }
            func ratio(_ ours: CompileSpeed?) -> String {
                guard let ours, let luac = compile.luac else { return "null" }
                return String(format: "%.3f", ours.linesPerSecond / max(luac.linesPerSecond, 1e-9))
            }
            let errors = compile.oneThread.errors + (compile.allCores?.errors ?? 0)
            head = "\"compile\": {\"datanet\": \(speed(compile.oneThread)), "
                + "\"datanet_all_cores\": \(compile.allCores.map(speed) ?? "null"), \"errors\": \(errors), "
                + "\"luac\": \(compile.luac.map(speed) ?? "null"), \"ratio\": \(ratio(compile.oneThread)), "
                + "\"ratio_all_cores\": \(ratio(compile.allCores))}, "
        }
        let items = results.map { r -> String in
            let checksum = r.checksum.map { String($0) } ?? "null"
            return "{\"checksum\": \(checksum), \"checksum_ok\": \(r.checksumOK), \"gas\": \(r.gas), "
                + "\"iterations\": \(r.iterations), \"name\": \"\(r.name)\", "
                + "\"ns_per_iter\": \(String(format: "%.3f", r.nsPerIteration)), "
                + "\"seconds\": \(String(format: "%.6f", r.seconds))}"
        }
        return "{" + head + "\"workloads\": [" + items.joined(separator: ", ") + "]}"
    }

    /// `Examples/bench` in the working directory or above it, or above the executable.
    static func findBenchDirectory() -> String? {
        let starts = [FileManager.default.currentDirectoryPath, (CommandLine.arguments.first.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }) ?? ""]
        for start in starts where !start.isEmpty {
            var url = URL(fileURLWithPath: start)
            for _ in 0..<6 {
                let candidate = url.appendingPathComponent("Examples/bench")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("w4.dna").path) {
                    return candidate.path
                }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }
}
