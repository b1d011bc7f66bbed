import CLI
import Foundation
import Synchronization
import Testing

/// `datanet test`: test files run against a fresh local chain per test.
@Suite struct TestCommandTests {
    private final class Capture: Sendable {
        let out = Mutex<[String]>([])
        let err = Mutex<[String]>([])
        var console: Console {
            Console(
                out: { text in self.out.withLock { $0.append(text) } },
                err: { text in self.err.withLock { $0.append(text) } })
        }
        var stdout: String { out.withLock { $0.joined(separator: "\n") } }
        var stderr: String { err.withLock { $0.joined(separator: "\n") } }
    }

    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func path(_ relative: String) -> String { Self.root.appendingPathComponent(relative).path }

    /// A temporary directory holding RoyaltySplit and a test file `name` with `text`; returns the test file's path.
    private func testFile(_ name: String, _ text: String) -> String {
        let dir = temporaryDirectory("test")
        let contract = FileManager.default.contents(atPath: path("Examples/royalty/royalty_split.dn")) ?? Data()
        let copy = dir.appendingPathComponent("royalty_split.dn").path
        _ = FileManager.default.createFile(atPath: copy, contents: contract)
        let file = dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        return file
    }

    private func run(_ args: [String]) -> (Int32, Capture) {
        let capture = Capture()
        let code = DatanetCLI.run(["test"] + args + ["--no-time"], console: capture.console)
        return (code, capture)
    }

    @Test func languageExamplePasses() {
        let (code, capture) = run([path("Examples/royalty/royalty_split_test.dn")])
        #expect(code == 0)
        #expect(capture.stdout.contains("  ✓ pro-rata split sends the remainder back  (gas "))
        #expect(capture.stdout.contains("  ✓ only the owner sets shares  (gas "))
        #expect(capture.stdout.hasSuffix("\n2 passed, 0 failed"))
    }

    @Test func aContractThatDoesNotCompileIsReportedAtEachDeploy() {
        let file = testFile("broken_test.dn", """
            test "first" {
                let r = deploy("broken.dn")
            }

            test "second" {
                let r = deploy("broken.dn")
            }
            """)
        let broken = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("broken.dn").path
        _ = FileManager.default.createFile(atPath: broken, contents: Data("""
            contract Broken
            pub fn f() -> Int { return missing + also_missing }
            """.utf8))
        let (code, capture) = run([file])
        #expect(code == 1)
        #expect(capture.stdout.contains("broken_test.dn:2:13: deploy: '\(broken)' does not compile: \(broken):2:28: "
            + "cannot find 'missing' in scope (and 1 more error: 'datanet check \(broken)' lists them)"),
            "\(capture.stdout)")
        #expect(capture.stdout.contains("broken_test.dn:6:13: deploy: '\(broken)' does not compile"), "\(capture.stdout)")
        #expect(capture.stdout.hasSuffix("\n0 passed, 2 failed"))
    }

    @Test func examplesDirectoryPasses() {
        let (code, capture) = run([path("Examples")])
        #expect(code == 0, "\(capture.stdout)")
        #expect(capture.stdout.contains("royalty_prelude_test.dn"))
        #expect(capture.stdout.hasSuffix("\n6 passed, 0 failed"))
        #expect(!capture.stdout.contains("✗"))
    }

    @Test func splitInTestsAndContractsIsTheVMs() {
        // Tests/CLITests/Fixtures/split: `split` in test code and in a deployed contract, its traps, and payouts.
        let (code, capture) = run([path("Tests/CLITests/Fixtures/split")])
        #expect(code == 0, "\(capture.stdout)")
        #expect(capture.stdout.contains("  ✓ the contract pays every part and nothing is lost  (gas "))
        #expect(capture.stdout.hasSuffix("\n3 passed, 0 failed"))
        let file = testFile("s_test.dn", "test \"bad\" {\n    let p = split(3, [])\n}\n")
        let (failed, output) = run([file])
        #expect(failed == 1)
        // A trap in test code fails the test at its position; it is not a revert `expect_revert` could catch.
        #expect(output.stdout.contains(
            "s_test.dn:2:13: test code trapped: \"split: the weights sum to zero but the amount is not zero\""))
        let caught = testFile("c_test.dn", "test \"caught?\" {\n    expect_revert { let p = split(3, []) }\n}\n")
        let (notCaught, caughtOutput) = run([caught])
        #expect(notCaught == 1)
        #expect(caughtOutput.stdout.contains("c_test.dn:2:29: test code trapped: \"split: the weights sum"))
    }

    @Test func everyLanguageFormRunsInTestCode() {
        // Tests/CLITests/Fixtures/test_code: literals of every type, lists, maps, structs, len/push/pop, loops,
        // library calls and consts, the file's fns, Dec, hashing, split, and chain values mixed with test code.
        let (code, capture) = run([path("Tests/CLITests/Fixtures/test_code")])
        #expect(code == 0, "\(capture.stdout)")
        #expect(capture.stdout.contains("  ✓ Int128.min % -1 is what a contract computes  (gas "))
        #expect(capture.stdout.hasSuffix("\n8 passed, 0 failed"))
    }

    @Test func testCodeFailsWithTheVMsMessageAndPosition() {
        let file = testFile("t_test.dn", """
            use std.math
            const MAX: Int = 170_141_183_460_469_231_731_687_303_715_884_105_727
            test "trap" { var big = MAX
                big += 1 }
            test "not a revert" { var zero = 0
                expect_revert { let y = 10 / zero } }
            test "require" { require(1 > 2, "one is not above two") }
            test "library" { expect_revert("division by zero") { let z = math.mul_div(1, 2, 0) } }
            test "types" { let s: String = 1 + 2 }
            test "lists" { assert_eq([1, 2] + [], [1]) }
            test "values" { var xs: List<Int> = [1]
                xs.push(2)
                assert_eq(xs, [2, 1]) }

            """)
        let (code, capture) = run([file])
        #expect(code == 1)
        let out = capture.stdout
        #expect(out.contains("t_test.dn:4:9: test code trapped: \"overflow\""))
        // expect_revert catches reverts of transactions (and of library code), not traps in the test's own code.
        #expect(out.contains("t_test.dn:6:32: test code trapped: \"division by zero\""))
        #expect(out.contains("t_test.dn:7:18: test code trapped: \"one is not above two\""))
        #expect(out.contains("  ✓ library  (gas 0)"))
        #expect(out.contains("t_test.dn:9:32: error: type mismatch: expected 'String', found 'Int'"))
        #expect(out.contains("t_test.dn:10:33: error: operator '+' cannot be applied to 'List<Int>' and 'List<Int>'"))
        #expect(out.contains("t_test.dn:13:5: assert_eq failed: left [1, 2], right [2, 1]"))
        #expect(out.hasSuffix("1 passed, 6 failed"))
    }

    @Test func failedAssertionShowsBothValuesAndPosition() {
        let file = testFile("f_test.dn", """
            test "wrong share" {
                let r = deploy("royalty_split.dn", @alice)
                r.set_share(@bob, 2)
                assert_eq(r.share_of(@bob), 3)
            }
            test "fine" { assert(1 + 1 == 2) }
            test "plain assert" { assert(balance(@bob) < START_BALANCE) }

            """)
        let (code, capture) = run([file])
        #expect(code == 1)
        #expect(capture.stdout.contains("  ✗ wrong share\n      \(file):4:5: assert_eq failed: left 2, right 3"))
        #expect(capture.stdout.contains("  ✓ fine  (gas 0)"))
        #expect(capture.stdout.contains(":7:23: assertion failed: balance(@bob) < START_BALANCE"))
        #expect(capture.stdout.hasSuffix("\n1 passed, 2 failed"))
    }

    @Test func expectRevertMatchesMessagesAndUndoesEffects() {
        let file = testFile("r_test.dn", """
            test "any revert" {
                let r = deploy("royalty_split.dn", @alice)
                expect_revert { as(@bob) { r.set_share(@bob, 1) } }
            }
            test "undo" {
                let r = deploy("royalty_split.dn", @alice)
                expect_revert("negative") {
                    r.set_share(@bob, 4)
                    send(@alice, r, 50)
                    r.set_share(@bob, -1)
                    r.set_share(@carol, 1)
                }
                assert_eq(r.share_of(@bob), 0)
                assert_eq(balance(r), 0)
                assert_eq(balance(@alice), START_BALANCE)
            }
            test "no revert" {
                let r = deploy("royalty_split.dn", @alice)
                expect_revert("only owner") { r.set_share(@bob, 1) }
            }
            test "other message" {
                let r = deploy("royalty_split.dn", @alice)
                expect_revert("only owner") { r.set_share(@bob, -1) }
            }
            test "revert not expected" {
                let r = deploy("royalty_split.dn", @alice)
                as(@carol) { r.set_share(@bob, 1) }
            }

            """)
        let (code, capture) = run([file])
        #expect(code == 1)
        let out = capture.stdout
        #expect(out.contains("  ✓ any revert"))
        #expect(out.contains("  ✓ undo"))
        #expect(out.contains(
            ":19:5: expected a revert containing \"only owner\", but nothing in the block reverted"))
        #expect(out.contains(":23:5: expected a revert containing \"only owner\", got \"negative weight\""))
        #expect(out.contains(":27:18: 'set_share' reverted: \"only owner\""))
        #expect(out.hasSuffix("\n2 passed, 3 failed"))
    }

    @Test func asBlocksSendAdvanceHelpersAndBalances() {
        let file = testFile("p_test.dn", """
            const POOL: Int = 90
            fn owner_sets(r: Address, who: Address, weight: Int) {
                as(@dora) { r.set_share(who, weight) }
            }
            test "prelude" {
                let r = deploy("royalty_split.dn", @dora)
                owner_sets(r, @bob, 1)
                owner_sets(r, @carol, 2)
                send(@erin, r, POOL)
                advance(5)
                var total = 0
                for i in 0..3 { total += i }
                assert_eq(total, 3)
                as(@erin) { assert_eq(r.distribute(POOL), 0) }
                assert_eq(balance(@bob) - START_BALANCE, 30)
                assert_eq(balance(@carol) - START_BALANCE, 60)
                assert_eq(balance(@erin), START_BALANCE - POOL)
                assert_eq(balance(@dora), START_BALANCE)
            }

            """)
        let (code, capture) = run([file])
        #expect(code == 0, "\(capture.stdout)")
        #expect(capture.stdout.hasSuffix("\n1 passed, 0 failed"))
    }

    @Test func withValueSendsTokensWithOneCallAndEventsReadTheLastTransaction() {
        let file = testFile("v_test.dn", """
            test "value and events" {
                let t = deploy("tip.dn")
                as(@bob) { assert_eq(with_value(40, t.tip(1)), 40) }
                assert_eq(events("Got"), [[@bob, 40, 1]])
                assert_eq(events("Other"), [])
                assert_eq(balance(t), 40)
                assert_eq(balance(@bob), START_BALANCE - 40)
                assert_eq(t.seen(), 40)
                assert_eq(events("Got"), [])
                with_value(7, t.tip(t.tip(2)))
                assert_eq(events("Got"), [[@alice, 7, 0]])
                assert_eq(balance(t), 47)
                expect_revert("insufficient") { as(@bob) { with_value(START_BALANCE, t.tip(3)) } }
            }
            test "negative value" {
                let t = deploy("tip.dn")
                with_value(-1, t.tip(1))
            }
            test "events after a view call" {
                let t = deploy("tip.dn")
                t.tip(5)
                assert_eq(t.seen(), 0)
                assert_eq(events("Got"), [[@alice, 0, 5]])
            }

            """)
        let tip = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("tip.dn").path
        _ = FileManager.default.createFile(atPath: tip, contents: Data("""
            contract Tip
            state total: Int
            event Got(from: Address, amount: Int, note: Int)
            pub fn tip(note: Int) -> Int {
                total += value
                emit Got(caller, value, note)
                return value
            }
            view fn seen() -> Int { return total }

            """.utf8))
        let (code, capture) = run([file])
        #expect(code == 1)
        let out = capture.stdout
        #expect(out.contains("  ✓ value and events"), "\(out)")
        #expect(out.contains(":17:16: with_value needs an amount >= 0"))
        // A failed comparison of events(…) names the transaction they were read from.
        #expect(out.contains(":23:5: assert_eq failed: left [], right [[@alice, 0, 5]]; events(…) lists the last "
            + "transaction's events, and the last transaction was 'Tip.seen' (a view call is a transaction too)"), "\(out)")
        #expect(out.hasSuffix("\n1 passed, 2 failed"))
    }

    @Test func gasReportListsEveryContractFunction() {
        let (code, capture) = run([path("Examples/royalty/royalty_split_test.dn"), "--gas-report"])
        #expect(code == 0)
        let out = capture.stdout
        #expect(out.contains("| contract     | function   | calls |"))
        #expect(out.contains("| RoyaltySplit | distribute |     1 |"))
        #expect(out.contains("| RoyaltySplit | init       |     2 |"))
        #expect(out.contains("| RoyaltySplit | set_share  |     3 |"))
    }

    @Test func contractFilesAndParseErrorsAreReported() {
        let (code, capture) = run([path("Examples/royalty/royalty_split.dn")])
        #expect(code == 1)
        #expect(capture.stderr.contains("error: this is not a test file"))
        let bad = testFile("bad_test.dn", "test \"x\" { let = }\n")
        let (code2, capture2) = run([bad])
        #expect(code2 == 1)
        #expect(capture2.stderr.contains("error:"))
        #expect(capture2.stderr.contains("error: could not compile \(bad): its tests did not run (counted as one failure)"))
        #expect(capture2.stdout.hasSuffix("0 passed, 1 failed"))
    }

    /// A file's own declarations are compiled before any test runs: a `use` of a contract (it was only reported
    /// by the first test that needed compiled code, and not at all when none did), a helper that does not
    /// type-check.
    @Test func theFilesDeclarationsAreCheckedBeforeAnyTestRuns() {
        let uses = testFile("uses_test.dn", """
            use "pool.dn"
            test "a" { assert(true) }
            test "b" { assert_eq(1 + 1, 2) }

            """)
        let pool = URL(fileURLWithPath: uses).deletingLastPathComponent().appendingPathComponent("pool.dn").path
        _ = FileManager.default.createFile(atPath: pool, contents: Data(
            "contract Pool\nstate total: Int\npub fn add(n: Int) { total += n }\n".utf8))
        let (code, capture) = run([uses])
        #expect(code == 1)
        #expect(capture.stderr.contains("uses_test.dn:1:1: error: 'pool.dn' is not a library"), "\(capture.stderr)")
        #expect(capture.stderr.contains("hint: 'Pool' is a contract: a contract is deployed, not used; a test deploys "
            + "it with 'deploy(\"pool.dn\")'"))
        #expect(!capture.stdout.contains("✓ a"), "no test runs: \(capture.stdout)")
        let helper = testFile("helper_test.dn", """
            fn twice(n: Int) -> Int { return n * flag }
            test "a" { assert(true) }

            """)
        let (code2, capture2) = run([helper])
        #expect(code2 == 1)
        #expect(capture2.stderr.contains("helper_test.dn:1:38: error: cannot find 'flag' in scope"), "\(capture2.stderr)")
        #expect(!capture2.stdout.contains("✓ a"))
    }

    @Test func unknownFunctionsAndDeployErrorsFailTheTest() {
        let file = testFile("u_test.dn", """
            test "typo" {
                let r = deploy("royalty_split.dn", @alice)
                r.set_shares(@bob, 1)
            }
            test "missing file" { let r = deploy("nope.dn") }

            """)
        let (code, capture) = run([file])
        #expect(code == 1)
        #expect(capture.stderr.contains(
            "u_test.dn:3:7: error: contract 'RoyaltySplit' has no public function 'set_shares'"))
        #expect(capture.stderr.contains("hint: did you mean 'set_share'?"))
        let missing = testFile("m_test.dn", "test \"missing file\" { let r = deploy(\"nope.dn\") }\n")
        let (code2, capture2) = run([missing])
        #expect(code2 == 1)
        #expect(capture2.stdout.contains(":1:31: deploy: cannot read '"))
    }
    @Test func namesAreCheckedBeforeAnyTestRuns() {
        let file = testFile("n_test.dn", """
            use std.math
            test "x" {
                let r = deploy("royalty_split.dn", @alice)
                assert_eq(totl, 1)
                asert(true)
                let m = math.mul_div(1, 2, 3)
                assert_eq(1)
                let n = maths.max(1, 2)
            }

            """)
        let (code, capture) = run([file])
        #expect(code == 1)
        let err = capture.stderr
        #expect(err.contains("n_test.dn:4:15: error: cannot find 'totl' in scope"))
        #expect(err.contains(" 4 |     assert_eq(totl, 1)\n   |               ^~~~"))
        #expect(err.contains("n_test.dn:5:5: error: cannot find function 'asert' in a test file"))
        #expect(!err.contains("n_test.dn:6:"))
        #expect(err.contains("n_test.dn:8:13: error: cannot find 'maths' in scope"))
        #expect(err.contains("n_test.dn:7:5: error: 'assert_eq' takes 2 arguments but 1 was given"))
        #expect(!capture.stdout.contains("✗"))
        #expect(capture.stdout.hasSuffix("0 passed, 1 failed"))
    }
    @Test func libraryFunctionsRunInTheVM() {
        let file = testFile("l_test.dn", """
            use std.math
            test "math" {
                assert_eq(math.mul_div(100, 2, 3), 66)
                assert_eq(math.max(4, 9) + math.min(4, 9), 13)
                expect_revert { let x = math.mul_div(1, 2, 0) }
            }
            test "wrong" { assert_eq(math.sqrt(17), 5) }

            """)
        let (code, capture) = run([file])
        #expect(code == 1)
        #expect(capture.stdout.contains("  ✓ math  (gas 0)"))
        #expect(capture.stdout.contains(":7:16: assert_eq failed: left 4, right 5"))
    }
    @Test func aTestThatNeverEndsFails() {
        // Test code on the VM stops at its gas limit; a loop the runner drives (it acts on the chain) at the
        // statement limit.
        let file = testFile("w_test.dn", """
            test "forever" {
                var i = 0
                while true { i += 1 }
            }
            test "forever on the chain" {
                while true { note("again") }
            }

            """)
        let (code, capture) = run([file])
        #expect(code == 1)
        #expect(capture.stdout.contains("w_test.dn:3:20: test code trapped: \"out of gas\""))
        #expect(capture.stdout.contains("w_test.dn:6:18: test ran over 200000 statements"))
    }
}
