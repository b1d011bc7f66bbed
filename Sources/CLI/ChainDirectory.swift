import Bytecode
import Chain
import Foundation
import StateStore

/// A chain directory (`--dir`, default `./.datanet`): `chain.sqlite` (state, blocks, receipts), `genesis.json`
/// (the funded accounts) and `keys.json` (the development keystore).
struct ChainDirectory {
    static let defaultPath = ".datanet"

    let path: String

    init(_ args: Arguments) {
        path = args.flags["--dir"] ?? Self.defaultPath
    }

    init(path: String) {
        self.path = path
    }

    var databasePath: String { (path as NSString).appendingPathComponent("chain.sqlite") }
    var genesisPath: String { (path as NSString).appendingPathComponent("genesis.json") }
    var keystorePath: String { (path as NSString).appendingPathComponent("keys.json") }

    /// The chain in this directory, which must have been initialized.
    func open() throws(CLIFailure) -> Chain {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CLIFailure("no chain in '\(path)'; run 'datanet chain init --dir \(path)' first")
        }
        let chain: Chain
        do {
            chain = Chain(store: try SQLiteStore(path: databasePath))
            guard try chain.isInitialized else { throw ChainError.notInitialized }
        } catch let StateStoreError.sqlite(_, code, message) where [11, 26].contains(code & 0xff) {
            // SQLITE_CORRUPT, SQLITE_NOTADB: say which file and that nothing was changed.
            throw CLIFailure("cannot open the chain in '\(path)': \(databasePath) is damaged or is not a chain "
                + "database (SQLite: \(message)); nothing was written to it. Restore it from a copy, or start "
                + "a new chain in another directory ('datanet chain init --dir …')")
        } catch {
            throw CLIFailure("cannot open the chain in '\(path)': \(error)")
        }
        return chain
    }

    func keystore() throws(CLIFailure) -> Keystore {
        try Keystore(path: keystorePath)
    }

    // MARK: - Genesis file

    /// Reads `genesis.json`: `{"time": N, "accounts": [{"address": "0x…", "balance": "N"}, …]}`.
    func readGenesis() throws(CLIFailure) -> Genesis {
        let file = try JSONListFile(
            path: genesisPath, what: "the genesis file", key: "accounts",
            shape: "{\"time\": N, \"accounts\": [{\"address\": \"0x…\", \"balance\": \"N\"}, …]}")
        let time = (file.object["time"] as? NSNumber)?.uint64Value ?? 0
        var allocations: [Genesis.Allocation] = []
        for (index, account) in file.entries.enumerated() {
            let balanceText = (account["balance"] as? String) ?? (account["balance"] as? NSNumber)?.stringValue
            guard let addressText = account["address"] as? String, let address = Hex.decode32(addressText),
                let text = balanceText, let balance = Int128(text.filter { $0 != "_" }), balance >= 0
            else {
                throw CLIFailure("account \(index + 1) of the genesis file '\(genesisPath)' is malformed: it needs an "
                    + "\"address\" (0x and 64 hex digits) and a \"balance\" (a non-negative integer)")
            }
            allocations.append(Genesis.Allocation(address: address, balance: balance))
        }
        return Genesis(time: time, allocations: allocations)
    }

    /// Writes `genesis` as `genesis.json` (sorted keys, balances as strings).
    func writeGenesis(_ genesis: Genesis) throws(CLIFailure) {
        let accounts: [[String: Any]] = genesis.allocations.map {
            ["address": Hex.prefixed($0.address), "balance": String($0.balance)]
        }
        let object: [String: Any] = ["time": NSNumber(value: genesis.time), "accounts": accounts]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
            FileManager.default.createFile(atPath: genesisPath, contents: data + Data("\n".utf8))
        else { throw CLIFailure("cannot write '\(genesisPath)'") }
    }
}
