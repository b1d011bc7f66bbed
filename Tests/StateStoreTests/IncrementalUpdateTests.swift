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
