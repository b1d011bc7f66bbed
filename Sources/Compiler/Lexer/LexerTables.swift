// The lexer's tables: byte classes, the names of a file (each distinct name or number literal decoded into a
// `String` once, keywords recognised by the same lookup) and the growing token buffer.

/// Classes of bytes, as bit flags in a 256-entry table (one load per byte instead of a chain of comparisons).
enum ByteClass {
    /// `a`-`z`, `A`-`Z`, `_`.
    static let identifierStart: UInt8 = 1
    /// `identifierStart` or a digit.
    static let identifierContinue: UInt8 = 2
    /// `0`-`9`.
    static let digit: UInt8 = 4
    /// A digit or `_` (the bytes of a number literal).
    static let digitOrUnderscore: UInt8 = 8

    /// The flags of each byte. Allocated once for the process and never freed (256 bytes); a pointer so that
    /// reading it needs no bounds check (any `UInt8` indexes it) and no `swift_once` (the lexer holds it).
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for value in 0..<256 {
            let byte = UInt8(value)
            var flags: UInt8 = 0
            if Lexer.isIdentifierStart(byte) { flags |= identifierStart }
            if Lexer.isIdentifierContinue(byte) { flags |= identifierContinue }
            if Lexer.isDigit(byte) { flags |= digit | digitOrUnderscore }
            if byte == UInt8(ascii: "_") { flags |= digitOrUnderscore }
            table[value] = flags
        }
        return UnsafePointer(table)
    }()
}

/// The distinct names (and number literals) of one lexed file: an open-addressing hash table over their bytes,
/// filled with the keywords first. Looking a name up tells a keyword from a name and gives the name's index in
/// `names`, whose `String` is made on the name's first occurrence only (the parser reads it from there instead
/// of decoding every occurrence). A name is keyed by its length and its first eight bytes, read in one load, so
/// most names (at most eight bytes) are compared in one step. Deterministic: indices follow first occurrence.
struct NameTable {
    /// One entry: `spellings[offset..<offset + length]` spells `names[name]`, of kind `kind`. Length 0: empty.
    struct Slot {
        var hash: UInt64 = 0
        /// The first (at most) eight bytes, the first in the lowest byte.
        var prefix: UInt64 = 0
        var offset: UInt32 = 0
        var length: UInt32 = 0
        var name: UInt32 = 0
        var kind: TokenKind = .identifier
    }

    /// The decoded text of each entry: a name as written, a number's digits without `_`.
    private(set) var names: [String] = []
    private var slots: [Slot]
    /// `slots.count - 1`; the count is a power of two.
    private var mask: Int
    /// Bits of the slot index (`slots.count == 1 << bits`).
    private var bits: Int
    private var spellings: [UInt8] = []

    /// A table holding the keywords: a copy of the one made once per process. Interning the keywords again for
    /// every lexer was 11 % of the instructions of `datanet test` over the repository's tests, which lexes a small
    /// synthetic program per evaluated expression; a copy shares the arrays until the first new name.
    init() { self = NameTable.keywordsOnly }

    private static let keywordsOnly = NameTable(internKeywords: ())

    private init(internKeywords: Void) {
        bits = 8
        slots = [Slot](repeating: Slot(), count: 1 << 8)
        mask = (1 << 8) - 1
        names.reserveCapacity(64)
        spellings.reserveCapacity(512)
        for kind in TokenKind.keywords {
            Array(kind.spelling.utf8).withUnsafeBufferPointer { bytes in
                _ = intern(bytes, start: 0, end: bytes.count, kind: kind)
            }
        }
    }

    /// The kind and name index of `bytes[start..<end]` (at least one byte), added with `kind` if new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, kind: TokenKind)
        -> (TokenKind, UInt32)
    {
        let length = end - start
        let prefix = NameTable.prefix(bytes, start: start, length: length)
        var hash = (prefix ^ UInt64(truncatingIfNeeded: length)) &* 0x9E37_79B9_7F4A_7C15
        if length > 8 { hash ^= NameTable.restHash(bytes, from: start + 8, to: end) }
        var i = slotIndex(hash)
        while true {
            let slot = slots[i]
            if slot.length == 0 { break }
            if slot.prefix == prefix, Int(slot.length) == length, slot.hash == hash,
                length <= 8 || restEqual(slot, bytes, start)
            {
                return (slot.kind, slot.name)
            }
            i = (i + 1) & mask
        }
        return insert(bytes, start: start, end: end, hash: hash, prefix: prefix, kind: kind, at: i)
    }

    /// The first `min(length, 8)` bytes from `start` as an integer, the first byte lowest: one load when eight
    /// bytes are readable there, else byte by byte.
    @inline(__always)
    private static func prefix(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, length: Int) -> UInt64 {
        if start + 8 <= bytes.count, let base = bytes.baseAddress {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
            return length >= 8 ? word : word & ((1 &<< UInt64(length &* 8)) &- 1)
        }
        var prefix: UInt64 = 0
        var k = 0
        while k < min(length, 8) {
            prefix |= UInt64(bytes[start + k]) &<< UInt64(k &* 8)
            k += 1
        }
        return prefix
    }

    /// FNV-1a over the bytes after the first eight of a longer name.
    private static func restHash(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var k = start
        while k < end {
            hash = (hash ^ UInt64(bytes[k])) &* 0x100_0000_01B3
            k += 1
        }
        return hash
    }

    @inline(__always)
    private func slotIndex(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - bits)) }

    /// Whether the bytes after the first eight match the entry's (lengths and prefixes are equal).
    private func restEqual(_ slot: Slot, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        spellings.withUnsafeBufferPointer { spellings in
            var k = 8
            let offset = Int(slot.offset), length = Int(slot.length)
            while k < length {
                if spellings[offset + k] != bytes[start + k] { return false }
                k += 1
            }
            return true
        }
    }

    private mutating func insert(
        _ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, hash: UInt64, prefix: UInt64, kind: TokenKind,
        at i: Int
    ) -> (TokenKind, UInt32) {
        let text = bytes[start..<end]
        let name = UInt32(truncatingIfNeeded: names.count)
        switch kind {
        case .integer, .decimal: names.append(LiteralDecoder.digits(text))
        default: names.append(String(decoding: text, as: UTF8.self))
        }
        slots[i] = Slot(hash: hash, prefix: prefix, offset: UInt32(truncatingIfNeeded: spellings.count),
                        length: UInt32(truncatingIfNeeded: end - start), name: name, kind: kind)
        spellings.append(contentsOf: text)
        if names.count * 2 > slots.count { grow() }
        return (kind, name)
    }

    /// Doubles the slots and places every entry again.
    private mutating func grow() {
        let old = slots
        bits += 1
        slots = [Slot](repeating: Slot(), count: 1 << bits)
        mask = (1 << bits) - 1
        for slot in old where slot.length != 0 {
            var i = slotIndex(slot.hash)
            while slots[i].length != 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}

/// The tokens being lexed, in a buffer that grows by doubling: appending stores a token without the checks of
/// `Array.append` (uniqueness, capacity through the array's header). `finish` copies them out, once, and frees it.
struct TokenBuffer {
    private var base: UnsafeMutablePointer<Token>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutablePointer<Token>.allocate(capacity: self.capacity)
    }

    @inline(__always)
    mutating func append(_ token: Token) {
        if count == capacity { grow() }
        (base + count).initialize(to: token)
        count += 1
    }

    /// The kind of the last token appended, if any.
    var lastKind: TokenKind? { count > 0 ? base[count - 1].kind : nil }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Token>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// The tokens as an array; the buffer is freed and must not be used again.
    mutating func finish() -> [Token] {
        let tokens = Array(UnsafeBufferPointer(start: base, count: count))
        base.deallocate()
        count = 0
        capacity = 0
        return tokens
    }
}
