import Foundation

/// The one ordering of keys: lexicographic by unsigned bytes, a proper prefix before any extension of it.
/// SQLite orders BLOBs the same way (memcmp, then length), so both stores agree.
enum ByteOrder {
    /// Negative if `a < b`, zero if equal, positive if `a > b`.
    @inline(__always)
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in compare(pa, pb) } }
    }

    /// `compare` of borrowed bytes.
    @inline(__always)
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0, let baseA = a.baseAddress, let baseB = b.baseAddress {
            let result = memcmp(baseA, baseB, common)
            if result != 0 { return Int(result) }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// A new array holding `bytes`.
    @inline(__always)
    static func array(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
    }

    /// Whether `a` sorts strictly before `b`.
    @inline(__always)
    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool { compare(a, b) < 0 }

    /// Whether `key` starts with `prefix`.
    @inline(__always)
    static func hasPrefix(_ key: [UInt8], _ prefix: [UInt8]) -> Bool {
        guard key.count >= prefix.count else { return false }
        var index = 0
        while index < prefix.count {
            if key[index] != prefix[index] { return false }
            index += 1
        }
        return true
    }

    /// The first key a scan of `prefix` resumes from: keys `> after` when `after` is at or past `prefix`,
    /// otherwise keys `>= prefix`. Returns the bound and whether it is inclusive.
    static func scanStart(prefix: [UInt8], after: [UInt8]?) -> (bound: [UInt8], inclusive: Bool) {
        guard let after, compare(after, prefix) >= 0 else { return (prefix, true) }
        return (after, false)
    }
}
