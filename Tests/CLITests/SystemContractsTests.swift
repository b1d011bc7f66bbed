import Foundation
import Testing

/// The system contracts of Contracts/ (Docs/contracts.md): they compile cleanly and their `*_test.dn` files pass,
/// so `swift test` guards them as `datanet test Contracts/` does.
@Suite struct SystemContractsTests {
    private func contract(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Contracts/\(name)").path
    }

    @Test(arguments: ["registry.dn", "staking.dn", "royalty.dn"])
    func compilesWithoutDiagnostics(_ file: String) {
        let result = datanet("check", contract(file))
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.isEmpty, "\(result.err)")
    }

    @Test func everyContractTestPasses() {
        let result = datanet("test", contract("tests"), "--no-time")
        #expect(result.status == 0, "\(result.out)\(result.err)")
        for file in ["registry_test.dn", "staking_test.dn", "royalty_test.dn", "system_test.dn"] {
            #expect(result.out.contains("Contracts/tests/\(file)"))
        }
        #expect(!result.out.contains("✗"))
        #expect(result.out.hasSuffix(" passed, 0 failed\n"))
        #expect(result.out.contains("  ✓ the Paid amounts of every usage sum to its fee"))
        #expect(result.out.contains("  ✓ slashing conserves every token for many stakes and challenger shares"))
        #expect(result.out.contains("  ✓ the same content hash is rejected twice, in any datanet and from anyone"))
    }

    /// Deploys the three contracts on a SQLite chain, pays a usage, upgrades Royalty in place (alice, the deployer,
    /// is its authority here; Governance is in Docs/governance.md) and checks that `migrate` moved `rule_version`
    /// to 2 while what was owed survived.
    @Test func royaltyUpgradesInPlaceAndKeepsWhatIsOwed() throws {
        let dir = temporaryDirectory()
        func run(_ args: String...) -> Captured { datanet(args + ["--dir", dir.path]) }
        func field(_ label: String, in text: String) -> String? {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix(label + " ") }
                .map { String($0.dropFirst(label.count)).trimmingCharacters(in: .whitespaces) }
        }
        #expect(run("chain", "init").status == 0)
        let alice = try #require(field("address", in: run("chain", "account", "alice").out))
        let bob = try #require(field("address", in: run("chain", "account", "bob").out))
        let registry = try #require(field("contract", in: run("deploy", contract("registry.dn"), "@" + alice,
            "--from", "alice").out))
        let staking = try #require(field("contract", in: run("deploy", contract("staking.dn"), "@" + alice,
            "@" + registry, "--from", "alice").out))
        let royalty = try #require(field("contract", in: run("deploy", contract("royalty.dn"), "@" + alice,
            "@" + registry, "@" + staking, "@" + alice, "--from", "alice").out))
        let content = "#0x" + String(repeating: "ab", count: 32)
        #expect(run("call", registry, "create_datanet(\"urdu\", [], 6000, 2000, 1000, 1000)", "--from", "alice")
            .status == 0)
        #expect(run("call", registry, "submit(1, \(content), \"corrections\")", "--from", "bob").status == 0)
        #expect(run("call", royalty, "register_model([1])", "--from", "alice").status == 0)
        let first = run("call", royalty, "record_usage(1, [\(content)], [3])", "--value", "1000", "--from", "alice")
        #expect(first.out.contains("Usage(usage: 1, model: 1, datanet: 1, fee: 1000, rule_version: 1)"), "\(first)")
        #expect(first.out.contains("role: \"contributor\", contribution: \(content), weight: 30000, amount: 600)"))

        let source = try String(contentsOfFile: contract("royalty.dn"), encoding: .utf8)
        let v2 = dir.appendingPathComponent("royalty_v2.dn")
        try source.replacingOccurrences(of: "\"pro-rata v1\"", with: "\"pro-rata v2\"")
            .write(to: v2, atomically: true, encoding: .utf8)
        let upgrade = run("upgrade", royalty, v2.path, "--from", "alice")
        #expect(upgrade.status == 0, "\(upgrade)")
        #expect(run("upgrade", royalty, v2.path, "--from", "bob").status == 1)
        #expect(run("query", royalty, "version()").out.hasPrefix("2 : Int"))
        #expect(run("query", royalty, "rule()").out.hasPrefix("\"pro-rata v2\" : String"))
        #expect(run("query", royalty, "owed(@\(bob))").out.hasPrefix("600 : Int"))
        let second = run("call", royalty, "record_usage(1, [\(content)], [3])", "--value", "10", "--from", "alice")
        #expect(second.out.contains("Usage(usage: 2, model: 1, datanet: 1, fee: 10, rule_version: 2)"), "\(second)")
        #expect(run("query", royalty, "owed(@\(bob))").out.hasPrefix("606 : Int"))
    }
}
