/// Bit arithmetic on 256-bit tree paths (SHA-256 of a key), most significant bit first (`NodeRows` says where a
/// node is stored).
enum TreePath {
    /// Bits in a path: the tree's maximum depth.
    static let depth = 256

    /// Bit `index` of `path` (0 = left, 1 = right); bit 0 is the top bit of the first byte.
    @inline(__always)
    static func bit(_ path: [UInt8], _ index: Int) -> Int {
        Int((path[index >> 3] >> UInt8(7 - (index & 7))) & 1)
    }

    /// `path` with bit `index` set to `value` (0 or 1): the way to a node's child on that side.
    static func with(_ path: [UInt8], bit index: Int, set value: Int) -> [UInt8] {
        var adjusted = path
        let mask = UInt8(truncatingIfNeeded: 1 << (7 - (index & 7)))
        if value == 0 { adjusted[index >> 3] &= ~mask } else { adjusted[index >> 3] |= mask }
        return adjusted
    }
}
