import Bytecode
import Chain
import Foundation
import StateStore
import Tooling

/// `datanet chain ACTION`: create a chain directory and inspect, replay and prove its state.
enum ChainCommands {
    static let actions = [
        "account", "blocks", "events", "history", "init", "prove", "replay", "status", "tx", "verify-proof",
    ]

    static let command = Command(
        name: "chain", summary: "init a chain directory; status, blocks, tx, events, history, replay, prove",
        usage: """
            datanet chain init [--dir D] [--balance N]
                   datanet chain status [--json] | account 0x…|NAME [--json] | blocks [--start N] [--limit N] [--json] | tx HASH [--json]
                   datanet chain events [--contract 0x…] [--json]
                   datanet chain history 0xCONTRACT [--json] | replay | prove KEY | prove 0xCONTRACT 'var' | 'var[key]' [--json]
                   datanet chain verify-proof --root 0x… --key KEY --proof 0x… [--value 0x… | --absent]
            KEY is a raw state key in hex, or account:0x…, contract:0x…, storage:0xCONTRACT:0xRELATIVEKEY
            """,
        examples: [
            "datanet chain init", "datanet chain status --dir /tmp/d", "datanet chain prove account:0x…",
            "datanet chain replay",
        ],
        spec: .init(valued: [
            "--dir", "--balance", "--start", "--limit", "--contract", "--root", "--key", "--proof", "--value",
        ], switches: ["--absent", "--json"])
    ) { args, console in
        guard let action = args.positional.first else {
            return usage(console, "chain needs an action: " + actions.joined(separator: ", "))
        }
        let rest = Array(args.positional.dropFirst())
        do throws(CLIFailure) {
            switch action {
            case "init": return try initialize(args, console)
            case "verify-proof": return try verifyProof(args, console)
            default: break
            }
            guard actions.contains(action) else {
                return usage(console, "unknown chain action '\(action)'" + suggestion(action, among: actions))
            }
            let chain = try ChainDirectory(args).open()
            switch action {
            case "status": return try status(chain, json: args.switches.contains("--json"), console)
            case "account":
                guard rest.count == 1 else { return usage(console, "chain account needs an address or a key name") }
                return try account(chain, rest[0], ChainDirectory(args), json: args.switches.contains("--json"), console)
            case "blocks": return try blocks(chain, args, console)
            case "tx":
                guard rest.count == 1, let hash = Hex.decode32(rest[0]) else {
                    return usage(console, "chain tx needs a transaction hash (0x and 64 hex digits)")
                }
                let keystore = try? ChainDirectory(args).keystore()
                return try transaction(chain, hash, json: args.switches.contains("--json"), keystore: keystore, console)
            case "events": return try events(chain, args, keystore: try? ChainDirectory(args).keystore(), console)
            case "history":
                guard rest.count == 1, let address = Hex.decode32(rest[0]) else {
                    return usage(console, "chain history needs a contract address (0x and 64 hex digits)")
                }
                let keystore = try? ChainDirectory(args).keystore()
                return try history(chain, address, json: args.switches.contains("--json"), keystore: keystore, console)
            case "replay": return try replay(chain, console)
            default:
                let json = args.switches.contains("--json")
                if rest.count == 2 {
                    return try proveState(chain, rest[0], rest[1], ChainDirectory(args), json: json, console)
                }
                guard rest.count == 1 else {
                    return usage(console, "chain prove needs a KEY, or 0xCONTRACT 'var[key]'")
                }
                return try prove(chain, rest[0], json: json, console)
            }
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
    }

    /// Wraps errors of the chain and store as `CLIFailure`s.
    static func attempt<T>(_ body: () throws -> T) throws(CLIFailure) -> T {
        do {
            return try body()
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure("\(error)")
        }
    }

    // MARK: - init, status, blocks

    static func initialize(_ args: Arguments, _ console: Console) throws(CLIFailure) -> Int32 {
        let directory = ChainDirectory(args)
        guard !FileManager.default.fileExists(atPath: directory.databasePath) else {
            throw CLIFailure("'\(directory.path)' already holds a chain (\(directory.databasePath))")
        }
        try attempt {
            try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        }
        var keystore = try directory.keystore()
        let genesis: Genesis
        if FileManager.default.fileExists(atPath: directory.genesisPath) {
            genesis = try directory.readGenesis()
            console.out("using \(directory.genesisPath)")
        } else {
            let balanceText = args.flags["--balance"] ?? "1000000000000000000"
            guard let balance = Int128(balanceText.filter { $0 != "_" }), balance >= 0 else {
                throw CLIFailure("--balance expects a non-negative integer, not '\(balanceText)'")
            }
            for name in ["alice", "bob", "carol"] where keystore.key(name) == nil { try keystore.add(name) }
            let allocations = keystore.keys.map { Genesis.Allocation(address: $0.address, balance: balance) }
            genesis = Genesis(time: UInt64(max(0, Date().timeIntervalSince1970)), allocations: allocations)
            try directory.writeGenesis(genesis)
        }
        let block = try attempt {
            try Chain(store: try SQLiteStore(path: directory.databasePath)).initialize(genesis)
        }
        console.out("initialized \(directory.path): genesis \(Hex.prefixed(block.hash))")
        console.out("state root \(Hex.prefixed(block.header.stateRoot))")
        for allocation in genesis.allocations {
            let name = keystore.keys.first { $0.address == allocation.address }?.name ?? ""
            console.out("  \(Hex.prefixed(allocation.address))  \(allocation.balance)  \(name)")
        }
        return ExitCode.ok
    }

    static func status(_ chain: Chain, json: Bool = false, _ console: Console) throws(CLIFailure) -> Int32 {
        let head = try attempt { try chain.head() }
        if json {
            console.out(JSONValue.object([
                "height": .int(head.header.height), "head": .string(Hex.prefixed(head.hash)),
                "state_root": .string(Hex.prefixed(chain.store.stateRoot)), "time": .int(head.header.time),
            ]).text)
            return ExitCode.ok
        }
        console.out("height      \(head.header.height)")
        console.out("head        \(Hex.prefixed(head.hash))")
        console.out("state root  \(Hex.prefixed(chain.store.stateRoot))")
        console.out("time        \(head.header.time)")
        return ExitCode.ok
    }

    static func account(
        _ chain: Chain, _ text: String, _ directory: ChainDirectory, json: Bool = false, _ console: Console
    ) throws(CLIFailure) -> Int32 {
        let keystore = try directory.keystore()
        let address = try keystore.address(of: text)
        let account = try attempt { try chain.account(address) }
        let record = try attempt { try chain.contract(address) }
        if json {
            var fields: [String: JSONValue] = [
                "address": .string(Hex.prefixed(address)), "balance": .int(account.balance), "nonce": .int(account.nonce),
                "contract": .null,
            ]
            if let record {
                fields["contract"] = .object([
                    "name": .string((try? chain.module(id: record.codeID))?.name ?? "?"),
                    "version": .int(record.version), "module": .string(Hex.prefixed(record.codeID)),
                    "policy": .string("\(record.policy)"), "authority": .string(Hex.prefixed(record.authority)),
                ])
            }
            console.out(JSONValue.object(fields).text)
            return ExitCode.ok
        }
        console.out("address     \(Hex.prefixed(address))")
        console.out("balance     \(account.balance)")
        console.out("nonce       \(account.nonce)")
        if let record {
            let name = (try? chain.module(id: record.codeID))?.name ?? "?"
            console.out("contract    '\(name)' version \(record.version), module \(Hex.prefixed(record.codeID))")
            console.out("policy      \(record.policy), authority \(Hex.prefixed(record.authority))")
        }
        return ExitCode.ok
    }

    static func blocks(_ chain: Chain, _ args: Arguments, _ console: Console) throws(CLIFailure) -> Int32 {
        let top = chain.store.height
        let (from, limit) = try attempt {
            (try args.integer("--start", default: 0), try args.integer("--limit", default: 100))
        }
        var height = UInt64(from)
        var shown: Int64 = 0
        var blocks: [Block] = []
        while height <= top, shown < limit {
            guard let block = try attempt({ try chain.block(at: height) }) else { break }
            blocks.append(block)
            guard height < UInt64.max else { break }
            height += 1
            shown += 1
        }
        if args.switches.contains("--json") {
            console.out(JSONValue.array(blocks.map { block in
                let header = block.header
                return .object([
                    "height": .int(header.height), "hash": .string(Hex.prefixed(block.hash)), "time": .int(header.time),
                    "transactions": .int(block.transactions.count), "parent": .string(Hex.prefixed(header.parentHash)),
                    "state_root": .string(Hex.prefixed(header.stateRoot)),
                    "transactions_root": .string(Hex.prefixed(header.transactionsRoot)),
                    "receipts_root": .string(Hex.prefixed(header.receiptsRoot)),
                ])
            }).text)
            return ExitCode.ok
        }
        let rows = [["height", "hash", "time", "txs", "state root"]] + blocks.map { block in
            [
                String(block.header.height), Hex.prefixed(block.hash), String(block.header.time),
                String(block.transactions.count), Hex.prefixed(block.header.stateRoot),
            ]
        }
        TextTable.lines(rows, rightAligned: [0, 3]).forEach(console.out)
        return ExitCode.ok
    }

    // MARK: - tx, events, history

    static func transaction(
        _ chain: Chain, _ hash: [UInt8], json: Bool = false, keystore: Keystore? = nil, _ console: Console
    ) throws(CLIFailure) -> Int32 {
        guard let found = try attempt({ try chain.transaction(hash) }) else {
            throw CLIFailure("no transaction \(Hex.prefixed(hash)) on this chain")
        }
        let tx = found.transaction.transaction
        if json {
            let receipt = ChainPrinter(chain: chain, console: console)
                .json(found.receipt, hash: hash, height: found.block.header.height, index: found.index)
            guard case .object(var fields) = receipt else { return ExitCode.failure }
            fields["kind"] = .string(tx.payload.kindName)
            fields["sender"] = .string(Hex.prefixed(tx.senderAddress))
            fields["nonce"] = .int(tx.nonce)
            fields["gas_limit"] = .int(tx.gasLimit)
            fields["gas_price"] = .int(tx.gasPrice)
            console.out(JSONValue.object(fields).text)
            return ExitCode.ok
        }
        let printer = ChainPrinter(chain: chain, console: console, keystore: keystore)
        printer.print(found.receipt, hash: hash, height: found.block.header.height, index: found.index)
        console.out("  kind        \(tx.payload.kindName)")
        let senderName = printer.names[tx.senderAddress].map { " (\($0))" } ?? ""
        console.out("  sender      \(Hex.prefixed(tx.senderAddress))" + senderName)
        console.out("  nonce       \(tx.nonce)")
        console.out("  gas limit   \(tx.gasLimit) at price \(tx.gasPrice)")
        switch tx.payload {
        case let .transfer(to, amount): console.out("  transfer    \(amount) to \(Hex.prefixed(to))")
        case let .call(_, _, _, value) where value > 0: console.out("  value       \(value)")
        default: break
        }
        return ExitCode.ok
    }

    static func events(
        _ chain: Chain, _ args: Arguments, keystore: Keystore? = nil, _ console: Console
    ) throws(CLIFailure) -> Int32 {
        var filter: [UInt8]?
        if let text = args.flags["--contract"] {
            guard let address = Hex.decode32(text) else { throw CLIFailure("--contract: not an address '\(text)'") }
            filter = address
        }
        let printer = ChainPrinter(chain: chain, console: console, keystore: keystore)
        let json = args.switches.contains("--json")
        var found: [JSONValue] = []
        var height: UInt64 = 1
        while height <= chain.store.height {
            let receipts = try attempt { try chain.receipts(at: height) }
            for (index, receipt) in receipts.enumerated() {
                for event in receipt.events where filter == nil || filter == event.contract {
                    if json {
                        found.append(.object([
                            "block": .int(height), "index": .int(index), "contract": .string(Hex.prefixed(event.contract)),
                            "event": .string(printer.describe(event)),
                        ]))
                    } else {
                        console.out(
                            "\(height):\(index)  \(Hex.prefixed(event.contract))  \(printer.describe(event, named: true))")
                    }
                }
            }
            guard height < UInt64.max else { break }
            height += 1
        }
        if json { console.out(JSONValue.array(found).text) }
        return ExitCode.ok
    }

    static func history(
        _ chain: Chain, _ address: [UInt8], json: Bool = false, keystore: Keystore? = nil, _ console: Console
    ) throws(CLIFailure) -> Int32 {
        guard let record = try attempt({ try chain.contract(address) }) else {
            throw CLIFailure("no contract at \(Hex.prefixed(address))")
        }
        let versions = try attempt { try chain.history(address) }
        if json {
            console.out(JSONValue.object([
                "contract": .string(Hex.prefixed(address)), "version": .int(record.version),
                "policy": .string("\(record.policy)"), "authority": .string(Hex.prefixed(record.authority)),
                "versions": .array(versions.map { version in
                    .object([
                        "version": .int(version.version), "block": .int(version.height),
                        "module": .string(Hex.prefixed(version.codeID)), "by": .string(Hex.prefixed(version.by)),
                    ])
                }),
            ]).text)
            return ExitCode.ok
        }
        // Accounts of this directory's keystore are named beside their addresses, as `chain tx` names the sender.
        let names = ChainPrinter(chain: chain, console: console, keystore: keystore).names
        let shown = { (account: [UInt8]) in Hex.prefixed(account) + (names[account].map { " (\($0))" } ?? "") }
        console.out("contract \(Hex.prefixed(address)): version \(record.version), policy \(record.policy), "
            + "authority \(shown(record.authority))")
        var rows = [["version", "block", "module id", "by"]]
        for version in versions {
            rows.append([String(version.version), String(version.height), Hex.prefixed(version.codeID), shown(version.by)])
        }
        TextTable.lines(rows, rightAligned: [0, 1]).forEach(console.out)
        return ExitCode.ok
    }

    // MARK: - replay, proofs

    static func replay(_ chain: Chain, _ console: Console) throws(CLIFailure) -> Int32 {
        defer { console.progress?("") }
        do {
            let blocks = try chain.replay(into: MemoryStore()) { height, last in
                if let show = console.progress, height % 32 == 0 || height == last {
                    show("replaying block \(height) of \(last)")
                }
            }
            console.out("replayed \(blocks) blocks from genesis: every state root matches")
            console.out("state root \(Hex.prefixed(chain.store.stateRoot))")
            return ExitCode.ok
        } catch {
            console.error("replay failed: \(error)")
            return ExitCode.failure
        }
    }

    /// A state key: raw hex, `account:0x…`, `contract:0x…` or `storage:0xCONTRACT:0xRELATIVE`.
    static func stateKey(_ text: String) throws(CLIFailure) -> [UInt8] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("account", 2):
            guard let address = Hex.decode32(parts[1]) else { break }
            return StateLayout.accountKey(address)
        case ("contract", 2):
            guard let address = Hex.decode32(parts[1]) else { break }
            return StateLayout.contractKey(address)
        case ("storage", 3):
            guard let address = Hex.decode32(parts[1]), let key = Hex.decode(parts[2]) else { break }
            return StateLayout.storageKey(address, key)
        case (_, 1):
            guard let key = Hex.decode(text) else { break }
            return key
        default:
            break
        }
        throw CLIFailure("'\(text)' is not a state key (hex, account:0x…, contract:0x…, storage:0x…:0x…)")
    }

    static func prove(
        _ chain: Chain, _ text: String, json: Bool = false, _ console: Console,
        decoded: (literal: String, type: String, stored: Bool)? = nil, note: String? = nil
    ) throws(CLIFailure) -> Int32 {
        let key = try stateKey(text)
        let (value, proof) = try attempt { try chain.prove(key: key) }
        let root = Hex.prefixed(chain.store.stateRoot)
        let check = value.map { "--value \(Hex.prefixed($0))" } ?? "--absent"
        let command = "datanet chain verify-proof --root \(root) --key \(Hex.prefixed(key)) \(check) "
            + "--proof \(Hex.prefixed(proof.encoded))"
        if json {
            var fields: [String: JSONValue] = [
                "root": .string(root), "key": .string(Hex.prefixed(key)),
                "value": value.map { .string(Hex.prefixed($0)) } ?? .null, "present": .bool(value != nil),
                "proof": .string(Hex.prefixed(proof.encoded)), "height": .int(chain.store.height),
                "check": .string(command),
            ]
            if let decoded {
                fields["as"] = .object([
                    "literal": .string(decoded.literal), "type": .string(decoded.type), "stored": .bool(decoded.stored),
                ])
            }
            if let note { fields["note"] = .string(note) }
            console.out(JSONValue.object(fields).text)
            return ExitCode.ok
        }
        console.out("root   \(root)")
        console.out("key    \(Hex.prefixed(key))")
        console.out("value  " + (value.map(Hex.prefixed) ?? "absent"))
        console.out("proof  \(Hex.prefixed(proof.encoded))")
        console.out("check  \(command)")
        if let decoded {
            console.out("as     \(decoded.literal) : \(decoded.type)" + (decoded.stored ? "" : " (absent: reads as the zero value)"))
        }
        if let note { console.out("note   \(note)") }
        return ExitCode.ok
    }

    /// Proves a state variable of a contract, or one entry of a map or list variable, written as in the language.
    static func proveState(
        _ chain: Chain, _ contractText: String, _ expression: String, _ directory: ChainDirectory, json: Bool = false,
        _ console: Console
    ) throws(CLIFailure) -> Int32 {
        guard let contract = Hex.decode32(contractText) else {
            throw CLIFailure("'\(contractText)' is not a contract address (0x and 64 hex digits)")
        }
        guard let module = try attempt({ try chain.module(at: contract) }) else {
            throw CLIFailure("no contract at \(Hex.prefixed(contract))")
        }
        var name = expression.trimmingCharacters(in: .whitespaces)
        var keyText: String?
        if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
            keyText = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
            name = String(name[..<open])
        }
        guard let index = module.state.firstIndex(where: { $0.name == name }) else {
            throw CLIFailure("contract has no state variable '\(name)'"
                + suggestion(name, among: module.state.map(\.name)))
        }
        var relative = [UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)]
        var valueType = module.types[Int(module.state[index].type)]
        let variableType = TypeNames.name(valueType, in: module)
        if keyText == nil, case .map = valueType {
            throw CLIFailure("'\(name)' is a \(variableType), stored entry by entry: prove one entry, e.g. '\(name)[KEY]'")
        }
        let isList: Bool
        if case .list = valueType { isList = true } else { isList = false }
        var note: String?
        if keyText == nil && isList {
            // A list variable's own key holds its length; its elements are under `name[i]`.
            valueType = .int
            note = "the length of '\(name)' (\(variableType)); prove an element as '\(name)[i]'"
        }
        if let keyText {
            let keyType: TypeDesc
            switch valueType {
            case let .map(key, value):
                keyType = module.types[Int(key)]
                valueType = module.types[Int(value)]
            case let .list(element):
                keyType = .int
                valueType = module.types[Int(element)]
            default:
                throw CLIFailure("'\(name)' is not a map or a list")
            }
            let session = TransactionCommands.Session(chain: chain, keystore: try directory.keystore(), sender: nil)
            let literal: CallSyntax.Literal
            do throws(CallSyntax.ParseError) {
                literal = try CallSyntax.parseLiteral(keyText)
            } catch {
                throw CLIFailure(error.explained(in: keyText, label: "in the key"))
            }
            let key: Value
            do throws(ArgumentError) { key = try literal.value(as: keyType, in: module, account: session.account) } catch {
                throw CLIFailure("key of '\(name)': \(error.message)")
            }
            guard let encoded = KeyEncoding.encode(key) else { throw CLIFailure("'\(keyText)' cannot be a key") }
            relative += encoded
        }
        var decoded: (literal: String, type: String, stored: Bool)?
        if let bytes = try attempt({ try chain.store.get(StateLayout.storageKey(contract, relative)) }),
            let value = try? ValueCodec.decode(bytes, as: valueType, in: module)
        {
            decoded = (TypeNames.literal(value), TypeNames.name(valueType, in: module), true)
        } else if keyText != nil && isList {
            note = "absent: no element at that index of '\(name)' (prove '\(name)' for its length)"
        } else if valueType.isScalar {
            decoded = (TypeNames.literal(zeroValue(of: valueType, in: module)), TypeNames.name(valueType, in: module), false)
        }
        return try prove(
            chain, "storage:\(Hex.prefixed(contract)):\(Hex.prefixed(relative))", json: json, console, decoded: decoded,
            note: note)
    }

    static func verifyProof(_ args: Arguments, _ console: Console) throws(CLIFailure) -> Int32 {
        guard let rootText = args.flags["--root"], let root = Hex.decode32(rootText) else {
            return usage(console, "verify-proof needs --root 0x… (64 hex digits)")
        }
        guard let keyText = args.flags["--key"] else { return usage(console, "verify-proof needs --key KEY") }
        let key = try stateKey(keyText)
        guard let proofText = args.flags["--proof"], let proofBytes = Hex.decode(proofText),
            let proof = MerkleProof(decoding: proofBytes)
        else { throw CLIFailure("--proof is missing or is not a valid proof encoding") }
        var value: [UInt8]?
        if let valueText = args.flags["--value"] {
            guard let bytes = Hex.decode(valueText) else { throw CLIFailure("--value is not hex") }
            value = bytes
        } else if !args.switches.contains("--absent") {
            return usage(console, "verify-proof needs --value 0x… or --absent")
        }
        guard SparseMerkleTree.verify(proof: proof, root: root, key: key, value: value) else {
            console.error("invalid proof: the key does not hold that value under this root")
            return ExitCode.failure
        }
        let what = value == nil ? "the key is absent" : "the key holds the value"
        console.out("valid: \(what) under this root")
        return ExitCode.ok
    }
}
