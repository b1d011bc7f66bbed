import Bytecode
import Crypto
import StateStore
import VM

/// An in-memory chain for `datanet test` and the REPL: named accounts (each a deterministic key derived from
/// its name) funded at genesis, gas price 0 (gas is counted but costs nothing), one block per transaction.
public final class LocalChain {
    /// The chain underneath, over a `MemoryStore`.
    public private(set) var chain: Chain
    /// The store when it is in memory (then `snapshot()` works); nil over a persistent store.
    private var memory: MemoryStore?
    /// Accounts by name, sorted by name.
    public private(set) var names: [String]
    private var keys: [String: Ed25519PrivateKey] = [:]
    /// Gas limit of every transaction.
    public var gasLimit: UInt64 = 1_000_000_000

    /// A chain whose genesis gives `startBalance` to each of `accounts` (names as written after `@`).
    public convenience init(accounts: [String], startBalance: Int128) throws {
        let memory = MemoryStore()
        try self.init(accounts: accounts, startBalance: startBalance, store: memory)
        self.memory = memory
    }

    /// The same chain over `store` (which must be empty), e.g. SQLite for a scenario that leaves a chain behind.
    public init(accounts: [String], startBalance: Int128, store: any KeyValueStore) throws {
        chain = Chain(store: store)
        names = Array(Set(accounts)).sorted()
        var allocations: [Genesis.Allocation] = []
        for name in names {
            let key = try Self.key(for: name)
            keys[name] = key
            allocations.append(Genesis.Allocation(address: SHA256.hash(key.publicKey), balance: startBalance))
        }
        try chain.initialize(Genesis(time: 0, allocations: allocations))
    }

    /// An in-memory copy of the initialized chain in `store` (left untouched), signing as `keys` by name: the REPL's
    /// `--chain DIR`. Names without a key sign with their deterministic local key.
    public init(copying store: any KeyValueStore, keys named: [String: Ed25519PrivateKey]) throws {
        let memory = try MemoryStore(copying: store)
        chain = Chain(store: memory)
        guard try chain.isInitialized else { throw ChainError.notInitialized }
        names = named.keys.sorted()
        keys = named
        self.memory = memory
    }

    /// The deterministic key of the account called `name`.
    public static func key(for name: String) throws -> Ed25519PrivateKey {
        try Ed25519PrivateKey(seed: SHA256.hash(Array("datanet local account \(name)".utf8)))
    }

    /// The address of the account called `name` (whether or not it was funded).
    public func address(of name: String) throws -> [UInt8] {
        if let key = keys[name] { return SHA256.hash(key.publicKey) }
        return try Self.address(of: name)
    }

    /// The address of the deterministic local account called `name`: `@name` in every chain made from names.
    public static func address(of name: String) throws -> [UInt8] {
        SHA256.hash(try key(for: name).publicKey)
    }

    /// The native-token balance at `address`.
    public func balance(of address: [UInt8]) throws -> Int128 { try chain.account(address).balance }

    /// Signs `payload` as `name` and runs it as a block of its own.
    public func submit(_ payload: Transaction.Payload, from name: String) throws -> Result<Receipt, Rejection> {
        let key = try keys[name] ?? Self.key(for: name)
        let nonce = try chain.account(SHA256.hash(key.publicKey)).nonce
        let tx = try Transaction(sender: key.publicKey, nonce: nonce, gasLimit: gasLimit, gasPrice: 0, payload: payload)
            .signed(with: key)
        return try chain.submit(tx, time: try nextTime()).map(\.receipt)
    }

    /// Deploys `module` as `name` with init arguments `args`; the receipt's `contract` is the new address. The
    /// upgrade authority is `authority` (an account or a contract such as governance), by default the deployer.
    public func deploy(
        _ module: Module, args: [Value], from name: String, policy: UpgradePolicy = .compatible,
        authority: [UInt8]? = nil
    ) throws -> Result<Receipt, Rejection> {
        let params = module.functions.first { $0.kind == .`init` }?.params ?? []
        guard let encoded = try? ValueCodec.encodeSequence(
            args, as: params.map { Int($0) < module.types.count ? module.types[Int($0)] : .int }, in: module)
        else { return .failure(.arguments(of: "init", count: params.count)) }
        let authority = try authority ?? address(of: name)
        return try submit(
            .deploy(module: ModuleCodec.encode(module), args: encoded, authority: authority, policy: policy), from: name)
    }

    /// Calls `function` of `contract` as `name` with `args` and `value` tokens.
    public func call(
        _ contract: [UInt8], _ function: String, args: [Value], from name: String, value: Int128 = 0
    ) throws -> Result<Receipt, Rejection> {
        guard let module = try chain.module(at: contract) else { return .failure(.unknownContract(contract)) }
        guard let index = module.functionIndex(named: function) else {
            return .failure(.unknownFunction("no function '\(function)'"))
        }
        let params = module.functions[index].params
        guard let encoded = try? ValueCodec.encodeSequence(
            args, as: params.map { Int($0) < module.types.count ? module.types[Int($0)] : .int }, in: module)
        else { return .failure(.arguments(of: function, count: params.count)) }
        return try submit(.call(contract: contract, function: function, args: encoded, value: value), from: name)
    }

    /// Moves `amount` native tokens from `name` to `to`.
    public func send(from name: String, to address: [UInt8], amount: Int128) throws -> Result<Receipt, Rejection> {
        try submit(.transfer(to: address, amount: amount), from: name)
    }

    /// Adds `blocks` empty blocks, one second apart.
    public func advance(blocks: Int) throws {
        for _ in 0..<max(0, blocks) {
            try chain.produce([], time: try nextTime())
        }
    }

    /// One second after the head block (saturating).
    private func nextTime() throws -> UInt64 {
        let (next, overflow) = try chain.head().header.time.addingReportingOverflow(1)
        return overflow ? UInt64.max : next
    }

    /// The whole chain as it is now, to go back to with `restore(_:)`. Over a persistent store there is no copy
    /// to go back to: the snapshot is empty and restoring it changes nothing.
    public struct Snapshot {
        fileprivate let store: MemoryStore?
    }

    /// Takes a snapshot (cheap: the store is copied on write); empty when the chain is persistent.
    public func snapshot() -> Snapshot {
        Snapshot(store: memory?.copy())
    }

    /// Puts the chain back as it was at `snapshot` (blocks, state and nonces); the snapshot stays usable. An
    /// empty snapshot (of a persistent chain) leaves the chain as it is.
    public func restore(_ snapshot: Snapshot) {
        guard let store = snapshot.store else { return }
        let copy = store.copy()
        memory = copy
        chain = Chain(store: copy, programs: chain.programs)
    }

    /// The decoded return values of `receipt` (empty when it returned nothing or reverted).
    public func results(of receipt: Receipt) throws -> [Value] {
        guard receipt.status == .success, let module = try chain.module(id: receipt.moduleID),
            let index = module.functionIndex(named: receipt.function)
        else { return [] }
        let types = module.functions[index].results.map {
            Int($0) < module.types.count ? module.types[Int($0)] : .int
        }
        return (try? ValueCodec.decodeSequence(receipt.returnData, as: types, in: module)) ?? []
    }
}
