/// A journaled write overlay over a reader, for executing transactions and calls.
///
/// Reads see the overlay's own writes first, then the base. `checkpoint()` opens a nested scope;
/// `revert(to:)` discards exactly the writes made since that checkpoint (and closes it and any scope opened
/// after it); `commit(_:)` closes the scope keeping its writes, which an enclosing revert still discards.
/// `changes` lists the pending writes sorted by key, ready for `KeyValueStore.commit(_:height:)`.
public final class Overlay: KeyValueReader {
    /// An open nesting scope, returned by `checkpoint()`.
    public struct Checkpoint: Equatable, Sendable {
        fileprivate let id: Int
        fileprivate let journalLength: Int
    }

    /// The reader this overlay writes over (a store, or another overlay).
    public let base: any KeyValueReader
    /// Every mutable part in one struct. Not checked for exclusivity at run time (two checks per read or write
    /// were a sixth of the overlay's cost): every access is a call of one `PendingWrites` method that calls
    /// nothing outside it, so no two accesses can overlap (the overlay is not shared between threads).
    @exclusivity(unchecked) private var state = PendingWrites()

    /// An overlay with no writes over `base`.
    public init(base: any KeyValueReader) {
        self.base = base
    }

    // MARK: - Writes

    /// Sets `value` under `key`.
    public func set(_ key: [UInt8], _ value: [UInt8]) {
        state.record(key, value)
    }

    /// Deletes `key` (hides any base value).
    public func delete(_ key: [UInt8]) {
        state.record(key, nil)
    }

    /// The pending writes, sorted by key, one per key (`nil` value = delete).
    public var changes: [Write] {
        state.sortKeys()
        var writes: [Write] = []
        writes.reserveCapacity(state.orderedKeys.count)
        for key in state.orderedKeys {
            if let value = state.lookup(key) { writes.append(Write(key: key, value: value)) }
        }
        return writes
    }

    /// Whether there are no pending writes.
    public var isEmpty: Bool { state.items.isEmpty }

    /// The index in `orderedKeys` of the first key a scan of `prefix` after `after` visits.
    private func startIndex(prefix: [UInt8], after: [UInt8]?) -> Int {
        let (bound, inclusive) = ByteOrder.scanStart(prefix: prefix, after: after)
        var low = 0
        var high = state.orderedKeys.count
        while low < high {
            let mid = low + (high - low) / 2
            let order = ByteOrder.compare(state.orderedKeys[mid], bound)
            if order < 0 || (order == 0 && !inclusive) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - Nesting

    /// Opens a nested scope whose writes `revert(to:)` can discard.
    public func checkpoint() -> Checkpoint {
        state.nextID += 1
        let checkpoint = Checkpoint(id: state.nextID, journalLength: state.journalCount)
        state.open.append(checkpoint)
        return checkpoint
    }

    /// Discards every write made since `checkpoint`, and closes it and every scope opened after it.
    public func revert(to checkpoint: Checkpoint) throws {
        let index = try openIndex(of: checkpoint)
        state.undo(to: checkpoint.journalLength)
        state.close(from: index)
    }

    /// Closes `checkpoint` (and every scope opened after it), keeping its writes.
    public func commit(_ checkpoint: Checkpoint) throws {
        state.close(from: try openIndex(of: checkpoint))
    }

    private func openIndex(of checkpoint: Checkpoint) throws -> Int {
        guard let index = state.open.lastIndex(of: checkpoint) else { throw StateStoreError.unknownCheckpoint }
        return index
    }

    // MARK: - Reads

    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        if let value = state.lookup(key) { return value }
        return try base.get(key)
    }

    /// Merges the base's entries with the pending writes in key order; pending values win, deletes hide.
    public func entries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        state.sortKeys()
        var result: [Entry] = []
        var baseNext = try base.next(after: after, within: prefix)
        var index = startIndex(prefix: prefix, after: after)
        while result.count < limit {
            let pendingKey: [UInt8]? =
                index < state.orderedKeys.count && ByteOrder.hasPrefix(state.orderedKeys[index], prefix)
                ? state.orderedKeys[index] : nil
            let order: Int
            switch (baseNext, pendingKey) {
            case (nil, nil): return result
            case (.some, nil): order = -1
            case (nil, .some): order = 1
            case let (.some(entry), .some(key)): order = ByteOrder.compare(entry.key, key)
            }
            if order < 0, let entry = baseNext {
                result.append(entry)
                baseNext = try base.next(after: entry.key, within: prefix)
                continue
            }
            if let key = pendingKey {
                if let value = state.lookup(key) ?? nil { result.append(Entry(key: key, value: value)) }
                index += 1
                if order == 0 { baseNext = try base.next(after: key, within: prefix) }
            }
        }
        return result
    }
}

/// The mutable part of an `Overlay`: its pending writes, the journal of the open scopes and the sorted key list.
///
/// Pending writes are `items` (one per key, in first-write order) indexed by an open-addressing table of
/// `slots`; each item keeps its key's hash, so growing the table never hashes a key again. The table is looked
/// up, never iterated: ordered access goes through `orderedKeys`. A journal entry names the item it changed and
/// what the item held before (`nil` when the write created it). Reverting undoes entries last first, so an
/// item a write created is the last item when its entry is undone (every later write was journaled and undone
/// before it), and removing it pops `items`.
struct PendingWrites {
    struct Item {
        let key: [UInt8]
        /// The pending value; `nil` is a delete that hides the base's value.
        var value: [UInt8]?
        let hash: Int
    }

    private struct JournalEntry {
        let item: Int
        /// What the item held before the write; `nil` when the write created the item.
        let previous: [UInt8]??
    }

    private(set) var items: [Item] = []
    /// Indices into `items` + 1 (0 = empty); the count is a power of two, at least twice `items.count`.
    private var slots: [Int32] = []
    private var journal: [JournalEntry] = []
    var open: [Overlay.Checkpoint] = []
    var nextID = 0
    /// The keys of `items` in key order as of the last `sortKeys()`; may still hold keys a revert removed.
    private(set) var orderedKeys: [[UInt8]] = []
    /// `items[sortedCount...]` were added since the last `sortKeys()` (items below it are unchanged since).
    private var sortedCount = 0

    var journalCount: Int { journal.count }

    /// The hash key: drawn once per process from the standard hasher's per-process random seed, so the table's
    /// layout is unpredictable (no crafted keys collide) and never observable (the table is never iterated).
    private static let seed: (UInt64, UInt64) = {
        var a = Hasher(), b = Hasher()
        a.combine(0x5EED_0001 as UInt64)
        b.combine(0x5EED_0002 as UInt64)
        return (UInt64(UInt(bitPattern: a.finalize())), UInt64(UInt(bitPattern: b.finalize())))
    }()
    private let k0 = PendingWrites.seed.0
    private let k1 = PendingWrites.seed.1

    /// SipHash-1-3 of `key` under (`k0`, `k1`), the function behind the standard `Hasher`, computed on whole
    /// words: `Hasher.combine(bytes:)` (and an `Array`'s own hash) go through the hasher's byte buffer, several
    /// times slower on 40-50-byte storage keys.
    @inline(__always) private func hash(_ key: [UInt8]) -> Int {
        var v0 = k0 ^ 0x736f_6d65_7073_6575, v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261, v3 = k1 ^ 0x7465_6462_7974_6573
        @inline(__always) func round() {
            v0 &+= v1; v1 = v1.rotl(13); v1 ^= v0; v0 = v0.rotl(32)
            v2 &+= v3; v3 = v3.rotl(16); v3 ^= v2
            v0 &+= v3; v3 = v3.rotl(21); v3 ^= v0
            v2 &+= v1; v1 = v1.rotl(17); v1 ^= v2; v2 = v2.rotl(32)
        }
        key.withUnsafeBytes { raw in
            var i = 0
            while i + 8 <= raw.count {
                let m = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                v3 ^= m; round(); v0 ^= m
                i += 8
            }
            var last = UInt64(truncatingIfNeeded: raw.count) << 56
            var shift: UInt64 = 0
            while i < raw.count {
                last |= UInt64(raw[i]) << shift
                shift += 8
                i += 1
            }
            v3 ^= last; round(); v0 ^= last
        }
        v2 ^= 0xff
        round(); round(); round()
        return Int(truncatingIfNeeded: v0 ^ v1 ^ v2 ^ v3)
    }

    /// The slot holding `key`'s item, or the empty slot where it would go (`found` false).
    @inline(__always) private func slot(of key: [UInt8], hash: Int) -> (slot: Int, found: Bool) {
        let mask = slots.count - 1
        var i = hash & mask
        while true {
            let s = Int(slots[i])
            if s == 0 { return (i, false) }
            let item = items[s - 1]
            if item.hash == hash && item.key.count == key.count && ByteOrder.compare(item.key, key) == 0 {
                return (i, true)
            }
            i = (i + 1) & mask
        }
    }

    /// The pending value of `key`: `nil` when there is none, `.some(nil)` for a pending delete.
    func lookup(_ key: [UInt8]) -> [UInt8]?? {
        guard !items.isEmpty else { return nil }
        let (i, found) = slot(of: key, hash: hash(key))
        guard found else { return nil }
        return items[Int(slots[i]) - 1].value
    }

    /// Sets (`value`) or deletes (`nil`) `key`, journaled when a scope is open.
    mutating func record(_ key: [UInt8], _ value: [UInt8]?) {
        if 2 * (items.count + 1) > slots.count { grow() }
        let hash = self.hash(key)
        let (i, found) = slot(of: key, hash: hash)
        if found {
            let index = Int(slots[i]) - 1
            if !open.isEmpty { journal.append(JournalEntry(item: index, previous: .some(items[index].value))) }
            items[index].value = value
        } else {
            items.append(Item(key: key, value: value, hash: hash))
            slots[i] = Int32(truncatingIfNeeded: items.count)
            if !open.isEmpty { journal.append(JournalEntry(item: items.count - 1, previous: nil)) }
        }
    }

    /// Undoes the journal's entries past `length`, last first.
    mutating func undo(to length: Int) {
        while journal.count > length {
            let entry = journal.removeLast()
            if let previous = entry.previous {
                items[entry.item].value = previous
            } else {
                remove(entry.item)
            }
        }
    }

    /// Closes the open scopes from `index` on; the journal is dropped when none is left.
    mutating func close(from index: Int) {
        open.removeSubrange(index...)
        if open.isEmpty { journal.removeAll(keepingCapacity: true) }
    }

    /// Removes item `index` (the last one when undoing; another is moved into its place otherwise).
    private mutating func remove(_ index: Int) {
        let (i, found) = slot(of: items[index].key, hash: items[index].hash)
        guard found else { return }
        deleteSlot(i)
        let last = items.count - 1
        if index != last {
            let (j, movedFound) = slot(of: items[last].key, hash: items[last].hash)
            if movedFound { slots[j] = Int32(truncatingIfNeeded: index + 1) }
            items.swapAt(index, last)
        }
        items.removeLast()
        sortedCount = min(sortedCount, index)
    }

    /// Empties slot `i` and shifts later slots of the same probe run back (linear probing without tombstones).
    private mutating func deleteSlot(_ start: Int) {
        let mask = slots.count - 1
        var hole = start
        var j = start
        slots[hole] = 0
        while true {
            j = (j + 1) & mask
            let s = Int(slots[j])
            if s == 0 { return }
            let home = items[s - 1].hash & mask
            // the entry at j may move to the hole when its home is not cyclically within (hole, j]
            let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !between {
                slots[hole] = slots[j]
                slots[j] = 0
                hole = j
            }
        }
    }

    private mutating func grow() {
        let count = max(16, slots.count * 2)
        let mask = count - 1
        slots = [Int32](repeating: 0, count: count)
        for index in items.indices {
            var i = items[index].hash & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(truncatingIfNeeded: index + 1)
        }
    }

    /// Brings `orderedKeys` up to date: sorts the keys added since and merges them in one pass, dropping keys no
    /// longer pending and duplicates. O(k log k + n) for k new keys; nothing when no key was added or removed.
    mutating func sortKeys() {
        guard sortedCount < items.count || orderedKeys.count != items.count else { return }
        var newKeys = items[sortedCount...].map(\.key)
        newKeys.sort { ByteOrder.less($0, $1) }
        var merged: [[UInt8]] = []
        merged.reserveCapacity(items.count)
        var old = 0
        var new = 0
        while old < orderedKeys.count || new < newKeys.count {
            let key: [UInt8]
            if new == newKeys.count || (old < orderedKeys.count && ByteOrder.less(orderedKeys[old], newKeys[new])) {
                key = orderedKeys[old]
                old += 1
            } else {
                key = newKeys[new]
                new += 1
            }
            if let last = merged.last, last == key { continue }
            if lookup(key) != nil { merged.append(key) }
        }
        orderedKeys = merged
        sortedCount = items.count
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotl(_ n: UInt64) -> UInt64 { self << n | self >> (64 - n) }
}
