/// Records the chain keeps outside the state root, in the store's archive, written in the same atomic batch as
/// the block's state changes.
///
/// | key | value |
/// | --- | --- |
/// | `"G"` | the `Genesis` the chain started from |
/// | `"B" ‖ height (8 bytes BE)` | the `Block` (header and signed transactions) |
/// | `"R" ‖ height (8 bytes BE)` | the block's receipts (`Receipt.encodeList`) |
/// | `"H" ‖ height (8 bytes BE)` | the block's transaction hashes, 32 bytes each, in order (none for an empty block) |
/// | `"T" ‖ transaction hash` | `height (8 bytes BE) ‖ index (4 bytes BE)`: written by chains before the `"H"` records, read still |
///
/// A transaction is found by its hash in its block's `"H"` record (a search through the blocks' hash lists,
/// 32 bytes per transaction), or, for blocks written before those records existed, by its `"T"` record. One
/// record per block rather than one per transaction: the `"T"` records were a third of a block's row inserts,
/// each at a random place of the archive's B-tree.
public enum ArchiveLayout {
    public static let genesisKey: [UInt8] = [0x47]
    public static let blockPrefix: [UInt8] = [0x42]
    public static let receiptsPrefix: [UInt8] = [0x52]
    public static let hashesPrefix: [UInt8] = [0x48]
    public static let transactionPrefix: [UInt8] = [0x54]

    /// The key of the block at `height`.
    public static func blockKey(_ height: UInt64) -> [UInt8] { blockPrefix + BigEndian.bytes(height) }

    /// The key of the receipts of the block at `height`.
    public static func receiptsKey(_ height: UInt64) -> [UInt8] { receiptsPrefix + BigEndian.bytes(height) }

    /// The key of the transaction hashes of the block at `height`.
    public static func hashesKey(_ height: UInt64) -> [UInt8] { hashesPrefix + BigEndian.bytes(height) }

    /// The key of the location of the transaction with hash `hash` (chains written before the `"H"` records).
    public static func transactionKey(_ hash: [UInt8]) -> [UInt8] { transactionPrefix + hash }
}
