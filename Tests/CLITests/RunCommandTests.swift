import Foundation
import Testing
@testable import CLI

@Suite struct RunCommandTests {
    @Test func runPrintsTheValueItsTypeAndTheGas() throws {
        let r = datanet("run", benchFile("w4.dna"), "--call", "w4(10)")
        #expect(r.status == 0)
        #expect(r.err.isEmpty)
        #expect(r.out == (try String(contentsOfFile: fixture("run-w4.txt"), encoding: .utf8)))
        #expect(r.out.hasPrefix("285 : Int\ngas used: "))
    }

    @Test func runPrintsEveryResult() {
        let r = datanet("run", fixture("small.dna"), "--call", "greet(\"ada\\n\", true)")
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("\"hello ada\\n\" : String\ntrue : Bool\ngas used: "), "\(r.out)")
    }

    @Test func runOfBytecodeMatchesRunOfAssembly() throws {
        let dir = temporaryDirectory()
        let dnb = dir.appendingPathComponent("small.dnb").path
        #expect(datanet("asm", fixture("small.dna"), "-o", dnb).status == 0)
        let a = datanet("run", dnb, "--call", "add(40, 2)")
        let b = datanet("run", fixture("small.dna"), "--call", "add(40, 2)")
        #expect(a.status == 0)
        #expect(a.out == b.out)
        #expect(a.out.hasPrefix("42 : Int\n"))
    }

    @Test func aTrapPrintsRevertedAndExitsWithOne() {
        let r = datanet("run", fixture("small.dna"), "--call", "ratio(1, 0)")
        #expect(r.status == 1)
        #expect(r.err.contains("error: reverted: division by zero\n"), "\(r.err)")
        #expect(r.err.contains("note: in 'ratio' at offset 6"), "\(r.err)")
        #expect(r.out.hasPrefix("gas used: "))
    }

    @Test func aRevertPrintsItsMessage() {
        let r = datanet("run", fixture("small.dna"), "--call", "refuse")
        #expect(r.status == 1)
        #expect(r.err.hasPrefix("error: reverted: not today\n"), "\(r.err)")
    }

    @Test func runningOutOfGasUsesTheWholeLimit() {
        let r = datanet("run", benchFile("w4.dna"), "--call", "w4(100000)", "--gas-limit", "1_000")
        #expect(r.status == 1)
        #expect(r.err.contains("error: reverted: out of gas"))
        #expect(r.out == "gas used: 1000\n")
    }

    @Test func anUnterminatedStringIsAUsageErrorWithItsColumn() {
        let r = datanet("run", fixture("small.dna"), "--call", "greet(\"abc, true)")
        #expect(r.status == 2)
        #expect(r.err == """
            error: in --call, column 18: unterminated string
              greet("abc, true)
                               ^

            """, "\(r.err)")
    }

    @Test func malformedCallTextIsAUsageError() {
        let r = datanet("run", fixture("small.dna"), "--call", "add(1, 2")
        #expect(r.status == 2)
        #expect(r.err.contains("error: in --call, column "), "\(r.err)")
        let junk = datanet("run", fixture("small.dna"), "--call", "add(1) extra")
        #expect(junk.status == 2)
        #expect(junk.err.contains("unexpected text after ')'"), "\(junk.err)")
    }

    @Test func theWrongNumberOfArgumentsIsReported() {
        let r = datanet("run", fixture("small.dna"), "--call", "add(1)")
        #expect(r.status == 1)
        #expect(r.err == "error: 'add' takes 2 arguments (Int, Int) but 1 was given\n", "\(r.err)")
    }

    @Test func anArgumentOfTheWrongTypeIsReported() {
        let r = datanet("run", fixture("small.dna"), "--call", "add(1, \"two\")")
        #expect(r.status == 1)
        #expect(r.err == "error: argument 2 of 'add': expected Int, found a String\n", "\(r.err)")
        let d = datanet("run", fixture("small.dna"), "--call", "add(1.5, 2)")
        #expect(d.status == 1)
        #expect(d.err.contains("argument 1 of 'add': '1.5' is not an Int (it has a fractional part"), "\(d.err)")
        let big = datanet("run", fixture("small.dna"), "--call", "add(170141183460469231731687303715884105728, 2)")
        #expect(big.status == 1)
        #expect(big.err.contains("'170141183460469231731687303715884105728' is out of the range of Int"), "\(big.err)")
        #expect(datanet("run", fixture("small.dna"), "--call", "add(170141183460469231731687303715884105727, 0)")
            .out.hasPrefix("170141183460469231731687303715884105727 : Int"))
    }

    /// Literals written as in other languages get told the Datanet spelling, at their column.
    @Test func foreignLiteralSpellingsSayHowToWriteThem() {
        for (call, message) in [
            ("add('a', 1)", "column 5: strings are written in double quotes"),
            ("add(+1, 1)", "column 5: a number is written without '+'"),
            ("add((1), 1)", "column 5: arguments are literals, not expressions"),
        ] {
            let r = datanet("run", fixture("small.dna"), "--call", call)
            #expect(r.status == 2)
            #expect(r.err.contains("error: in --call, \(message)"), "\(r.err)")
        }
    }

    @Test func anUnknownFunctionGetsASuggestion() {
        let r = datanet("run", fixture("small.dna"), "--call", "ad(1, 2)")
        #expect(r.status == 1)
        #expect(r.err == "error: no public function 'ad' in module 'small'; did you mean 'add'?\n", "\(r.err)")
    }

    @Test func traceOneStepPerInstruction() throws {
        let r = datanet("run", fixture("small.dna"), "--call", "add(2, 3)", "--trace")
        #expect(r.status == 0)
        #expect(r.out == (try String(contentsOfFile: fixture("trace-add.txt"), encoding: .utf8)))
        let lines = r.out.split(separator: "\n")
        #expect(lines.prefix(4).map { $0.split(separator: " ")[0..<2].joined(separator: " ") } == [
            "add+0 local_get", "add+3 local_get", "add+6 add_int", "add+7 ret",
        ])
    }

    @Test func traceShowsCallsIndented() {
        let r = datanet("run", benchFile("w3.dna"), "--call", "fib(2)", "--trace")
        #expect(r.status == 0)
        #expect(r.out.contains("\n  fib+0 local_get gas="))
        #expect(r.out.hasSuffix("1 : Int\ngas used: \(gasUsed(r.out))\n"))
    }

    @Test func valueIsSentWithTheCallAndHeldByTheContract() throws {
        let src = temporaryDirectory().appendingPathComponent("tip.dn").path
        try """
            contract Tip
            state total: Int
            pub fn tip() -> Int {
                require(value >= 10, "tip at least 10")
                total += value
                return balance(self)
            }
            """.write(toFile: src, atomically: true, encoding: .utf8)
        let paid = datanet("run", src, "--call", "tip()", "--value", "25")
        #expect(paid.status == 0, "\(paid.err)")
        #expect(paid.out.hasPrefix("25 : Int\n"), "\(paid.out)")
        let none = datanet("run", src, "--call", "tip()")
        #expect(none.status == 1)
        #expect(none.err.contains("reverted: tip at least 10"), "\(none.err)")
        let negative = datanet("run", src, "--call", "tip()", "--value", "-5")
        #expect(negative.status == 2)
        #expect(negative.err.contains("'--value' expects a non-negative integer, not '-5'"), "\(negative.err)")
    }

    private func gasUsed(_ out: String) -> String {
        out.split(separator: "\n").last.map { String($0.dropFirst("gas used: ".count)) } ?? ""
    }
}
