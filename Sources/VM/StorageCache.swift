import Bytecode

/// The running contract's entries of `map<int, int|dec|bool>` state variables, cached for one run.
///
/// A contract's storage is touched only by the contract itself (no re-entrance, no foreign writes), so a run
/// may keep the entries it has read or written and hand the writes to the host in one go: when the run
/// returns (`Interpreter.call`), and before any scan of storage (`smap_first`, `smap_next`). A run that traps
/// never flushes, which is what a trap means anyway (the chain reverts the call's checkpoint, a value host is
/// dropped). Gas is charged exactly as without the cache: the byte counts are those of the encodings.
///
/// Items are kept in first-touch order (`items`), so the flush order is deterministic; `slots` is an
/// open-addressing index into them, looked up, never iterated. Items are plain numbers (no per-entry heap
/// object): the host's keys and values are built in a stack buffer when the host is asked (`ScalarCodec`).
struct StorageCache {
    /// 48 bytes: the two numbers first, so the 16-byte alignment of `Int128` wastes nothing.
    struct Item {
        var key: Int128
        /// The slot value (an Int, a Dec × 10^18, or 0/1).
        var value: Int128
        /// The state variable's index (an instruction operand, so at most 32 bits).
        let variableIndex: UInt32
        /// Whether the entry is stored (absent entries read as zero but cost no value bytes).
        var exists: Bool
        /// Written since the last flush.
        var dirty: Bool

        init(key: Int128, variable: Int, value: Int128, exists: Bool, dirty: Bool) {
            self.key = key
            self.value = value
            self.variableIndex = UInt32(truncatingIfNeeded: variable)
            self.exists = exists
            self.dirty = dirty
        }

        var variable: Int { Int(variableIndex) }

        /// A write: one access to the item (three field assignments through the array were three). Returns
        /// whether the item was clean.
        @inline(__always) mutating func set(value: Int128, exists: Bool) -> Bool {
            self.value = value
            self.exists = exists
            defer { dirty = true }
            return !dirty
        }
    }

    /// `Host.storageKeyPrefix`, asked once per run.
    var hostPrefix: [UInt8]?

    private(set) var items: [Item] = []
    /// Indices into `items` + 1 (0 = empty); the count is a power of two at least twice `items.count`.
    private var slots: [Int32] = []
    private var shift = 64
    /// The number of dirty items.
    private(set) var dirtyCount = 0
    /// Whether any item is dirty.
    var hasDirty: Bool { dirtyCount > 0 }
    /// The item `find` found or `insert` added last (-1: none): a read-modify-write finds its entry here for the
    /// write without probing again.
    private var last = -1

    /// The most items kept; past it the cache is flushed and emptied (gas bounds a run's distinct keys anyway).
    static let maxItems = 1 << 20

    var isFull: Bool { items.count >= StorageCache.maxItems }

    @inline(__always) private func hash(_ variable: UInt32, _ key: Int128) -> Int {
        let lo = UInt64(truncatingIfNeeded: key), hi = UInt64(truncatingIfNeeded: key >> 64)
        let mixed = (lo ^ (hi &* 0xC2B2_AE3D_27D4_EB4F) ^ (UInt64(variable) << 48))
            &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> UInt64(shift))
    }

    /// What `find` found: the index in `items`, or the empty slot where the entry would go.
    enum Found {
        case item(Int)
        /// Valid for `insert(_:at:)` until the cache next changes.
        case emptySlot(Int)
    }

    /// (`variable`, `key`)'s item, or where to insert it.
    @inline(__always) mutating func find(_ variable: Int, _ key: Int128) -> Found {
        let v = UInt32(truncatingIfNeeded: variable)
        if last >= 0 {
            let item = items[last]
            if item.key == key && item.variableIndex == v { return .item(last) }
        }
        guard !slots.isEmpty else { return .emptySlot(-1) }
        let mask = slots.count - 1
        var i = hash(v, key)
        while true {
            let s = Int(slots[i])
            if s == 0 { return .emptySlot(i) }
            let item = items[s - 1]
            if item.key == key && item.variableIndex == v {
                last = s - 1
                return .item(s - 1)
            }
            i = (i + 1) & mask
        }
    }

    /// Adds an item for a key `find` did not find, at the slot `find` returned (probed again when the table grows
    /// or `slot` is -1); returns its index.
    mutating func insert(_ item: Item, at slot: Int = -1) -> Int {
        var slot = slot
        if 2 * (items.count + 1) > slots.count {
            grow()
            slot = -1
        }
        items.append(item)
        if item.dirty { dirtyCount += 1 }
        let index = items.count - 1
        if slot >= 0 { slots[slot] = Int32(truncatingIfNeeded: index + 1) } else { place(index) }
        last = index
        return index
    }

    @inline(__always) mutating func update(_ index: Int, value: Int128, exists: Bool) {
        if items[index].set(value: value, exists: exists) { dirtyCount += 1 }
    }

    mutating func markClean() {
        for i in items.indices { items[i].dirty = false }
        dirtyCount = 0
    }

    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = 0 }
        dirtyCount = 0
        last = -1
    }

    private mutating func place(_ index: Int) {
        let mask = slots.count - 1
        var i = hash(items[index].variableIndex, items[index].key)
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = Int32(truncatingIfNeeded: index + 1)
    }

    private mutating func grow() {
        let count = max(256, slots.count * 2)
        shift = 64 - count.trailingZeroBitCount
        let mask = count - 1
        if items.capacity < count / 2 { items.reserveCapacity(count / 2) }
        var table = [Int32](repeating: 0, count: count)
        table.withUnsafeMutableBufferPointer { table in
            for index in items.indices {
                var i = hash(items[index].variableIndex, items[index].key)
                while table[i] != 0 { i = (i + 1) & mask }
                table[i] = Int32(truncatingIfNeeded: index + 1)
            }
        }
        slots = table
    }
}

/// How the entries of a state variable are cached: not at all, as Int/Dec numbers, or as Bools.
enum CachedValue: UInt8 {
    case none, number, bool
}

/// Encodings of scalar slots straight from the slot, byte-identical to `ValueCodec` and `KeyEncoding` (tests
/// compare them on many values).
enum ScalarCodec {
    /// The length of `ValueCodec`'s encoding of an Int or Dec: 1 length byte + minimal two's complement bytes.
    @inline(__always) static func numberLength(_ v: Int128) -> Int {
        if v == 0 { return 1 }
        let magnitude = v < 0 ? ~v : v
        let bits = 128 - magnitude.leadingZeroBitCount + 1
        return 1 + (bits + 7) / 8
    }

    /// The longest encoding of a number (`numberLength` of the extremes).
    static let maxNumberLength = 17

    /// Writes `ValueCodec.encode(.int(v))` (also `.dec(v)`) at the start of `out` (at least `numberLength(v)`
    /// bytes); returns its length.
    @inline(__always) static func writeNumber(_ v: Int128, to out: UnsafeMutableRawBufferPointer) -> Int {
        let length = numberLength(v)
        out[0] = UInt8(truncatingIfNeeded: length - 1)
        withUnsafeBytes(of: UInt128(bitPattern: v).bigEndian) {
            UnsafeMutableRawBufferPointer(rebasing: out[1..<length])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[(17 - length)...]))
        }
        return length
    }

    /// `ValueCodec.encode(.int(v))` (also `.dec(v)`).
    static func encodeNumber(_ v: Int128) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxNumberLength) { buffer in
            let length = writeNumber(v, to: UnsafeMutableRawBufferPointer(buffer))
            return Array(buffer[..<length])
        }
    }

    /// The number `bytes` encodes, when they are exactly `ValueCodec`'s canonical encoding of it; nil otherwise.
    static func decodeNumber(_ bytes: [UInt8]) -> Int128? {
        guard let first = bytes.first, Int(first) <= 16, bytes.count == Int(first) + 1 else { return nil }
        if first == 0 { return 0 }
        var u: UInt128 = bytes[1] >= 0x80 ? UInt128.max : 0
        for i in 1..<bytes.count { u = u << 8 | UInt128(bytes[i]) }
        let v = Int128(bitPattern: u)
        // canonical means minimal: exactly the length `numberLength` gives
        return numberLength(v) == bytes.count ? v : nil
    }

    /// The length of a relative map-entry key with an int key: the 2-byte variable index and 16 key bytes.
    static let intKeyLength = 18

    /// Writes `KeyEncoding.encode(.int(key))` after the 2-byte big-endian variable index into `out`
    /// (`intKeyLength` bytes).
    @inline(__always) static func writeIntKey(variable: Int, _ key: Int128, to out: UnsafeMutableRawBufferPointer) {
        out[0] = UInt8(truncatingIfNeeded: variable >> 8)
        out[1] = UInt8(truncatingIfNeeded: variable)
        out.storeBytes(of: (UInt128(bitPattern: key) ^ (UInt128(1) << 127)).bigEndian, toByteOffset: 2, as: UInt128.self)
    }

    /// Calls `body` with `prefix ‖ variable ‖ KeyEncoding(.int(key))`, built in a stack buffer (valid only during
    /// the call).
    @inline(__always) static func withIntKey<R>(
        variable: Int, _ key: Int128, after prefix: [UInt8], _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefix.count + intKeyLength) { buffer in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            prefix.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[..<prefix.count]).copyMemory(from: $0) }
            writeIntKey(variable: variable, key, to: UnsafeMutableRawBufferPointer(rebasing: raw[prefix.count...]))
            return body(UnsafeRawBufferPointer(raw))
        }
    }

    /// `KeyEncoding.encode(.int(key))` after the 2-byte big-endian variable index, after `prefix`.
    static func intKey(variable: Int, _ key: Int128, after prefix: [UInt8] = []) -> [UInt8] {
        withIntKey(variable: variable, key, after: prefix) { Array($0) }
    }
}
