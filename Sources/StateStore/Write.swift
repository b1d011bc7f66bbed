/// One pending write: `value` set under `key`, or the key deleted when `value` is `nil`.
public struct Write: Equatable, Sendable {
    /// The key written.
    public var key: [UInt8]
    /// The new value, or `nil` for a delete.
    public var value: [UInt8]?

    /// A write of `value` (or a delete when `nil`) under `key`.
    public init(key: [UInt8], value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Sorts `writes` by key; for a key written more than once the last write wins.
    static func normalized(_ writes: [Write]) -> [Write] {
        if isStrictlyAscending(writes) { return writes }
        // The standard library's sort is stable, so equal keys keep their given order and the last one wins.
        var ordered = writes
        ordered.sort { ByteOrder.less($0.key, $1.key) }
        var result: [Write] = []
        result.reserveCapacity(ordered.count)
        for write in ordered {
            if let last = result.last, last.key == write.key {
                result[result.count - 1] = write
            } else {
                result.append(write)
            }
        }
        return result
    }

    /// Whether keys are already strictly ascending (the common case: `Overlay.changes`), so sorting can be skipped.
    private static func isStrictlyAscending(_ writes: [Write]) -> Bool {
        var index = 1
        while index < writes.count {
            if ByteOrder.compare(writes[index - 1].key, writes[index].key) >= 0 { return false }
            index += 1
        }
        return true
    }
}
