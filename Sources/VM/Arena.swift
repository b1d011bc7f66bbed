import Bytecode

/// The per-run heap: every string, bytes, address, hash, list, map and struct of one run lives here,
/// addressed by a handle (a word index held in a stack slot). Memory is a flat array of 16-byte words
/// that only grows; it is charged per word allocated and freed all at once when the run ends. There is
/// no Swift object per value, so the interpreter never retains or releases.
///
/// Object layouts (word `h` is the header; `lo`/`hi` are the header's low and high 64 bits):
///
///     blob    [count bytes | 0]                      then ceil(count / 16) words of bytes
///     list    [count | 1 << 32 + list type index]    [data word | capacity]   elements at data ..< data + capacity
///     struct  [field count | 2 << 32 + struct index] fields at h + 1 ...
///     map     [map table index | 3 << 32 + map type index]   entries in `maps`
///
/// The kind in the header lets `copy` and the value bridge walk objects without outside type info.
///
/// Word 0 is never handed out, so handle 0 is never a valid object.
struct Arena {
    private(set) var words: UnsafeMutablePointer<Int128>
    private(set) var capacity: Int
    private(set) var used: Int
    /// Memory maps, by the index in their header.
    var maps: [MemoryMap] = []

    init(initialWords: Int = 1 << 12) {
        capacity = initialWords
        words = .allocate(capacity: capacity)
        words.initialize(repeating: 0, count: capacity)
        used = 1
    }

    func release() { words.deallocate() }

    /// Allocates `count` zeroed words and returns the index of the first; nil past `Limits.maxArenaWords`.
    mutating func allocate(_ count: Int) -> Int? {
        guard count >= 0, count <= Limits.maxArenaWords - used else { return nil }
        if used + count > capacity {
            var newCapacity = capacity
            while newCapacity < used + count { newCapacity *= 2 }
            newCapacity = min(newCapacity, Limits.maxArenaWords)
            let grown = UnsafeMutablePointer<Int128>.allocate(capacity: newCapacity)
            grown.moveInitialize(from: words, count: used)
            (grown + used).initialize(repeating: 0, count: newCapacity - used)
            words.deallocate()
            words = grown
            capacity = newCapacity
        }
        let start = used
        used += count
        return start
    }

    // MARK: - Header words

    @inline(__always) static func pack(_ lo: Int, _ hi: Int) -> Int128 {
        Int128(hi) << 64 | Int128(UInt64(truncatingIfNeeded: lo))
    }

    @inline(__always) func lo(_ h: Int) -> Int { Int(truncatingIfNeeded: words[h]) }
    @inline(__always) func hi(_ h: Int) -> Int { Int(truncatingIfNeeded: words[h] >> 64) }

    /// What kind of object starts at `h`.
    enum Kind: Int { case blob = 0, list = 1, structure = 2, map = 3 }

    @inline(__always) static func header(_ count: Int, _ kind: Kind, _ index: Int) -> Int128 {
        pack(count, kind.rawValue << 32 | index)
    }

    func kind(_ h: Int) -> Kind { Kind(rawValue: hi(h) >> 32) ?? .blob }
    /// The list or map type index, or the struct index, recorded in the header.
    func typeIndex(_ h: Int) -> Int { hi(h) & 0xFFFF_FFFF }

    // MARK: - Blobs

    /// Words a blob of `count` bytes occupies, header included.
    @inline(__always) static func blobWords(_ count: Int) -> Int { 1 + (count + 15) / 16 }

    /// Allocates a blob holding `bytes`.
    mutating func makeBlob(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let h = allocate(Arena.blobWords(bytes.count)) else { return nil }
        words[h] = Arena.header(bytes.count, .blob, 0)
        if let base = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(words + h + 1).copyMemory(from: base, byteCount: bytes.count)
        }
        return h
    }

    mutating func makeBlob(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { makeBlob($0) }
    }

    @inline(__always) func blobCount(_ h: Int) -> Int { lo(h) }

    @inline(__always) func blobBytes(_ h: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: UnsafeRawPointer(words + h + 1), count: lo(h))
    }

    func blobArray(_ h: Int) -> [UInt8] { Array(blobBytes(h)) }

    // MARK: - Lists

    @inline(__always) func listCount(_ h: Int) -> Int { lo(h) }
    @inline(__always) func listData(_ h: Int) -> Int { lo(h &+ 1) }  // h < capacity: cannot wrap
    @inline(__always) func listCapacity(_ h: Int) -> Int { hi(h &+ 1) }
    /// Whether `i` is an index of list `h` (`0 <= i < count`): two 64-bit compares instead of 128-bit ones.
    @inline(__always) func inBounds(_ i: Int128, _ h: Int) -> Bool {
        i._high == 0 && i._low < UInt64(truncatingIfNeeded: listCount(h))
    }

    /// A new list of `count` zero slots (capacity `count`) of list type `type`.
    mutating func makeList(type: Int, count: Int) -> Int? {
        guard let h = allocate(2 + count) else { return nil }
        words[h] = Arena.header(count, .list, type)
        words[h + 1] = Arena.pack(h + 2, count)
        return h
    }

    @inline(__always) mutating func setListCount(_ h: Int, _ count: Int) {
        words[h] = Arena.pack(count, hi(h))  // keeps kind and type
    }

    /// Moves the list's elements into a block of `newCapacity` words.
    mutating func regrowList(_ h: Int, to newCapacity: Int) -> Bool {
        guard let data = allocate(newCapacity) else { return false }
        let count = listCount(h)
        (words + data).update(from: words + listData(h), count: count)
        words[h + 1] = Arena.pack(data, newCapacity)
        return true
    }

    // MARK: - Structs

    mutating func makeStruct(index: Int, fieldCount: Int) -> Int? {
        guard let h = allocate(1 + fieldCount) else { return nil }
        words[h] = Arena.header(fieldCount, .structure, index)
        return h
    }

    // MARK: - Maps

    mutating func makeMap(type: Int, keyKind: TypeDesc, valueType: Int) -> Int? {
        guard let h = allocate(1) else { return nil }
        words[h] = Arena.header(maps.count, .map, type)
        maps.append(MemoryMap(keyKind: keyKind, valueType: valueType))
        return h
    }

    @inline(__always) func mapIndex(_ h: Int) -> Int { lo(h) }
}

/// An ordered map in call memory: keys kept sorted by their order-preserving bytes.
struct MemoryMap {
    var keyKind: TypeDesc
    var valueType: Int
    var keyBytes: [[UInt8]] = []
    var keySlots: [Int128] = []
    var values: [Int128] = []

    /// The index of `key`, or where it would be inserted; and the number of comparisons made.
    func search(_ key: [UInt8]) -> (index: Int, found: Bool, steps: Int) {
        var lo = 0, hi = keyBytes.count, steps = 0
        while lo < hi {
            steps += 1
            let mid = (lo + hi) / 2
            if keyBytes[mid].lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < keyBytes.count && keyBytes[lo] == key, steps)
    }
}
