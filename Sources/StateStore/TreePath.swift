/// Bit arithmetic on 256-bit tree paths (SHA-256 of a key), most significant bit first, and the storage
/// positions of tree nodes.
enum TreePath {
    /// Bits in a path: the tree's maximum depth.
    static let depth = 256

    /// Bit `index` of `path` (0 = left, 1 = right); bit 0 is the top bit of the first byte.
    @inline(__always)
    static func bit(_ path: [UInt8], _ index: Int) -> Int {
        Int((path[index >> 3] >> UInt8(7 - (index & 7))) & 1)
    }

    /// The storage key of the node at `depth` on the way to `path`: depth as two big-endian bytes, then the
    /// first `depth` bits of `path` packed into whole bytes, unused low bits zero. The root is `[0, 0]`.
    static func position(of path: [UInt8], depth: Int) -> [UInt8] {
        let byteCount = (depth + 7) >> 3
        var key: [UInt8] = [UInt8(truncatingIfNeeded: depth >> 8), UInt8(truncatingIfNeeded: depth)]
        key.reserveCapacity(2 + byteCount)
        for index in 0..<byteCount {
            var byte = path[index]
            let bitsInByte = depth - index * 8
            if bitsInByte < 8 {
                byte &= UInt8(truncatingIfNeeded: 0xff << (8 - bitsInByte))
            }
            key.append(byte)
        }
        return key
    }

    /// The position of the child on `side` (0 or 1) of the node at `depth` on the way to `path`.
    static func childPosition(of path: [UInt8], depth: Int, side: Int) -> [UInt8] {
        var adjusted = path
        let mask = UInt8(1 << (7 - (depth & 7)))
        if side == 0 { adjusted[depth >> 3] &= ~mask } else { adjusted[depth >> 3] |= mask }
        return position(of: adjusted, depth: depth + 1)
    }
}
