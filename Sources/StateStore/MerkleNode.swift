import Crypto

/// A stored node of the sparse Merkle tree. Empty subtrees are never stored (their hash is 32 zero bytes).
///
/// Encoding: a leaf is `0x00 ‖ path(32) ‖ valueHash(32)`, an internal node `0x01 ‖ left(32) ‖ right(32)`;
/// the node's hash is SHA-256 of exactly those 65 bytes, so the first byte is also the domain separator.
enum MerkleNode: Equatable {
    /// A subtree holding exactly one key: `path` = SHA-256(key), `valueHash` = SHA-256(value).
    case leaf(path: Digest, valueHash: Digest)
    /// A subtree holding two or more keys, by its children's hashes (either may be the empty hash).
    case inner(left: Digest, right: Digest)

    static let leafTag: UInt8 = 0x00
    static let innerTag: UInt8 = 0x01
    /// Bytes of the encoding.
    static let size = 65

    /// Writes the 65-byte encoding (also the hash preimage) at `offset` of `raw`, which must have room for it.
    @inline(__always)
    func write(to raw: UnsafeMutableRawBufferPointer, at offset: Int) {
        switch self {
        case let .leaf(first, second), let .inner(first, second):
            raw.storeBytes(of: isLeaf ? Self.leafTag : Self.innerTag, toByteOffset: offset, as: UInt8.self)
            raw.storeBytes(of: first, toByteOffset: offset + 1, as: Digest.self)
            raw.storeBytes(of: second, toByteOffset: offset + 33, as: Digest.self)
        }
    }

    private var isLeaf: Bool {
        if case .leaf = self { return true }
        return false
    }

    /// The node encoded at `offset` of `raw` (65 bytes there, the tag already checked to be one of the two).
    @inline(__always)
    init(reading raw: UnsafeRawBufferPointer, at offset: Int) {
        let first = Digest(loading: raw, at: offset + 1)
        let second = Digest(loading: raw, at: offset + 33)
        self = raw[offset] == Self.leafTag ? .leaf(path: first, valueHash: second) : .inner(left: first, right: second)
    }

    /// SHA-256 of the encoding, hashed from a buffer on the stack.
    var hash: Digest {
        var buffer: (Digest, Digest, Digest) = (.zero, .zero, .zero)    // 96 bytes: room for the 65
        return withUnsafeMutableBytes(of: &buffer) { raw in
            write(to: raw, at: 0)
            return Digest.hashing(UnsafeRawBufferPointer(rebasing: raw[0..<Self.size]))
        }
    }

    /// The leaf hash for `path` and `valueHash`, without building the node.
    static func leafHash(path: [UInt8], valueHash: [UInt8]) -> [UInt8] {
        SHA256.hash(leafTag, path, valueHash)
    }

    /// The inner node hash over two child hashes.
    static func innerHash(left: [UInt8], right: [UInt8]) -> [UInt8] {
        SHA256.hash(innerTag, left, right)
    }
}
