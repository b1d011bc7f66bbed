import Bytecode
import Chain
import Crypto
import Foundation
import StateStore

/// The fixtures directory of this test target.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// The module bytes of `Fixtures/NAME.dna`.
func moduleBytes(_ name: String) throws -> [UInt8] {
    let text = try String(contentsOf: fixtures.appendingPathComponent("\(name).dna"), encoding: .utf8)
    return ModuleCodec.encode(try Assembler.assemble(text, fileName: "\(name).dna"))
}

/// A deterministic key for a test account.
func testKey(_ name: String) throws -> Ed25519PrivateKey {
    try Ed25519PrivateKey(seed: SHA256.hash(Array("datanet test key \(name)".utf8)))
}

/// A chain with funded accounts `alice`, `bob` and `carol`, and helpers that sign with their keys.
final class TestChain {
    static let startBalance: Int128 = 1_000_000_000
    let chain: Chain
    var time: UInt64 = 1_000

    init(store: any KeyValueStore = MemoryStore()) throws {
        chain = Chain(store: store)
        let allocations = try ["alice", "bob", "carol"].map {
            Genesis.Allocation(address: try address($0), balance: Self.startBalance)
        }
        try chain.initialize(Genesis(time: 1_000, allocations: allocations))
    }

    var store: any KeyValueStore { chain.store }

    func address(_ name: String) throws -> [UInt8] { SHA256.hash(try testKey(name).publicKey) }

    func balance(_ name: String) throws -> Int128 { try chain.account(try address(name)).balance }

    /// A signed transaction from `name` with the account's next nonce (or `nonce`).
    func sign(
        _ name: String, _ payload: Transaction.Payload, gasLimit: UInt64 = 1_000_000, gasPrice: UInt64 = 1,
        nonce: UInt64? = nil
    ) throws -> SignedTransaction {
        let key = try testKey(name)
        let next = try chain.account(SHA256.hash(key.publicKey)).nonce
        let tx = Transaction(
            sender: key.publicKey, nonce: nonce ?? next, gasLimit: gasLimit, gasPrice: gasPrice, payload: payload)
        return try tx.signed(with: key)
    }

    /// Submits one transaction as a block of its own.
    func submit(_ tx: SignedTransaction) throws -> Result<Receipt, Rejection> {
        time += 10
        return try chain.submit(tx, time: time).map(\.receipt)
    }

    /// Submits and expects acceptance.
    @discardableResult
    func run(
        _ name: String, _ payload: Transaction.Payload, gasLimit: UInt64 = 1_000_000, gasPrice: UInt64 = 1
    ) throws -> Receipt {
        try submit(try sign(name, payload, gasLimit: gasLimit, gasPrice: gasPrice)).get()
    }

    /// Deploys `Fixtures/NAME.dna` from `from` with init `args`; returns the contract's address.
    func deploy(
        _ name: String, from: String = "alice", args: [Value] = [], policy: UpgradePolicy = .compatible
    ) throws -> [UInt8] {
        let bytes = try moduleBytes(name)
        let module = try ModuleCodec.decode(bytes)
        let params = module.functions.first { $0.kind == .`init` }?.params ?? []
        let encoded = try ValueCodec.encodeSequence(args, as: params.map { module.types[Int($0)] }, in: module)
        let receipt = try run(
            from, .deploy(module: bytes, args: encoded, authority: try address(from), policy: policy),
            gasLimit: 10_000_000)
        guard receipt.status == .success else { throw TestFailure("deploy reverted: \(receipt.revertMessage)") }
        return receipt.contract
    }

    /// Encodes `args` for `function` of the contract at `contract`.
    func encode(_ contract: [UInt8], _ function: String, _ args: [Value]) throws -> [UInt8] {
        guard let module = try chain.module(at: contract), let index = module.functionIndex(named: function) else {
            return []
        }
        let types = module.functions[index].params.map { module.types[Int($0)] }
        return try ValueCodec.encodeSequence(args, as: types, in: module)
    }

    /// Calls `function` with `args` from `from`.
    @discardableResult
    func call(
        _ contract: [UInt8], _ function: String, _ args: [Value] = [], from: String = "alice", value: Int128 = 0,
        gasLimit: UInt64 = 1_000_000
    ) throws -> Receipt {
        try run(
            from,
            .call(contract: contract, function: function, args: try encode(contract, function, args), value: value),
            gasLimit: gasLimit)
    }

    /// The single Int a view function returns.
    func queryInt(_ contract: [UInt8], _ function: String, _ args: [Value] = []) throws -> Int128? {
        guard case .success(let values) = try chain.query(contract, function: function, args: args).outcome,
            case .int(let v)? = values.first
        else { return nil }
        return v
    }

    /// The decoded return values of `receipt`.
    func results(_ receipt: Receipt) throws -> [Value] {
        guard let module = try chain.module(id: receipt.moduleID),
            let index = module.functionIndex(named: receipt.function)
        else { return [] }
        let types = module.functions[index].results.map { module.types[Int($0)] }
        return try ValueCodec.decodeSequence(receipt.returnData, as: types, in: module)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
