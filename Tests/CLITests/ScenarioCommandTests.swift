import Foundation
import Testing
@testable import CLI

/// `datanet scenario`: scenario blocks on a persistent SQLite chain, the payout table and the state root.
@Suite struct ScenarioCommandTests {
    /// A fresh temporary directory holding RoyaltySplit, a payable contract and `scenario.dn` with `text`.
    private func scenarioDirectory(_ text: String) -> URL {
        let dir = temporaryDirectory("scenario")
        let split = FileManager.default.contents(
            atPath: repositoryRoot.appendingPathComponent("Examples/royalty/royalty_split.dn").path) ?? Data()
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("royalty_split.dn").path, contents: split)
        let box = """
            contract Box
            state received: Int
            pub fn put() -> Int {
                received += value
                return received
            }
            """
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("box.dn").path, contents: Data(box.utf8))
        _ = FileManager.default.createFile(
            atPath: dir.appendingPathComponent("scenario.dn").path, contents: Data(text.utf8))
        return dir
    }

    private static let split = """
        scenario "shares are set" {
            note("alice sets the shares")
            let r = deploy("royalty_split.dn", @alice)
            r.set_share(@bob, 1)
            r.set_share(@carol, 2)
            send(@alice, r, 100)
            assert_eq(r.distribute(100), 1)
        }

        scenario "a second act continues the same chain" {
            note("bob tries to change his share")
            assert_eq(balance(@bob) - START_BALANCE, 33)
        }
        """

    @Test func runsEveryBlockOnOneSQLiteChainAndPrintsThePayouts() throws {
        let dir = scenarioDirectory(Self.split)
        let chainDir = dir.appendingPathComponent("chain").path
        let first = datanet("scenario", dir.path, "--dir", chainDir)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("• alice sets the shares\n• bob tries to change his share\n"))
        #expect(first.out.contains("Payouts (2 payments for 0 usages)"))
        #expect(first.out.contains("  @carol            1     66\n"))
        #expect(first.out.contains("  @bob              1     33\n"))
        #expect(first.out.contains("2 scenarios ran"))
        #expect(FileManager.default.fileExists(atPath: chainDir + "/chain.sqlite"))
        let root = first.out.split(separator: "\n").first { $0.hasPrefix("state root 0x") }
        #expect(root != nil)

        // The chain stays behind as an ordinary chain directory, and its keystore signs as the named accounts.
        let status = datanet("chain", "status", "--dir", chainDir)
        #expect(status.status == 0)
        #expect(status.out.contains(String(root?.dropFirst("state root ".count) ?? "")))
        #expect(try String(contentsOfFile: chainDir + "/keys.json", encoding: .utf8).contains("\"carol\""))

        // Running it again replaces the directory and reaches the same state root.
        let second = datanet("scenario", dir.path, "--dir", chainDir)
        #expect(second.status == 0)
        #expect(second.out.split(separator: "\n").first { $0.hasPrefix("state root 0x") } == root)
    }

    @Test func withValueSendsTokensWithOneCall() {
        let dir = scenarioDirectory("""
            scenario "paying a contract" {
                let b = deploy("box.dn")
                assert_eq(with_value(250, b.put()), 250)
                assert_eq(b.put(), 250)
                assert_eq(balance(b), 250)
                assert_eq(START_BALANCE - balance(@alice), 250)
            }
            """)
        let run = datanet("scenario", dir.path, "--dir", dir.appendingPathComponent("chain").path)
        #expect(run.status == 0, "\(run.out)\(run.err)")
    }

    @Test func withValueMustWrapAContractCall() {
        let dir = scenarioDirectory("""
            scenario "wrong" {
                with_value(5, note("x"))
            }
            """)
        let run = datanet("scenario", dir.path, "--dir", dir.appendingPathComponent("chain").path)
        #expect(run.status == 1)
        #expect(run.err.contains("with_value's second argument must be"))
    }

    @Test func aFailureStopsTheRunAndSaysWhere() {
        let dir = scenarioDirectory("""
            scenario "fails" {
                let r = deploy("royalty_split.dn", @alice)
                as(@bob) { r.set_share(@bob, 5) }
            }
            scenario "never runs" { note("unreachable") }
            """)
        let run = datanet("scenario", dir.path, "--dir", dir.appendingPathComponent("chain").path)
        #expect(run.status == 1)
        #expect(run.err.contains("scenario.dn:3:16: 'set_share' reverted: \"only owner\""))
        #expect(!run.out.contains("unreachable"))
    }

    @Test func refusesADirectoryItDidNotMake() throws {
        let dir = scenarioDirectory(Self.split)
        let chainDir = dir.appendingPathComponent("chain")
        try FileManager.default.createDirectory(at: chainDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: chainDir.appendingPathComponent("precious").path, contents: Data())
        let run = datanet("scenario", dir.path, "--dir", chainDir.path)
        #expect(run.status == 1)
        #expect(run.err.contains("was not made by 'datanet scenario'"))
        #expect(FileManager.default.fileExists(atPath: chainDir.appendingPathComponent("precious").path))
    }

    @Test func aFileWithoutScenariosIsAnError() {
        let dir = scenarioDirectory("test \"only a test\" { assert(true) }\n")
        let run = datanet("scenario", dir.path, "--dir", dir.appendingPathComponent("chain").path)
        #expect(run.status == 1)
        #expect(run.err.contains("this file has no scenario blocks"))
    }

    @Test func scenarioIsAKeywordOnlyBeforeAString() {
        let dir = scenarioDirectory("""
            test "scenario as a name" {
                let scenario = 3
                assert_eq(scenario + 1, 4)
            }
            """)
        let run = datanet("test", dir.appendingPathComponent("scenario.dn").path, "--no-time")
        #expect(run.status == 0, "\(run.out)\(run.err)")
        #expect(run.out.contains("1 passed, 0 failed"))
    }
}

/// The payable-AI examples: each runs with one command, pays out, and reaches the same state root every run.
@Suite struct ExampleScenarioTests {
    @Test(arguments: ["urdu_tutoring", "healthcare_diagnostics", "writing_assistant"])
    func exampleRunsTwiceToTheSameRoot(_ name: String) throws {
        let example = repositoryRoot.appendingPathComponent("Examples/\(name)").path
        let dir = temporaryDirectory("example")
        var roots: [Substring] = []
        for _ in 0..<2 {
            let run = datanet("scenario", example, "--dir", dir.path)
            #expect(run.status == 0, "\(run.out)\(run.err)")
            #expect(run.out.contains("Payouts ("))
            #expect(run.out.contains("Why each was paid"))
            roots += run.out.split(separator: "\n").filter { $0.hasPrefix("state root 0x") }
        }
        #expect(roots.count == 2)
        #expect(roots.first == roots.last)
    }
}
