import Crypto

/// The state root: a binary sparse Merkle tree of depth 256 over SHA-256(key), with shortcut leaves.
///
/// A subtree with no keys hashes to 32 zero bytes and is not stored; a subtree with exactly one key is that
/// key's leaf, placed as high as it can go; every other subtree is an inner node. The shape therefore depends
/// only on the set of keys, and the root only on the set of key/values. An update reads and rewrites the nodes
/// on the paths of the changed keys only: O(changed keys × log n). Nodes are stored by position
/// (`TreePath.position`), so a node is overwritten in place and a removed subtree's nodes are deleted.
public struct SparseMerkleTree {
    /// The root of the empty state: 32 zero bytes.
    public static let emptyRoot = [UInt8](repeating: 0, count: 32)

    private let store: any KeyValueStore
    /// Node writes gathered by `update`, children before parents.
    private(set) var nodeWrites: [Write] = []

    /// A tree over the nodes held in `store`.
    public init(store: any KeyValueStore) {
        self.store = store
    }

    /// One change to a leaf: `valueHash` nil removes the key.
    private struct Change {
        var path: [UInt8]
        var valueHash: [UInt8]?
    }

    /// A leaf to place while building a fresh subtree.
    private struct Leaf {
        var path: [UInt8]
        var valueHash: [UInt8]
    }

    // MARK: - Update

    /// Applies `writes` (unique keys) to the tree, gathering node writes in `nodeWrites`; returns the new root.
    mutating func update(_ writes: [Write]) throws -> [UInt8] {
        var changes = writes.map { Change(path: SHA256.hash($0.key), valueHash: $0.value.map(SHA256.hash)) }
        changes.sort { ByteOrder.less($0.path, $1.path) }
        var index = 1
        while index < changes.count {
            if changes[index].path == changes[index - 1].path { throw StateStoreError.pathCollision }
            index += 1
        }
        let rootPosition = TreePath.position(of: Self.emptyRoot, depth: 0)
        guard !changes.isEmpty else { return store.stateRoot }
        let current = try loadNode(at: rootPosition)
        let updated = try update(depth: 0, current: current, changes: changes[...])
        write(updated, at: rootPosition, existed: current != nil)
        return updated?.hash ?? Self.emptyRoot
    }

    /// The new node for the subtree at `depth` that holds `current` and receives `changes` (all sharing the
    /// subtree's path prefix, sorted). Writes the subtree's descendants; the caller writes the node itself.
    private mutating func update(depth: Int, current: MerkleNode?, changes: ArraySlice<Change>) throws -> MerkleNode? {
        guard let first = changes.first else { return current }
        guard case let .inner(leftHash, rightHash) = current else {
            // Empty or a single leaf: nothing stored below, so rebuild from the leaves the subtree will hold.
            var leaves: [Leaf] = []
            var kept: Leaf?
            if case let .leaf(path, valueHash) = current, !changes.contains(where: { $0.path == path }) {
                kept = Leaf(path: path, valueHash: valueHash)
            }
            for change in changes {
                if let existing = kept, ByteOrder.less(existing.path, change.path) {
                    leaves.append(existing)
                    kept = nil
                }
                if let valueHash = change.valueHash { leaves.append(Leaf(path: change.path, valueHash: valueHash)) }
            }
            if let existing = kept { leaves.append(existing) }
            return try build(depth: depth, leaves: leaves[...])
        }
        guard depth < TreePath.depth else { throw StateStoreError.corruptNode("inner node below the maximum depth") }
        let split = changes.firstIndex { TreePath.bit($0.path, depth) == 1 } ?? changes.endIndex
        let sides = [changes[changes.startIndex..<split], changes[split..<changes.endIndex]]
        let oldHashes = [leftHash, rightHash]
        var results: [MerkleNode?] = [nil, nil]
        var newHashes = oldHashes
        for side in 0...1 where !sides[side].isEmpty {
            let position = TreePath.childPosition(of: first.path, depth: depth, side: side)
            let child = oldHashes[side] == Self.emptyRoot ? nil : try loadNode(at: position)
            results[side] = try update(depth: depth + 1, current: child, changes: sides[side])
            newHashes[side] = results[side]?.hash ?? Self.emptyRoot
        }
        let positions = [0, 1].map { TreePath.childPosition(of: first.path, depth: depth, side: $0) }
        if newHashes[0] == Self.emptyRoot || newHashes[1] == Self.emptyRoot {
            let side = newHashes[0] == Self.emptyRoot ? 1 : 0
            var survivor: MerkleNode? = nil
            if newHashes[side] != Self.emptyRoot {
                survivor = sides[side].isEmpty ? try loadNode(at: positions[side]) : results[side]
            }
            switch survivor {
            case nil, .leaf?:
                // At most one key left below: the subtree collapses into its leaf (or nothing).
                for other in 0...1 where oldHashes[other] != Self.emptyRoot {
                    nodeWrites.append(Write(key: positions[other], value: nil))
                }
                return survivor
            case .inner?:
                break
            }
        }
        for side in 0...1 where !sides[side].isEmpty {
            write(results[side], at: positions[side], existed: oldHashes[side] != Self.emptyRoot)
        }
        return .inner(left: newHashes[0], right: newHashes[1])
    }

    /// The subtree at `depth` holding exactly `leaves` (sorted, unique), when nothing is stored below it.
    private mutating func build(depth: Int, leaves: ArraySlice<Leaf>) throws -> MerkleNode? {
        guard let first = leaves.first else { return nil }
        if leaves.count == 1 { return .leaf(path: first.path, valueHash: first.valueHash) }
        guard depth < TreePath.depth else { throw StateStoreError.pathCollision }
        let split = leaves.firstIndex { TreePath.bit($0.path, depth) == 1 } ?? leaves.endIndex
        let left = try build(depth: depth + 1, leaves: leaves[leaves.startIndex..<split])
        let right = try build(depth: depth + 1, leaves: leaves[split..<leaves.endIndex])
        write(left, at: TreePath.childPosition(of: first.path, depth: depth, side: 0), existed: false)
        write(right, at: TreePath.childPosition(of: first.path, depth: depth, side: 1), existed: false)
        return .inner(left: left?.hash ?? Self.emptyRoot, right: right?.hash ?? Self.emptyRoot)
    }

    private mutating func write(_ node: MerkleNode?, at position: [UInt8], existed: Bool) {
        if let node {
            nodeWrites.append(Write(key: position, value: node.encoded))
        } else if existed {
            nodeWrites.append(Write(key: position, value: nil))
        }
    }

    private func loadNode(at position: [UInt8]) throws -> MerkleNode? {
        guard let bytes = try store.node(at: position) else { return nil }
        return try MerkleNode(decoding: bytes)
    }

    // MARK: - Proofs

    /// An inclusion proof for `key` if present, otherwise a non-inclusion proof, against `store.stateRoot`.
    /// Checks every node it reads against its parent's hash and throws on a mismatch.
    public func prove(key: [UInt8]) throws -> MerkleProof {
        let path = SHA256.hash(key)
        var siblings: [[UInt8]] = []
        var expected = store.stateRoot
        var depth = 0
        while expected != Self.emptyRoot {
            guard let node = try loadNode(at: TreePath.position(of: path, depth: depth)), node.hash == expected else {
                throw StateStoreError.corruptNode("node at depth \(depth) does not match its parent's hash")
            }
            switch node {
            case let .leaf(leafPath, valueHash):
                return MerkleProof(terminal: .leaf(path: leafPath, valueHash: valueHash), siblings: siblings)
            case let .inner(left, right):
                guard depth < TreePath.depth else { throw StateStoreError.corruptNode("tree deeper than 256") }
                let goRight = TreePath.bit(path, depth) == 1
                siblings.append(goRight ? left : right)
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
