import Compiler
import Diagnostics
import Foundation
import Testing

/// The type checker's diagnostics: exact texts, positions, carets and hints.
@Suite struct SemaDiagnosticTests {
    @Test func goldenRendering() {
        let text = String(decoding: fixtureBytes("sema_errors.dn"), as: UTF8.self)
        let rendered = diagnosticsText(text, path: "sema_errors.dn")
        updateGoldenIfAsked("sema_errors.expected", rendered)
        let expected = String(decoding: fixtureBytes("sema_errors.expected"), as: UTF8.self)
        #expect(rendered == expected)
    }

    @Test func assignmentToLetPointsAtTheName() {
        let text = """
            contract C
            pub fn f() -> Int {
                let total = 1
                total = 2
                return total
            }
            """
        #expect(
            diagnosticsText(text) == """
                test.dn:4:5: error: cannot assign to 'total': 'total' is a 'let' constant
                 4 |     total = 2
                   |     ^~~~~
                hint: change 'let' to 'var' to make it mutable
                fix-it: replace 'let' with 'var'

                """)
    }

    @Test func misspelledNamesGetSuggestions() {
        let lines = diagnosticLines(
            """
            contract C
            state shares: Map<Address, Int>
            struct Pair { left: Int, right: Int }
            pub fn f(who: Address) -> Int {
                let p = Pair { left: 1, right: 2 }
                return shares[whoo] + p.rigth + sharez[who]
            }
            """)
        #expect(
            lines == [
                "6:19: error: cannot find 'whoo' in scope",
                "6:29: error: value of type 'Pair' has no field 'rigth'",
                "6:37: error: cannot find 'sharez' in scope",
            ])
        let result = Compiler.compile(
            SourceFile(path: "t.dn", text: "contract C\npub fn f() -> Int { return lenn([1]) }"))
        #expect(result.diagnostics.first?.hint == "did you mean 'len'?")
    }

    /// `caller()`, `total()`, `block.height()`: a value called like a function is named for what it is (it said
    /// "cannot find 'caller' in scope", though `caller` is always in scope), with the fix-it that drops `()`; a map
    /// called with a key is shown indexed.
    @Test func valuesCalledAsFunctionsSayWhatTheyAre() {
        let source = """
            contract C
            state total: Int
            state shares: Map<Address, Int>
            const CAP: Int = 5
            pub fn f(x: Int) -> Int {
                let a = caller()
                let b = total() + x() + CAP()
                let c = shares(a)
                return block.height() + value()
            }
            """
        #expect(diagnosticLines(source) == [
            "6:13: error: 'caller' is a value of the call, not a function",
            "7:13: error: 'total' is a state variable, not a function",
            "7:23: error: 'x' is a local, not a function",
            "7:29: error: 'CAP' is a constant, not a function",
            "8:13: error: 'shares' is a state variable, not a function",
            "9:12: error: 'block.height' is a value of the block, not a function",
            "9:29: error: 'value' is a value of the call, not a function",
        ])
        let diagnostics = Compiler.compile(SourceFile(path: "t.dn", text: source)).diagnostics
        #expect(diagnostics.first?.hint == "read it without '()': 'caller'")
        #expect(diagnostics.first?.fixIt?.range.text == "caller()")
        #expect(diagnostics.first?.fixIt?.replacement == "caller")
        #expect(diagnostics[4].hint == "a map or list is indexed with '[ ]': 'shares[a]'")
        #expect(diagnostics[4].fixIt == nil)
    }

    @Test func typeMismatchesNameBothTypes() {
        #expect(
            diagnosticLines("contract C\npub fn f() -> Dec { return 1 }") == [
                "2:28: error: type mismatch: expected 'Dec', found 'Int'"
            ])
        #expect(
            diagnosticLines("contract C\npub fn f(a: Address) -> Bool { return a == 1 }") == [
                "2:41: error: operator '==' cannot be applied to 'Address' and 'Int'"
            ])
        #expect(
            diagnosticLines("contract C\npub fn f() { var m: Map<Int, Int>\nm[\"k\"] = 1 }") == [
                "3:3: error: type mismatch: expected 'Int', found 'String'"
            ])
        #expect(
            diagnosticLines("contract C\npub fn f() { if 1 { } }") == [
                "2:17: error: condition must be 'Bool', found 'Int'"
            ])
    }

    @Test func aLoopWithTheWrongNumberOfNamesIsReportedOnce() {
        // The names written are still bound (as error values): no "cannot find 'who'" at each use.
        let lines = diagnosticLines(
            """
            contract C
            state shares: Map<Address, Int>
            state names: List<String>
            pub fn f() -> Int {
                var n = 0
                for who in shares {
                    n += shares[who]
                    let again = who
                }
                for i, s in names { n += len(s) + i }
                for a, b in 0..3 { n += a * b }
                var m: Map<Int, Int>
                for k in m { n += k }
                return n
            }
            """)
        #expect(
            lines == [
                "6:9: error: this loop takes two names ('for k, v in m')",
                "10:9: error: this loop takes one name",
                "11:9: error: this loop takes one name",
                "13:9: error: this loop takes two names ('for k, v in m')",
            ])
    }

    @Test func builtinsWrittenAsMethodsGetTheFunctionCall() {
        #expect(
            diagnosticsText("contract C\npub fn f(xs: List<Int>) -> Int {\n    return xs.len()\n}") == """
                test.dn:3:15: error: value of type 'List<Int>' has no method 'len'
                 3 |     return xs.len()
                   |               ^~~
                hint: write 'len(xs)'

                """)
        let hints = { (text: String) in Compiler.compile(SourceFile(path: "t.dn", text: text)).diagnostics.map(\.hint) }
        #expect(hints("contract C\npub fn f(m: Map<Int, Int>) -> Bool { return m.has(1 + 2) }") == ["write 'has(m, 1 + 2)'"])
        #expect(hints("contract C\npub fn f(s: String) -> Int { return s.len() }") == ["write 'len(s)'"])
        // Not a builtin: no hint. Too long to repeat: the hint describes the call instead.
        #expect(hints("contract C\npub fn f(xs: List<Int>) -> Int { return xs.size() }") == [nil])
        let long = "[" + (1...30).map(String.init).joined(separator: ", ") + "]"
        #expect(
            hints("contract C\npub fn f() -> Int { return \(long).len() }") == [
                "'len' is a function: write 'len(...)' with the value as its first argument"
            ])
    }

    @Test func compoundAssignmentsMixingIntAndDecGetTheConversionHint() {
        let result = Compiler.compile(
            SourceFile(
                path: "t.dn",
                text: "contract C\npub fn f(rate: Dec) -> Int {\n    var total = 0\n    total += rate\n    return total\n}"))
        #expect(result.diagnostics.map(\.message) == ["operator '+' cannot be applied to 'Int' and 'Dec'"])
        #expect(
            result.diagnostics.map(\.hint) == ["convert with 'dec(...)' or 'int(...)'; Int and Dec do not mix implicitly"])
        // The same hint as the operator itself gets.
        let plain = Compiler.compile(SourceFile(path: "t.dn", text: "contract C\npub fn f(a: Int, rate: Dec) -> Int { return a * rate }"))
        #expect(plain.diagnostics.map(\.hint) == result.diagnostics.map(\.hint))
    }

    @Test func viewFunctionsMayNotWriteThroughHelpers() {
        let lines = diagnosticLines(
            """
            contract C
            state n: Int
            event E(x: Int)
            fn bump() { n += 1 }
            view fn a() -> Int {
                bump()
                return n
            }
            view fn b() { emit E(1) }
            view fn c(to: Address) { transfer(to, 1) }
            """)
        #expect(
            lines == [
                "6:5: error: view function 'a' cannot call 'bump', which may write state",
                "9:15: error: view function 'b' cannot write state",
                "10:26: error: view function 'c' cannot write state",
            ])
    }

    @Test func returnsAndReachability() {
        #expect(
            diagnosticLines("contract C\nfn f(x: Int) -> Int {\n if x > 0 { return 1 } else { return 2 }\n}").isEmpty)
        #expect(diagnosticLines("contract C\nfn f(x: Int) -> Int {\n while true { return 1 }\n}").isEmpty)
        #expect(
            diagnosticLines("contract C\nfn f(x: Int) -> Int {\n while x > 0 { return 1 }\n}") == [
                "4:1: error: missing return in function 'f' that returns 'Int'"
            ])
        #expect(
            diagnosticLines("contract C\nfn f() {\n revert(\"no\")\n let x = 1\n}") == [
                "4:2: warning: code after this point will never be executed", "4:6: warning: 'x' is never read",
            ])
        #expect(
            diagnosticLines("contract C\nfn f() { return 1 }") == [
                "2:17: error: function 'f' returns nothing; remove the returned value"
            ])
    }

    @Test func constantsAndLiterals() {
        #expect(
            diagnosticLines("contract C\nconst A: Int = B\nconst B: Int = A\nfn f() -> Int { return A }").contains(
                "2:7: error: const 'A' refers to itself"))
        #expect(
            diagnosticLines("contract C\nfn f() -> Int { return 170141183460469231731687303715884105728 }") == [
                "2:24: error: integer literal '170141183460469231731687303715884105728' does not fit in 'Int'"
            ])
        #expect(
            diagnosticLines("contract C\nfn f() -> Int { return 1 / 0 }") == [
                "2:26: error: division by zero in constant expression"
            ])
        #expect(
            diagnosticLines("contract C\nfn f() -> Int { return -170141183460469231731687303715884105728 / -1 }") == [
                "2:65: error: arithmetic overflow in constant expression ('/')"
            ])
        #expect(
            diagnosticLines("contract C\nfn f() -> Int { return -(-170141183460469231731687303715884105728) }") == [
                "2:24: error: arithmetic overflow in constant expression ('-')"
            ])
        #expect(
            diagnosticLines("contract C\nfn f() { let xs = [] }") == [
                "2:19: error: cannot infer the type of an empty list"
            ])
    }

    @Test func aLibraryThatIsNotFoundSaysWhereItWasLookedFor() {
        func hints(_ text: String, _ libraries: LibraryResolver) -> [String] {
            Compiler.compile(SourceFile(path: "dir/test.dn", text: text), options: CompileOptions(libraries: libraries))
                .diagnostics.compactMap(\.hint)
        }
        let standard = resolver()
        #expect(hints("contract C\nuse std.mth\n", standard) == [
            "did you mean 'std.math'? the standard library has std.math, std.royalty, std.stake, std.vote"
        ])
        #expect(hints("contract C\nuse std.math\n", .none) == [
            "no standard library was found: the datanet command looks for a 'Stdlib' directory above the working "
                + "directory and above its executable; set DATANET_STDLIB to the directory that holds math.dn"
        ])
        #expect(hints("contract C\nuse \"lib/m.dn\"\n", standard) == [
            "no file at 'dir/lib/m.dn' (a path in 'use' is relative to the directory of the file that names it)"
        ])
        // The qualifier of a `use` that failed is not reported again in every body that uses it.
        #expect(diagnosticLines("contract C\nuse std.mth\nfn f() -> Int { return mth.max(1, 2) + mth }\n"
            + "fn g() -> Int { return mth2 }") == [
            "2:1: error: cannot find library 'std.mth'", "4:24: error: cannot find 'mth2' in scope",
        ])
        #expect(hints("contract C\nuse other.math\n", standard) == [
            "a library is named 'use std.NAME' (the standard library) or 'use \"path/file.dn\"'"
        ])
    }

    @Test func librariesAndFiles() {
        #expect(diagnosticLines("contract C\nuse std.nothing\n") == ["2:1: error: cannot find library 'std.nothing'"])
        #expect(
            diagnosticLines(
                "contract C\nuse \"lib.dn\"\nfn f() -> Int { return lib.twice(2) + lib.X }",
                libraries: ["lib.dn": "library Lib\nconst X: Int = 1\nfn twice(x: Int) -> Int { return 2 * x }"]
            )
            .isEmpty)
        #expect(
            diagnosticLines("contract C\nuse std.math\nfn f() -> Int { return math.mul_dv(1, 2, 3) }") == [
                "3:24: error: cannot find 'math.mul_dv' in scope"
            ])
        #expect(
            diagnosticLines("library L\nstate x: Int") == [
                "2:1: error: libraries hold only 'use', 'const' and 'fn' declarations"
            ])
        #expect(diagnosticLines("test \"t\" { }") == ["1:1: error: this is a test file; run it with 'datanet test'"])
    }

    @Test func libraryFunctionsNeedTheirQualifier() {
        let result = Compiler.compile(
            SourceFile(path: "t.dn", text: "contract C\nuse std.math\nfn f() -> Int { return mul_div(1, 2, 3) }"),
            options: CompileOptions(libraries: resolver()))
        #expect(result.diagnostics.map(\.message) == ["cannot find 'mul_div' in scope"])
        #expect(result.diagnostics.first?.hint == "did you mean 'math.mul_div'?")
        #expect(result.diagnostics.first?.fixIt?.replacement == "math.mul_div")
    }

    @Test func argumentCountPointsAtTheDeclaration() {
        let text = "contract C\nfn g(a: Int) -> Int { return a }\nfn f() -> Int { return g(1, 2) }"
        #expect(
            diagnosticsText(text) == """
                test.dn:3:24: error: 'g' takes 1 argument but 2 were given
                 3 | fn f() -> Int { return g(1, 2) }
                   |                        ^~~~~~~
                test.dn:2:4: note: 'g' declared here
                 2 | fn g(a: Int) -> Int { return a }
                   |    ^

                """)
    }

    @Test func assignmentsToWhatCannotChange() {
        let lines = diagnosticLines(
            "contract C\nfn g() -> Int { return 1 }\nfn f() {\n caller = caller\n g = 1\n remove(5, 1)\n 5 = 3\n}")
        #expect(
            lines == [
                "4:2: error: cannot assign to 'caller': it is given by the call's environment",
                "5:2: error: cannot assign to 'g': it is a function",
                "6:9: error: this needs a map held in a variable or state variable",
                "7:2: error: cannot assign to this expression",
            ])
    }

    @Test func typesAreNotValues() {
        #expect(
            diagnosticLines(
                "contract C\ninterface T { fn f() }\nstruct P { a: Int }\nfn f() {\n let x = T.f\n let y = P\n}")
                == [
                    "5:10: error: 'T' is a type, not a value",
                    "6:10: error: 'P' is a type, not a value",
                ])
    }

    @Test func unusedBindingsWarn() {
        #expect(
            diagnosticLines(
                "contract C\nfn f(a: Int) {\n let x = 1\n var y = 2\n y = 3\n let _z = 4\n"
                    + " var w: List<Int>\n w.push(a)\n}"
            ) == [
                "3:6: warning: 'x' is never read", "4:6: warning: 'y' is never read", "7:6: warning: 'w' is never read",
            ])
    }

    @Test func statementsOnlyForTests() {
        #expect(
            diagnosticLines("contract C\nfn f() { as(@bob) { } }").contains(
                "2:10: error: this statement is only allowed in test files"))
    }
}
