import Bytecode
import Crypto

/// An unsigned transaction: who sends it, in what order, what gas it may use and at what price, and what it does.
///
/// Canonical encoding (`encoded`, `init(decoding:)`; integers are minimal LEB128 unless noted, amounts 16 bytes
/// little-endian two's complement, byte strings LEB128-length-prefixed):
///
///     version (1 byte, 1) ‖ kind (1 byte) ‖ sender public key (32) ‖ nonce ‖ gas limit ‖ gas price ‖ payload
///     transfer (0): to (32) ‖ amount
///     deploy   (1): module bytes ‖ init args (ValueCodec sequence) ‖ authority (32) ‖ policy (1 byte)
///     call     (2): contract (32) ‖ function (UTF-8) ‖ args (ValueCodec sequence) ‖ value
///     upgrade  (3): contract (32) ‖ module bytes ‖ policy (1 byte)
///
/// The hash is SHA-256 of this encoding; the signature signs the hash.
public struct Transaction: Hashable, Sendable {
    /// Encoding version byte.
    public static let version: UInt8 = 1

    /// What a transaction does.
    public enum Payload: Hashable, Sendable {
        /// Moves `amount` native tokens from the sender to `to`.
        case transfer(to: [UInt8], amount: Int128)
        /// Deploys `module` (bytes), running its `init` with `args`; `authority` may upgrade it under `policy`.
        case deploy(module: [UInt8], args: [UInt8], authority: [UInt8], policy: UpgradePolicy)
        /// Calls `function` of `contract` with `args`, sending `value` tokens.
        case call(contract: [UInt8], function: String, args: [UInt8], value: Int128)
        /// Replaces the code of `contract` by `module`, running its `migrate`; sets the policy to `policy`.
        case upgrade(contract: [UInt8], module: [UInt8], policy: UpgradePolicy)

        /// The kind's name as receipts and the CLI print it.
        public var kindName: String {
            switch self {
            case .transfer: "transfer"
            case .deploy: "deploy"
            case .call: "call"
            case .upgrade: "upgrade"
            }
        }
    }

    /// The sender's Ed25519 public key (32 bytes); the sender's address is its SHA-256.
    public var sender: [UInt8]
    /// Must equal the sender account's nonce.
    public var nonce: UInt64
    /// The most gas the transaction may use.
    public var gasLimit: UInt64
    /// Native tokens per unit of gas.
    public var gasPrice: UInt64
    public var payload: Payload

    /// A transaction from its parts.
    public init(sender: [UInt8], nonce: UInt64, gasLimit: UInt64, gasPrice: UInt64, payload: Payload) {
        self.sender = sender
        self.nonce = nonce
        self.gasLimit = gasLimit
        self.gasPrice = gasPrice
        self.payload = payload
    }

    /// The sender's address: SHA-256 of the public key.
    public var senderAddress: [UInt8] { SHA256.hash(sender) }

    /// SHA-256 of the canonical encoding.
    public var hash: [UInt8] { SHA256.hash(encoded) }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var w = ByteWriter(capacity: 128)  // a transfer or a small call in one allocation
        write(to: &w)
        return w.bytes
    }

    func write(to w: inout ByteWriter) {
        w.writeU8(Self.version)
        switch payload {
        case .transfer: w.writeU8(0)
        case .deploy: w.writeU8(1)
        case .call: w.writeU8(2)
        case .upgrade: w.writeU8(3)
        }
        w.writeRaw(sender)
        w.writeULEB(nonce)
        w.writeULEB(gasLimit)
        w.writeULEB(gasPrice)
        switch payload {
        case let .transfer(to, amount):
            w.writeRaw(to)
            w.writeI128(amount)
        case let .deploy(module, args, authority, policy):
            w.writeBlob(module)
            w.writeBlob(args)
            w.writeRaw(authority)
            w.writeU8(policy.rawValue)
        case let .call(contract, function, args, value):
            w.writeRaw(contract)
            w.writeString(function)
            w.writeBlob(args)
            w.writeI128(value)
        case let .upgrade(contract, module, policy):
            w.writeRaw(contract)
            w.writeBlob(module)
            w.writeU8(policy.rawValue)
        }
    }

    /// Decodes exactly one transaction from all of `bytes`.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        self = try Self.read(&r)
        guard r.isAtEnd else { throw .malformed("transaction: trailing bytes") }
    }

    static func read(_ r: inout ByteReader) throws(ChainError) -> Transaction {
        do throws(ByteReader.Failure) {
            guard try r.readU8("version") == version else {
                throw ByteReader.Failure("unsupported transaction version", offset: 0)
            }
            let kind = try r.readU8("kind")
            let sender = try r.readRaw(32, "sender")
            let nonce = try r.readULEB("nonce", max: UInt64.max)
            let gasLimit = try r.readULEB("gas limit", max: UInt64.max)
            let gasPrice = try r.readULEB("gas price", max: UInt64.max)
            let payload: Payload
            switch kind {
            case 0:
                payload = .transfer(to: try r.readRaw(32, "recipient"), amount: try amount(&r, "amount"))
            case 1:
                payload = .deploy(
                    module: try r.readBlob("module"), args: try r.readBlob("arguments"),
                    authority: try r.readRaw(32, "authority"), policy: try policy(&r))
            case 2:
                payload = .call(
                    contract: try r.readRaw(32, "contract"), function: try r.readString("function"),
                    args: try r.readBlob("arguments"), value: try amount(&r, "value"))
            case 3:
                payload = .upgrade(
                    contract: try r.readRaw(32, "contract"), module: try r.readBlob("module"), policy: try policy(&r))
            default:
                throw ByteReader.Failure("unknown transaction kind \(kind)", offset: r.offset)
            }
            return Transaction(sender: sender, nonce: nonce, gasLimit: gasLimit, gasPrice: gasPrice, payload: payload)
        } catch {
            throw .malformed("transaction: \(error.message) at byte \(error.offset)")
        }
    }

    private static func amount(_ r: inout ByteReader, _ what: String) throws(ByteReader.Failure) -> Int128 {
        let start = r.offset
        let value = try r.readI128(what)
        guard value >= 0 else { throw ByteReader.Failure("negative \(what)", offset: start) }
        return value
    }

    private static func policy(_ r: inout ByteReader) throws(ByteReader.Failure) -> UpgradePolicy {
        let start = r.offset
        guard let policy = UpgradePolicy(rawValue: try r.readU8("policy")) else {
            throw ByteReader.Failure("unknown upgrade policy", offset: start)
        }
        return policy
    }

    /// Signs the hash with `key` (whose public key should be `sender`).
    public func signed(with key: Ed25519PrivateKey) throws -> SignedTransaction {
        SignedTransaction(transaction: self, signature: try key.sign(hash))
    }
}
