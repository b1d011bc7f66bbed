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
        let ordered = writes.enumerated().sorted { lhs, rhs in
            let order = ByteOrder.compare(lhs.element.key, rhs.element.key)
            return order != 0 ? order < 0 : lhs.offset < rhs.offset
        }
        var result: [Write] = []
        result.reserveCapacity(ordered.count)
        for (_, write) in ordered {
            if let last = result.last, last.key == write.key {
                result[result.count - 1] = write
            } else {
                result.append(write)
            }
        }
        return result
    }
}
