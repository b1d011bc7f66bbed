/// The sparse Merkle tree's nodes as stored: one row per four binary levels.
///
/// The row at depth `4k` on the way to a path holds the nodes of the subtree there down to depth `4k + 3`: at
/// most 15 nodes, numbered like a binary heap (1 the row's top node, `2i` and `2i + 1` the children of `i`).
/// The hashing stays binary (`MerkleNode`), so roots and proofs do not depend on the grouping; a changed key
/// reads and rewrites a quarter of the rows a row per node would, and a quarter of the B-tree look-ups.
///
/// Row key: the first `k` nibbles of the path, one nibble per byte (the root row's key is empty). Keys then
/// sort in pre-order (a row before the rows below it, siblings by nibble), so a subtree's rows are contiguous
/// in the store and a changed path's lower rows tend to share pages.
///
/// Row value: a 2-byte big-endian bitmap of the slots present (bit `i` for slot `i`, 1...15; bit 0 clear,
/// never all clear), then each present slot's 65-byte node encoding in slot order. A row whose nodes are all
/// gone is deleted, so the table holds exactly the current tree.
struct NodeRows {
    /// Binary levels per row.
    static let levels = 4
    /// Bytes of one node encoding.
    static let nodeSize = 65

    private let read: ([UInt8]) throws -> [UInt8]?
    /// Rows read or changed during this update, by key. Looked up only, never iterated.
    private var rows: [[UInt8]: Row] = [:]
    /// Keys of changed rows, in first-change order (deterministic: the tree walk's order).
    private var changed: [[UInt8]] = []

    /// One row: slot `i` at `bytes[i * 65 ..< (i + 1) * 65]` when bit `i` of `present` is set. A class, so a
    /// row is found with one dictionary look-up and changed in place.
    private final class Row {
        var present: UInt16 = 0
        var bytes = [UInt8](repeating: 0, count: 16 * NodeRows.nodeSize)
        var existed = false
        var isChanged = false

        /// Puts `encoded` (65 bytes) in `slot`, or clears the slot for `nil`; marks the row changed.
        func put(_ encoded: [UInt8]?, slot: Int) {
            let bit = UInt16(1) << UInt16(slot)
            if let encoded {
                present |= bit
                let start = slot * NodeRows.nodeSize
                bytes.replaceSubrange(start..<(start + NodeRows.nodeSize), with: encoded)
            } else {
                present &= ~bit
            }
            isChanged = true
        }
    }

    /// Rows read with `read` (a store's `node(at:)`).
    init(read: @escaping ([UInt8]) throws -> [UInt8]?) {
        self.read = read
    }

    /// The node at `depth` on the way to `path`, or `nil` for an empty subtree.
    mutating func node(depth: Int, path: [UInt8]) throws -> MerkleNode? {
        let (key, slot) = Self.locate(depth: depth, path: path)
        let row = try load(key)
        guard row.present & (UInt16(1) << UInt16(slot)) != 0 else { return nil }
        let start = slot * Self.nodeSize
        return try MerkleNode(decoding: Array(row.bytes[start..<(start + Self.nodeSize)]))
    }

    /// Sets (or, with `nil`, removes) the node at `depth` on the way to `path`.
    mutating func set(_ node: MerkleNode?, depth: Int, path: [UInt8]) throws {
        let (key, slot) = Self.locate(depth: depth, path: path)
        let row = try load(key)
        if node == nil, row.present & (UInt16(1) << UInt16(slot)) == 0 { return }
        if !row.isChanged { changed.append(key) }
        row.put(node?.encoded, slot: slot)
    }

    /// The row writes for every changed row: its new encoding, or a delete when it became empty.
    var writes: [Write] {
        var result: [Write] = []
        result.reserveCapacity(changed.count)
        for key in changed {
            guard let row = rows[key] else { continue }
            if row.present != 0 {
                result.append(Write(key: key, value: Self.encode(row)))
            } else if row.existed {
                result.append(Write(key: key, value: nil))
            }
        }
        return result
    }

    private mutating func load(_ key: [UInt8]) throws -> Row {
        if let row = rows[key] { return row }
        let row = try stored(key)
        rows[key] = row
        return row
    }

    /// The row as stored (an empty one when there is none).
    private func stored(_ key: [UInt8]) throws -> Row {
        guard let bytes = try read(key) else { return Row() }
        return try Self.decode(bytes, key: key)
    }

    /// The row key and slot of the node at `depth` on the way to `path`.
    static func locate(depth: Int, path: [UInt8]) -> (key: [UInt8], slot: Int) {
        let top = depth - depth % levels
        let nibbles = top / levels
        var key = [UInt8](repeating: 0, count: nibbles)
        for index in 0..<nibbles {
            let byte = path[index >> 1]
            key[index] = index & 1 == 0 ? byte >> 4 : byte & 0x0f
        }
        var slot = 1
        for bit in top..<depth { slot = slot << 1 | TreePath.bit(path, bit) }
        return (key, slot)
    }

    /// The row's name in messages: its path prefix in hex (one digit per nibble of the key).
    static func name(_ key: [UInt8]) -> String {
        key.isEmpty ? "root row" : "row at path prefix " + key.map { String($0 & 0x0f, radix: 16) }.joined()
    }

    private static func encode(_ row: Row) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(truncatingIfNeeded: row.present >> 8), UInt8(truncatingIfNeeded: row.present)]
        bytes.reserveCapacity(2 + row.present.nonzeroBitCount * nodeSize)
        for slot in 1..<16 where row.present & (UInt16(1) << UInt16(slot)) != 0 {
            bytes += row.bytes[(slot * nodeSize)..<((slot + 1) * nodeSize)]
        }
        return bytes
    }

    /// Decodes a stored row strictly; a malformed one throws `corruptNode` naming the row.
    private static func decode(_ stored: [UInt8], key: [UInt8]) throws -> Row {
        guard stored.count >= 2 else {
            throw StateStoreError.corruptNode("\(name(key)) of \(stored.count) bytes")
        }
        let present = UInt16(stored[0]) << 8 | UInt16(stored[1])
        guard present != 0, present & 1 == 0, stored.count == 2 + present.nonzeroBitCount * nodeSize else {
            throw StateStoreError.corruptNode(
                "\(name(key)): \(stored.count) bytes do not match its slot bitmap \(present)")
        }
        let row = Row()
        row.present = present
        row.existed = true
        var offset = 2
        for slot in 1..<16 where present & (UInt16(1) << UInt16(slot)) != 0 {
            let tag = stored[offset]
            guard tag == MerkleNode.leafTag || tag == MerkleNode.innerTag else {
                throw StateStoreError.corruptNode("\(name(key)) slot \(slot): unknown node tag \(tag)")
            }
            row.bytes.replaceSubrange((slot * nodeSize)..<((slot + 1) * nodeSize),
                                      with: stored[offset..<(offset + nodeSize)])
            offset += nodeSize
        }
        return row
    }
}
