import CLI
import Foundation
import Testing

/// Contracts/governance_test.dn under `datanet test`, so that `swift test` runs it.
@Suite struct GovernanceContractTests {
    private func runTests(_ path: String) -> Captured { datanet("test", path, "--no-time") }

    @Test func governanceTestFilePasses() {
        let result = runTests(repositoryRoot.appendingPathComponent("Contracts/governance_test.dn").path)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.out.contains("✓ a ballot counts once"))
        #expect(result.out.contains("✓ quadratic rule: power is the integer square root of the stake"))
        #expect(result.out.hasSuffix("\n18 passed, 0 failed\n"))
    }
}
