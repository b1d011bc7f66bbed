import Bytecode
import StateStore

/// Why the chain could not do something that is not a transaction's fault: a store failure, a corrupt record,
/// an invalid block, or a replay that disagrees with the recorded chain.
public enum ChainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A record read from the store or given as input does not decode.
    case malformed(String)
    /// The store failed.
    case store(String)
    /// The chain has no genesis yet (run `chain init`), or already has one.
    case notInitialized
    case alreadyInitialized
    /// A block that cannot follow the current head, or whose contents do not match its header.
    case invalidBlock(height: UInt64, String)
    /// A transaction of a block was rejected (bad signature, wrong nonce, ...).
    case rejectedTransaction(height: UInt64, index: Int, hash: [UInt8], Rejection)
    /// Re-execution disagrees with the recorded chain at a transaction (its receipt differs).
    case receiptMismatch(height: UInt64, index: Int, hash: [UInt8], String)
    /// Re-execution disagrees with the recorded state or receipts root of a block.
    case rootMismatch(height: UInt64, what: String, expected: [UInt8], actual: [UInt8])

    public var description: String {
        switch self {
        case .malformed(let detail): "malformed record: \(detail)"
        case .store(let detail): "state store failure: \(detail)"
        case .notInitialized: "the chain has no genesis block; run 'datanet chain init'"
        case .alreadyInitialized: "the chain already has a genesis block"
        case let .invalidBlock(height, detail): "block \(height) is invalid: \(detail)"
        case let .rejectedTransaction(height, index, hash, reason):
            "block \(height), transaction \(index) (\(Hex.prefixed(hash))): rejected: \(reason)"
        case let .receiptMismatch(height, index, hash, detail):
            "block \(height), transaction \(index) (\(Hex.prefixed(hash))): \(detail)"
        case let .rootMismatch(height, what, expected, actual):
            "block \(height): \(what) differs: recorded \(Hex.prefixed(expected)), computed \(Hex.prefixed(actual))"
        }
    }

    /// Wraps any error thrown by the store or a decoder.
    static func wrap(_ error: any Error) -> ChainError {
        if let chain = error as? ChainError { return chain }
        if let store = error as? StateStoreError { return .store(store.description) }
        return .store("\(error)")
    }
}
