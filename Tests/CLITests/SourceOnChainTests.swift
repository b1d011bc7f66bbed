import CLI
import Foundation
import Testing

/// The LANGUAGE.md contract, deployed from source on a development chain: pro-rata payouts, the
/// remainder kept, and a revert that names its source position.
@Suite struct SourceOnChainTests {
    let dir = temporaryDirectory("source").path
    let transcript = Transcript()
    private static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/royalty/royalty_split.dn").path

    @discardableResult
    func run(_ args: String...) -> Int32 {
        transcript.clear()
        return DatanetCLI.run(args + ["--dir", dir], console: transcript.console)
    }

    @Test func royaltySplitFromSource() throws {
        #expect(run("chain", "init") == 0)
        #expect(run("deploy", Self.source, "@alice", "--from", "alice") == 0)
        let line = transcript.out.split(separator: "\n").first { $0.contains("contract ") }
        let contract = try #require(line?.split(separator: " ").last.map(String.init))
        #expect(run("call", contract, "set_share(@bob, 1)", "--from", "alice") == 0)
        #expect(run("call", contract, "set_share(@carol, 2)", "--from", "alice") == 0)
        #expect(run("transfer", contract, "100", "--from", "alice") == 0)
        #expect(run("call", contract, "distribute(100)", "--from", "alice") == 0)
        #expect(transcript.out.contains("returned    1 : Int"))
        #expect(transcript.out.contains("amount: 33)"))
        #expect(transcript.out.contains("amount: 66)"))
        #expect(run("query", contract, "share_of(@carol)") == 0)
        #expect(transcript.out.contains("2 : Int"))
        run("call", contract, "set_share(@bob, 5)", "--from", "bob")
        // Positions name the file as the source map does: relative to the contract, wherever it was compiled.
        #expect(transcript.out.contains("reverted: only owner at royalty_split.dn:20:5"))
    }
}
