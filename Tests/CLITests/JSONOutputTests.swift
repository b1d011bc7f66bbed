import Foundation
import Testing
@testable import CLI

/// `--json` on the commands whose output is data: one JSON value with sorted keys, the same facts as the text.
@Suite struct JSONOutputTests {
    private static let chainFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ChainTests/Fixtures")

    /// Parses `text` as a JSON object.
    private func object(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(parsed as? [String: Any], sourceLocation: sourceLocation)
    }

    @Test func jsonValuesSortKeysAndEscape() {
        let value = JSONValue.object([
            "b": .int(Int128(1) << 100), "a": .array([.string("q\"\n"), .bool(true), .null]),
        ])
        #expect(value.text == "{\"a\": [\"q\\\"\\n\", true, null], \"b\": 1267650600228229401496703205376}")
    }

    @Test func runPrintsResultsOrTheRevert() throws {
        let ok = datanet("run", benchFile("w4.dna"), "--call", "w4(1000)", "--json")
        #expect(ok.status == 0)
        let fields = try object(ok.out)
        #expect(fields["gas_used"] as? Int == 26012)
        let results = try #require(fields["results"] as? [[String: String]])
        #expect(results == [["type": "Int", "value": "332833500"]])
        #expect(ok.out.hasPrefix("{\"events\": [], \"gas_used\": 26012, \"results\": "))

        let failed = datanet("run", benchFile("w4.dna"), "--call", "w4(100000000)", "--gas-limit", "1000", "--json")
        #expect(failed.status == 1)
        #expect(failed.err.isEmpty)
        let revert = try #require(try object(failed.out)["revert"] as? [String: Any])
        #expect(revert["message"] as? String == "out of gas")
        #expect(revert["function"] as? String == "w4")
    }

    @Test func chainCommandsPrintReceiptsStatusAccountsAndQueries() throws {
        let dir = temporaryDirectory()
        let d = ["--dir", dir.path]
        #expect(datanet(["chain", "init"] + d).status == 0)
        let counter = Self.chainFixtures.appendingPathComponent("counter.dna").path
        let deployed = datanet(["deploy", counter, "5", "--from", "alice", "--json"] + d)
        #expect(deployed.status == 0, "\(deployed.err)")
        let receipt = try object(deployed.out)
        #expect(receipt["status"] as? String == "success")
        #expect(receipt["block"] as? Int == 1)
        let contract = try #require(receipt["contract"] as? String)

        let called = try object(datanet(["call", contract, "bump(3)", "--from", "bob", "--json"] + d).out)
        #expect((called["returned"] as? [[String: String]]) == [["type": "Int", "value": "8"]])
        let events = try #require(called["events"] as? [[String: String]])
        #expect(events.count == 1 && events[0]["event"]?.hasPrefix("Bumped(by: @0x") == true)

        let reverted = datanet(["call", contract, "set_then_fail(1)", "--from", "bob", "--json"] + d)
        #expect(reverted.status == 1)
        #expect((try object(reverted.out)["revert"] as? [String: String])?["message"] == "nope")

        let query = try object(datanet(["query", contract, "get()", "--json"] + d).out)
        #expect((query["results"] as? [[String: String]]) == [["type": "Int", "value": "8"]])

        let status = try object(datanet(["chain", "status", "--json"] + d).out)
        #expect(status["height"] as? Int == 3)
        #expect((status["state_root"] as? String)?.count == 66)

        let transaction = try #require(called["transaction"] as? String)
        let tx = try object(datanet(["chain", "tx", transaction, "--json"] + d).out)
        #expect(tx["kind"] as? String == "call")
        #expect(tx["function"] as? String == "bump")
        #expect(tx["nonce"] as? Int == 0)
        let eventsText = datanet(["chain", "events", "--json"] + d).out
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(eventsText.utf8)) as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed.first?["block"] as? Int == 2)

        let account = try object(datanet(["chain", "account", contract, "--json"] + d).out)
        #expect((account["contract"] as? [String: Any])?["version"] as? Int == 1)
        let keysText = datanet(["keys", "list", "--json"] + d).out
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(keysText.utf8)) as? [[String: String]])
        #expect(keys.map { $0["name"] } == ["alice", "bob", "carol"])
        #expect(!keysText.contains("seed"))
        #expect(try object(datanet(["keys", "show", "bob", "--json"] + d).out)["address"] as? String == keys[1]["address"])
        let alice = try object(datanet(["chain", "account", "alice", "--json"] + d).out)
        #expect(alice["contract"] is NSNull)
        #expect(alice["nonce"] as? Int == 1)
    }
}
