/// A proof that a key holds a value, or is absent, in a state with a given root (see `SparseMerkleTree`).
///
/// Canonical encoding (`encoded`, `init(decoding:)`):
/// `0x01` (version) ‖ terminal ‖ sibling count (2 bytes, big-endian, at most 256) ‖ siblings (32 bytes each,
/// from the root's child downwards), where terminal is `0x00` (empty subtree) or `0x01 ‖ path(32) ‖ valueHash(32)`
/// (the leaf met on the key's path). Nothing may follow.
public struct MerkleProof: Equatable, Sendable {
    /// What the key's path ends at.
    public enum Terminal: Equatable, Sendable {
        /// An empty subtree: the key is absent.
        case empty
        /// A leaf: the key's own (inclusion) or another key's with the same path prefix (non-inclusion).
        case leaf(path: [UInt8], valueHash: [UInt8])
    }

    /// Encoding version byte.
    public static let version: UInt8 = 0x01

    /// What the key's path ends at.
    public var terminal: Terminal
    /// Sibling hashes from the root's child level downwards; their count is the terminal's depth.
    public var siblings: [[UInt8]]

    /// A proof from its parts.
    public init(terminal: Terminal, siblings: [[UInt8]]) {
        self.terminal = terminal
        self.siblings = siblings
    }

    /// The canonical byte encoding.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = [Self.version]
        switch terminal {
        case .empty:
            bytes.append(0x00)
        case let .leaf(path, valueHash):
            bytes.append(0x01)
            bytes += path + valueHash
        }
        bytes.append(UInt8(truncatingIfNeeded: siblings.count >> 8))
        bytes.append(UInt8(truncatingIfNeeded: siblings.count))
        for sibling in siblings { bytes += sibling }
        return bytes
    }

    /// Decodes the canonical encoding; `nil` for anything malformed (never traps).
    public init?(decoding bytes: [UInt8]) {
        guard bytes.count >= 4, bytes[0] == Self.version else { return nil }
        var offset = 2
        switch bytes[1] {
        case 0x00:
            terminal = .empty
        case 0x01:
            guard bytes.count >= 2 + 64 + 2 else { return nil }
            terminal = .leaf(path: Array(bytes[2..<34]), valueHash: Array(bytes[34..<66]))
            offset = 66
        default:
            return nil
        }
        let count = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        offset += 2
        guard count <= TreePath.depth, bytes.count - offset == count * 32 else { return nil }
        var siblings: [[UInt8]] = []
        siblings.reserveCapacity(count)
        for index in 0..<count {
            let start = offset + index * 32
            siblings.append(Array(bytes[start..<(start + 32)]))
        }
        self.siblings = siblings
    }
}
