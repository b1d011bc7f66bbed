/// Read access to ordered byte keys and values: point reads and ascending scans within a prefix.
///
/// Keys order lexicographically by unsigned bytes (a proper prefix first). Both stores and `Overlay` conform.
public protocol KeyValueReader: AnyObject {
    /// The value under `key`, or `nil` if absent.
    func get(_ key: [UInt8]) throws -> [UInt8]?

    /// `get` of a borrowed key (bytes bound to `UInt8`), for callers that build keys without an array. The default
    /// copies the key into one.
    func get(bytes key: UnsafeRawBufferPointer) throws -> [UInt8]?

    /// Up to `limit` entries whose keys start with `prefix`, ascending, starting after `after`
    /// (exclusive) or from the start of the prefix when `after` is `nil` or sorts before `prefix`.
    func entries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry]
}

extension KeyValueReader {
    public func get(bytes key: UnsafeRawBufferPointer) throws -> [UInt8]? {
        try get(ByteOrder.array(key))
    }

    /// The first entry with a key greater than `after` (or the first at all when `nil`) that starts with `prefix`.
    public func next(after: [UInt8]?, within prefix: [UInt8]) throws -> Entry? {
        try entries(prefix: prefix, after: after, limit: 1).first
    }

    /// Every entry whose key starts with `prefix`, ascending.
    public func scan(prefix: [UInt8]) throws -> [Entry] {
        try entries(prefix: prefix, after: nil, limit: Int.max)
    }
}
