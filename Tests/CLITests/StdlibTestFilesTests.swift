import CLI
import Foundation
import Synchronization
import Testing

/// The standard library's own test files (`Stdlib/tests/*_test.dn`) pass under `datanet test Stdlib/`, so
/// `swift test` covers every std.math, std.royalty, std.stake and std.vote function they exercise.
@Suite struct StdlibTestFilesTests {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyStdlibTestFilePasses() {
        let out = Mutex<[String]>([])
        let console = Console(
            out: { text in out.withLock { $0.append(text) } }, err: { text in out.withLock { $0.append(text) } })
        let code = DatanetCLI.run(
            ["test", Self.root.appendingPathComponent("Stdlib").path, "--no-time"], console: console)
        let text = out.withLock { $0.joined(separator: "\n") }
        #expect(code == 0, "\(text)")
        #expect(!text.contains("✗"), "\(text)")
        for file in ["math_test.dn", "royalty_test.dn", "stake_test.dn", "vote_test.dn", "stdlib_contract_test.dn"] {
            #expect(text.contains(file))
        }
        #expect(text.hasSuffix(" passed, 0 failed"))
    }
}
