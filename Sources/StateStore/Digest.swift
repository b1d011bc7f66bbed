import Crypto

/// A 32-byte SHA-256 digest held inline (four words, no heap allocation): the state tree's paths, value hashes and
/// node hashes while it updates. The words hold the bytes in memory order, so `bytes` and `init(_:)` are copies.
struct Digest: Equatable {
    private var w0: UInt64
    private var w1: UInt64
    private var w2: UInt64
    private var w3: UInt64

    /// 32 zero bytes: the hash of an empty subtree.
    static let zero = Digest(w0: 0, w1: 0, w2: 0, w3: 0)

    private init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// The first 32 bytes at `offset` of `raw` (the caller checks there are 32).
    @inline(__always)
    init(loading raw: UnsafeRawBufferPointer, at offset: Int) {
        self = raw.loadUnaligned(fromByteOffset: offset, as: Digest.self)
    }

    /// `bytes` as a digest; `nil` unless there are exactly 32.
    init?(_ bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self = bytes.withUnsafeBytes { Digest(loading: $0, at: 0) }
    }

    /// SHA-256 of `bytes`.
    static func hashing(_ bytes: [UInt8]) -> Digest {
        bytes.withUnsafeBytes { hashing($0) }
    }

    /// SHA-256 of `raw`.
    @inline(__always)
    static func hashing(_ raw: UnsafeRawBufferPointer) -> Digest {
        var digest = Digest.zero
        withUnsafeMutableBytes(of: &digest) { SHA256.hash(raw, into: $0) }
        return digest
    }

    /// The 32 bytes.
    var bytes: [UInt8] {
        withUnsafeBytes(of: self) { Array($0) }
    }

    /// The first 8 bytes as a big-endian number: the path's first 64 bits, bit 0 of the path the top bit.
    @inline(__always)
    var leadingBits: UInt64 { UInt64(bigEndian: w0) }

    /// Bit `index` (0...255) of the path: 0 = left, 1 = right; bit 0 is the top bit of the first byte.
    @inline(__always)
    func bit(_ index: Int) -> Int {
        withUnsafeBytes(of: self) { Int(($0[index >> 3] >> UInt8(7 - (index & 7))) & 1) }
    }

    /// This path with bit `index` set to `value` (0 or 1): the way to a node's child on that side.
    @inline(__always)
    func with(bit index: Int, set value: Int) -> Digest {
        var adjusted = self
        withUnsafeMutableBytes(of: &adjusted) { raw in
            let mask = UInt8(truncatingIfNeeded: 1 << (7 - (index & 7)))
            if value == 0 { raw[index >> 3] &= ~mask } else { raw[index >> 3] |= mask }
        }
        return adjusted
    }

    /// Whether the first `bits` bits (0...256) of both paths are equal.
    @inline(__always)
    func sharesPrefix(with other: Digest, bits: Int) -> Bool {
        Self.agree(w0, other.w0, bits) && Self.agree(w1, other.w1, bits - 64)
            && Self.agree(w2, other.w2, bits - 128) && Self.agree(w3, other.w3, bits - 192)
    }

    /// Whether the first `bits` bits of two words in memory order agree (all of them from 64 bits up).
    @inline(__always)
    private static func agree(_ a: UInt64, _ b: UInt64, _ bits: Int) -> Bool {
        if bits <= 0 { return true }
        let difference = UInt64(bigEndian: a) ^ UInt64(bigEndian: b)
        return bits >= 64 ? difference == 0 : difference >> UInt64(64 - bits) == 0
    }

    /// Lexicographic order of the bytes (the order of paths in the tree, left to right).
    @inline(__always)
    static func < (a: Digest, b: Digest) -> Bool {
        if a.w0 != b.w0 { return UInt64(bigEndian: a.w0) < UInt64(bigEndian: b.w0) }
        if a.w1 != b.w1 { return UInt64(bigEndian: a.w1) < UInt64(bigEndian: b.w1) }
        if a.w2 != b.w2 { return UInt64(bigEndian: a.w2) < UInt64(bigEndian: b.w2) }
        return UInt64(bigEndian: a.w3) < UInt64(bigEndian: b.w3)
    }
}
