// Compile speed: lines per second compiling a generated contract, beside `luac5.4 -p` on a Lua file of the
// same shape (issue 3, "Speed"). Timing is reported by `datanet bench`, never consensus-relevant.
import Compiler
import Diagnostics
import Dispatch
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A generated source for the compile-speed figure: the same functions in Datanet and in Lua.
public enum CompileCorpus {
    /// Lines of the standard corpus.
    public static let standardLines = 50_000

    /// One function body in each language, `index` picking its constant: 11 lines.
    private static func function(_ index: Int, lua: Bool) -> [String] {
        let k = index % 97 + 1
        if lua {
            return [
                "function f\(index)(a, b)",
                "    local x = a * \(k) + b",
                "    local s = 0",
                "    for i = 0, b - 1 do",
                "        s = s + i * x % 1000",
                "        if s > 10000 then break end",
                "    end",
                "    shares[a] = (shares[a] or 0) + s",
                "    total = total + s - x",
                "    return s + x",
                "end",
            ]
        }
        return [
            "pub fn f\(index)(a: Int, b: Int) -> Int {",
            "    var x = a * \(k) + b",
            "    var s = 0",
            "    for i in 0..b {",
            "        s += i * x % 1000",
            "        if s > 10_000 { break }",
            "    }",
            "    shares[a] += s",
            "    total = total + s - x",
            "    return s + x",
            "}",
        ]
    }

    /// A contract of about `lines` lines (never more): a header, then 11-line functions `f0`, `f1`, ... that
    /// loop, branch, and read and write state. Deterministic: the same text for the same `lines`.
    public static func datanet(lines: Int = standardLines) -> String {
        generate(lines: lines, header: ["contract Big", "state total: Int", "state shares: Map<Int, Int>"], lua: false)
    }

    /// The same functions in Lua 5.4, line for line (state becomes globals).
    public static func lua(lines: Int = standardLines) -> String {
        generate(lines: lines, header: ["-- Big", "total = 0", "shares = {}"], lua: true)
    }

    private static func generate(lines target: Int, header: [String], lua: Bool) -> String {
        var out = header
        var n = 0
        while out.count + 11 <= target {
            out += function(n, lua: lua)
            n += 1
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// One compile-speed measurement.
public struct CompileSpeed: Sendable {
    /// Lines compiled.
    public var lines: Int
    /// Seconds per compile: the fastest timed run.
    public var seconds: Double
    /// Error diagnostics of the compile (0 for the generated corpus).
    public var errors: Int
    /// Threads the compile used (`CompileOptions.threads`; luac is single-threaded: 1).
    public var threads: Int

    public init(lines: Int, seconds: Double, errors: Int, threads: Int = 1) {
        self.lines = lines
        self.seconds = seconds
        self.errors = errors
        self.threads = threads
    }

    public var linesPerSecond: Double { seconds > 0 ? Double(lines) / seconds : 0 }
}

/// Times the compiler, and `luac5.4 -p`, on `CompileCorpus`.
public enum CompileBenchmark {
    /// The compiler at each of `threadCounts` (1: the calling thread only), and `luac5.4 -p` when it is on PATH and
    /// `luacScale` is above 0, timed in alternation: after one untimed warm-up round, each of `runs` rounds compiles
    /// the contract of `lines` lines once per thread count, then runs luac once on an empty Lua file and once on
    /// the Lua file of the same shape, `luacScale` times as long. Each figure is the fastest of its rounds; luac's
    /// is its time on the long file less its time on the empty one (process start-up, which the in-process
    /// compile does not pay). Alternating matters on a shared machine: a burst of load lasts seconds, and when each
    /// side's runs came one after the other a burst landed on one side only (luac alone ranged from 0.86 to 1.66 M
    /// lines/s between consecutive runs); alternating gives both sides the same slices of it.
    public static func race(
        lines: Int = CompileCorpus.standardLines, runs: Int = 5, threadCounts: [Int], luacScale: Int = 10
    ) -> (datanet: [CompileSpeed], luac: CompileSpeed?) {
        let text = CompileCorpus.datanet(lines: lines)
        let count = lineCount(text)
        let options = threadCounts.map { CompileOptions(threads: max(1, $0)) }
        var best = [UInt64](repeating: .max, count: options.count)
        var errors = [Int](repeating: 0, count: options.count)
        let luac = luacScale > 0 ? LuacFiles(lines: lines * luacScale) : nil
        defer { luac?.remove() }
        var luacBest: (empty: UInt64, long: UInt64) = (.max, .max)
        var luacFailed = false
        for round in 0...max(1, runs) {
            for (k, option) in options.enumerated() {
                let elapsed = time {
                    let result = Compiler.compile(SourceFile(path: "big.dn", text: text), options: option)
                    errors[k] = result.diagnostics.filter { $0.severity == .error }.count
                }
                if round > 0 { best[k] = min(best[k], elapsed) }
            }
            if let luac, !luacFailed {
                var ok = true
                let empty = time { ok = luac.check(luac.empty) && ok }
                let long = time { ok = luac.check(luac.long) && ok }
                luacFailed = !ok
                if round > 0 { luacBest = (min(luacBest.empty, empty), min(luacBest.long, long)) }
            }
        }
        let datanet = options.indices.map {
            CompileSpeed(lines: count, seconds: Double(best[$0]) / 1e9, errors: errors[$0], threads: options[$0].threads)
        }
        guard let luac, !luacFailed, luacBest.long > luacBest.empty else { return (datanet, nil) }
        let seconds = Double(luacBest.long - luacBest.empty) / 1e9
        return (datanet, CompileSpeed(lines: luac.lines, seconds: seconds, errors: 0))
    }

    /// The compiler alone on `threads` threads (`race` without luac).
    public static func datanet(lines: Int = CompileCorpus.standardLines, runs: Int = 5, threads: Int = 1)
        -> CompileSpeed
    {
        race(lines: lines, runs: runs, threadCounts: [threads], luacScale: 0).datanet[0]
    }

    /// The threads an all-core compile uses here: the active processor count.
    public static var allCoreThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `luac5.4` on PATH, or nil.
    public static func luacPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/luac5.4"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs the program at `path` with `arguments` and waits for it to end; true when it exited with status 0,
    /// false when it could not start, failed or was killed.
    ///
    /// Started with `posix_spawn` and waited for with `waitpid`, which returns as the process ends, so a time
    /// taken around the call is the program's. Foundation's `Process.waitUntilExit`, used before, polls its run
    /// loop in slices of 50 ms on Linux: every luac time it gave was a multiple of 50 ms plus a constant (the
    /// long file's 320–350 ms read as 300.8 or 350.8 ms, and the fastest of the rounds, 300.8 ms, made luac up to
    /// 13 % faster than it is).
    public static func run(_ path: String, arguments: [String]) -> Bool {
        #if canImport(Glibc)
            var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
            argv.append(nil)
            defer { for pointer in argv { free(pointer) } }
            var pid = pid_t()
            guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else { return false }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 {
                guard errno == EINTR else { return false }
            }
            // Exited, not killed, with status 0 (`WIFEXITED` and `WEXITSTATUS` of <sys/wait.h>, macros Swift does
            // not import).
            return status & 0x7f == 0 && (status >> 8) & 0xff == 0
        #else
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            do {
                try process.run()
                process.waitUntilExit()
                return process.terminationStatus == 0
            } catch {
                return false
            }
        #endif
    }

    /// The number of line breaks in `text` (its lines, when it ends with one).
    public static func lineCount(_ text: String) -> Int { text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }

    /// Nanoseconds `body` took.
    private static func time(_ body: () -> Void) -> UInt64 {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return DispatchTime.now().uptimeNanoseconds &- start
    }

    /// luac and its two input files in a temporary directory: empty, and the Lua corpus of `lines` lines. The long
    /// file is `luacScale` times the contract so that start-up (a few ms, and noisy) is a small part of its time:
    /// with the same size, subtracting one noisy time from another gave rates from 1 to 50,000 million lines per
    /// second.
    private struct LuacFiles {
        let luac: String
        let directory: URL
        let empty: String
        let long: String
        let lines: Int

        /// Nil when luac is not on PATH or the files cannot be written.
        init?(lines: Int) {
            guard let luac = CompileBenchmark.luacPath() else { return nil }
            let text = CompileCorpus.lua(lines: lines)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("datanet-bench-\(getpid())")
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let long = directory.appendingPathComponent("big.lua").path
            let empty = directory.appendingPathComponent("empty.lua").path
            guard FileManager.default.createFile(atPath: long, contents: Data(text.utf8)),
                FileManager.default.createFile(atPath: empty, contents: Data())
            else {
                try? FileManager.default.removeItem(at: directory)
                return nil
            }
            (self.luac, self.directory, self.empty, self.long) = (luac, directory, empty, long)
            self.lines = CompileBenchmark.lineCount(text)
        }

        /// `luac5.4 -p FILE`; false when it cannot start or fails.
        func check(_ file: String) -> Bool { CompileBenchmark.run(luac, arguments: ["-p", file]) }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }
}
