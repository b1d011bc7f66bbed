import Bytecode
import Compiler
import Testing
import VM

/// The `split` builtin compiles to the VM's `split` instruction (Docs/language.md, "Builtins").
@Suite struct SplitBuiltinTests {
    @Test(arguments: [
        ("return split(10, [1, 1, 1])", "[4, 3, 3]"),
        ("return split(100, [1, 2, 3])", "[17, 33, 50]"),
        ("return split(3, [1, 2, 1, 2])", "[1, 1, 0, 1]"),
        ("return split(7, [0, 3, 0, 3])", "[0, 4, 0, 3]"),
        ("return split(5, [9])", "[5]"),
        ("return split(0, [0, 0])", "[0, 0]"),
        ("var w: List<Int> = []\nreturn split(0, w)", "[]"),
        ("let big = 85070591730234615865843651857942052864\nreturn split(big - 1, [big / 2, big / 2])",
         "[42535295865117307932921825928971026432, 42535295865117307932921825928971026431]"),
        ("var w = [2, 2]\nvar p = split(5, w)\np[0] = 9\nreturn w", "[2, 2]"),
        ("return split(-1, [1])", "trap: split: negative amount"),
        ("return split(1, [1, -1, 3])", "trap: split: negative weight at index 1"),
        ("var w: List<Int> = []\nreturn split(4, w)", "trap: split: the weights sum to zero but the amount is not zero"),
        ("return split(1, [170141183460469231731687303715884105727, 1])", "trap: overflow"),
    ])
    func splitComputesTheVMsParts(body: String, expected: String) {
        #expect(evaluate(body, returns: "List<Int>") == expected)
    }

    @Test func splitPartsSumToTheAmountInALoop() {
        let body = """
            var w: List<Int> = []
            for i in 0..50 {
                w.push(i * 7 % 11)
            }
            var total = 0
            for p in split(1_000_003, w) {
                total += p
            }
            return total
            """
        #expect(evaluate(body) == "1000003")
    }

    @Test func splitIsTypeChecked() {
        let text = """
            contract T
            pub fn f(a: Int) -> List<Int> {
                return split(a, [true])
            }
            pub fn g(d: Dec) -> List<Int> {
                return split(d, [1])
            }
            pub fn h() -> Int {
                return split(1)
            }
            """
        #expect(diagnosticLines(text) == [
            "3:22: error: type mismatch: expected 'Int', found 'Bool'",
            "6:18: error: argument 1 of 'split' must be 'Int', found 'Dec'",
            "9:12: error: 'split' takes 2 arguments but 1 was given",
        ])
    }

    @Test func aTrapInSplitPointsAtTheCall() {
        guard let program = compileProgram("contract T\npub fn f(a: Int) -> List<Int> {\n    return split(a, [1, 2])\n}")
        else { return }
        let result = run(program, "f", [.int(-3)])
        #expect(result.trap?.message == "split: negative amount")
        #expect(result.trap?.position.map { "\($0.line):\($0.column)" } == "3:12")
    }
}
