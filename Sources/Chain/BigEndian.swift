/// Fixed-width big-endian integers for keys, so that numeric order is byte order.
enum BigEndian {
    /// `value` as 8 bytes, most significant first.
    static func bytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    /// `value` as 4 bytes, most significant first.
    static func bytes(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) }
    }

    /// The number in the first `count` bytes of `bytes` from `start`; `nil` when there are fewer.
    static func read(_ bytes: [UInt8], at start: Int, count: Int) -> UInt64? {
        guard start >= 0, count <= 8, bytes.count - start >= count else { return nil }
        var value: UInt64 = 0
        for index in start..<(start + count) { value = value << 8 | UInt64(bytes[index]) }
        return value
    }
}
