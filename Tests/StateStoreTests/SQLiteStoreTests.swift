import Foundation
import CSQLite
import Testing
@testable import StateStore

@Test func reopeningKeepsDataHeightAndRoot() throws {
    let path = temporaryPath("reopen.db")
    var root: [UInt8] = []
    var entries: [Entry] = []
    do {
        let store = try SQLiteStore(path: path)
        #expect(store.height == 0)
        #expect(store.root() == SparseMerkleTree.emptyRoot)
        for (height, batch) in randomBatches(seed: 5, count: 8, size: 10).enumerated() {
            root = try store.commit(batch, height: UInt64(height + 1))
        }
        entries = try store.scan(prefix: [])
    }
    let reopened = try SQLiteStore(path: path)
    #expect(reopened.height == 8)
    #expect(reopened.root() == root)
    #expect(try reopened.scan(prefix: []) == entries)
    // The tree survives too: proofs and further incremental updates match a memory store.
    let key = try #require(entries.first).key
    #expect(SparseMerkleTree.verify(proof: try reopened.prove(key: key), root: root, key: key, value: entries[0].value))
    let memory = MemoryStore()
    try memory.commit(entries.map { Write(key: $0.key, value: $0.value) }, height: 8)
    let next = [Write(key: [0, 1], value: [1]), Write(key: key, value: nil)]
    #expect(try reopened.commit(next, height: 9) == (try memory.commit(next, height: 9)))
}

@Test func aBatchThatFailsMidwayLeavesThePreviousState() throws {
    let path = temporaryPath("atomic.db")
    let store = try SQLiteStore(path: path)
    try store.commit((0..<20).map { Write(key: [UInt8($0)], value: [1]) }, height: 1)
    let root = store.root()
    let before = try store.scan(prefix: [])
    store.failAfterWrites = 7
    let batch = (0..<20).map { Write(key: [UInt8($0)], value: $0 % 2 == 0 ? nil : [2]) }
        + [Write(key: [99], value: [3])]
    #expect(throws: StateStoreError.injectedFailure) { try store.commit(batch, height: 2) }
    #expect(store.height == 1)
    #expect(store.root() == root)
    #expect(try store.scan(prefix: []) == before)
    // Another connection sees the committed state only, and the store keeps working.
    let other = try SQLiteStore(path: path)
    #expect(other.height == 1)
    #expect(try other.scan(prefix: []) == before)
    store.failAfterWrites = nil
    try store.commit(batch, height: 2)
    #expect(store.height == 2)
    #expect(try store.get([99]) == [3])
    #expect(try store.get([0]) == nil)
}

@Test func openingAGarbageFileThrowsAClearError() throws {
    let path = temporaryPath("garbage.db")
    try Data(repeating: 0x5a, count: 4096).write(to: URL(fileURLWithPath: path))
    do {
        _ = try SQLiteStore(path: path)
        Issue.record("opening a garbage file succeeded")
    } catch let error as StateStoreError {
        #expect(error.description.contains("not a database"))
    }
}

@Test func openingADirectoryOrAMissingDirectoryThrows() throws {
    let directory = temporaryPath("dir")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    #expect(throws: StateStoreError.self) { try SQLiteStore(path: directory) }
    #expect(throws: StateStoreError.self) { try SQLiteStore(path: directory + "/no/such/dir/state.db") }
}

@Test func aDatabaseWithForeignTablesButBadMetadataIsRefused() throws {
    let path = temporaryPath("foreign.db")
    do {
        let store = try SQLiteStore(path: path)
        try store.commit([Write(key: [1], value: [1])], height: 1)
    }
    // Corrupt the stored height through a second store's raw batch API is impossible (it validates), so
    // overwrite the metadata by hand with SQLite.
    let corrupt = try SQLiteStore(path: path)
    try corrupt.executeForTesting("UPDATE meta SET value = x'01' WHERE name = 'height'")
    #expect(throws: StateStoreError.corruptMetadata("height or root of the wrong size in \(path)")) {
        try SQLiteStore(path: path)
    }
}

@Test func aCorruptTreeNodeIsReportedNotTrappedOn() throws {
    let path = temporaryPath("node.db")
    let store = try SQLiteStore(path: path)
    try store.commit((0..<10).map { Write(key: [UInt8($0)], value: [1]) }, height: 1)
    try store.executeForTesting("UPDATE tree SET node = x'0203' WHERE id = 0")
    #expect(throws: StateStoreError.self) { try store.prove(key: [1]) }
    #expect(throws: StateStoreError.self) { try store.commit([Write(key: [1], value: [2])], height: 2) }
    #expect(store.height == 1)
}

@Test func aFormatOneFileIsUpgradedOnOpen() throws {
    let path = temporaryPath("format1.db")
    let writes = (0..<300).map { Write(key: [UInt8($0 & 0xff), UInt8($0 >> 8)], value: [UInt8($0 % 7)]) }
    let root: [UInt8]
    do {
        let store = try SQLiteStore(path: path)
        root = try store.commit(writes, height: 3)
        // A format-1 file kept one row per node under other keys; the upgrade ignores them and rebuilds the rows.
        try store.executeForTesting(
            "DELETE FROM tree; INSERT INTO nodes VALUES (x'0000', x'01'); UPDATE meta SET value = x'01' WHERE name = 'format'")
    }
    let upgraded = try SQLiteStore(path: path)
    #expect(upgraded.height == 3)
    #expect(upgraded.stateRoot == root)
    for write in writes.prefix(40) {
        #expect(SparseMerkleTree.verify(proof: try upgraded.prove(key: write.key), root: root, key: write.key, value: write.value))
    }
    let memory = MemoryStore()
    try memory.commit(writes, height: 3)
    let change = [Write(key: [5, 0], value: nil), Write(key: [9, 9, 9], value: [1])]
    #expect(try upgraded.commit(change, height: 4) == (try memory.commit(change, height: 4)))
    // The file now says format 3: broken rows are no longer rebuilt on open but reported.
    try upgraded.executeForTesting("UPDATE tree SET node = x'0203' WHERE id = 0")
    let reopened = try SQLiteStore(path: path)
    #expect(throws: StateStoreError.self) { try reopened.prove(key: [1, 0]) }
}

@Test func aFormatOneFileWhoseValuesDoNotGiveItsRootIsRefused() throws {
    let path = temporaryPath("format1-bad.db")
    do {
        let store = try SQLiteStore(path: path)
        try store.commit((0..<20).map { Write(key: [UInt8($0)], value: [1]) }, height: 1)
        try store.executeForTesting(
            "UPDATE kv SET value = x'02' WHERE key = x'05'; UPDATE meta SET value = x'01' WHERE name = 'format'")
    }
    #expect(throws: StateStoreError.corruptMetadata("format 1 file \(path): its values do not give its stored state root")) {
        try SQLiteStore(path: path)
    }
}

@Test func aRowWhoseLengthDoesNotMatchItsBitmapIsReported() throws {
    let path = temporaryPath("row.db")
    let store = try SQLiteStore(path: path)
    try store.commit((0..<50).map { Write(key: [UInt8($0)], value: [1]) }, height: 1)
    // The root row with one byte cut off its last node.
    try store.executeForTesting("UPDATE tree SET node = substr(node, 1, length(node) - 1) WHERE id = 0")
    #expect(throws: StateStoreError.self) { try store.prove(key: [1]) }
    #expect(throws: StateStoreError.self) { try store.commit([Write(key: [1], value: [2])], height: 2) }
    #expect(store.height == 1)
}

@Test func treeRowIDsSortLikeTheirNibbleKeys() throws {
    var generator = SeededGenerator(seed: 11)
    var keys: [[UInt8]] = [[], [0], [0, 0], [15], [15, 15], [0, 15], [1]]
    for _ in 0..<400 {
        let count = Int.random(in: 0...TreeRowID.maxNibbles, using: &generator)
        keys.append((0..<count).map { _ in UInt8.random(in: 0...15, using: &generator) })
    }
    let ids = try keys.map { key in try #require(key.withUnsafeBytes(TreeRowID.init)).value }
    for i in keys.indices {
        #expect(ids[i] >= 0 && ids[i] < 1 << 60)
        for j in keys.indices {
            // Pre-order (a prefix first, then by nibble) is the keys' byte order; equal ids only for equal keys.
            #expect((ids[i] < ids[j]) == keys[i].lexicographicallyPrecedes(keys[j]))
        }
    }
    // Too deep, or not nibbles: no id (such rows are kept under their key).
    #expect([UInt8](repeating: 1, count: TreeRowID.maxNibbles + 1).withUnsafeBytes(TreeRowID.init) == nil)
    #expect([UInt8]([1, 16]).withUnsafeBytes(TreeRowID.init) == nil)
}

@Test func treeRowIDsMadeFromAPathAreThoseOfItsNibbleKeys() throws {
    var generator = SeededGenerator(seed: 12)
    var paths: [[UInt8]] = [[UInt8](repeating: 0, count: 32), [UInt8](repeating: 0xff, count: 32)]
    for _ in 0..<200 { paths.append((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
    for bytes in paths {
        let path = try #require(Digest(bytes))
        for nibbles in 0...TreeRowID.maxNibbles {
            let key = (0..<nibbles).map { $0 & 1 == 0 ? bytes[$0 >> 1] >> 4 : bytes[$0 >> 1] & 0x0f }
            let expected = try #require(key.withUnsafeBytes(TreeRowID.init))
            #expect(TreeRowID(leadingBits: path.leadingBits, nibbles: nibbles) == expected)
        }
    }
}

@Test func rowsWithoutAnIntegerIdAreStoredUnderTheirKey() throws {
    let path = temporaryPath("deep.db")
    let deep = [UInt8](repeating: 7, count: TreeRowID.maxNibbles + 3)
    let odd: [UInt8] = [3, 0x20]
    let shallow = [UInt8](repeating: 7, count: TreeRowID.maxNibbles)
    do {
        let store = try SQLiteStore(path: path)
        let nodes = [Write(key: deep, value: [1, 2]), Write(key: odd, value: [3]), Write(key: shallow, value: [4])]
        try store.apply(WriteBatch(values: [], nodes: nodes, height: 1, stateRoot: SparseMerkleTree.emptyRoot))
        #expect(try store.node(at: deep) == [1, 2])
        #expect(try store.node(at: odd) == [3])
        #expect(try store.node(at: shallow) == [4])
        #expect(try store.node(at: Array(deep.dropLast())) == nil)
        // Only the shallow row has an id; the others keep their keys in `nodes` (an id of 0x…7e would be
        // `shallow`'s).
        try store.executeForTesting("DELETE FROM tree")
        #expect(try store.node(at: shallow) == nil)
        #expect(try store.node(at: deep) == [1, 2])
    }
    let reopened = try SQLiteStore(path: path)
    #expect(try reopened.node(at: odd) == [3])
    try reopened.apply(WriteBatch(values: [], nodes: [Write(key: deep, value: nil)], height: 2, stateRoot: SparseMerkleTree.emptyRoot))
    #expect(try reopened.node(at: deep) == nil)
}

@Test func committedBatchesReachTheDatabaseFileThroughTheBackgroundCheckpoint() throws {
    let path = temporaryPath("checkpoint.db")
    let store = try SQLiteStore(path: path)
    // About 1,300 pages of 4 KiB: past the 1,000 frames from which a commit asks for a checkpoint.
    let writes = (0..<5_000).map { Write(key: [UInt8($0 & 0xff), UInt8($0 >> 8)], value: [UInt8](repeating: UInt8($0 % 251), count: 1_000)) }
    let root = try store.commit(writes, height: 1)
    try store.waitForCheckpoint()
    // The database file alone, without its log, now holds the batch, rows and all.
    let copy = temporaryPath("checkpoint-copy.db")
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    let alone = try SQLiteStore(path: copy)
    #expect(alone.height == 1)
    #expect(alone.root() == root)
    #expect(try alone.get(writes[123].key) == writes[123].value)
    let key = writes[4_321].key
    #expect(SparseMerkleTree.verify(proof: try alone.prove(key: key), root: root, key: key, value: writes[4_321].value))
    // The store goes on committing after its checkpoint, and reopens with everything.
    try store.commit([Write(key: [9], value: [9])], height: 2)
    let reopened = try SQLiteStore(path: path)
    #expect(reopened.height == 2)
    #expect(try reopened.get([9]) == [9])
}

@Test func anExplicitCheckpointPutsEvenASmallCommitInTheDatabaseFile() throws {
    let path = temporaryPath("small-checkpoint.db")
    let store = try SQLiteStore(path: path)
    let root = try store.commit([Write(key: [1], value: [2])], height: 1)
    try store.checkpoint()
    let copy = temporaryPath("small-checkpoint-copy.db")
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    let alone = try SQLiteStore(path: copy)
    #expect(alone.height == 1)
    #expect(alone.root() == root)
}

@Test func aFailedCheckpointIsReportedByTheNextCommitAndTheNextCheckpointRetries() throws {
    let path = temporaryPath("failed-checkpoint.db")
    let store = try SQLiteStore(path: path)
    // Past the 1,000 frames from which a commit asks for a (background) checkpoint; that checkpoint fails.
    let writes = (0..<5_000).map { Write(key: [UInt8($0 & 0xff), UInt8($0 >> 8)], value: [UInt8](repeating: 7, count: 1_000)) }
    store.failNextCheckpoint(with: SQLITE_IOERR)
    let root = try store.commit(writes, height: 1)
    // The next batch is refused before it writes anything, with the checkpoint's error, and the store is as it was.
    #expect {
        try store.commit([Write(key: [9], value: [9])], height: 2)
    } throws: { error in
        guard case let .sqlite(operation, code, _) = error as? StateStoreError else { return false }
        return code == SQLITE_IOERR && operation.contains("checkpoint of \(path)") && operation.contains("safe in its log")
    }
    #expect(store.height == 1)
    #expect(store.root() == root)
    #expect(try store.get([9]) == nil)
    // Reported once: the batch goes through when tried again, and the next checkpoint copies everything.
    try store.commit([Write(key: [9], value: [9])], height: 2)
    try store.checkpoint()
    let copy = temporaryPath("failed-checkpoint-copy.db")
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    let alone = try SQLiteStore(path: copy)
    #expect(alone.height == 2)
    #expect(try alone.get([9]) == [9])
    #expect(try alone.get(writes[77].key) == writes[77].value)
}

@Test func anExplicitCheckpointThatFailsThrows() throws {
    let store = try SQLiteStore(path: temporaryPath("explicit-failure.db"))
    try store.commit([Write(key: [1], value: [2])], height: 1)
    store.failNextCheckpoint(with: SQLITE_FULL)
    #expect(throws: StateStoreError.self) { try store.checkpoint() }
    try store.checkpoint()
    try store.waitForCheckpoint()
}

@Test func aStoreClosedWhileItsCheckpointRunsLeavesAWholeDatabaseFile() throws {
    let path = temporaryPath("closed-mid-checkpoint.db")
    let writes = (0..<5_000).map { Write(key: [UInt8($0 & 0xff), UInt8($0 >> 8)], value: [UInt8](repeating: UInt8($0 % 13), count: 1_000)) }
    var root: [UInt8] = []
    do {
        let store = try SQLiteStore(path: path)
        // This commit queues a background checkpoint; the store is released at once, while it runs.
        root = try store.commit(writes, height: 1)
    }
    // Closing waited for the checkpoint and closed both connections: the database file alone holds the batch.
    #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    let copy = temporaryPath("closed-mid-checkpoint-copy.db")
    try FileManager.default.copyItem(atPath: path, toPath: copy)
    let alone = try SQLiteStore(path: copy)
    #expect(alone.height == 1)
    #expect(alone.root() == root)
    let key = writes[2_345].key
    #expect(SparseMerkleTree.verify(proof: try alone.prove(key: key), root: root, key: key, value: writes[2_345].value))
}

/// Reads between two commits share one read transaction (`SQLiteStore.beginReads`): the next commit, an explicit
/// checkpoint and raw SQL end it first, a second connection sees every commit, and the log still starts over
/// after each background checkpoint (a read transaction left open would pin the log, which would then grow by a
/// whole batch per commit).
@Test func readsBetweenCommitsLeaveCommitsCheckpointsAndTheLogAsTheyWere() throws {
    let path = temporaryPath("reads-between-commits.db")
    let store = try SQLiteStore(path: path)
    // About 1,300 pages of 4 KiB per batch: past the 1,000 frames from which a commit asks for a checkpoint.
    func batch(_ round: Int) -> [Write] {
        (0..<5_000).map {
            Write(key: [UInt8($0 & 0xff), UInt8($0 >> 8)], value: [UInt8](repeating: UInt8(($0 + round) % 251), count: 1_000))
        }
    }
    var logSizes: [Int] = []
    for round in 0..<5 {
        let writes = batch(round)
        let root = try store.commit(writes, height: UInt64(round + 1))
        // Reads of every kind while the checkpoint runs in the background: values, tree rows, archive, scans.
        #expect(try store.get(writes[17].key) == writes[17].value)
        #expect(try store.get([0xee]) == nil)
        #expect(try store.scan(prefix: [5]).count == 20)
        #expect(try store.archived([1]) == nil)
        let key = writes[4_000].key
        #expect(SparseMerkleTree.verify(proof: try store.prove(key: key), root: root, key: key, value: writes[4_000].value))
        // Another connection sees the commit.
        let other = try SQLiteStore(path: path)
        #expect(other.height == UInt64(round + 1))
        #expect(try other.get(writes[17].key) == writes[17].value)
        try store.waitForCheckpoint()
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "-wal")
        logSizes.append((attributes[.size] as? Int) ?? 0)
    }
    // The log is rewritten from its start by each commit: it stays the size of one batch.
    let first = try #require(logSizes.first)
    #expect(first > 4_000_000)
    #expect(logSizes.allSatisfy { $0 <= first + first / 4 }, "log sizes \(logSizes)")
    // After reads: an explicit checkpoint, raw SQL and a commit all run.
    _ = try store.get([1, 2])
    try store.checkpoint()
    _ = try store.get([1, 2])
    try store.executeForTesting("SELECT count(*) FROM kv")
    _ = try store.get([1, 2])
    try store.commit([Write(key: [9], value: [9])], height: 6)
    let reopened = try SQLiteStore(path: path)
    #expect(reopened.height == 6)
    #expect(try reopened.get([9]) == [9])
}

/// Records the calls a commit makes to its `CommitWaitWork`, with the store's height at each.
private final class WaitRecorder: CommitWaitWork {
    weak var store: SQLiteStore?
    var events: [(began: Bool, height: UInt64)] = []

    func commitWaitBegins() { events.append((true, store?.height ?? 0)) }
    func commitWaitEnds() { events.append((false, store?.height ?? 0)) }
}

/// The store fsyncs the log itself after each COMMIT (`syncLog`), and a commit's `CommitWaitWork` runs only while
/// the commit waits: around that fsync (after the batch is committed) and, when one runs, around the wait for
/// the previous checkpoint. Begins and ends alternate, and the memory store never calls it.
@Test func aCommitLetsItsWaitWorkRunOnlyWhileItWaits() throws {
    let path = temporaryPath("wait-work.db")
    let store = try SQLiteStore(path: path)
    let recorder = WaitRecorder()
    recorder.store = store
    // Large enough to queue background checkpoints, so some commits also wait for one.
    for height in 1...6 {
        let writes = (0..<1_500).map {
            Write(key: [UInt8(height), UInt8($0 & 0xff), UInt8($0 >> 8)], value: [UInt8](repeating: 3, count: 600))
        }
        let before = recorder.events.count
        try store.commit(writes, height: UInt64(height), whileWaiting: recorder) { _ in [] }
        let events = recorder.events[before...]
        #expect(events.count >= 2 && events.count % 2 == 0)
        #expect(events.enumerated().allSatisfy { $0.element.began == ($0.offset % 2 == 0) })
        // The last wait is the log's fsync, once the batch is committed.
        #expect(events.last.map { !$0.began && $0.height == UInt64(height) } == true)
        #expect(events.allSatisfy { $0.height == UInt64(height) || $0.height == UInt64(height - 1) })
    }
    let memory = MemoryStore()
    try memory.commit([Write(key: [1], value: [1])], height: 1, whileWaiting: recorder) { _ in [] }
    #expect(recorder.events.count % 2 == 0)
    let reopened = try SQLiteStore(path: path)
    #expect(reopened.height == 6)
    #expect(reopened.root() == store.root())
}

/// A failed fsync of the log after a COMMIT: the batch is committed (this store and others see it) but may not be
/// durable, and a later fsync would prove nothing, so the error is thrown, names the height, and every later
/// commit throws it before writing; a store opened again goes on.
@Test func aFailedFsyncOfTheLogStopsFurtherCommits() throws {
    let path = temporaryPath("failed-fsync.db")
    let store = try SQLiteStore(path: path)
    try store.commit([Write(key: [1], value: [1])], height: 1)
    store.failNextLogSync = SQLITE_IOERR
    let isTheFsyncFailure: (any Error) -> Bool = { error in
        guard case let .sqlite(operation, code, _) = error as? StateStoreError else { return false }
        return code == SQLITE_IOERR && operation.contains("fsync of the log of \(path)")
            && operation.contains("height 2")
    }
    #expect { try store.commit([Write(key: [2], value: [2])], height: 2) } throws: { isTheFsyncFailure($0) }
    #expect(store.height == 2)
    #expect(try store.get([2]) == [2])
    #expect { try store.commit([Write(key: [3], value: [3])], height: 3) } throws: { isTheFsyncFailure($0) }
    #expect(store.height == 2)
    #expect(try store.get([3]) == nil)
    let reopened = try SQLiteStore(path: path)
    #expect(reopened.height == 2)
    try reopened.commit([Write(key: [3], value: [3])], height: 3)
    #expect(try reopened.get([3]) == [3])
}

/// Batches written 32 rows to a statement (`SQLiteRows`) and the rest one at a time: large batches of values
/// (empty ones among them) and deletes, and the tree rows they change, read back as a memory store holds them,
/// before and after reopening; a failure after 50 writes (a full statement and some) leaves the previous state.
@Test func largeBatchesWrittenManyRowsToAStatementReadBackWhole() throws {
    let path = temporaryPath("multi-row.db")
    let store = try SQLiteStore(path: path)
    let memory = MemoryStore()
    var generator = SeededGenerator(seed: 77)
    for height in 1...4 {
        let writes = (0..<(700 + 31 * height)).map { i -> Write in
            let key = [UInt8(i % 7)] + withUnsafeBytes(of: UInt32(i * 2_654_435_761 % 5_000).bigEndian, Array.init)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0: return Write(key: key, value: nil)
            case 1: return Write(key: key, value: [])
            default: return Write(key: key, value: (0..<Int.random(in: 1...40, using: &generator)).map { UInt8($0 ^ height) })
            }
        }
        #expect(try store.commit(writes, height: UInt64(height)) == (try memory.commit(writes, height: UInt64(height))))
    }
    let entries = try memory.scan(prefix: [])
    #expect(try store.scan(prefix: []) == entries)
    #expect(entries.contains { $0.value.isEmpty })
    let root = store.root()
    store.failAfterWrites = 50
    let failing = (0..<200).map { Write(key: [9, UInt8($0)], value: [1]) }
    #expect(throws: StateStoreError.injectedFailure) { try store.commit(failing, height: 5) }
    store.failAfterWrites = nil
    #expect(store.height == 4)
    let reopened = try SQLiteStore(path: path)
    #expect(reopened.root() == root)
    #expect(try reopened.scan(prefix: []) == entries)
    let key = entries[entries.count / 2].key
    #expect(SparseMerkleTree.verify(proof: try reopened.prove(key: key), root: root, key: key, value: entries[entries.count / 2].value))
}
