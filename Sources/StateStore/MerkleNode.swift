import Crypto

/// A stored node of the sparse Merkle tree. Empty subtrees are never stored (their hash is 32 zero bytes).
///
/// Encoding: a leaf is `0x00 ‖ path(32) ‖ valueHash(32)`, an internal node `0x01 ‖ left(32) ‖ right(32)`;
/// the node's hash is SHA-256 of exactly those 65 bytes, so the first byte is also the domain separator.
enum MerkleNode: Equatable {
    /// A subtree holding exactly one key: `path` = SHA-256(key), `valueHash` = SHA-256(value).
    case leaf(path: [UInt8], valueHash: [UInt8])
    /// A subtree holding two or more keys, by its children's hashes (either may be the empty hash).
    case inner(left: [UInt8], right: [UInt8])

    static let leafTag: UInt8 = 0x00
    static let innerTag: UInt8 = 0x01

    /// The 65-byte encoding, which is also the hash preimage.
    var encoded: [UInt8] {
        switch self {
        case let .leaf(path, valueHash): [Self.leafTag] + path + valueHash
        case let .inner(left, right): [Self.innerTag] + left + right
        }
    }

    /// SHA-256 of the encoding.
    var hash: [UInt8] {
        switch self {
        case let .leaf(path, valueHash): Self.leafHash(path: path, valueHash: valueHash)
        case let .inner(left, right): Self.innerHash(left: left, right: right)
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

    /// Decodes a stored node; throws on any malformed record.
    init(decoding bytes: [UInt8]) throws {
        guard bytes.count == 65 else { throw StateStoreError.corruptNode("node of \(bytes.count) bytes, expected 65") }
        let first = Array(bytes[1..<33])
        let second = Array(bytes[33..<65])
        switch bytes[0] {
        case Self.leafTag: self = .leaf(path: first, valueHash: second)
        case Self.innerTag: self = .inner(left: first, right: second)
        default: throw StateStoreError.corruptNode("unknown node tag \(bytes[0])")
        }
    }
}
