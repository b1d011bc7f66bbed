import Bytecode
import Compiler
import Diagnostics
import Foundation
import Testing

/// Function bodies compiled on several threads give the module bytes and the diagnostics of a one-thread
/// compile, whatever the thread count.
@Suite struct ParallelCompileTests {
    /// Compiles `file` with `threads` body threads.
    private func compile(_ file: SourceFile, threads: Int) -> CompileResult {
        Compiler.compile(file, options: CompileOptions(libraries: resolver(), threads: threads))
    }

    /// The same compile on 1 thread and on `counts`: identical module bytes, diagnostics (in order, and as
    /// rendered and as JSON); returns the parallel results.
    @discardableResult
    private func expectSameAsSerial(
        _ text: String, path: String = "mixed.dn", counts: [Int] = [2, 3, 7],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [CompileResult] {
        // One file for all the compiles: a diagnostic's range names its file by the file's id.
        let file = SourceFile(path: path, text: text)
        let serial = compile(file, threads: 1)
        #expect(serial.bodiesFromWorkers == 0, sourceLocation: sourceLocation)
        return counts.map { threads in
            let parallel = compile(file, threads: threads)
            #expect(
                parallel.module.map(ModuleCodec.encode) == serial.module.map(ModuleCodec.encode),
                "\(path): module differs with \(threads) threads", sourceLocation: sourceLocation)
            #expect(
                parallel.diagnostics == serial.diagnostics, "\(path): diagnostics differ with \(threads) threads",
                sourceLocation: sourceLocation)
            #expect(
                DiagnosticRenderer().render(parallel.diagnostics) == DiagnosticRenderer().render(serial.diagnostics),
                sourceLocation: sourceLocation)
            #expect(
                DiagnosticJSON.render(parallel.diagnostics) == DiagnosticJSON.render(serial.diagnostics),
                sourceLocation: sourceLocation)
            return parallel
        }
    }

    /// A contract whose functions each add different entries to the module's tables in an order that depends
    /// on the function: constants (wide integers, decimals, strings), list, map and struct types, interface
    /// externs and standard-library functions scheduled on first call, so a worker's table indices differ
    /// from the module's and every kind of index is rewritten.
    static func mixedContract(
        functions: Int, errorsAt: Set<Int> = [], unusedAt: Set<Int> = [], syntaxErrorsAt: Set<Int> = []
    ) -> String {
        var lines = [
            "contract Mixed", "use std.math", "const WIDE: Int = 100_000_000_000_000_000_000_000",
            "interface Oracle {", "    view fn price(asset: Int) -> Int", "    fn poke(asset: Int)", "}",
            "struct Pair {", "    a: Int,", "    b: String,", "}",
            "state total: Int", "state names: Map<Int, String>", "state oracle: Address",
            "event Noted(k: Int, s: String)",
        ]
        for i in 0..<functions {
            lines.append("pub fn f\(i)(a: Int, b: Int) -> Int {")
            switch i % 6 {
            case 0:
                lines.append("    let big = \(i + 1) * 1_000_000_000_000_000_000_000 + WIDE")
                lines.append("    total = total + big % 7")
            case 1:
                lines.append("    let d: Dec = \(i).25")
                lines.append("    names[a] = \"name \(i % 4)\"")
                lines.append("    total = total + int(d)")
            case 2:
                lines.append("    var xs: List<Int> = []")
                lines.append("    xs.push(a)")
                lines.append("    var ys: List<List<\(i % 12 == 2 ? "Int" : "String")>> = []")
                lines.append(i % 12 == 2 ? "    ys.push(xs)" : "    ys.push([\"s\(i % 5)\"])")
                lines.append("    total = total + len(xs) + len(ys)")
            case 3:
                lines.append("    let p = Pair { a: a, b: \"pair \(i)\" }")
                lines.append("    emit Noted(p.a, p.b)")
            case 4:
                lines.append("    total = total + math.min(a, b) + math.\(i % 12 == 4 ? "max(a, b)" : "abs(b)")")
            default:
                lines.append("    total = total + Oracle(oracle).price(a)")
                if i % 12 == 5 { lines.append("    Oracle(oracle).poke(b)") }
            }
            if unusedAt.contains(i) { lines.append("    let unused\(i) = a + \(i)") }
            if errorsAt.contains(i) { lines.append("    let wrong: Bool = a + \"text\"") }
            if syntaxErrorsAt.contains(i) { lines.append("    let = (a + ") }
            lines.append("    return a + b + \(i)")
            lines.append("}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func mixedContractIsTheSameOnEveryThreadCount() throws {
        let text = ParallelCompileTests.mixedContract(functions: 90)
        let results = expectSameAsSerial(text)
        for result in results {
            #expect(result.module != nil)
            #expect(result.bodiesFromWorkers > 0, "the workers' bodies were used")
            #expect(result.parsedRuns > 1, "the declarations were parsed in runs")
        }
        // Two threads: the worker compiles the second half of the 90 functions (the runs are of equal length).
        #expect(results.first?.bodiesFromWorkers == 45)
    }

    @Test func warningsAreTheSameOnEveryThreadCount() {
        let text = ParallelCompileTests.mixedContract(functions: 60, unusedAt: [3, 31, 32, 59])
        for result in expectSameAsSerial(text) {
            #expect(result.diagnostics.filter { $0.severity == .warning }.count == 4)
            #expect(result.bodiesFromWorkers > 0)
        }
    }

    @Test func errorsInSeveralFunctionsAreTheSameOnEveryThreadCount() {
        // Errors in the main thread's share and in workers' shares, warnings before and after the first error
        // (a serial compile stops warning about unused names after the first error).
        let text = ParallelCompileTests.mixedContract(
            functions: 80, errorsAt: [12, 41, 42, 77], unusedAt: [2, 30, 50, 78])
        for result in expectSameAsSerial(text, counts: [2, 3, 4, 9]) {
            #expect(result.module == nil)
            #expect(result.diagnostics.filter { $0.severity == .error }.count == 4)
        }
        let late = ParallelCompileTests.mixedContract(functions: 80, errorsAt: [70], unusedAt: [10, 60, 75])
        for result in expectSameAsSerial(late, counts: [2, 4]) {
            #expect(result.diagnostics.filter { $0.severity == .warning }.count == 2)
        }
    }

    @Test func syntaxErrorsAreTheSameOnEveryThreadCount() {
        // Errors in several runs: the file is parsed again on one thread, and reports what it reports there.
        let text = ParallelCompileTests.mixedContract(functions: 70, unusedAt: [1], syntaxErrorsAt: [4, 40, 41, 66])
        for result in expectSameAsSerial(text, counts: [2, 3, 8]) {
            #expect(result.module == nil)
            #expect(result.parsedRuns == 1)
            #expect(result.diagnostics.filter { $0.severity == .error }.count >= 4)
        }
        // A second header in a later run is the one-thread parse's error too.
        let twoHeaders = ParallelCompileTests.mixedContract(functions: 40) + "contract Other\n"
            + ParallelCompileTests.mixedContract(functions: 40).split(separator: "\n").dropFirst(15)
            .joined(separator: "\n").replacingOccurrences(of: "pub fn f", with: "pub fn g") + "\n"
        for result in expectSameAsSerial(twoHeaders, counts: [2, 3]) {
            #expect(result.module == nil)
            #expect(result.diagnostics.contains { $0.message.contains("contract") || $0.message.contains("header") })
        }
    }

    @Test func aCutInsideADeclarationFallsBackToOneThread() {
        // Unindented `fn` lines inside an interface in the middle of the file: the file is cut where a run
        // would end inside the interface's braces, which that run's parser reports, so it is parsed again on one
        // thread, with the same result.
        let functions = ParallelCompileTests.mixedContract(functions: 80).split(separator: "\n", omittingEmptySubsequences: false)
        let middle = functions.count / 2
        let start = functions[..<middle].lastIndex { $0.hasPrefix("pub fn ") } ?? middle
        var lines = functions.map(String.init)
        let members = (0..<60).map { "fn member\($0)(x: Int) -> Int" }
        lines.insert(contentsOf: ["interface Wide {"] + members + ["}"], at: start)
        let text = lines.joined(separator: "\n")
        for result in expectSameAsSerial(text, counts: [2, 3]) {
            #expect(result.module != nil)
        }
    }

    @Test func repositoryFilesAreTheSameOnEveryThreadCount() throws {
        var checked = 0
        for directory in ["Contracts", "Stdlib", "Examples"] {
            let root = repositoryRoot.appendingPathComponent(directory)
            let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            for relative in paths.sorted() where relative.hasSuffix(".dn") && !relative.hasSuffix("_test.dn") {
                let url = root.appendingPathComponent(relative)
                guard let text = try? String(contentsOf: url, encoding: .utf8),
                    text.contains("contract ") || text.contains("library ")
                else { continue }
                expectSameAsSerial(text, path: url.path, counts: [2, 5])
                checked += 1
            }
        }
        #expect(checked >= 8)
    }

    @Test func theBenchmarkCorpusIsTheSameOnEveryThreadCount() {
        let text = CompileCorpusText.small
        for result in expectSameAsSerial(text, path: "big.dn", counts: [2, 4]) {
            #expect(result.module != nil)
            #expect(result.bodiesFromWorkers > 0)
            #expect(result.parsedRuns > 1)
        }
    }
}

/// The compile benchmark's function shape (Sources/Tooling/CompileBenchmark.swift), 200 functions.
private enum CompileCorpusText {
    static let small: String = {
        var lines = ["contract Big", "state total: Int", "state shares: Map<Int, Int>"]
        for i in 0..<200 {
            lines += [
                "pub fn f\(i)(a: Int, b: Int) -> Int {", "    var x = a * \(i % 97 + 1) + b", "    var s = 0",
                "    for i in 0..b {", "        s += i * x % 1000", "        if s > 10_000 { break }", "    }",
                "    shares[a] += s", "    total = total + s - x", "    return s + x", "}",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }()
}
