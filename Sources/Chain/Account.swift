import Bytecode

/// An account's native-token balance and the nonce its next transaction must carry. Contracts have accounts
/// too (their balance); an absent record is the zero account.
public struct Account: Hashable, Sendable {
    /// Native tokens held; never negative.
    public var balance: Int128
    /// The number of transactions this account has sent.
    public var nonce: UInt64

    /// An account with `balance` and `nonce`.
    public init(balance: Int128 = 0, nonce: UInt64 = 0) {
        self.balance = balance
        self.nonce = nonce
    }

    /// Whether this is the zero account (stored as absence).
    public var isEmpty: Bool { balance == 0 && nonce == 0 }

    /// `balance` (16 bytes, little-endian two's complement) ‖ `nonce` (minimal LEB128).
    public var encoded: [UInt8] {
        var w = ByteWriter(capacity: 26)  // 16 bytes of balance, at most 10 of nonce
        w.writeI128(balance)
        w.writeULEB(nonce)
        return w.bytes
    }

    /// Decodes `encoded`; throws `ChainError.malformed` for anything else.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        do throws(ByteReader.Failure) {
            balance = try r.readI128("balance")
            nonce = try r.readULEB("nonce", max: UInt64.max)
        } catch {
            throw .malformed("account: \(error.message)")
        }
        guard r.isAtEnd, balance >= 0 else { throw .malformed("account: trailing bytes or negative balance") }
    }
}
