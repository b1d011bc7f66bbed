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
///
/// The tree walks its changes in path order, so a row is used many times in a row (up to four levels, reads and
/// writes) and then rarely again: the last two rows of each row level (the two children of one node above) are
/// kept at hand and checked by comparing path prefixes, and the table of every row used in this update (keyed by
/// row key, so a row is read at most once) is looked up only when those miss.
struct NodeRows {
    /// Binary levels per row.
    static let levels = 4
    /// Bytes of one node encoding.
    static let nodeSize = MerkleNode.size
    /// Row levels: a path of 256 bits has nodes at depths 0...256, in rows 0...64.
    static let rowLevels = 256 / levels + 1

    private let read: ([UInt8]) throws -> [UInt8]?
    /// Rows read or created during this update: by `TreeRowID` (every row of at most 14 nibbles), the deeper
    /// ones by key. Looked up only, never iterated. By id because a large update makes ~2 rows per changed key:
    /// hashing a key array for each of 10^5 look-ups and growing a table of arrays cost more than the rest of
    /// `find` (Docs/performance.md, "Eleventh round").
    private var rowsByID: [Int64: Row] = [:]
    private var rows: [[UInt8]: Row] = [:]
    /// Changed rows, in first-change order (deterministic: the tree walk's order).
    private var changed: [Row] = []
    /// The last row used at each row level, on each side of its parent node: index `2 × level + bit`, where
    /// `bit` is the last bit of the row's path prefix (0 for the root row).
    private var recent: [Row?] = Array(repeating: nil, count: 2 * NodeRows.rowLevels)

    /// One row: slot `i` at `i × 65` in `slots` when bit `i` of `present` is set (other slots hold garbage).
    private final class Row {
        /// The row's key: one nibble of the path per byte.
        let key: [UInt8]
        /// The key packed as an integer that sorts like it (`TreeRowID`), when it has one.
        let id: Int64?
        /// The path prefix the row covers (`4 × key.count` bits; later bits are those of the path it was found by).
        let prefix: Digest
        var present: UInt16 = 0
        /// Whether the store held the row before this update (a row that ends empty is then deleted).
        let existed: Bool
        var isChanged = false
        let slots = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * NodeRows.nodeSize, alignment: 8)

        init(key: [UInt8], id: Int64?, prefix: Digest, existed: Bool) {
            self.key = key
            self.id = id
            self.prefix = prefix
            self.existed = existed
        }

        deinit { slots.deallocate() }
    }

    /// Rows read with `read` (a store's `node(at:)`).
    init(read: @escaping ([UInt8]) throws -> [UInt8]?) {
        self.read = read
    }

    /// Makes room for the rows of an update of `changes` keys (about two rows each when many keys change
    /// together, up to one per row level when few do), so the table does not grow step by step.
    mutating func reserve(changes: Int) {
        rowsByID.reserveCapacity(min(changes, 1 << 20) * 2)
    }

    /// The node at `depth` on the way to `path`, or `nil` for an empty subtree.
    mutating func node(depth: Int, path: Digest) throws -> MerkleNode? {
        let row = try row(depth: depth, path: path, fresh: false)
        let slot = Self.slot(depth: depth, path: path)
        guard row.present & (UInt16(1) << UInt16(slot)) != 0 else { return nil }
        return MerkleNode(reading: UnsafeRawBufferPointer(row.slots), at: slot * Self.nodeSize)
    }

    /// Sets (or, with `nil`, removes) the node at `depth` on the way to `path`. `fresh`: nothing is stored at
    /// that depth or below on this path (the subtree above it was empty or a single leaf before this update),
    /// so a row not used yet in this update is created empty instead of being read.
    mutating func set(_ node: MerkleNode?, depth: Int, path: Digest, fresh: Bool = false) throws {
        if node == nil && fresh { return }
        let row = try row(depth: depth, path: path, fresh: fresh)
        let slot = Self.slot(depth: depth, path: path)
        let bit = UInt16(1) << UInt16(slot)
        if node == nil, row.present & bit == 0 { return }
        if !row.isChanged {
            row.isChanged = true
            changed.append(row)
        }
        if let node {
            node.write(to: row.slots, at: slot * Self.nodeSize)
            row.present |= bit
        } else {
            row.present &= ~bit
        }
    }

    /// The row writes for every changed row: its new encoding, or a delete when it became empty; sorted by row
    /// key (what a `WriteBatch` holds: it then only checks the order), comparing the packed integer keys.
    var writes: [Write] {
        var result: [Write] = []
        result.reserveCapacity(changed.count)
        let sorted = changed.sorted { a, b in
            if let x = a.id, let y = b.id { return x < y }
            return ByteOrder.less(a.key, b.key)
        }
        for row in sorted {
            if row.present != 0 {
                result.append(Write(key: row.key, value: Self.encode(row)))
            } else if row.existed {
                result.append(Write(key: row.key, value: nil))
            }
        }
        return result
    }

    /// The slot of the node at `depth` within its row: 1 for the row's top node, then heap numbering.
    @inline(__always)
    private static func slot(depth: Int, path: Digest) -> Int {
        var slot = 1
        var bit = depth & ~(levels - 1)
        while bit < depth {
            slot = slot << 1 | path.bit(bit)
            bit += 1
        }
        return slot
    }

    /// The row holding the node at `depth` on the way to `path`: one of the recent rows, a row used earlier in
    /// this update, the stored row, or (for a missing row, or `fresh`) a new empty one.
    @inline(__always)
    private mutating func row(depth: Int, path: Digest, fresh: Bool) throws -> Row {
        let level = depth / Self.levels
        let bits = level * Self.levels
        let index = level == 0 ? 0 : 2 * level + path.bit(bits - 1)
        if let row = recent[index], row.prefix.sharesPrefix(with: path, bits: bits) { return row }
        let row = try find(level: level, path: path, fresh: fresh)
        recent[index] = row
        return row
    }

    private mutating func find(level: Int, path: Digest, fresh: Bool) throws -> Row {
        let id = level <= TreeRowID.maxNibbles ? TreeRowID(leadingBits: path.leadingBits, nibbles: level).value : nil
        if let id, let row = rowsByID[id] { return row }
        var key = [UInt8](repeating: 0, count: level)
        withUnsafeBytes(of: path) { bytes in
            for index in 0..<level {
                let byte = bytes[index >> 1]
                key[index] = index & 1 == 0 ? byte >> 4 : byte & 0x0f
            }
        }
        if id == nil, let row = rows[key] { return row }
        let row: Row
        if !fresh, let stored = try read(key) {
            row = try Self.decode(stored, key: key, id: id, prefix: path)
        } else {
            row = Row(key: key, id: id, prefix: path, existed: false)
        }
        if let id { rowsByID[id] = row } else { rows[key] = row }
        return row
    }

    /// The row's name in messages: its path prefix in hex (one digit per nibble of the key).
    static func name(_ key: [UInt8]) -> String {
        key.isEmpty ? "root row" : "row at path prefix " + key.map { String($0 & 0x0f, radix: 16) }.joined()
    }

    private static func encode(_ row: Row) -> [UInt8] {
        let present = row.present
        let count = 2 + present.nonzeroBitCount * nodeSize
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, written in
            let out = UnsafeMutableRawBufferPointer(buffer)
            out[0] = UInt8(truncatingIfNeeded: present >> 8)
            out[1] = UInt8(truncatingIfNeeded: present)
            var offset = 2
            for slot in 1..<16 where present & (UInt16(1) << UInt16(slot)) != 0 {
                let start = slot * nodeSize
                UnsafeMutableRawBufferPointer(rebasing: out[offset..<(offset + nodeSize)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: row.slots[start..<(start + nodeSize)]))
                offset += nodeSize
            }
            written = count
        }
    }

    /// Decodes a stored row strictly; a malformed one throws `corruptNode` naming the row.
    private static func decode(_ stored: [UInt8], key: [UInt8], id: Int64?, prefix: Digest) throws -> Row {
        guard stored.count >= 2 else {
            throw StateStoreError.corruptNode("\(name(key)) of \(stored.count) bytes")
        }
        let present = UInt16(stored[0]) << 8 | UInt16(stored[1])
        guard present != 0, present & 1 == 0, stored.count == 2 + present.nonzeroBitCount * nodeSize else {
            throw StateStoreError.corruptNode(
                "\(name(key)): \(stored.count) bytes do not match its slot bitmap \(present)")
        }
        let row = Row(key: key, id: id, prefix: prefix, existed: true)
        row.present = present
        try stored.withUnsafeBytes { raw in
            var offset = 2
            for slot in 1..<16 where present & (UInt16(1) << UInt16(slot)) != 0 {
                let tag = raw[offset]
                guard tag == MerkleNode.leafTag || tag == MerkleNode.innerTag else {
                    throw StateStoreError.corruptNode("\(name(key)) slot \(slot): unknown node tag \(tag)")
                }
                let start = slot * nodeSize
                UnsafeMutableRawBufferPointer(rebasing: row.slots[start..<(start + nodeSize)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + nodeSize)]))
                offset += nodeSize
            }
        }
        return row
    }
}
