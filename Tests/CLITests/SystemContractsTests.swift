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
        for file in ["registry_test.dn", "staking_test.dn", "royalty_test.dn"] {
            #expect(result.out.contains("Contracts/tests/\(file)"))
        }
        #expect(!result.out.contains("✗"))
        #expect(result.out.hasSuffix(" passed, 0 failed\n"))
        #expect(result.out.contains("  ✓ the Paid amounts of every usage sum to its fee"))
        #expect(result.out.contains("  ✓ slashing conserves every token for many stakes and challenger shares"))
        #expect(result.out.contains("  ✓ the same content hash is rejected twice, in any datanet and from anyone"))
    }
}
