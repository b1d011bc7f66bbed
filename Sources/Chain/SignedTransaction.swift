import Bytecode
import Crypto

/// A transaction with its Ed25519 signature over `transaction.hash`.
///
/// Encoding: the transaction's canonical encoding, then the 64-byte signature.
public struct SignedTransaction: Hashable, Sendable {
    public var transaction: Transaction
    /// 64 bytes.
    public var signature: [UInt8]

    /// A signed transaction from its parts (the signature is checked at execution, not here).
    public init(transaction: Transaction, signature: [UInt8]) {
        self.transaction = transaction
        self.signature = signature
    }

    /// The transaction's hash (of the unsigned encoding).
    public var hash: [UInt8] { transaction.hash }

    /// Whether the signature is the sender's over the hash.
    public var hasValidSignature: Bool { checked().valid }

    /// The hash, whether the signature is the sender's over it (the hash is computed once for both), and the
    /// sender's address.
    func checked() -> SignatureBatch.Checked {
        let hash = transaction.hash
        return .init(
            hash: hash, valid: Ed25519.verify(signature: signature, message: hash, publicKey: transaction.sender),
            senderAddress: transaction.senderAddress)
    }

    /// The transaction's encoding followed by the signature.
    public var encoded: [UInt8] {
        // One allocation for a transfer or a small call (the writer would otherwise regrow five times).
        var w = ByteWriter(capacity: 192)
        transaction.write(to: &w)
        w.writeRaw(signature)
        return w.bytes
    }

    /// Decodes exactly one signed transaction from all of `bytes`.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        transaction = try Transaction.read(&r)
        do throws(ByteReader.Failure) {
            signature = try r.readRaw(64, "signature")
        } catch {
            throw .malformed("transaction: \(error.message)")
        }
        guard r.isAtEnd else { throw .malformed("transaction: trailing bytes after the signature") }
    }
}
