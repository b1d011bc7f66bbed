import Crypto
import Foundation
import Testing
@testable import StateStore

@Test(arguments: [1, 2, 3] as [UInt64])
func memoryAndSQLiteAgreeOnReadsOrderAndRootForRandomBatches(seed: UInt64) throws {
    let memory = MemoryStore()
    let sqlite = try SQLiteStore(path: temporaryPath("state.db"))
    let batches = randomBatches(seed: seed, count: 40, size: 12)
    for (height, batch) in batches.enumerated() {
        let memoryRoot = try memory.commit(batch, height: UInt64(height + 1))
        let sqliteRoot = try sqlite.commit(batch, height: UInt64(height + 1))
        #expect(memoryRoot == sqliteRoot)
        let all = try memory.scan(prefix: [])
        #expect(try sqlite.scan(prefix: []) == all)
        #expect(memoryRoot == referenceRoot(all))
        for prefix: [UInt8] in [[0], [1, 2], [3, 4, 4], [9]] {
            #expect(try memory.scan(prefix: prefix) == sqlite.scan(prefix: prefix))
        }
    }
    #expect(memory.height == 40)
    // Incremental updates leave exactly the nodes of a fresh build: nothing stale, nothing missing.
    let fresh = MemoryStore()
    try fresh.commit(try memory.scan(prefix: []).map { Write(key: $0.key, value: $0.value) }, height: 1)
    #expect(fresh.nodeCount == memory.nodeCount)
    #expect(fresh.root() == memory.root())
    #expect(sqlite.height == 40)
    // Point reads and stepwise iteration agree too.
    var cursor: [UInt8]? = nil
    var stepped: [Entry] = []
    while let entry = try sqlite.next(after: cursor, within: []) {
        stepped.append(entry)
        #expect(try memory.get(entry.key) == entry.value)
        #expect(try sqlite.get(entry.key) == entry.value)
        cursor = entry.key
    }
    #expect(stepped == (try memory.scan(prefix: [])))
    #expect(try memory.get([7, 7, 7]) == nil)
    #expect(try sqlite.get([7, 7, 7]) == nil)
}

@Test func scansAreInUnsignedByteOrderWithPrefixesFirst() throws {
    for store in [MemoryStore(), try SQLiteStore(path: temporaryPath("order.db"))] as [any KeyValueStore] {
        let keys: [[UInt8]] = [[0xff], [0x01, 0x00], [0x01], [0x80], [0x7f, 0xff], [0x01, 0xff], []]
        try store.commit(keys.map { Write(key: $0, value: [1]) }, height: 1)
        let ordered: [[UInt8]] = [[], [0x01], [0x01, 0x00], [0x01, 0xff], [0x7f, 0xff], [0x80], [0xff]]
        #expect(try store.scan(prefix: []).map(\.key) == ordered)
        #expect(try store.scan(prefix: [0x01]).map(\.key) == [[0x01], [0x01, 0x00], [0x01, 0xff]])
        #expect(try store.next(after: [0x01], within: [0x01])?.key == [0x01, 0x00])
        #expect(try store.next(after: [0x00], within: [0x01])?.key == [0x01])
        #expect(try store.next(after: [0x01, 0xff], within: [0x01]) == nil)
        #expect(try store.entries(prefix: [], after: [0x7f], limit: 2).map(\.key) == [[0x7f, 0xff], [0x80]])
        #expect(try store.get([]) == [1])
    }
}

@Test func rootDependsOnlyOnTheFinalKeyValues() throws {
    var generator = SeededGenerator(seed: 42)
    let entries = (0..<200).map { index in
        let value = [UInt8(index & 0xff), UInt8.random(in: 0...255, using: &generator)]
        return Write(key: Array("key-\(index)".utf8), value: value)
    }
    let once = MemoryStore()
    let oneRoot = try once.commit(entries, height: 1)

    let shuffled = MemoryStore()
    var order = entries
    order.shuffle(using: &generator)
    for (index, chunk) in stride(from: 0, to: order.count, by: 17).enumerated() {
        try shuffled.commit(Array(order[chunk..<min(chunk + 17, order.count)]), height: UInt64(index + 1))
    }
    // History that adds and later removes extra keys, and overwrites values, must not matter.
    let churned = MemoryStore()
    try churned.commit((0..<50).map { Write(key: Array("extra-\($0)".utf8), value: [9]) }, height: 1)
    try churned.commit(entries.map { Write(key: $0.key, value: [0]) }, height: 2)
    let removals = (0..<50).map { Write(key: Array("extra-\($0)".utf8), value: nil) }
    try churned.commit(entries.reversed() + removals, height: 3)

    #expect(shuffled.root() == oneRoot)
    #expect(churned.root() == oneRoot)
    #expect(churned.nodeCount == once.nodeCount)
    #expect(oneRoot == referenceRoot(try once.scan(prefix: [])))
}

@Test func emptyStateHasTheZeroRootAndDeletingEverythingReturnsToIt() throws {
    let store = MemoryStore()
    #expect(store.root() == [UInt8](repeating: 0, count: 32))
    #expect(SparseMerkleTree.emptyRoot == [UInt8](repeating: 0, count: 32))
    let keys = (0..<64).map { [UInt8($0)] }
    try store.commit(keys.map { Write(key: $0, value: [1, 2]) }, height: 1)
    #expect(store.root() != SparseMerkleTree.emptyRoot)
    try store.commit(keys.map { Write(key: $0, value: nil) }, height: 2)
    #expect(store.root() == SparseMerkleTree.emptyRoot)
    #expect(store.nodeCount == 0)
    // A single key's root is its leaf hash.
    try store.commit([Write(key: [5], value: [6])], height: 3)
    #expect(store.root() == SHA256.hash([0x00] + SHA256.hash([5]) + SHA256.hash([6])))
}

@Test func emptyValueIsStoredAndDistinctFromAbsent() throws {
    for store in [MemoryStore(), try SQLiteStore(path: temporaryPath("empty.db"))] as [any KeyValueStore] {
        try store.commit([Write(key: [1], value: [])], height: 1)
        #expect(try store.get([1]) == [])
        #expect(try store.get([2]) == nil)
        #expect(store.root() != SparseMerkleTree.emptyRoot)
    }
}

@Test func theLastWriteToAKeyInABatchWins() throws {
    let writes: [Write] = (0..<300).map { index in
        let value: [UInt8]? = index % 5 == 0 ? nil : [UInt8(index & 0xff)]
        return Write(key: [UInt8(index % 7)], value: value)
    }
    var expected: [[UInt8]?] = Array(repeating: nil, count: 7)
    for write in writes { expected[Int(write.key[0])] = write.value }
    let batch = WriteBatch(values: writes, height: 1, stateRoot: SparseMerkleTree.emptyRoot)
    let keys: [[UInt8]] = batch.values.map { $0.key }
    #expect(keys == (0..<7).map { [UInt8($0)] })
    for write in batch.values { #expect(expected[Int(write.key[0])] == write.value) }
    let store = MemoryStore()
    try store.commit(writes, height: 1)
    for key in 0..<7 { #expect(try store.get([UInt8(key)]) == expected[key]) }
}
