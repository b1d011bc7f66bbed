// Compile speed: lines per second compiling a generated contract, beside `luac5.4 -p` on a Lua file of the
// same shape (issue 3, "Speed"). Timing is reported by `datanet bench`, never consensus-relevant.
import Compiler
import Diagnostics
import Dispatch
import Foundation

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
    /// Median seconds per compile.
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
    /// The fastest over `runs` (as for luac) of `Compiler.compile` on the generated contract of `lines` lines (after one
    /// untimed warm-up run), with function bodies on `threads` threads (1: the calling thread only).
    public static func datanet(lines: Int = CompileCorpus.standardLines, runs: Int = 5, threads: Int = 1)
        -> CompileSpeed
    {
        let text = CompileCorpus.datanet(lines: lines)
        let count = lineCount(text)
        var errors = 0
        let options = CompileOptions(threads: max(1, threads))
        let seconds = fastest(runs: runs) {
            let result = Compiler.compile(SourceFile(path: "big.dn", text: text), options: options)
            errors = result.diagnostics.filter { $0.severity == .error }.count
        }
        return CompileSpeed(lines: count, seconds: seconds, errors: errors, threads: max(1, threads))
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

    /// The fastest time of `luac5.4 -p` on the Lua file of the same shape, less the fastest time of `luac5.4 -p`
    /// on an empty file (process start-up, which the in-process compile does not pay); nil when `luac5.4` is
    /// not on PATH or fails. The file is `scale` times the contract's size so that start-up (a few ms, and noisy
    /// on a shared machine) is a small part of the total: with the same size, subtracting one noisy median from
    /// another gave rates from 1 to 50,000 million lines per second.
    public static func luac(lines: Int = CompileCorpus.standardLines, runs: Int = 5, scale: Int = 10)
        -> CompileSpeed?
    {
        let lines = lines * max(1, scale)
        guard let luac = luacPath() else { return nil }
        let text = CompileCorpus.lua(lines: lines)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datanet-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("big.lua").path, empty = dir.appendingPathComponent("empty.lua").path
        guard FileManager.default.createFile(atPath: big, contents: Data(text.utf8)),
            FileManager.default.createFile(atPath: empty, contents: Data())
        else { return nil }
        var failed = false
        func check(_ file: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: luac)
            process.arguments = ["-p", file]
            do {
                try process.run()
                process.waitUntilExit()
                if process.terminationStatus != 0 { failed = true }
            } catch {
                failed = true
            }
        }
        let startup = fastest(runs: runs) { check(empty) }
        let total = fastest(runs: runs) { check(big) }
        guard !failed, total > startup else { return nil }
        return CompileSpeed(lines: lineCount(text), seconds: total - startup, errors: 0)
    }

    /// The number of line breaks in `text` (its lines, when it ends with one).
    public static func lineCount(_ text: String) -> Int { text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }

    /// Fewest seconds of `runs` timed calls of `body`, after one untimed warm-up call: the least disturbed run.
    static func fastest(runs: Int, _ body: () -> Void) -> Double {
        var best = UInt64.max
        for i in 0...max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            let elapsed = DispatchTime.now().uptimeNanoseconds &- start
            if i > 0 { best = min(best, elapsed) }
        }
        return Double(best) / 1e9
    }
}
