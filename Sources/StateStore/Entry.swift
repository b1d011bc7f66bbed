/// A key and its value, as returned by ordered scans.
public struct Entry: Equatable, Sendable {
    /// The key.
    public var key: [UInt8]
    /// The value stored under it.
    public var value: [UInt8]

    /// An entry of `value` under `key`.
    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }
}
