import Crypto

/// The state root: a binary sparse Merkle tree of depth 256 over SHA-256(key), with shortcut leaves.
///
/// A subtree with no keys hashes to 32 zero bytes and is not stored; a subtree with exactly one key is that
/// key's leaf, placed as high as it can go; every other subtree is an inner node. The shape therefore depends
/// only on the set of keys, and the root only on the set of key/values. An update reads and rewrites the nodes
/// on the paths of the changed keys only: O(changed keys × log n). Nodes are stored four levels to a row
/// (`NodeRows`), so a node is overwritten in place and a removed subtree's nodes are deleted.
public struct SparseMerkleTree {
    /// The root of the empty state: 32 zero bytes.
    public static let emptyRoot = [UInt8](repeating: 0, count: 32)

    /// The root the tree starts from.
    private let root: [UInt8]
    /// The node rows read and changed.
    private var rows: NodeRows

    /// A tree over the nodes held in `store`.
    public init(store: any KeyValueStore) {
        self.init(root: store.stateRoot, rows: store.node(at:))
    }

    /// A tree with root `root` whose node rows `rows` reads (`KeyValueStore.node(at:)`).
    init(root: [UInt8], rows: @escaping ([UInt8]) throws -> [UInt8]?) {
        self.root = root
        self.rows = NodeRows(read: rows)
    }

    /// The row writes gathered by `update`: every changed row's new encoding, or its deletion.
    var nodeWrites: [Write] { rows.writes }

    /// One change to a leaf: `valueHash` nil removes the key.
    private struct Change {
        var path: Digest
        var valueHash: Digest?
    }

    /// A leaf to place while building a fresh subtree.
    private struct Leaf {
        var path: Digest
        var valueHash: Digest
    }

    // MARK: - Update

    /// Applies `writes` (unique keys) to the tree, gathering node writes in `nodeWrites`; returns the new root.
    mutating func update(_ writes: [Write]) throws -> [UInt8] {
        var changes = writes.map { Change(path: Digest.hashing($0.key), valueHash: $0.value.map(Digest.hashing)) }
        changes.sort { $0.path < $1.path }
        var index = 1
        while index < changes.count {
            if changes[index].path == changes[index - 1].path { throw StateStoreError.pathCollision }
            index += 1
        }
        guard let first = changes.first else { return root }
        rows.reserve(changes: changes.count)
        let current = try rows.node(depth: 0, path: first.path)
        let updated = try update(depth: 0, current: current, changes: changes[...])
        try rows.set(updated, depth: 0, path: first.path)
        return updated?.hash.bytes ?? Self.emptyRoot
    }

    /// The new node for the subtree at `depth` that holds `current` and receives `changes` (all sharing the
    /// subtree's path prefix, sorted). Writes the subtree's descendants; the caller writes the node itself.
    private mutating func update(depth: Int, current: MerkleNode?, changes: ArraySlice<Change>) throws -> MerkleNode? {
        guard let first = changes.first else { return current }
        guard case let .inner(leftHash, rightHash) = current else {
            // Empty or a single leaf: nothing stored below, so rebuild from the leaves the subtree will hold.
            var leaves: [Leaf] = []
            leaves.reserveCapacity(changes.count + 1)
            var kept: Leaf?
            if case let .leaf(path, valueHash) = current, !changes.contains(where: { $0.path == path }) {
                kept = Leaf(path: path, valueHash: valueHash)
            }
            for change in changes {
                if let existing = kept, existing.path < change.path {
                    leaves.append(existing)
                    kept = nil
                }
                if let valueHash = change.valueHash { leaves.append(Leaf(path: change.path, valueHash: valueHash)) }
            }
            if let existing = kept { leaves.append(existing) }
            return try build(depth: depth, leaves: leaves[...])
        }
        guard depth < TreePath.depth else { throw StateStoreError.corruptNode("inner node below the maximum depth") }
        let split = changes.firstIndex { $0.path.bit(depth) == 1 } ?? changes.endIndex
        let leftChanges = changes[changes.startIndex..<split]
        let rightChanges = changes[split..<changes.endIndex]
        // Paths leading to each child (only the first `depth + 1` bits matter).
        let leftPath = first.path.with(bit: depth, set: 0)
        let rightPath = first.path.with(bit: depth, set: 1)
        var left: MerkleNode?
        var right: MerkleNode?
        var newLeft = leftHash
        var newRight = rightHash
        if !leftChanges.isEmpty {
            let child = leftHash == .zero ? nil : try rows.node(depth: depth + 1, path: leftPath)
            left = try update(depth: depth + 1, current: child, changes: leftChanges)
            newLeft = left?.hash ?? .zero
        }
        if !rightChanges.isEmpty {
            let child = rightHash == .zero ? nil : try rows.node(depth: depth + 1, path: rightPath)
            right = try update(depth: depth + 1, current: child, changes: rightChanges)
            newRight = right?.hash ?? .zero
        }
        if newLeft == .zero || newRight == .zero {
            let survivorOnLeft = newRight == .zero
            var survivor: MerkleNode? = nil
            if survivorOnLeft, newLeft != .zero {
                survivor = leftChanges.isEmpty ? try rows.node(depth: depth + 1, path: leftPath) : left
            } else if !survivorOnLeft, newRight != .zero {
                survivor = rightChanges.isEmpty ? try rows.node(depth: depth + 1, path: rightPath) : right
            }
            switch survivor {
            case nil, .leaf?:
                // At most one key left below: the subtree collapses into its leaf (or nothing).
                if leftHash != .zero { try rows.set(nil, depth: depth + 1, path: leftPath) }
                if rightHash != .zero { try rows.set(nil, depth: depth + 1, path: rightPath) }
                return survivor
            case .inner?:
                break
            }
        }
        if !leftChanges.isEmpty { try rows.set(left, depth: depth + 1, path: leftPath) }
        if !rightChanges.isEmpty { try rows.set(right, depth: depth + 1, path: rightPath) }
        return .inner(left: newLeft, right: newRight)
    }

    /// The subtree at `depth` holding exactly `leaves` (sorted, unique), when nothing is stored below it.
    private mutating func build(depth: Int, leaves: ArraySlice<Leaf>) throws -> MerkleNode? {
        guard let first = leaves.first else { return nil }
        if leaves.count == 1 { return .leaf(path: first.path, valueHash: first.valueHash) }
        guard depth < TreePath.depth else { throw StateStoreError.pathCollision }
        let split = leaves.firstIndex { $0.path.bit(depth) == 1 } ?? leaves.endIndex
        let left = try build(depth: depth + 1, leaves: leaves[leaves.startIndex..<split])
        let right = try build(depth: depth + 1, leaves: leaves[split..<leaves.endIndex])
        try rows.set(left, depth: depth + 1, path: first.path.with(bit: depth, set: 0), fresh: true)
        try rows.set(right, depth: depth + 1, path: first.path.with(bit: depth, set: 1), fresh: true)
        return .inner(left: left?.hash ?? .zero, right: right?.hash ?? .zero)
    }

    // MARK: - Proofs

    /// An inclusion proof for `key` if present, otherwise a non-inclusion proof, against the store's root.
    /// Checks every node it reads against its parent's hash and throws on a mismatch.
    public func prove(key: [UInt8]) throws -> MerkleProof {
        let path = Digest.hashing(key)
        var siblings: [[UInt8]] = []
        guard var expected = Digest(root) else { throw StateStoreError.corruptMetadata("state root of \(root.count) bytes") }
        var depth = 0
        var rows = self.rows
        while expected != .zero {
            guard let node = try rows.node(depth: depth, path: path), node.hash == expected else {
                throw StateStoreError.corruptNode("node at depth \(depth) does not match its parent's hash")
            }
            switch node {
            case let .leaf(leafPath, valueHash):
                return MerkleProof(terminal: .leaf(path: leafPath.bytes, valueHash: valueHash.bytes), siblings: siblings)
            case let .inner(left, right):
                guard depth < TreePath.depth else { throw StateStoreError.corruptNode("tree deeper than 256") }
                let goRight = path.bit(depth) == 1
                siblings.append(goRight ? left.bytes : right.bytes)
                expected = goRight ? right : left
                depth += 1
            }
        }
        return MerkleProof(terminal: .empty, siblings: siblings)
    }

    /// Whether `proof` shows that `key` holds `value` (or, for `value == nil`, that `key` is absent) in the state
    /// whose root is `root`. Needs no store; never traps on malformed input.
    public static func verify(proof: MerkleProof, root: [UInt8], key: [UInt8], value: [UInt8]?) -> Bool {
        guard root.count == 32, proof.siblings.count <= TreePath.depth else { return false }
        guard proof.siblings.allSatisfy({ $0.count == 32 }) else { return false }
        let path = SHA256.hash(key)
        let depth = proof.siblings.count
        var hash: [UInt8]
        switch proof.terminal {
        case .empty:
            guard value == nil else { return false }
            hash = emptyRoot
        case let .leaf(leafPath, valueHash):
            guard leafPath.count == 32, valueHash.count == 32 else { return false }
            if let value {
                guard leafPath == path, valueHash == SHA256.hash(value) else { return false }
            } else {
                // Another key's leaf where `key` would be: same first `depth` bits, different path.
                guard leafPath != path else { return false }
                for index in 0..<depth where TreePath.bit(leafPath, index) != TreePath.bit(path, index) {
                    return false
                }
            }
            hash = MerkleNode.leafHash(path: leafPath, valueHash: valueHash)
        }
        var index = depth
        while index > 0 {
            index -= 1
            let sibling = proof.siblings[index]
            hash = TreePath.bit(path, index) == 1
                ? MerkleNode.innerHash(left: sibling, right: hash)
                : MerkleNode.innerHash(left: hash, right: sibling)
        }
        return hash == root
    }
}
