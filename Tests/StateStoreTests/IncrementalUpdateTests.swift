import Testing
@testable import StateStore

/// A store that counts tree node reads and writes, to pin down how much work an update does.
private final class CountingStore: KeyValueStore {
    let inner = MemoryStore()
    var nodeReads = 0
    var nodeWrites = 0

    var height: UInt64 { inner.height }
    var stateRoot: [UInt8] { inner.stateRoot }

    func get(_ key: [UInt8]) throws -> [UInt8]? { try inner.get(key) }
    func entries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        try inner.entries(prefix: prefix, after: after, limit: limit)
    }
    func node(at position: [UInt8]) throws -> [UInt8]? {
        nodeReads += 1
        return try inner.node(at: position)
    }
    func apply(_ batch: WriteBatch) throws {
        nodeWrites += batch.nodes.count
        try inner.apply(batch)
    }
}

@Test func updatingOneKeyTouchesOnlyItsPath() throws {
    let store = CountingStore()
    let size = 1 << 14
    try store.commit((0..<size).map { Write(key: [UInt8($0 >> 8), UInt8($0 & 0xff)], value: [1]) }, height: 1)
    for (height, key) in [[0, 1], [0x3f, 0xff], [0x12, 0x34]].enumerated() {
        store.nodeReads = 0
        store.nodeWrites = 0
        try store.commit([Write(key: key.map(UInt8.init), value: [2])], height: UInt64(height + 2))
        // log2(16384) = 14; shortcut leaves keep the path near that, far below the 256 of a full tree, and a row
        // holds four levels: the rows at depths 0, 4, 8, 12 and 16.
        #expect(store.nodeReads <= 5)
        #expect(store.nodeWrites <= 5)
    }
    store.nodeReads = 0
    try store.commit([Write(key: [0xee, 0xee], value: nil)], height: 9)    // deleting an absent key
    #expect(store.nodeReads <= 5)
}

/// The tree hands its row writes over sorted by row key (it compares the packed integer keys, `TreeRowID`), as a
/// `WriteBatch` holds them, so the batch does not sort them again: rows of every depth, keys added and removed.
@Test func rowWritesComeSortedByRowKey() throws {
    func key(_ n: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(n).bigEndian) { Array($0) } }
    let store = MemoryStore()
    try store.commit((0..<3_000).map { Write(key: key($0), value: [1]) }, height: 1)
    var tree = SparseMerkleTree(store: store)
    var changes: [Write] = []
    for n in stride(from: 0, to: 3_000, by: 3) { changes.append(Write(key: key(n), value: n % 2 == 0 ? nil : [2])) }
    for n in 0..<500 { changes.append(Write(key: [9] + key(n), value: [3])) }
    _ = try tree.update(Write.normalized(changes))
    let writes = tree.nodeWrites
    #expect(writes.count > 1_000)
    #expect(writes.contains { $0.value == nil })
    #expect(zip(writes, writes.dropFirst()).allSatisfy { ByteOrder.less($0.key, $1.key) })
    #expect(Set(writes.map(\.key)).count == writes.count)
}
