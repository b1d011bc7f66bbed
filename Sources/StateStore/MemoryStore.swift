/// An in-memory `KeyValueStore`, for tests, the REPL and `datanet test`. Values live in a sorted map, so scans
/// are in key order; batches apply all at once (nothing can fail part-way).
public final class MemoryStore: KeyValueStore {
    /// Not checked for exclusivity at run time (the check was a third of a point read, ~76 instructions): every
    /// access is one call of a `SortedMap` method that calls nothing outside it, so no two accesses overlap.
    @exclusivity(unchecked) private var values = SortedMap<[UInt8]>()
    /// Tree nodes need only point reads: a hashed map that is never iterated.
    private var nodes: [[UInt8]: [UInt8]] = [:]
    private var archive = SortedMap<[UInt8]>()

    public private(set) var height: UInt64 = 0
    public private(set) var stateRoot: [UInt8] = SparseMerkleTree.emptyRoot

    /// An empty store at height 0.
    public init() {}

    /// An independent copy of this store: values, tree nodes, archive, height and root. Copy-on-write, so it is
    /// cheap until one of the two is written (test runners and the REPL use it as a snapshot).
    public func copy() -> MemoryStore {
        let copy = MemoryStore()
        copy.values = values
        copy.nodes = nodes
        copy.archive = archive
        copy.height = height
        copy.stateRoot = stateRoot
        return copy
    }

    /// The number of keys held.
    public var count: Int { values.count }

    /// The number of stored tree nodes (tests check that removed subtrees leave nothing behind).
    var nodeCount: Int { nodes.count }

    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        values.value(for: key)
    }

    public func get(bytes key: UnsafeRawBufferPointer) throws -> [UInt8]? {
        values.value(forBytes: key)
    }

    public func entries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        Self.entries(of: values, prefix: prefix, after: after, limit: limit)
    }

    public func archived(_ key: [UInt8]) throws -> [UInt8]? {
        archive.value(for: key)
    }

    public func archivedEntries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        Self.entries(of: archive, prefix: prefix, after: after, limit: limit)
    }

    private static func entries(
        of map: SortedMap<[UInt8]>, prefix: [UInt8], after: [UInt8]?, limit: Int
    ) -> [Entry] {
        var result: [Entry] = []
        var index = map.startIndex(prefix: prefix, after: after)
        while result.count < limit, index < map.count, ByteOrder.hasPrefix(map.keys[index], prefix) {
            result.append(Entry(key: map.keys[index], value: map.values[index]))
            index += 1
        }
        return result
    }

    public func node(at position: [UInt8]) throws -> [UInt8]? {
        nodes[position]
    }

    public func apply(_ batch: WriteBatch) throws {
        values.apply(sortedWrites: batch.values.map { ($0.key, $0.value) })
        archive.apply(sortedWrites: batch.archive.map { ($0.key, $0.value) })
        for write in batch.nodes {
            nodes[write.key] = write.value
        }
        height = batch.height
        stateRoot = batch.stateRoot
    }
}
