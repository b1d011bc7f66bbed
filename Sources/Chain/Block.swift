import Bytecode

/// A block: its header and its signed transactions, in execution order.
///
/// Encoding: header ‖ transaction count (LEB128) ‖ each signed transaction, length-prefixed.
public struct Block: Hashable, Sendable {
    public var header: BlockHeader
    public var transactions: [SignedTransaction]

    /// A block from its parts.
    public init(header: BlockHeader, transactions: [SignedTransaction]) {
        self.header = header
        self.transactions = transactions
    }

    /// The header's hash.
    public var hash: [UInt8] { header.hash }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        // Room for a block of transfers at once (a signed transfer is about 150 bytes), not a dozen regrowths.
        var w = ByteWriter(capacity: 256 + 160 * transactions.count)
        header.write(to: &w)
        w.writeCount(transactions.count)
        for tx in transactions { w.writeBlob(tx.encoded) }
        return w.bytes
    }

    /// The header at the start of an encoded block, without decoding the transactions after it.
    public static func header(decoding bytes: [UInt8]) throws(ChainError) -> BlockHeader {
        var r = ByteReader(bytes)
        do throws(ByteReader.Failure) {
            return try BlockHeader.read(&r)
        } catch {
            throw .malformed("block: \(error.message)")
        }
    }

    /// Decodes exactly one block from all of `bytes`.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        var blobs: [[UInt8]] = []
        do throws(ByteReader.Failure) {
            header = try BlockHeader.read(&r)
            let count = try r.readCount("transaction count", max: Int(Int32.max))
            for _ in 0..<count { blobs.append(try r.readBlob("transaction")) }
        } catch {
            throw .malformed("block: \(error.message)")
        }
        guard r.isAtEnd else { throw .malformed("block: trailing bytes") }
        var transactions: [SignedTransaction] = []
        for blob in blobs { transactions.append(try SignedTransaction(decoding: blob)) }
        self.transactions = transactions
    }
}
