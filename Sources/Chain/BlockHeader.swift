import Bytecode
import Crypto

/// A block's header: where it sits, when, and commitments to its transactions, receipts and resulting state.
///
/// Encoding: version (1) ‖ height (LEB128) ‖ time (LEB128, seconds) ‖ parent hash (32) ‖ transactions root (32) ‖
/// state root (32) ‖ receipts root (32). The block hash is SHA-256 of this encoding.
public struct BlockHeader: Hashable, Sendable {
    /// Encoding version byte.
    public static let version: UInt8 = 1

    public var height: UInt64
    /// Seconds since the Unix epoch as the producer wrote it; never before the parent's time. The only clock
    /// contracts see (`block.time`).
    public var time: UInt64
    /// The previous block's hash (32 zero bytes for genesis).
    public var parentHash: [UInt8]
    /// SHA-256 of (count ‖ each transaction hash).
    public var transactionsRoot: [UInt8]
    /// The state root after applying the block.
    public var stateRoot: [UInt8]
    /// `Receipt.root(of:)` of the block's receipts.
    public var receiptsRoot: [UInt8]

    /// A header from its parts.
    public init(
        height: UInt64, time: UInt64, parentHash: [UInt8], transactionsRoot: [UInt8], stateRoot: [UInt8],
        receiptsRoot: [UInt8]
    ) {
        self.height = height
        self.time = time
        self.parentHash = parentHash
        self.transactionsRoot = transactionsRoot
        self.stateRoot = stateRoot
        self.receiptsRoot = receiptsRoot
    }

    /// SHA-256 of the encoding.
    public var hash: [UInt8] { SHA256.hash(encoded) }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        write(to: &w)
        return w.bytes
    }

    func write(to w: inout ByteWriter) {
        w.writeU8(Self.version)
        w.writeULEB(height)
        w.writeULEB(time)
        w.writeRaw(parentHash)
        w.writeRaw(transactionsRoot)
        w.writeRaw(stateRoot)
        w.writeRaw(receiptsRoot)
    }

    static func read(_ r: inout ByteReader) throws(ByteReader.Failure) -> BlockHeader {
        guard try r.readU8("header version") == version else {
            throw ByteReader.Failure("unsupported header version", offset: 0)
        }
        return BlockHeader(
            height: try r.readULEB("height", max: UInt64.max), time: try r.readULEB("time", max: UInt64.max),
            parentHash: try r.readRaw(32, "parent hash"), transactionsRoot: try r.readRaw(32, "transactions root"),
            stateRoot: try r.readRaw(32, "state root"), receiptsRoot: try r.readRaw(32, "receipts root"))
    }

    /// The transactions root of `transactions`.
    public static func transactionsRoot(of transactions: [SignedTransaction]) -> [UInt8] {
        transactionsRoot(hashes: transactions.map(\.hash))
    }

    /// The transactions root of the transactions with these hashes, in order.
    static func transactionsRoot(hashes: [[UInt8]]) -> [UInt8] {
        Receipt.listRoot(hashes)
    }
}
