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
/// of decoding every occurrence). Deterministic: the indices follow the order of first occurrence.
struct NameTable {
    /// One entry: `spellings[offset..<offset + length]` spells `names[name]`, of kind `kind`. Length 0: empty.
    struct Slot {
        var hash: UInt32 = 0
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
    private var bits: UInt32
    private var spellings: [UInt8] = []

    static let hashSeed: UInt32 = 2_166_136_261

    /// One step of FNV-1a over a name's bytes (computed by the lexer while it scans them).
    @inline(__always)
    static func hash(_ hash: UInt32, _ byte: UInt8) -> UInt32 { (hash ^ UInt32(byte)) &* 16_777_619 }

    init() {
        bits = 8
        slots = [Slot](repeating: Slot(), count: 1 << 8)
        mask = (1 << 8) - 1
        names.reserveCapacity(64)
        spellings.reserveCapacity(512)
        for kind in TokenKind.keywords {
            let spelling = Array(kind.spelling.utf8)
            let hash = spelling.reduce(NameTable.hashSeed, NameTable.hash)
            spelling.withUnsafeBufferPointer { bytes in
                _ = intern(bytes, start: 0, end: bytes.count, hash: hash, kind: kind)
            }
        }
    }

    /// The kind and name index of `bytes[start..<end]` (whose FNV-1a hash is `hash`), added with `kind` if new.
    /// `end - start` is at least 1 and below 2^32 (a name or number is one line of a file).
    @inline(__always)
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, hash: UInt32, kind: TokenKind)
        -> (TokenKind, UInt32)
    {
        let length = end - start
        var i = slotIndex(hash)
        while true {
            let slot = slots[i]
            if slot.length == 0 { break }
            if slot.hash == hash, Int(slot.length) == length, spelled(slot, bytes, start) {
                return (slot.kind, slot.name)
            }
            i = (i + 1) & mask
        }
        return insert(bytes, start: start, end: end, hash: hash, kind: kind, at: i)
    }

    @inline(__always)
    private func slotIndex(_ hash: UInt32) -> Int { Int((hash &* 2_654_435_769) >> (32 - bits)) }

    @inline(__always)
    private func spelled(_ slot: Slot, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        spellings.withUnsafeBufferPointer { spellings in
            var k = 0
            let offset = Int(slot.offset), length = Int(slot.length)
            while k < length {
                if spellings[offset + k] != bytes[start + k] { return false }
                k += 1
            }
            return true
        }
    }

    private mutating func insert(
        _ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, hash: UInt32, kind: TokenKind, at i: Int
    ) -> (TokenKind, UInt32) {
        let text = bytes[start..<end]
        let name = UInt32(truncatingIfNeeded: names.count)
        switch kind {
        case .integer, .decimal: names.append(LiteralDecoder.digits(text))
        default: names.append(String(decoding: text, as: UTF8.self))
        }
        slots[i] = Slot(hash: hash, offset: UInt32(truncatingIfNeeded: spellings.count),
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
