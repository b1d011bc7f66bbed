import CLI
import Foundation
import Testing

/// Contracts/governance_test.dn under `datanet test`, and the prelude form it needs: `with_value`.
@Suite struct GovernanceContractTests {
    private func runTests(_ path: String) -> Captured { datanet("test", path, "--no-time") }

    @Test func governanceTestFilePasses() {
        let result = runTests(repositoryRoot.appendingPathComponent("Contracts/governance_test.dn").path)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.out.contains("✓ a ballot counts once"))
        #expect(result.out.contains("✓ quadratic rule: power is the integer square root of the stake"))
        #expect(result.out.hasSuffix("\n17 passed, 0 failed\n"))
    }

    /// A test file beside a copy of the governance contract.
    private func testFile(_ text: String) throws -> String {
        let dir = try temporaryDirectory()
        let source = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Contracts/governance.dn"), encoding: .utf8)
        try source.write(to: dir.appendingPathComponent("governance.dn"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("v_test.dn")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func withValueSendsTokensWithTheCall() throws {
        let file = try testFile("""
            test "value" {
                let g = deploy("governance.dn", 1, 5_000, 3, 0)
                as(@bob) { with_value(250, g.lock()) }
                assert_eq(g.locked_of(@bob), 250)
                assert_eq(balance(g), 250)
                assert_eq(balance(@bob), START_BALANCE - 250)
                expect_revert("send tokens to lock") { with_value(0, g.lock()) }
                expect_revert("insufficient balance") { with_value(START_BALANCE + 1, g.lock()) }
            }
            """)
        let result = runTests(file)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.out.hasSuffix("\n1 passed, 0 failed\n"))
    }

    @Test func withValueNeedsACallThroughAHandle() throws {
        let file = try testFile("""
            test "value" {
                let g = deploy("governance.dn", 1, 5_000, 3, 0)
                with_value(5, g)
                with_value(5)
            }
            """)
        let result = runTests(file)
        #expect(result.status == 1)
        #expect(result.err.contains("with_value's second argument must be a call through a handle"), "\(result.err)")
        #expect(result.err.contains("'with_value' takes 2 argument(s) but 1 were given"), "\(result.err)")
    }
}
