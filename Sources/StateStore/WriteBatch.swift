/// Everything one block changes, applied by a store as a single atomic unit: value writes, Merkle tree node
/// writes, archive writes, and the metadata (height and state root) that describes the result.
///
/// Both write lists are normalized on construction: sorted by key, one write per key (the last one given).
public struct WriteBatch: Equatable, Sendable {
    /// Writes to the key-value state, sorted by key, keys unique.
    public let values: [Write]
    /// Writes to the Merkle tree node table (rows of four levels, `NodeRows`), sorted by row key, keys unique.
    public let nodes: [Write]
    /// Writes to the archive: records kept outside the state root (blocks, receipts, indexes), sorted, unique.
    public let archive: [Write]
    /// The height recorded with the batch.
    public let height: UInt64
    /// The state root recorded with the batch (32 bytes).
    public let stateRoot: [UInt8]

    /// A batch; `values` and `nodes` may come in any order, the last write to a key wins.
    public init(values: [Write], nodes: [Write] = [], archive: [Write] = [], height: UInt64, stateRoot: [UInt8]) {
        self.values = Write.normalized(values)
        self.nodes = Write.normalized(nodes)
        self.archive = Write.normalized(archive)
        self.height = height
        self.stateRoot = stateRoot
    }
}
