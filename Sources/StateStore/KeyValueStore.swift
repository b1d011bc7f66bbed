/// A durable (or in-memory) ordered key-value store with a Merkle tree node table and metadata,
/// changed only by whole `WriteBatch`es applied atomically.
///
/// Use `commit(_:height:)` to apply state changes: it computes the tree nodes and the new root and hands one
/// batch to `apply(_:)`. Calling `apply(_:)` directly with nodes that do not match the values breaks proofs.
public protocol KeyValueStore: KeyValueReader {
    /// The height stored with the last applied batch; 0 for a new store.
    var height: UInt64 { get }
    /// The state root stored with the last applied batch; `SparseMerkleTree.emptyRoot` for a new store.
    var stateRoot: [UInt8] { get }

    /// The stored tree row under `position` (a `NodeRows` key: path nibbles), or `nil` if there is none.
    func node(at position: [UInt8]) throws -> [UInt8]?

    /// Applies every write of `batch` and records its height and root, all or nothing.
    func apply(_ batch: WriteBatch) throws

    /// `apply(_:)`, letting `work` use this thread's core while the commit waits for the disk
    /// (`CommitWaitWork`). Stores that never wait ignore it.
    func apply(_ batch: WriteBatch, whileWaiting work: (any CommitWaitWork)?) throws

    /// The archive record under `key` (a record kept outside the state root), or `nil`.
    func archived(_ key: [UInt8]) throws -> [UInt8]?

    /// Up to `limit` archive entries whose keys start with `prefix`, ascending, after `after` (exclusive).
    func archivedEntries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry]
}

extension KeyValueStore {
    /// Stores that never wait for a disk apply the batch as `apply(_:)` does.
    public func apply(_ batch: WriteBatch, whileWaiting work: (any CommitWaitWork)?) throws {
        try apply(batch)
    }

    /// Stores without an archive hold no archive records.
    public func archived(_ key: [UInt8]) throws -> [UInt8]? { nil }

    /// Stores without an archive hold no archive records.
    public func archivedEntries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] { [] }
}

extension KeyValueStore {
    /// Applies `changes` (any order; last write to a key wins) as the block at `height`: updates the Merkle tree
    /// incrementally and writes values, tree nodes, height and the new root in one atomic batch.
    /// Returns the new state root.
    @discardableResult
    public func commit(_ changes: [Write], height: UInt64) throws -> [UInt8] {
        try commit(changes, height: height) { _ in [] }
    }

    /// `commit(_:height:)` that also writes the archive records `archive(root)` returns (given the new state
    /// root, for records such as a block header that name it) in the same atomic batch. `work`, when given, may
    /// use this thread's core while the commit waits for the disk (`CommitWaitWork`).
    @discardableResult
    public func commit(
        _ changes: [Write], height: UInt64, whileWaiting work: (any CommitWaitWork)? = nil,
        archive: ([UInt8]) throws -> [Write]
    ) throws -> [UInt8] {
        let values = Write.normalized(changes)
        var tree = SparseMerkleTree(store: self)
        let root = try tree.update(values)
        let records = try archive(root)
        try apply(
            WriteBatch(values: values, nodes: tree.nodeWrites, archive: records, height: height, stateRoot: root),
            whileWaiting: work)
        return root
    }

    /// The 32-byte state root: a commitment to every key and value (see `Docs/state.md`).
    public func root() -> [UInt8] { stateRoot }

    /// A proof that `key` holds its current value, or that it is absent, against `root()`.
    public func prove(key: [UInt8]) throws -> MerkleProof {
        try SparseMerkleTree(store: self).prove(key: key)
    }
}
