/// The integer key under which `SQLiteStore` keeps a tree row (`NodeRows`) of at most `maxNibbles` nibbles, in
/// its `tree` table (`id INTEGER PRIMARY KEY`).
///
/// The nibbles are packed from the top (nibble `i` at bits `4(14 − i) ... 4(14 − i) + 3`) and the count is the low
/// four bits, so ids sort like the nibble keys: in pre-order, a row before the rows below it and siblings by nibble
/// (a key that is a prefix of another packs to the same high bits with a smaller count). Ids are below 2^60.
///
/// Why an integer key: a `WITHOUT ROWID` table stores whole records in its interior B-tree pages, so rows of up to
/// 977 bytes left four to a page there and made the tree of 10^6 keys' rows seven pages deep (look-ups and
/// rewrites touched every level); a rowid table's interior pages hold only integers (hundreds per page: three
/// levels). Deeper rows (two keys whose paths share 56 bits: practically only keys chosen to do so) stay under
/// their nibble key in the `nodes` table.
struct TreeRowID: Equatable {
    /// The deepest row with an integer id: 14 nibbles, 56 bits of path.
    static let maxNibbles = 14

    let value: Int64

    /// The id of the row with nibble key `key`; nil when the key is longer than `maxNibbles` or holds a byte
    /// that is not a nibble (such a key is not a `NodeRows` key; it stays in `nodes` as it is).
    init?(_ key: UnsafeRawBufferPointer) {
        guard key.count <= Self.maxNibbles else { return nil }
        var packed: UInt64 = 0
        var shift: UInt64 = 52
        for nibble in key {
            guard nibble < 16 else { return nil }
            packed |= UInt64(nibble) << shift
            shift &-= 4
        }
        value = Int64(truncatingIfNeeded: packed << 4 | UInt64(key.count))
    }

    /// The id of the row of `nibbles` (0...`maxNibbles`) nibbles on the way to a path whose first 64 bits are
    /// `leadingBits` (`Digest.leadingBits`): the same as the key of those nibbles, without making it.
    @inline(__always)
    init(leadingBits: UInt64, nibbles: Int) {
        let top = leadingBits >> 8
        let kept = top & ~((UInt64(1) << UInt64(truncatingIfNeeded: 56 - 4 * nibbles)) &- 1)
        value = Int64(truncatingIfNeeded: kept << 4 | UInt64(truncatingIfNeeded: nibbles))
    }
}
