/// Bit arithmetic on 256-bit tree paths (SHA-256 of a key) as byte arrays, most significant bit first (what
/// proofs check; the tree's update works on `Digest`s, `NodeRows` says where a node is stored).
enum TreePath {
    /// Bits in a path: the tree's maximum depth.
    static let depth = 256

    /// Bit `index` of `path` (0 = left, 1 = right); bit 0 is the top bit of the first byte.
    @inline(__always)
    static func bit(_ path: [UInt8], _ index: Int) -> Int {
        Int((path[index >> 3] >> UInt8(7 - (index & 7))) & 1)
    }
}
