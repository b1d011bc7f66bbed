import Testing
@testable import StateStore

private func base() throws -> MemoryStore {
    let store = MemoryStore()
    try store.commit([
        Write(key: [1, 1], value: [10]), Write(key: [1, 3], value: [30]), Write(key: [1, 5], value: [50]),
        Write(key: [2, 0], value: [99]),
    ], height: 1)
    return store
}

@Test func readsSeeOwnWritesFirstAndDeletesHideTheBase() throws {
    let overlay = Overlay(base: try base())
    #expect(try overlay.get([1, 1]) == [10])
    overlay.set([1, 1], [11])
    overlay.delete([1, 3])
    overlay.set([1, 4], [40])
    #expect(try overlay.get([1, 1]) == [11])
    #expect(try overlay.get([1, 3]) == nil)
    #expect(try overlay.get([1, 4]) == [40])
    #expect(try overlay.get([1, 5]) == [50])
}

@Test func scanMergesBaseAndPendingWritesInKeyOrder() throws {
    let overlay = Overlay(base: try base())
    overlay.set([1, 0], [0])
    overlay.delete([1, 3])
    overlay.set([1, 4], [40])
    overlay.set([1, 5], [55])
    overlay.delete([1, 9])
    overlay.set([3], [3])
    #expect(try overlay.scan(prefix: [1]) == [
        Entry(key: [1, 0], value: [0]), Entry(key: [1, 1], value: [10]),
        Entry(key: [1, 4], value: [40]), Entry(key: [1, 5], value: [55]),
    ])
    #expect(try overlay.next(after: [1, 1], within: [1]) == Entry(key: [1, 4], value: [40]))
    #expect(try overlay.entries(prefix: [], after: [1, 4], limit: 3).map(\.key) == [[1, 5], [2, 0], [3]])
    overlay.delete([1, 0])
    overlay.delete([1, 1])
    overlay.delete([1, 4])
    overlay.delete([1, 5])
    #expect(try overlay.scan(prefix: [1]).isEmpty)
}

@Test func nestedRevertDiscardsExactlyTheFailingCallsWrites() throws {
    let overlay = Overlay(base: try base())
    overlay.set([1, 1], [11])                          // the transaction itself
    let outer = overlay.checkpoint()
    overlay.set([1, 1], [12])                          // outer call
    overlay.set([5], [5])
    let inner = overlay.checkpoint()
    overlay.set([1, 1], [13])                          // inner call, fails
    overlay.delete([1, 5])
    overlay.set([6], [6])
    try overlay.revert(to: inner)
    #expect(try overlay.get([1, 1]) == [12])
    #expect(try overlay.get([1, 5]) == [50])
    #expect(try overlay.get([6]) == nil)
    #expect(try overlay.get([5]) == [5])
    try overlay.commit(outer)
    #expect(overlay.changes == [Write(key: [1, 1], value: [12]), Write(key: [5], value: [5])])
}

@Test func revertingAnOuterScopeDiscardsCommittedInnerScopes() throws {
    let overlay = Overlay(base: try base())
    let outer = overlay.checkpoint()
    overlay.set([7], [7])
    let middle = overlay.checkpoint()
    overlay.set([8], [8])
    let inner = overlay.checkpoint()
    overlay.delete([1, 1])
    try overlay.commit(inner)
    try overlay.commit(middle)
    #expect(try overlay.get([1, 1]) == nil)
    try overlay.revert(to: outer)
    #expect(overlay.isEmpty)
    #expect(try overlay.get([1, 1]) == [10])
    #expect(overlay.changes.isEmpty)
}

@Test func revertAtEveryDepthRestoresThatDepthsView() throws {
    let overlay = Overlay(base: MemoryStore())
    var checkpoints: [Overlay.Checkpoint] = []
    for depth in 0..<8 {
        checkpoints.append(overlay.checkpoint())
        overlay.set([0], [UInt8(depth)])
        overlay.set([1, UInt8(depth)], [UInt8(depth)])
    }
    for depth in stride(from: 7, through: 0, by: -1) {
        try overlay.revert(to: checkpoints[depth])
        #expect(try overlay.get([0]) == (depth == 0 ? nil : [UInt8(depth - 1)]))
        #expect(try overlay.scan(prefix: [1]).count == depth)
    }
    #expect(overlay.isEmpty)
}

@Test func closedOrForeignCheckpointsAreRejected() throws {
    let overlay = Overlay(base: MemoryStore())
    let outer = overlay.checkpoint()
    let inner = overlay.checkpoint()
    try overlay.revert(to: outer)
    #expect(throws: StateStoreError.unknownCheckpoint) { try overlay.revert(to: inner) }
    #expect(throws: StateStoreError.unknownCheckpoint) { try overlay.commit(outer) }
    let other = Overlay(base: MemoryStore())
    #expect(throws: StateStoreError.unknownCheckpoint) { try other.commit(overlay.checkpoint()) }
}

@Test func overlayChangesCommitToTheSameStateAsDirectWrites() throws {
    let store = try base()
    let overlay = Overlay(base: store)
    overlay.set([9], [9])
    overlay.delete([1, 1])
    overlay.set([0], [0])
    let changes = overlay.changes
    #expect(changes.map(\.key) == [[0], [1, 1], [9]])
    try store.commit(changes, height: 2)
    #expect(try store.scan(prefix: []) == [
        Entry(key: [0], value: [0]), Entry(key: [1, 3], value: [30]), Entry(key: [1, 5], value: [50]),
        Entry(key: [2, 0], value: [99]), Entry(key: [9], value: [9]),
    ])
    #expect(store.root() == referenceRoot(try store.scan(prefix: [])))
}

@Test func overlaysStackOverOverlays() throws {
    let transaction = Overlay(base: try base())
    transaction.set([1, 2], [20])
    let call = Overlay(base: transaction)
    call.delete([1, 1])
    #expect(try call.scan(prefix: [1]).map(\.key) == [[1, 2], [1, 3], [1, 5]])
    // borrowed-key reads go through both overlays to the store
    func get(_ key: [UInt8]) throws -> [UInt8]? { try key.withUnsafeBytes { try call.get(bytes: $0) } }
    #expect(try get([1, 2]) == [20])
    #expect(try get([1, 1]) == nil)
    #expect(try get([1, 3]) == call.get([1, 3]))
    #expect(try get([1, 3]) != nil)
}

/// A plain model of the overlay: the pending writes as a sorted map, one snapshot per open scope.
private struct OverlayModel {
    var pending = SortedMap<[UInt8]?>()
    var scopes: [(checkpoint: Overlay.Checkpoint, saved: SortedMap<[UInt8]?>)] = []
}

/// Three thousand seeded operations (writes and deletes through both the array and the borrowed-bytes entry
/// points, scopes opened, committed and reverted at random depths, reads both ways, scans, `changes`, `reserve`) on enough keys to grow the overlay's hash table many times and to revert long runs
/// of new keys, checked after every step against a plain model. Run with the default hash, with a probe bound of
/// 0 (the table switches to SipHash at the first collision, mid-run) and of 1.
@Test(arguments: [nil, 0, 1] as [Int?]) func randomOperationsMatchAPlainModel(maxProbe: Int?) throws {
    let store = try base()
    let overlay = maxProbe.map { Overlay(base: store, maxProbe: $0) } ?? Overlay(base: store)
    var model = OverlayModel()
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((seed >> 33) % UInt64(bound))
    }
    func key() -> [UInt8] {
        // a few short keys shared with the base, and many longer ones (storage-key sized)
        next(4) == 0 ? [1, UInt8(next(6))] : [4] + [UInt8](repeating: 7, count: 20) + [UInt8(next(4)), UInt8(next(256))]
    }
    for step in 0..<3_000 {
        switch next(20) {
        case 0..<9:
            // values of varying length, so the arena holds values of several sizes side by side
            let k = key(), v = [UInt8](repeating: UInt8(truncatingIfNeeded: step), count: 1 + next(3))
            if next(2) == 0 {
                overlay.set(k, v)
            } else {
                k.withUnsafeBytes { key in v.withUnsafeBytes { overlay.write(key: key, value: $0) } }
            }
            model.pending.set(v, for: k)
        case 9..<11:
            let k = key()
            if next(2) == 0 { overlay.delete(k) } else { k.withUnsafeBytes { overlay.write(key: $0, value: nil) } }
            model.pending.set(nil, for: k)
        case 11..<13:
            model.scopes.append((overlay.checkpoint(), model.pending))
        case 13:
            guard !model.scopes.isEmpty else { continue }
            let depth = next(model.scopes.count)
            try overlay.revert(to: model.scopes[depth].checkpoint)
            model.pending = model.scopes[depth].saved
            model.scopes.removeSubrange(depth...)
        case 14:
            guard !model.scopes.isEmpty else { continue }
            let depth = next(model.scopes.count)
            try overlay.commit(model.scopes[depth].checkpoint)
            model.scopes.removeSubrange(depth...)
        case 15:
            let expected = zip(model.pending.keys, model.pending.values).map { Write(key: $0.0, value: $0.1) }
            #expect(overlay.changes == expected, "step \(step)")
        case 16:
            let prefix: [UInt8] = next(2) == 0 ? [1] : [4]
            var expected = try store.scan(prefix: prefix)
            for (k, v) in zip(model.pending.keys, model.pending.values) where ByteOrder.hasPrefix(k, prefix) {
                expected.removeAll { $0.key == k }
                if let v { expected.append(Entry(key: k, value: v)) }
            }
            expected.sort { ByteOrder.less($0.key, $1.key) }
            #expect(try overlay.scan(prefix: prefix) == expected, "step \(step)")
        case 17:
            // room for more keys changes nothing observable
            overlay.reserve(next(3) == 0 ? -1 : next(600))
        default:
            let k = key()
            let expected = try model.pending.value(for: k) ?? store.get(k)
            #expect(try overlay.get(k) == expected, "step \(step)")
            #expect(try k.withUnsafeBytes { try overlay.get(bytes: $0) } == expected, "step \(step)")
        }
        #expect(overlay.isEmpty == (model.pending.count == 0))
    }
    // a zero bound switches at the first collision, which a run this long has
    if maxProbe == 0 { #expect(overlay.usesSipHash) }
    if maxProbe == nil { #expect(!overlay.usesSipHash) }
}

/// Keys of every length from 0 to 80 bytes (the fast hash reads short keys, whole blocks and an overlapping last
/// block differently), pairs differing only in their last or first byte, and a key and its extensions by zero
/// bytes: all distinct, all found again, under both hashes, and after a revert removes the later half.
@Test(arguments: [false, true]) func keysOfEveryLengthAreToldApart(sip: Bool) throws {
    let overlay = Overlay(base: MemoryStore(), maxProbe: sip ? 0 : PendingWrites.defaultMaxProbe)
    var keys: [[UInt8]] = []
    for n in 0...80 {
        let body = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        keys.append(body)
        if n > 0 {
            keys.append(body.dropLast() + [body[n - 1] ^ 1])
            keys.append([body[0] ^ 0x80] + body.dropFirst())
        }
        keys.append([UInt8](repeating: 0, count: n))
    }
    keys = Array(Set(keys)).sorted { ByteOrder.less($0, $1) }
    let half = keys.count / 2
    for (i, k) in keys[..<half].enumerated() { overlay.set(k, [UInt8(truncatingIfNeeded: i), 1]) }
    let checkpoint = overlay.checkpoint()
    for (i, k) in keys.enumerated() { overlay.set(k, [UInt8(truncatingIfNeeded: i), 2]) }
    for (i, k) in keys.enumerated() { #expect(try overlay.get(k) == [UInt8(truncatingIfNeeded: i), 2], "\(k)") }
    #expect(overlay.changes.map(\.key) == keys)
    try overlay.revert(to: checkpoint)
    for (i, k) in keys.enumerated() {
        #expect(try overlay.get(k) == (i < half ? [UInt8(truncatingIfNeeded: i), 1] : nil), "\(k)")
    }
    #expect(overlay.changes.map(\.key) == Array(keys[..<half]))
    #expect(overlay.usesSipHash == sip)
}

/// Values longer than the arena's 64 KiB chunks get chunks of their own; small writes before and after them keep
/// their bytes, and a revert past the long value drops it.
@Test func valuesLongerThanAnArenaChunkReadBackWhole() throws {
    let overlay = Overlay(base: MemoryStore())
    let long = (0..<(ByteArena.chunkSize + 4_321)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    overlay.set([1], [1, 2, 3])
    let checkpoint = overlay.checkpoint()
    overlay.set([2], long)
    long.withUnsafeBytes { v in [UInt8]([3]).withUnsafeBytes { overlay.write(key: $0, value: v) } }
    overlay.set([4], [4])
    #expect(try overlay.get([1]) == [1, 2, 3])
    #expect(try overlay.get([2]) == long)
    #expect(try overlay.get([3]) == long)
    #expect(try overlay.get([4]) == [4])
    try overlay.revert(to: checkpoint)
    #expect(overlay.changes == [Write(key: [1], value: [1, 2, 3])])
    overlay.set([5], [5])
    #expect(try overlay.get([5]) == [5] && overlay.get([2]) == nil)
}
