import Compiler
import Diagnostics
import Foundation
import Testing

/// Compile speed on a generated 50,000-line contract (the figure in Docs/language.md, debug build).
@Suite struct CompileSpeedTests {
    static func generated(lines target: Int) -> String {
        var lines = ["contract Big", "state total: Int", "state shares: Map<Int, Int>"]
        var n = 0
        while lines.count < target - 12 {
            lines += [
                "pub fn f\(n)(a: Int, b: Int) -> Int {",
                "    var x = a * \(n % 97 + 1) + b",
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
            n += 1
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func fiftyThousandLines() {
        let text = Self.generated(lines: 50_000)
        let lineCount = text.split(separator: "\n").count
        let parseStart = ContinuousClock.now
        _ = Parser.parse(SourceFile(path: "big.dn", text: text))
        let parseSeconds = (ContinuousClock.now - parseStart) / .seconds(1)
        let start = ContinuousClock.now
        let result = Compiler.compile(SourceFile(path: "big.dn", text: text))
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        #expect(result.diagnostics.isEmpty)
        #expect(result.module?.functions.count ?? 0 > 4000)
        print(
            "compiled \(lineCount) lines in \(String(format: "%.2f", seconds)) s: "
                + "\(Int(Double(lineCount) / seconds)) lines/s (parsing alone \(String(format: "%.2f", parseSeconds)) s)"
        )
        #expect(seconds < 120)
    }
}
