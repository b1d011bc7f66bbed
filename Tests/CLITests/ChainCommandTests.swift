import CLI
import Foundation
import Testing

/// Collects what a command prints.
final class Transcript: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var errors: [String] = []

    var console: Console {
        Console(
            out: { line in self.lock.withLock { self.lines.append(line) } },
            err: { line in self.lock.withLock { self.errors.append(line) } })
    }

    var out: String { lock.withLock { lines.joined(separator: "\n") } }
    var err: String { lock.withLock { errors.joined(separator: "\n") } }

    func clear() { lock.withLock { lines = []; errors = [] } }
}

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ChainTests/Fixtures")

@Suite struct ChainCommandTests {
    let dir = temporaryDirectory("chain").path
    let transcript = Transcript()

    @discardableResult
    func run(_ args: String...) -> Int32 {
        transcript.clear()
        return DatanetCLI.run(args + ["--dir", dir], console: transcript.console)
    }

    /// The value printed after `label` on a line of the last output.
    func field(_ label: String) -> String? {
        transcript.out.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label + " ") }
            .map {
                String($0.trimmingCharacters(in: .whitespaces).dropFirst(label.count))
                    .trimmingCharacters(in: .whitespaces)
            }
    }

    @Test func aChainFromInitToReplay() throws {
        #expect(run("chain", "init") == 0)
        #expect(run("chain", "init") == 1)
        #expect(transcript.err.contains("already holds a chain"))
        #expect(run("keys", "list") == 0)
        #expect(transcript.out.contains("alice  0x"))

        #expect(run("deploy", fixtures.appendingPathComponent("counter.dna").path, "5", "--from", "alice") == 0)
        let contract = try #require(field("contract"))
        #expect(contract.count == 66)
        #expect(run("call", contract, "bump(3)", "--from", "bob") == 0)
        #expect(transcript.out.contains("returned    8 : Int"))
        // Keystore accounts print as '@name' (which a call accepts back); --json keeps the address.
        #expect(transcript.out.contains("event       Bumped(by: @bob, to: 8) from 0x"), "\(transcript.out)")
        let firstLine = transcript.out.split(separator: "\n").first
        let hash = try #require(firstLine?.split(separator: " ").last.map(String.init))
        #expect(run("call", contract, "bump(0)", "--from", "bob", "--json") == 0)
        #expect(transcript.out.contains("Bumped(by: @0x"), "\(transcript.out)")
        #expect(run("query", contract, "get()") == 0)
        #expect(transcript.out.hasPrefix("8 : Int"))
        // A public function that writes state reverts in a query, with a note to send it as a transaction.
        #expect(run("query", contract, "bump(1)") == 1)
        #expect(transcript.err.contains("reverted: state write in a view call"), "\(transcript.err)")
        #expect(transcript.err.contains(
            "note: 'bump' is not a view function and writes state: send it as a transaction, datanet call \(contract) 'bump(1)' --from KEY"),
            "\(transcript.err)")
        #expect(run("query", contract, "get()") == 0)
        #expect(transcript.out.hasPrefix("8 : Int"), "the query wrote nothing")
        #expect(run("query", contract, "nope()") == 1)
        #expect(transcript.err.contains("no public function 'nope' in counter at 0x"), "\(transcript.err)")
        #expect(transcript.err.contains("; its public functions: "), "nothing is close, so all are listed")
        #expect(run("call", contract, "set_then_fail(1)", "--from", "bob") == 1)
        #expect(transcript.out.contains("reverted: nope"))
        #expect(run("call", contract, "bump(1)", "--from", "mallory") == 1)
        #expect(transcript.err.contains("no key named 'mallory'"))
        #expect(run("call", contract, "pay(@carol, 0)", "--from", "alice") == 0)
        #expect(run("transfer", "@carol", "1_000", "--from", "alice") == 0)
        #expect(run("transfer", "@nobody", "1", "--from", "alice") == 1)

        #expect(run("upgrade", contract, fixtures.appendingPathComponent("counter_bad_schema.dna").path,
                    "--from", "alice") == 1)
        #expect(transcript.err.contains("state variable 'owner' changes type from Address to String"))
        let v2 = fixtures.appendingPathComponent("counter_v2.dna").path
        #expect(run("upgrade", contract, v2, "--from", "alice") == 0)
        #expect(run("chain", "history", contract) == 0)
        #expect(transcript.out.contains("version 2, policy compatible"))
        #expect(transcript.out.contains(" (alice)\n"), "the upgrader's and authority's key name: \(transcript.out)")

        #expect(run("chain", "tx", hash) == 0)
        #expect(transcript.out.contains("kind        call"))
        #expect(transcript.out.contains(" (bob)"), "the sender's key name: \(transcript.out)")
        #expect(run("chain", "events", "--contract", contract) == 0)
        #expect(transcript.out.contains("Bumped(by: @bob, to: 8)"))
        #expect(run("chain", "status") == 0)
        #expect(field("height") == "7")
        #expect(run("chain", "account", contract) == 0)
        #expect(transcript.out.contains("contract    'counter' version 2"))
        #expect(run("chain", "account", "bob") == 0)
        #expect(field("nonce") == "3")
        #expect(run("chain", "blocks") == 0)
        #expect(run("chain", "replay") == 0)
        #expect(transcript.out.contains("replayed 7 blocks"))

        #expect(run("chain", "prove", "contract:" + contract) == 0)
        let root = try #require(field("root")), key = try #require(field("key"))
        let value = try #require(field("value")), proof = try #require(field("proof"))
        #expect(run("chain", "verify-proof", "--root", root, "--key", key, "--value", value, "--proof", proof) == 0)
        #expect(
            run("chain", "verify-proof", "--root", root, "--key", key, "--value", value + "00", "--proof", proof) == 1)
        #expect(run("chain", "verify-proof", "--root", root, "--key", key, "--absent", "--proof", proof) == 1)
    }

    /// Wrong argument counts name the function's parameter types; an `@name` that is no key names the keys.
    @Test func argumentMistakesSayWhatWasExpected() throws {
        #expect(run("chain", "init") == 0)
        let counter = fixtures.appendingPathComponent("counter.dna").path
        #expect(run("deploy", counter, "--from", "alice") == 1)
        #expect(transcript.err.contains("'setup' takes 1 argument (Int) but 0 were given"), "counter.dna's init function")
        #expect(transcript.err.contains("write init's arguments after the module file"))
        // init's arguments also as one 'init(…)' text, or with --init as in 'run'; not both ways at once.
        #expect(run("deploy", counter, "init(5)", "--from", "alice") == 0, "\(transcript.err)")
        #expect(run("deploy", counter, "--init", "init(5)", "--from", "alice") == 0, "\(transcript.err)")
        #expect(run("deploy", counter, "--init", "5", "--from", "alice") == 0, "\(transcript.err)")
        #expect(run("deploy", counter, "5", "--init", "6", "--from", "alice") == 1)
        #expect(transcript.err.contains("init's arguments are given twice: after the module file and with --init"))
        #expect(run("deploy", counter, "5", "--from", "alice") == 0)
        let contract = try #require(field("contract"))
        #expect(run("call", contract, "pay(@carl, 0)", "--from", "alice") == 1)
        #expect(transcript.err.contains("no key named 'carl' in "))
        #expect(transcript.err.contains("keys.json; did you mean 'carol'? (keys: alice, bob, carol)"))
        #expect(transcript.err.contains("argument 1 of 'pay': no key named 'carl'"), "the argument is named")
        // A syntax error after an account name points into the text as written, not into its resolved address.
        #expect(run("call", contract, "pay(@carol 0)", "--from", "alice") == 1)
        #expect(transcript.err.contains("in the call, column 12: expected ',' or ')'\n  pay(@carol 0)\n             ^"),
            "\(transcript.err)")
        #expect(run("call", contract, "pay(0x01, 0)", "--from", "alice") == 1)
        #expect(transcript.err.contains("column 5: an address is written '@0x' and 64 hex digits"), "\(transcript.err)")
        // An account outside a call: a short hex string and a malformed name each say what they are not.
        #expect(run("transfer", "0x12", "5", "--from", "alice") == 1)
        #expect(transcript.err.contains("'0x12' is not an address: an address is 0x and 64 hex digits"))
        #expect(run("transfer", "bad name", "5", "--from", "alice") == 1)
        #expect(transcript.err.contains("'bad name' is neither an address (0x and 64 hex digits) nor a key name"))
        #expect(run("transfer", "@carl", "5", "--from", "alice") == 1)
        #expect(transcript.err.contains("no key named 'carl' in "), "\(transcript.err)")
        #expect(transcript.err.contains("did you mean 'carol'?"))
        #expect(run("call", contract, "pay(@carol, true)", "--from", "alice") == 1)
        #expect(transcript.err.contains("argument 2 of 'pay': expected Int, found a Bool"), "\(transcript.err)")
        #expect(run("call", contract, "pay(@, 0)", "--from", "alice") == 1)
        #expect(transcript.err.contains("column 6: expected an address ('@0x' and 64 hex digits) or an account name"))
        #expect(run("call", contract, "bump()", "--from", "alice") == 1)
        #expect(transcript.err.contains("'bump' takes 1 argument (Int) but 0 were given"))
        #expect(run("query", contract, "get(1)") == 1)
        #expect(transcript.err.contains("'get' takes no arguments but 1 was given"))
        #expect(run("query", contract, "count()") == 1)
        #expect(transcript.err.contains("'count' is a state variable, read (with a proof) by: datanet chain prove "
            + "\(contract) 'count'"))
        #expect(run("chain", "prove", contract, "count") == 0, "the suggested command works")
        #expect(transcript.out.contains("as     5 : Int"))
    }

    @Test func aContributorProvesAMapEntry() throws {
        #expect(run("chain", "init") == 0)
        #expect(run("deploy", fixtures.appendingPathComponent("ledger.dna").path, "--from", "alice") == 0)
        let contract = try #require(field("contract"))
        #expect(run("call", contract, "credit(@bob, 40)", "--from", "alice") == 0)
        #expect(run("chain", "prove", contract, "paid[@bob]") == 0)
        #expect(field("as") == "40 : Int")
        let root = try #require(field("root")), key = try #require(field("key"))
        let value = try #require(field("value")), proof = try #require(field("proof"))
        #expect(run("chain", "verify-proof", "--root", root, "--key", key, "--value", value, "--proof", proof) == 0)
        #expect(run("chain", "prove", contract, "paid[@carol]") == 0)
        #expect(field("value") == "absent")
        #expect(field("as") == "0 : Int (absent: reads as the zero value)")
        #expect(run("chain", "prove", contract, "paid[@bob]", "--json") == 0)
        let proved = try #require(try JSONSerialization.jsonObject(with: Data(transcript.out.utf8)) as? [String: Any])
        #expect((proved["as"] as? [String: Any])?["literal"] as? String == "40")
        #expect(run("chain", "prove", contract, "payd[@bob]") == 1)
        #expect(transcript.err.contains("did you mean 'paid'?"))
        #expect(run("chain", "prove", contract, "paid") == 1)
        #expect(transcript.err.contains("'paid' is a Map<Address, Int>, stored entry by entry: prove one entry"))
    }

    /// A list variable's own key holds its length, which `prove` says; an index past the end is absent, and says so.
    @Test func aListVariableProvesItsLengthAndElements() throws {
        #expect(run("chain", "init") == 0)
        let split = repositoryRoot.appendingPathComponent("Examples/royalty/royalty_split.dn").path
        #expect(run("deploy", split, "@alice", "--from", "alice") == 0)
        let contract = try #require(field("contract"))
        #expect(run("call", contract, "set_share(@bob, 7)", "--from", "alice") == 0)
        #expect(run("chain", "prove", contract, "members") == 0)
        #expect(field("as") == "1 : Int")
        #expect(field("note") == "the length of 'members' (List<Address>); prove an element as 'members[i]'")
        #expect(run("keys", "show", "bob") == 0)
        let bob = try #require(field("address"))
        #expect(run("chain", "prove", contract, "members[0]") == 0)
        #expect(field("as") == "@\(bob) : Address")
        #expect(run("chain", "prove", contract, "members[1]") == 0)
        #expect(field("value") == "absent")
        #expect(field("note") == "absent: no element at that index of 'members' (prove 'members' for its length)")
    }

    /// The last output parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(transcript.out.utf8), options: [.fragmentsAllowed])
    }

    @Test func inspectionCommandsPrintJSON() throws {
        #expect(run("chain", "init") == 0)
        #expect(run("deploy", fixtures.appendingPathComponent("counter.dna").path, "5", "--from", "alice") == 0)
        let contract = try #require(field("contract"))
        #expect(run("upgrade", contract, fixtures.appendingPathComponent("counter_v2.dna").path, "--from", "alice") == 0)

        #expect(run("chain", "blocks", "--json") == 0)
        let blocks = try #require(try json() as? [[String: Any]])
        #expect(blocks.map { $0["height"] as? Int } == [0, 1, 2])
        #expect(blocks.map { $0["transactions"] as? Int } == [0, 1, 1])
        #expect(blocks[1]["parent"] as? String == blocks[0]["hash"] as? String)
        #expect(run("chain", "status") == 0)
        #expect(blocks[2]["state_root"] as? String == field("state root"))
        #expect(run("chain", "blocks", "--start", "1", "--limit", "1", "--json") == 0)
        #expect((try json() as? [[String: Any]])?.map { $0["height"] as? Int } == [1])

        #expect(run("chain", "history", contract, "--json") == 0)
        let history = try #require(try json() as? [String: Any])
        #expect(history["version"] as? Int == 2)
        let versions = try #require(history["versions"] as? [[String: Any]])
        #expect(versions.map { $0["version"] as? Int } == [1, 2])
        #expect(versions.map { $0["block"] as? Int } == [1, 2])

        #expect(run("chain", "prove", "contract:" + contract, "--json") == 0)
        let proof = try #require(try json() as? [String: Any])
        #expect(proof["present"] as? Bool == true)
        let root = try #require(proof["root"] as? String), key = try #require(proof["key"] as? String)
        let value = try #require(proof["value"] as? String), encoded = try #require(proof["proof"] as? String)
        #expect(run("chain", "verify-proof", "--root", root, "--key", key, "--value", value, "--proof", encoded) == 0)
        #expect(run("chain", "prove", "account:0x" + String(repeating: "ab", count: 32), "--json") == 0)
        let absent = try #require(try json() as? [String: Any])
        #expect(absent["present"] as? Bool == false)
        #expect(absent["value"] is NSNull)
    }

    @Test func commandsOnAMissingChainSayWhatToDo() {
        #expect(run("chain", "status") == 1)
        #expect(transcript.err.contains("run 'datanet chain init"))
    }

    /// A damaged database is refused with the file's name, and is left byte for byte as it was.
    @Test func aDamagedDatabaseIsRefusedAndLeftAsItWas() throws {
        #expect(run("chain", "init") == 0)
        let path = URL(fileURLWithPath: dir).appendingPathComponent("chain.sqlite").path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for i in 100..<200 { bytes[i] = 0x5a }  // the first page's B-tree header and cell pointers
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for args in [["chain", "status"], ["chain", "replay"], ["transfer", "@bob", "1", "--from", "alice"]] {
            #expect(DatanetCLI.run(args + ["--dir", dir], console: transcript.console) == 1)
            #expect(transcript.err.contains("chain.sqlite is damaged or is not a chain database"), "\(transcript.err)")
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
            transcript.clear()
        }
    }

    /// A damaged genesis file says what is wrong, in the keystore's words (one reader of such files).
    @Test func aDamagedGenesisFileSaysWhatIsWrong() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: dir).appendingPathComponent("genesis.json").path
        try "{\"time\": 1}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(run("chain", "init") == 1)
        #expect(transcript.err.contains("the genesis file '\(path)' has no \"accounts\" list"), "\(transcript.err)")
        try "{\"time\": 1, \"accounts\": [".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(run("chain", "init") == 1)
        #expect(transcript.err.contains("the genesis file '\(path)' is not valid JSON: "), "\(transcript.err)")
        try "{\"accounts\": [{\"address\": \"0x12\", \"balance\": \"5\"}]}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(run("chain", "init") == 1)
        #expect(transcript.err.contains("account 1 of the genesis file '\(path)' is malformed: it needs an \"address\""),
            "\(transcript.err)")
    }

    /// A damaged keystore is refused with what is wrong in it, and the file is left as it was.
    @Test func aDamagedKeystoreSaysWhatIsWrong() throws {
        #expect(run("chain", "init") == 0)
        let path = URL(fileURLWithPath: dir).appendingPathComponent("keys.json").path
        for (text, message) in [
            ("{", "is not valid JSON: "),
            ("{\"keys\": 3}", "has no \"keys\" list"),
            ("{\"keys\": [{\"name\": \"a\", \"seed\": \"00\"}]}", "key 1 of the keystore"),
        ] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(run("keys", "list") == 1)
            #expect(transcript.err.contains(message), "\(transcript.err)")
            #expect(run("keys", "new", "dave") == 1)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        }
    }
}
