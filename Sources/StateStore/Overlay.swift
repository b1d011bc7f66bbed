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

    /// What a key held in `pending` before a journaled write: `nil` when it had no pending write.
    private struct JournalEntry {
        let key: [UInt8]
        let previous: [UInt8]??
    }

    /// The reader this overlay writes over (a store, or another overlay).
    public let base: any KeyValueReader
    /// Pending writes by key; a `nil` value is a delete that hides the base's value. Hashed for O(1) point reads
    /// and writes; never iterated: ordered access goes through `orderedKeys`.
    private var pending: [HashedKey: [UInt8]?] = [:]
    /// The keys of `pending` in key order as of the last `sortKeys()`; may still hold keys a revert removed.
    private var orderedKeys: [[UInt8]] = []
    /// Keys added to `pending` since the last `sortKeys()`, in no order, possibly repeated.
    private var newKeys: [[UInt8]] = []
    private var journal: [JournalEntry] = []
    private var open: [Checkpoint] = []
    private var nextID = 0

    /// An overlay with no writes over `base`.
    public init(base: any KeyValueReader) {
        self.base = base
    }

    // MARK: - Writes

    /// Sets `value` under `key`.
    public func set(_ key: [UInt8], _ value: [UInt8]) {
        record(key, value)
    }

    /// Deletes `key` (hides any base value).
    public func delete(_ key: [UInt8]) {
        record(key, nil)
    }

    private func record(_ key: [UInt8], _ value: [UInt8]?) {
        let previous = pending.updateValue(value, forKey: HashedKey(key))
        if previous == nil { newKeys.append(key) }
        if !open.isEmpty { journal.append(JournalEntry(key: key, previous: previous)) }
    }

    /// The pending writes, sorted by key, one per key (`nil` value = delete).
    public var changes: [Write] {
        sortKeys()
        var writes: [Write] = []
        writes.reserveCapacity(orderedKeys.count)
        for key in orderedKeys {
            if let value = pending[HashedKey(key)] { writes.append(Write(key: key, value: value)) }
        }
        return writes
    }

    /// Whether there are no pending writes.
    public var isEmpty: Bool { pending.isEmpty }

    /// Brings `orderedKeys` up to date: sorts the new keys and merges them in one pass, dropping keys no longer
    /// pending and duplicates. O(k log k + n) for k new keys; nothing when no key was added or removed.
    private func sortKeys() {
        guard !newKeys.isEmpty || orderedKeys.count != pending.count else { return }
        newKeys.sort { ByteOrder.less($0, $1) }
        var merged: [[UInt8]] = []
        merged.reserveCapacity(pending.count)
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
            if pending[HashedKey(key)] != nil { merged.append(key) }
        }
        orderedKeys = merged
        newKeys.removeAll(keepingCapacity: true)
    }

    /// The index in `orderedKeys` of the first key a scan of `prefix` after `after` visits.
    private func startIndex(prefix: [UInt8], after: [UInt8]?) -> Int {
        let (bound, inclusive) = ByteOrder.scanStart(prefix: prefix, after: after)
        var low = 0
        var high = orderedKeys.count
        while low < high {
            let mid = low + (high - low) / 2
            let order = ByteOrder.compare(orderedKeys[mid], bound)
            if order < 0 || (order == 0 && !inclusive) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - Nesting

    /// Opens a nested scope whose writes `revert(to:)` can discard.
    public func checkpoint() -> Checkpoint {
        nextID += 1
        let checkpoint = Checkpoint(id: nextID, journalLength: journal.count)
        open.append(checkpoint)
        return checkpoint
    }

    /// Discards every write made since `checkpoint`, and closes it and every scope opened after it.
    public func revert(to checkpoint: Checkpoint) throws {
        let index = try openIndex(of: checkpoint)
        while journal.count > checkpoint.journalLength {
            let entry = journal.removeLast()
            if let previous = entry.previous {
                pending[HashedKey(entry.key)] = previous
            } else {
                pending.removeValue(forKey: HashedKey(entry.key))
            }
        }
        close(from: index)
    }

    /// Closes `checkpoint` (and every scope opened after it), keeping its writes.
    public func commit(_ checkpoint: Checkpoint) throws {
        close(from: try openIndex(of: checkpoint))
    }

    private func openIndex(of checkpoint: Checkpoint) throws -> Int {
        guard let index = open.lastIndex(of: checkpoint) else { throw StateStoreError.unknownCheckpoint }
        return index
    }

    private func close(from index: Int) {
        open.removeSubrange(index...)
        if open.isEmpty { journal.removeAll(keepingCapacity: true) }
    }

    // MARK: - Reads

    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        if let value = pending[HashedKey(key)] { return value }
        return try base.get(key)
    }

    /// Merges the base's entries with the pending writes in key order; pending values win, deletes hide.
    public func entries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        sortKeys()
        var result: [Entry] = []
        var baseNext = try base.next(after: after, within: prefix)
        var index = startIndex(prefix: prefix, after: after)
        while result.count < limit {
            let pendingKey: [UInt8]? = index < orderedKeys.count && ByteOrder.hasPrefix(orderedKeys[index], prefix)
                ? orderedKeys[index] : nil
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
                if let value = pending[HashedKey(key)] ?? nil { result.append(Entry(key: key, value: value)) }
                index += 1
                if order == 0 { baseNext = try base.next(after: key, within: prefix) }
            }
        }
        return result
    }
}

/// A key of the overlay's hashed map: hashed as one run of bytes (an `Array`'s own hash feeds the hasher a byte
/// at a time, several times slower on 40-50-byte storage keys). Equality is the bytes'.
struct HashedKey: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: HashedKey, b: HashedKey) -> Bool {
        a.bytes.count == b.bytes.count && ByteOrder.compare(a.bytes, b.bytes) == 0
    }
}
