/// Appends little-endian integers, minimal unsigned LEB128 numbers and length-prefixed byte strings to a
/// growing buffer. Used by `ModuleCodec` and `ValueCodec`.
public struct ByteWriter: Sendable {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// An empty writer with room for `capacity` bytes (one allocation when the size is known roughly).
    public init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends one byte.
    public mutating func writeU8(_ v: UInt8) { bytes.append(v) }

    /// Appends `v` as 2 bytes, little-endian.
    public mutating func writeU16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    /// Appends `v` as 16 bytes, little-endian two's complement.
    public mutating func writeI128(_ v: Int128) {
        var u = UInt128(bitPattern: v)
        for _ in 0..<16 {
            bytes.append(UInt8(truncatingIfNeeded: u))
            u >>= 8
        }
    }

    /// Appends `v` as minimal unsigned LEB128: 7 bits per byte, low bits first, high bit = more follows.
    public mutating func writeULEB(_ v: UInt64) {
        var v = v
        repeat {
            let low = UInt8(truncatingIfNeeded: v & 0x7F)
            v >>= 7
            bytes.append(v == 0 ? low : low | 0x80)
        } while v != 0
    }

    /// Appends a non-negative `Int` as minimal LEB128 (negative values, which callers never pass, write 0).
    public mutating func writeCount(_ n: Int) { writeULEB(UInt64(clamping: n)) }

    /// Appends raw bytes.
    public mutating func writeRaw(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// Appends a LEB128 length, then the bytes.
    public mutating func writeBlob(_ b: [UInt8]) {
        writeCount(b.count)
        bytes.append(contentsOf: b)
    }

    /// Appends a LEB128 length, then the UTF-8 bytes of `s`.
    public mutating func writeString(_ s: String) { writeBlob(Array(s.utf8)) }
}
