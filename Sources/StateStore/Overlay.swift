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
        /// `items.count` when the scope opened: the items at or past it were created inside the scope.
        fileprivate let itemCount: Int
    }

    /// The reader this overlay writes over (a store, or another overlay).
    public let base: any KeyValueReader
    /// Every mutable part in one struct. Not checked for exclusivity at run time (two checks per read or write
    /// were a sixth of the overlay's cost): every access is a call of one `PendingWrites` method that calls
    /// nothing outside it, so no two accesses can overlap (the overlay is not shared between threads).
    @exclusivity(unchecked) private var state = PendingWrites(maxProbe: PendingWrites.defaultMaxProbe)

    /// An overlay with no writes over `base`.
    public init(base: any KeyValueReader) {
        self.base = base
    }

    /// An overlay whose table switches to SipHash after a probe longer than `maxProbe` (tests force the switch).
    init(base: any KeyValueReader, maxProbe: Int) {
        self.base = base
        state = PendingWrites(maxProbe: maxProbe)
    }

    /// Whether the pending writes' table has switched to SipHash-1-3 (see `PendingWrites`).
    var usesSipHash: Bool { state.useSipHash }

    // MARK: - Writes

    /// Sets `value` under `key`.
    public func set(_ key: [UInt8], _ value: [UInt8]) {
        key.withUnsafeBytes { k in value.withUnsafeBytes { v in state.record(k, v) } }
    }

    /// Deletes `key` (hides any base value).
    public func delete(_ key: [UInt8]) {
        key.withUnsafeBytes { state.record($0, nil) }
    }

    /// Sets (`value`) or deletes (`nil`) a borrowed key (bytes bound to `UInt8`): the overlay copies both into its
    /// own buffers, so a caller that builds keys and values on the stack allocates nothing.
    public func write(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer?) {
        state.record(key, value)
    }

    /// Makes room for `count` more keys, so that writing them grows nothing (a hint: the storage cache's flush
    /// knows how many writes follow). At most `maxReserve` keys at a time.
    public func reserve(_ count: Int) {
        state.reserve(min(max(0, count), Overlay.maxReserve))
    }

    /// The most keys `reserve` makes room for in one call (a run's storage cache holds at most 2^20 entries).
    static let maxReserve = 1 << 20

    /// The pending writes, sorted by key, one per key (`nil` value = delete).
    public var changes: [Write] {
        state.sortKeys()
        var writes: [Write] = []
        writes.reserveCapacity(state.orderedItems.count)
        for index in state.orderedItems {
            writes.append(Write(key: state.key(of: Int(index)), value: state.value(of: Int(index))))
        }
        return writes
    }

    /// Whether there are no pending writes.
    public var isEmpty: Bool { state.items.isEmpty }

    /// The index in `orderedItems` of the first key a scan of `prefix` after `after` visits.
    private func startIndex(prefix: [UInt8], after: [UInt8]?) -> Int {
        let (bound, inclusive) = ByteOrder.scanStart(prefix: prefix, after: after)
        var low = 0
        var high = state.orderedItems.count
        while low < high {
            let mid = low + (high - low) / 2
            let order = bound.withUnsafeBytes { state.compare(item: Int(state.orderedItems[mid]), $0) }
            if order < 0 || (order == 0 && !inclusive) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - Nesting

    /// Opens a nested scope whose writes `revert(to:)` can discard.
    public func checkpoint() -> Checkpoint {
        state.nextID += 1
        let checkpoint = Checkpoint(id: state.nextID, journalLength: state.journalCount, itemCount: state.items.count)
        state.open.append(checkpoint)
        return checkpoint
    }

    /// Discards every write made since `checkpoint`, and closes it and every scope opened after it.
    public func revert(to checkpoint: Checkpoint) throws {
        let index = try openIndex(of: checkpoint)
        state.undo(to: checkpoint.journalLength, itemCount: checkpoint.itemCount)
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
        try key.withUnsafeBytes { try get(bytes: $0) }
    }

    public func get(bytes key: UnsafeRawBufferPointer) throws -> [UInt8]? {
        switch state.lookup(key) {
        case .absent: return try base.get(bytes: key)
        case .deleted: return nil
        case .value(let item): return state.value(of: item)
        }
    }

    /// Merges the base's entries with the pending writes in key order; pending values win, deletes hide.
    public func entries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        state.sortKeys()
        var result: [Entry] = []
        var baseNext = try base.next(after: after, within: prefix)
        var index = startIndex(prefix: prefix, after: after)
        while result.count < limit {
            let pending: Int? =
                index < state.orderedItems.count && state.item(Int(state.orderedItems[index]), hasPrefix: prefix)
                ? Int(state.orderedItems[index]) : nil
            let order: Int
            switch (baseNext, pending) {
            case (nil, nil): return result
            case (.some, nil): order = -1
            case (nil, .some): order = 1
            case let (.some(entry), .some(item)):
                order = -entry.key.withUnsafeBytes { state.compare(item: item, $0) }
            }
            if order < 0, let entry = baseNext {
                result.append(entry)
                baseNext = try base.next(after: entry.key, within: prefix)
                continue
            }
            if let item = pending {
                let key = state.key(of: item)
                if let value = state.value(of: item) { result.append(Entry(key: key, value: value)) }
                index += 1
                if order == 0 { baseNext = try base.next(after: key, within: prefix) }
            }
        }
        return result
    }
}

/// The mutable part of an `Overlay`: its pending writes, the journal of the open scopes and the key order.
///
/// Keys and values live in one byte arena (`bytes`, append-only): an item (one per key, in first-write order) is
/// the key's and the value's place in it and the key's hash, plain numbers, so recording a write allocates
/// nothing per key (the arrays grow geometrically) and dropping the overlay frees five buffers whatever the
/// number of keys. A new value is appended and the item pointed at it; the old bytes stay until the overlay is
/// dropped (a journal entry may still name them). Items are indexed by an open-addressing table of `slots`;
/// each item keeps its key's hash, so growing the table never hashes a key again. The table is looked up, never
/// iterated: ordered access goes through `orderedItems`.
///
/// Journal: items are only ever appended (and removed from the end by a revert), so the items a scope created are
/// exactly those at or past its checkpoint's `itemCount`; a revert removes them from the end and needs no entry
/// for them. A journal entry is kept only when a write changes an item older than the innermost open scope: it
/// names the item and where its previous value was. Reverting restores those last first, then pops the items
/// the scope created.
///
/// Hash: a seeded multiply-mix over 16-byte blocks (`fastHash`), ~40 instructions on a 51-byte storage key
/// against ~170 for SipHash-1-3. Its seed is drawn once per process, so keys cannot be chosen to collide without
/// knowing it; and should any insert or lookup probe more than `maxProbe` slots (a flood, however caused), the
/// table switches for good to SipHash-1-3 under the same seed (`useSipHash`), rehashing every item once. Either
/// way nothing observable depends on the hash: the table is looked up, never iterated.
struct PendingWrites {
    struct Item {
        let keyStart: Int
        let keyCount: Int32
        /// The pending value's length; `Item.deleted` for a delete that hides the base's value.
        var valueCount: Int32
        var valueStart: Int
        let hash: Int

        static let deleted: Int32 = -1
    }

    private struct JournalEntry {
        let item: Int32
        /// The item's value before the write (`Item.deleted` for a delete).
        let previousCount: Int32
        let previousStart: Int
    }

    /// What `lookup` found.
    enum Pending {
        case absent, deleted
        /// The index of the item holding the value.
        case value(Int)
    }

    private(set) var items: [Item] = []
    /// Every key and value recorded, at the places the items and the journal name.
    private let bytes = ByteArena()
    /// Indices into `items` + 1 (0 = empty); the count is a power of two, at least twice `items.count`.
    private var slots: [Int32] = []
    private var journal: [JournalEntry] = []
    var open: [Overlay.Checkpoint] = []
    var nextID = 0
    /// Indices of `items` in key order as of the last `sortKeys()`, deletes included; may still hold indices at
    /// or past `sortedCount` (removed, or reused by a later item), which the next `sortKeys()` drops.
    private(set) var orderedItems: [Int32] = []
    /// `items[sortedCount...]` were added (or replaced) since the last `sortKeys()`; items below it are unchanged.
    private var sortedCount = 0

    var journalCount: Int { journal.count }
    /// Whether the table hashes with SipHash-1-3 (after a probe longer than `maxProbe`) instead of `fastHash`.
    private(set) var useSipHash = false
    /// The longest probe (slots passed) tolerated before switching to SipHash: `defaultMaxProbe` but in tests.
    let maxProbe: Int
    /// With the table at most half full and a well-mixed hash, probes this long practically never happen (the
    /// expected probe is under 2.5 slots).
    static let defaultMaxProbe = 48

    init(maxProbe: Int) {
        self.maxProbe = maxProbe
    }

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

    /// The table's hash of `key`: `fastHash`, or SipHash-1-3 once the table has switched.
    @inline(__always) private func hash(_ raw: UnsafeRawBufferPointer) -> Int {
        useSipHash ? sipHash(raw) : fastHash(raw)
    }

    /// The high and low halves of the full product, xored: every input bit reaches the middle bits.
    @inline(__always) private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    /// A seeded multiply-mix of `key` (the folded 64×64→128 multiply of wyhash): 16 bytes per multiply, the last
    /// block read overlapping the one before it (the length is mixed in first, so this is unambiguous), shorter keys
    /// read as two overlapping words or bytes.
    @inline(__always) private func fastHash(_ raw: UnsafeRawBufferPointer) -> Int {
        let n = raw.count
        var h = k0 ^ PendingWrites.mix(UInt64(truncatingIfNeeded: n) ^ 0xA076_1D64_78BD_642F, k1)
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        var a: UInt64 = 0, b: UInt64 = 0
        if n >= 16 {
            var i = 0
            while i + 16 < n {
                h = PendingWrites.mix(word(i) ^ k1, word(i + 8) ^ h)
                i += 16
            }
            a = word(n - 16)
            b = word(n - 8)
        } else if n >= 8 {
            a = word(0)
            b = word(n - 8)
        } else {
            for i in 0..<n { a = a << 8 | UInt64(raw[i]) }
        }
        h = PendingWrites.mix(a ^ k1, b ^ h)
        return Int(truncatingIfNeeded: PendingWrites.mix(h ^ 0xE703_7ED1_A0B4_28DB, k0 ^ 0x8EBC_6AF0_9C88_C6E3))
    }

    /// SipHash-1-3 of `key` under (`k0`, `k1`), the function behind the standard `Hasher`, computed on whole
    /// words: `Hasher.combine(bytes:)` (and an `Array`'s own hash) go through the hasher's byte buffer, several
    /// times slower on 40-50-byte storage keys.
    @inline(__always) private func sipHash(_ raw: UnsafeRawBufferPointer) -> Int {
        var v0 = k0 ^ 0x736f_6d65_7073_6575, v1 = k1 ^ 0x646f_7261_6e64_6f6d
        var v2 = k0 ^ 0x6c79_6765_6e65_7261, v3 = k1 ^ 0x7465_6462_7974_6573
        @inline(__always) func round() {
            v0 &+= v1; v1 = v1.rotl(13); v1 ^= v0; v0 = v0.rotl(32)
            v2 &+= v3; v3 = v3.rotl(16); v3 ^= v2
            v0 &+= v3; v3 = v3.rotl(21); v3 ^= v0
            v2 &+= v1; v1 = v1.rotl(17); v1 ^= v2; v2 = v2.rotl(32)
        }
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
        v2 ^= 0xff
        round(); round(); round()
        return Int(truncatingIfNeeded: v0 ^ v1 ^ v2 ^ v3)
    }

    /// Item `item`'s key, borrowed from the arena (valid until the overlay is dropped).
    @inline(__always) private func keyBytes(_ item: Item) -> UnsafeRawBufferPointer {
        bytes.bytes(at: item.keyStart, count: Int(item.keyCount))
    }

    /// Whether item `item`'s key is `key`.
    @inline(__always) private func keyEquals(_ item: Item, _ key: UnsafeRawBufferPointer) -> Bool {
        guard Int(item.keyCount) == key.count else { return false }
        return ByteOrder.compare(keyBytes(item), key) == 0
    }

    /// The slot holding `key`'s item, or the empty slot where it would go (`found` false), and whether the probe
    /// was longer than `maxProbe`.
    @inline(__always) private func slot(of key: UnsafeRawBufferPointer, hash: Int) -> (slot: Int, found: Bool, long: Bool) {
        let mask = slots.count - 1
        var i = hash & mask
        var probes = 0
        while true {
            let s = Int(slots[i])
            if s == 0 { return (i, false, probes > maxProbe) }
            let item = items[s - 1]
            if item.hash == hash && keyEquals(item, key) { return (i, true, probes > maxProbe) }
            i = (i + 1) & mask
            probes += 1
        }
    }

    /// The pending write of `key`, if any.
    mutating func lookup(_ key: UnsafeRawBufferPointer) -> Pending {
        guard !items.isEmpty else { return .absent }
        var (i, found, long) = slot(of: key, hash: hash(key))
        if long && !useSipHash {
            switchToSipHash()
            (i, found, long) = slot(of: key, hash: hash(key))
        }
        guard found else { return .absent }
        let index = Int(slots[i]) - 1
        return items[index].valueCount == Item.deleted ? .deleted : .value(index)
    }

    /// Rehashes every item with SipHash-1-3 and rebuilds the table: once per overlay at most, after a long probe.
    private mutating func switchToSipHash() {
        useSipHash = true
        for index in items.indices {
            let item = items[index]
            items[index] = Item(
                keyStart: item.keyStart, keyCount: item.keyCount, valueCount: item.valueCount,
                valueStart: item.valueStart,
                hash: sipHash(keyBytes(item)))
        }
        rebuildSlots(count: slots.count)
    }

    /// The key of item `index`, copied out.
    func key(of index: Int) -> [UInt8] {
        ByteOrder.array(keyBytes(items[index]))
    }

    /// The pending value of item `index`, copied out; `nil` for a delete.
    func value(of index: Int) -> [UInt8]? {
        let item = items[index]
        guard item.valueCount != Item.deleted else { return nil }
        return ByteOrder.array(bytes.bytes(at: item.valueStart, count: Int(item.valueCount)))
    }

    /// `ByteOrder.compare` of item `index`'s key with `key`.
    func compare(item index: Int, _ key: UnsafeRawBufferPointer) -> Int {
        ByteOrder.compare(keyBytes(items[index]), key)
    }

    /// `ByteOrder.compare` of the keys of items `a` and `b`.
    private func compare(items a: Int, _ b: Int) -> Int {
        ByteOrder.compare(keyBytes(items[a]), keyBytes(items[b]))
    }

    /// Whether item `index`'s key starts with `prefix`.
    func item(_ index: Int, hasPrefix prefix: [UInt8]) -> Bool {
        let item = items[index]
        guard Int(item.keyCount) >= prefix.count else { return false }
        return prefix.withUnsafeBytes {
            ByteOrder.compare(bytes.bytes(at: item.keyStart, count: $0.count), $0) == 0
        }
    }

    /// Appends `raw` to the arena; returns where it starts.
    @inline(__always) private mutating func append(_ raw: UnsafeRawBufferPointer) -> Int {
        bytes.append(raw)
    }

    /// Sets (`value`) or deletes (`nil`) `key`, journaled when it changes an item older than the innermost open
    /// scope.
    mutating func record(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?) {
        if 2 * (items.count + 1) > slots.count { grow() }
        var hash = self.hash(key)
        var (i, found, long) = slot(of: key, hash: hash)
        if long && !useSipHash {
            switchToSipHash()
            hash = self.hash(key)
            (i, found, long) = slot(of: key, hash: hash)
        }
        let valueStart = value.map { append($0) } ?? 0
        let valueCount = value.map { Int32(truncatingIfNeeded: $0.count) } ?? Item.deleted
        if found {
            let index = Int(slots[i]) - 1
            if let innermost = open.last, index < innermost.itemCount {
                journal.append(JournalEntry(
                    item: Int32(truncatingIfNeeded: index), previousCount: items[index].valueCount,
                    previousStart: items[index].valueStart))
            }
            items[index].valueStart = valueStart
            items[index].valueCount = valueCount
        } else {
            let keyStart = append(key)
            items.append(Item(
                keyStart: keyStart, keyCount: Int32(truncatingIfNeeded: key.count), valueCount: valueCount,
                valueStart: valueStart, hash: hash))
            slots[i] = Int32(truncatingIfNeeded: items.count)
        }
    }

    /// Undoes the journal's entries past `length`, last first, then removes the items from `itemCount` on (those
    /// created since), last first.
    mutating func undo(to length: Int, itemCount: Int) {
        while journal.count > length {
            let entry = journal.removeLast()
            items[Int(entry.item)].valueStart = entry.previousStart
            items[Int(entry.item)].valueCount = entry.previousCount
        }
        while items.count > itemCount { removeLast() }
    }

    /// Closes the open scopes from `index` on; the journal is dropped when none is left.
    mutating func close(from index: Int) {
        open.removeSubrange(index...)
        if open.isEmpty { journal.removeAll(keepingCapacity: true) }
    }

    /// The slot of item `index` (which is in the table).
    private func slot(ofItem index: Int) -> (slot: Int, found: Bool) {
        let item = items[index]
        let (slot, found, _) = slot(of: keyBytes(item), hash: item.hash)
        return (slot, found)
    }

    /// Removes the last item. Its bytes stay in the arena.
    private mutating func removeLast() {
        let index = items.count - 1
        let (i, found) = slot(ofItem: index)
        if found { deleteSlot(i) }
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
        rebuildSlots(count: max(16, slots.count * 2))
    }

    /// Room for `count` more items: the items' capacity, and a table at least twice their number.
    mutating func reserve(_ count: Int) {
        let needed = items.count + count
        if items.capacity < needed { items.reserveCapacity(needed) }
        var size = max(16, slots.count)
        while size < 2 * needed { size *= 2 }
        if size > slots.count { rebuildSlots(count: size) }
    }

    /// A table of `count` slots (a power of two) holding every item.
    private mutating func rebuildSlots(count: Int) {
        let mask = count - 1
        slots = [Int32](repeating: 0, count: count)
        for index in items.indices {
            var i = items[index].hash & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = Int32(truncatingIfNeeded: index + 1)
        }
    }

    /// Brings `orderedItems` up to date: sorts the items added since and merges them in one pass with the
    /// still-valid old ones. O(k log k + n) for k new items; nothing when no item was added or removed.
    mutating func sortKeys() {
        guard sortedCount < items.count || orderedItems.count != items.count else { return }
        var newItems = (sortedCount..<items.count).map { Int32(truncatingIfNeeded: $0) }
        newItems.sort { compare(items: Int($0), Int($1)) < 0 }
        var merged: [Int32] = []
        merged.reserveCapacity(items.count)
        var old = 0
        var new = 0
        while true {
            // indices at or past `sortedCount` were removed or are among the new ones
            while old < orderedItems.count && Int(orderedItems[old]) >= sortedCount { old += 1 }
            if old == orderedItems.count && new == newItems.count { break }
            if new == newItems.count
                || (old < orderedItems.count && compare(items: Int(orderedItems[old]), Int(newItems[new])) < 0)
            {
                merged.append(orderedItems[old])
                old += 1
            } else {
                merged.append(newItems[new])
                new += 1
            }
        }
        orderedItems = merged
        sortedCount = items.count
    }
}

/// An append-only byte store freed in one go: `PendingWrites`'s keys and values. Bytes go into chunks of
/// `chunkSize` (a longer key or value gets a chunk of its own), so appending never moves what is already there:
/// no copying as it grows, and borrowed bytes stay valid until the arena is dropped. A place is the chunk's index
/// in the high 32 bits and the offset in the low ones. A class so that appending is a capacity check and a copy
/// (`Array.append(contentsOf:)` of a buffer took ~150 instructions through its generic path); `PendingWrites` is
/// never copied (it lives in one `Overlay`), so the chunks are never shared.
final class ByteArena {
    static let chunkSize = 1 << 16

    // Not checked for exclusivity at run time (the checks were ~330 instructions per write): each access is in
    // one of the methods below, which call nothing that could reach the arena again.
    @exclusivity(unchecked) private var chunks: [UnsafeMutableRawPointer] = []
    /// The last chunk's size and the bytes used in it.
    @exclusivity(unchecked) private var capacity = 0
    @exclusivity(unchecked) private var used = 0

    deinit { for chunk in chunks { chunk.deallocate() } }

    /// Appends `raw`; returns its place.
    @inline(__always) func append(_ raw: UnsafeRawBufferPointer) -> Int {
        if raw.count > capacity - used { addChunk(raw.count) }
        let start = used
        if let source = raw.baseAddress, raw.count > 0, let chunk = chunks.last {
            (chunk + start).copyMemory(from: source, byteCount: raw.count)
        }
        used += raw.count
        return (chunks.count - 1) << 32 | start
    }

    private func addChunk(_ needed: Int) {
        capacity = max(needed, ByteArena.chunkSize)
        chunks.append(UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8))
        used = 0
    }

    /// The `count` bytes appended at `place` (bound to `UInt8`; valid until the arena is dropped).
    @inline(__always) func bytes(at place: Int, count: Int) -> UnsafeRawBufferPointer {
        guard count > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: chunks[place >> 32] + (place & 0xFFFF_FFFF), count: count)
    }
}

extension UInt64 {
    @inline(__always) fileprivate func rotl(_ n: UInt64) -> UInt64 { self << n | self >> (64 - n) }
}
