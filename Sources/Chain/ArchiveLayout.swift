/// Records the chain keeps outside the state root, in the store's archive, written in the same atomic batch as
/// the block's state changes.
///
/// | key | value |
/// | --- | --- |
/// | `"G"` | the `Genesis` the chain started from |
/// | `"B" ‖ height (8 bytes BE)` | the `Block` (header and signed transactions) |
/// | `"R" ‖ height (8 bytes BE)` | the block's receipts (`Receipt.encodeList`) |
/// | `"T" ‖ transaction hash` | `height (8 bytes BE) ‖ index (4 bytes BE)` |
public enum ArchiveLayout {
    public static let genesisKey: [UInt8] = [0x47]
    public static let blockPrefix: [UInt8] = [0x42]
    public static let receiptsPrefix: [UInt8] = [0x52]
    public static let transactionPrefix: [UInt8] = [0x54]

    /// The key of the block at `height`.
    public static func blockKey(_ height: UInt64) -> [UInt8] { blockPrefix + BigEndian.bytes(height) }

    /// The key of the receipts of the block at `height`.
    public static func receiptsKey(_ height: UInt64) -> [UInt8] { receiptsPrefix + BigEndian.bytes(height) }

    /// The key of the location of the transaction with hash `hash`.
    public static func transactionKey(_ hash: [UInt8]) -> [UInt8] { transactionPrefix + hash }
}
