/// An ordered map from byte keys to values: parallel sorted arrays with binary search.
/// Point reads are O(log n); ordered scans are slices; never a hashed collection for anything ordered.
struct SortedMap<Value> {
    private(set) var keys: [[UInt8]] = []
    private(set) var values: [Value] = []

    var count: Int { keys.count }

    /// The index of `key` if present, otherwise where it would be inserted.
    func search(_ key: [UInt8]) -> (found: Bool, index: Int) {
        key.withUnsafeBytes { search(bytes: $0) }
    }

    /// `search` of a borrowed key.
    func search(bytes key: UnsafeRawBufferPointer) -> (found: Bool, index: Int) {
        var low = 0
        var high = keys.count
        while low < high {
            let mid = low + (high - low) / 2
            let order = keys[mid].withUnsafeBytes { ByteOrder.compare($0, key) }
            if order == 0 { return (true, mid) }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return (false, low)
    }

    /// The value under `key`, if any.
    func value(for key: [UInt8]) -> Value? {
        let (found, index) = search(key)
        return found ? values[index] : nil
    }

    /// The value under a borrowed key, if any.
    func value(forBytes key: UnsafeRawBufferPointer) -> Value? {
        let (found, index) = search(bytes: key)
        return found ? values[index] : nil
    }

    /// Sets `value` under `key`; returns the previous value, if any.
    @discardableResult
    mutating func set(_ value: Value, for key: [UInt8]) -> Value? {
        let (found, index) = search(key)
        if found {
            let previous = values[index]
            values[index] = value
            return previous
        }
        keys.insert(key, at: index)
        values.insert(value, at: index)
        return nil
    }

    /// Removes `key`; returns the removed value, if any.
    @discardableResult
    mutating func remove(_ key: [UInt8]) -> Value? {
        let (found, index) = search(key)
        guard found else { return nil }
        keys.remove(at: index)
        return values.remove(at: index)
    }

    /// The index of the first key a scan of `prefix` after `after` visits (see `ByteOrder.scanStart`).
    func startIndex(prefix: [UInt8], after: [UInt8]?) -> Int {
        let (bound, inclusive) = ByteOrder.scanStart(prefix: prefix, after: after)
        let (found, index) = search(bound)
        return found && !inclusive ? index + 1 : index
    }

    /// Applies sorted, unique-key `writes` (`nil` removes). Small batches insert in place; large ones merge in
    /// one pass, so a block of m writes into n keys costs O(min(m·n, m + n)).
    mutating func apply(sortedWrites writes: [(key: [UInt8], value: Value?)]) {
        if writes.count < 64 || writes.count * 16 < keys.count {
            for write in writes {
                if let value = write.value { set(value, for: write.key) } else { remove(write.key) }
            }
            return
        }
        var mergedKeys: [[UInt8]] = []
        var mergedValues: [Value] = []
        mergedKeys.reserveCapacity(keys.count + writes.count)
        mergedValues.reserveCapacity(keys.count + writes.count)
        var old = 0
        var new = 0
        while old < keys.count || new < writes.count {
            let order: Int
            if old == keys.count {
                order = 1
            } else if new == writes.count {
                order = -1
            } else {
                order = ByteOrder.compare(keys[old], writes[new].key)
            }
            if order < 0 {
                mergedKeys.append(keys[old])
                mergedValues.append(values[old])
                old += 1
            } else {
                if let value = writes[new].value {
                    mergedKeys.append(writes[new].key)
                    mergedValues.append(value)
                }
                if order == 0 { old += 1 }
                new += 1
            }
        }
        keys = mergedKeys
        values = mergedValues
    }
}
