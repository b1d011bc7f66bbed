import CLI
import Foundation
import Synchronization
import Testing

/// `datanet build`, `check`, `run` and `disasm` on `.dn` sources.
@Suite struct CompileCommandTests {
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

    private func temporary(_ name: String, _ text: String) -> String {
        let file = temporaryDirectory().appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))  // a missing file fails the test that reads it
        return file
    }

    @Test func checkReportsErrorsWithCaretsAndExitsOne() {
        let file = temporary(
            "bad.dn", "contract C\nfn f() -> Int {\n    let total = 1\n    total = 2\n    return total\n}\n")
        let capture = Capture()
        #expect(DatanetCLI.run(["check", file], console: capture.console) == 1)
        #expect(capture.stderr.contains("error: cannot assign to 'total': 'total' is a 'let' constant"))
        #expect(capture.stderr.contains(" 4 |     total = 2\n   |     ^~~~~"))
        #expect(capture.stderr.hasSuffix("1 error, 0 warnings"))
    }

    @Test func checkJSONAndCleanFiles() {
        let capture = Capture()
        #expect(
            DatanetCLI.run(
                ["check", path("Examples/royalty/royalty_split.dn"), path("Examples/bench/w1.dn")],
                console: capture.console) == 0)
        let bad = temporary("bad.dn", "contract C\nfn f() -> Int { return x }\n")
        let json = Capture()
        #expect(DatanetCLI.run(["check", bad, "--json"], console: json.console) == 1)
        #expect(json.stdout.contains("cannot find 'x' in scope"))
    }

    /// A directory is every `.dn` file under it; a test or scenario file is checked as `datanet test` loads it
    /// (it was refused with "this is a test file"), without running a test.
    @Test func checkTakesDirectoriesAndTestFiles() {
        let clean = Capture()
        #expect(DatanetCLI.run(["check", path("Contracts"), path("Stdlib"), path("Examples")], console: clean.console) == 0,
            "\(clean.stderr)")
        #expect(clean.stderr.isEmpty, "\(clean.stderr)")
        let dir = temporaryDirectory()
        func write(_ name: String, _ text: String) {
            _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data(text.utf8))
        }
        write("pool.dn", "contract Pool\nstate total: Int\npub fn add(n: Int) { total += n }\n")
        write("pool_test.dn", "test \"adds\" {\n    let p = deploy(\"pool.dn\")\n    p.add(1)\n    assert(nope)\n}\n")
        write("helper_test.dn", "fn twice(n: Int) -> Int { return n * k }\ntest \"t\" { assert_eq(twice(1), 2) }\n")
        let capture = Capture()
        #expect(DatanetCLI.run(["check", dir.path], console: capture.console) == 1)
        #expect(capture.stderr.contains("pool_test.dn:4:12: error: cannot find 'nope' in scope"), "\(capture.stderr)")
        #expect(capture.stderr.contains("helper_test.dn:1:38: error: cannot find 'k' in scope"), "\(capture.stderr)")
        #expect(!capture.stderr.contains("pool.dn:"), "the contract is clean")
        #expect(capture.stderr.hasSuffix("2 errors, 0 warnings"))
        #expect(capture.stdout.isEmpty, "no test ran: \(capture.stdout)")
        let empty = Capture()
        #expect(DatanetCLI.run(["check", temporaryDirectory().path], console: empty.console) == 1)
        #expect(empty.stderr.contains("no .dn files under"))
    }

    @Test func buildWritesVerifiedBytecode() {
        let out = temporaryDirectory().appendingPathComponent("w4.dnb").path
        let capture = Capture()
        #expect(DatanetCLI.run(["build", path("Examples/bench/w4.dn"), "-o", out], console: capture.console) == 0)
        #expect(capture.stdout.hasPrefix("wrote \(out)"))
        let verify = Capture()
        #expect(DatanetCLI.run(["verify", out], console: verify.console) == 0)
        // -o names a file: a directory, or a file in a directory that does not exist, is refused and says why.
        let directory = temporaryDirectory().path
        let intoDirectory = Capture()
        #expect(DatanetCLI.run(["build", path("Examples/bench/w4.dn"), "-o", directory], console: intoDirectory.console) == 1)
        #expect(intoDirectory.stderr.contains("cannot write '\(directory)': it is a directory; -o names the output file"))
        let missing = Capture()
        #expect(DatanetCLI.run(["build", path("Examples/bench/w4.dn"), "-o", directory + "/no/w4.dnb"],
            console: missing.console) == 1)
        #expect(missing.stderr.contains("no such directory '\(directory)/no'"), "\(missing.stderr)")
    }

    @Test func runCompilesAndCalls() {
        let capture = Capture()
        #expect(
            DatanetCLI.run(["run", path("Examples/bench/w4.dn"), "--call", "w4(10000)"], console: capture.console) == 0)
        #expect(capture.stdout.hasPrefix("4803349563 : Int"))
        let file = temporary(
            "s.dn", "contract S\nstate n: Int = 41\npub fn next() -> Int {\n    n += 1\n    return n\n}\n")
        let state = Capture()
        #expect(DatanetCLI.run(["run", file, "--call", "next()"], console: state.console) == 0)
        #expect(state.stdout.hasPrefix("42 : Int"))
        let broken = Capture()
        #expect(
            DatanetCLI.run(
                ["run", temporary("b.dn", "contract B\nfn f() { y = 1 }\n"), "--call", "f()"],
                console: broken.console) == 1)
        #expect(broken.stderr.contains("error: cannot find 'y' in scope"))
    }

    @Test func runDeploysWithInitArguments() {
        let owner = "@0x" + String(repeating: "01", count: 32)
        let capture = Capture()
        #expect(
            DatanetCLI.run(
                [
                    "run", path("Examples/royalty/royalty_split.dn"), "--init", "init(\(owner))",
                    "--call", "set_share(\(owner), 5)",
                ], console: capture.console) == 0)
        let reverted = Capture()
        #expect(
            DatanetCLI.run(
                [
                    "run", path("Examples/royalty/royalty_split.dn"), "--init", owner,
                    "--call", "distribute(5)",
                ], console: reverted.console) == 1)
        #expect(reverted.stderr.contains("royalty_split.dn:28:5: error: reverted: no shares"))
        // The source line of the revert, with a caret under it.
        let lines = reverted.stderr.split(separator: "\n").map(String.init)
        let at = lines.firstIndex { $0.contains("error: reverted: no shares") } ?? lines.count
        #expect(lines.dropFirst(at + 1).prefix(2) == [
            " 28 |     require(total > 0, \"no shares\")", "    |     ^",
        ], "\(reverted.stderr)")
    }

    /// An init that takes arguments is not run without --init: a warning says so before the call, with an example.
    @Test func runWarnsWhenInitIsNotRun() {
        let split = path("Examples/royalty/royalty_split.dn")
        let skipped = Capture()
        _ = DatanetCLI.run(["run", split, "--call", "share_of(@bob)"], console: skipped.console)
        #expect(skipped.stderr.contains(
            "warning: init(Address) was not run: it takes an argument; give it with --init, e.g. --init '@alice'"),
            "\(skipped.stderr)")
        let given = Capture()
        #expect(DatanetCLI.run(["run", split, "--init", "@alice", "--call", "share_of(@bob)"], console: given.console) == 0)
        #expect(!given.stderr.contains("warning"), "\(given.stderr)")
    }

    /// Accounts named on the command line print back as `@name` in events and results; --json keeps addresses.
    @Test func runNamesTheAccountsItWasGiven() {
        let file = temporary("tip.dn", """
            contract Tip
            event Tipped(from: Address, to: Address, amount: Int)
            pub fn tip(to: Address, amount: Int) -> Address {
                emit Tipped(caller, to, amount)
                return to
            }

            """)
        let people = Capture()
        #expect(DatanetCLI.run(["run", file, "--call", "tip(@carol, 5)", "--from", "bob"], console: people.console) == 0)
        #expect(people.stdout.contains("event Tipped(@bob, @carol, 5)"), "\(people.stdout)")
        #expect(people.stdout.contains("@carol : Address"))
        let machines = Capture()
        #expect(DatanetCLI.run(["run", file, "--call", "tip(@carol, 5)", "--from", "bob", "--json"],
            console: machines.console) == 0)
        #expect(!machines.stdout.contains("@carol"), "\(machines.stdout)")
        #expect(machines.stdout.contains("Tipped(@0x"))
    }

    /// `@name` is the local account `name` of `datanet test`, and `--from` sends as one: the owner set by `init`
    /// may set shares, anyone else is refused by the contract.
    @Test func runWithNamedAccounts() {
        let split = path("Examples/royalty/royalty_split.dn")
        func run(_ extra: String...) -> (Int32, Capture) {
            let capture = Capture()
            let status = DatanetCLI.run(
                ["run", split, "--init", "init(@alice)", "--call", "set_share(@bob, 5)"] + extra, console: capture.console)
            return (status, capture)
        }
        #expect(run("--from", "alice").0 == 0)
        #expect(run("--from", "@alice").0 == 0)
        let (status, bob) = run("--from", "bob")
        #expect(status == 1)
        #expect(bob.stderr.contains("reverted: only owner"))
        let (bad, named) = run("--from", "bad name")
        #expect(bad == 1)
        #expect(named.stderr.contains("in --from, 'bad name' is neither an account name"))
    }

    @Test func disasmShowsSourceLines() {
        let capture = Capture()
        #expect(DatanetCLI.run(["disasm", path("Examples/bench/w3.dn")], console: capture.console) == 0)
        #expect(capture.stdout.contains("w3.dn:8  return fib(n - 1) + fib(n - 2)"))
        // Operands by name, as `disasm` of a module prints them; jump targets as the offsets they reach.
        #expect(capture.stdout.contains("   35  call fib\n"), "\(capture.stdout)")
        #expect(capture.stdout.contains("   13  jump_unless 22\n"))
        #expect(capture.stdout.contains(".fn public fib(int) -> int    ; locals 0, max stack 3"))
        let state = Capture()
        #expect(DatanetCLI.run(["disasm", path("Examples/royalty/royalty_split.dn")], console: state.console) == 0)
        #expect(state.stdout.contains("sload total"), "\(state.stdout)")
        #expect(state.stdout.contains("push_const \"no shares\""), "\(state.stdout)")
    }
}
