/// Why a state store operation failed. Every SQLite failure and every malformed stored record ends here;
/// nothing derived from the database traps.
public enum StateStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite returned `code` while doing `operation`; `message` is SQLite's own text.
    case sqlite(operation: String, code: Int32, message: String)
    /// The metadata (height, root, format) in the database is missing or malformed.
    case corruptMetadata(String)
    /// A Merkle tree node read back from the store is malformed or does not match its parent's hash.
    case corruptNode(String)
    /// Two different keys hashed to the same tree path (a SHA-256 collision); the batch is refused.
    case pathCollision
    /// `revert(to:)` or `commit(_:)` was given a checkpoint that is not open on this overlay.
    case unknownCheckpoint
    /// A test hook made the batch fail part-way through (used to check atomicity).
    case injectedFailure

    public var description: String {
        switch self {
        case let .sqlite(operation, code, message): "sqlite error \(code) during \(operation): \(message)"
        case let .corruptMetadata(detail): "corrupt state metadata: \(detail)"
        case let .corruptNode(detail): "corrupt state tree node: \(detail)"
        case .pathCollision: "two keys hash to the same state tree path"
        case .unknownCheckpoint: "checkpoint is not open on this overlay"
        case .injectedFailure: "injected failure"
        }
    }
}
