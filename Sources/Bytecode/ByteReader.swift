/// Reads what `ByteWriter` writes, strictly: every read checks the remaining length, LEB128 numbers must be
/// minimal and within a bound, and strings must be valid UTF-8. Never traps; failures carry the byte offset.
public struct ByteReader: Sendable {
    /// Why a read failed, and where.
    public struct Failure: Error, Hashable, Sendable {
        /// What was wrong, lowercase, naming the field being read.
        public var message: String
        /// Offset of the first byte that could not be accepted.
        public var offset: Int

        /// A failure at `offset`.
        public init(_ message: String, offset: Int) {
            self.message = message
            self.offset = offset
        }
    }

    /// The whole input.
    public let bytes: [UInt8]
    /// The next byte to read.
    public private(set) var offset: Int = 0

    /// A reader at the start of `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - offset }
    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// Reads one byte.
    public mutating func readU8(_ what: String) throws(Failure) -> UInt8 {
        guard offset < bytes.count else { throw Failure("unexpected end of input reading \(what)", offset: offset) }
        let b = bytes[offset]
        offset += 1
        return b
    }

    /// Reads a 2-byte little-endian integer.
    public mutating func readU16(_ what: String) throws(Failure) -> UInt16 {
        let lo = try readU8(what), hi = try readU8(what)
        return UInt16(lo) | UInt16(hi) << 8
    }

    /// Reads a 16-byte little-endian two's complement integer.
    public mutating func readI128(_ what: String) throws(Failure) -> Int128 {
        let raw = try readRaw(16, what)
        var u: UInt128 = 0
        for b in raw.reversed() { u = u << 8 | UInt128(b) }
        return Int128(bitPattern: u)
    }

    /// Reads a minimal unsigned LEB128 number no larger than `max`.
    public mutating func readULEB(_ what: String, max: UInt64) throws(Failure) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readU8(what)
            let payload = UInt64(b & 0x7F)
            if shift == 63 && payload > 1 || shift > 63 {
                throw Failure("\(what) does not fit in 64 bits", offset: start)
            }
            result |= payload << shift
            if b & 0x80 == 0 {
                if b == 0 && offset - start > 1 {
                    throw Failure("non-minimal LEB128 encoding of \(what)", offset: start)
                }
                break
            }
            shift += 7
        }
        guard result <= max else { throw Failure("\(what) \(result) exceeds the limit \(max)", offset: start) }
        return result
    }

    /// Reads a LEB128 number as an `Int` no larger than `max`.
    public mutating func readInt(_ what: String, max: Int) throws(Failure) -> Int {
        Int(try readULEB(what, max: UInt64(clamping: max)))
    }

    /// Reads an element count no larger than `max`, nor than the bytes left divided by `minEntrySize`
    /// (so a count read off the input never drives a huge allocation).
    public mutating func readCount(_ what: String, max: Int, minEntrySize: Int = 1) throws(Failure) -> Int {
        let start = offset
        let n = try readInt(what, max: max)
        let per = Swift.max(minEntrySize, 1)
        guard n <= remaining / per else {
            throw Failure("\(what) \(n) is larger than the remaining \(remaining) bytes allow", offset: start)
        }
        return n
    }

    /// Reads exactly `n` raw bytes.
    public mutating func readRaw(_ n: Int, _ what: String) throws(Failure) -> [UInt8] {
        guard n >= 0, n <= remaining else { throw Failure("unexpected end of input reading \(what)", offset: offset) }
        let out = Array(bytes[offset..<offset + n])
        offset += n
        return out
    }

    /// Reads a LEB128 length no larger than `max`, then that many bytes.
    public mutating func readBlob(_ what: String, max: Int = Int.max) throws(Failure) -> [UInt8] {
        let start = offset
        let n = try readInt("length of \(what)", max: max)
        guard n <= remaining else { throw Failure("\(what) runs past the end of input", offset: start) }
        return try readRaw(n, what)
    }

    /// Reads a LEB128 length, then that many bytes of valid UTF-8.
    public mutating func readString(_ what: String) throws(Failure) -> String {
        let start = offset
        let raw = try readBlob(what)
        guard let s = ByteReader.utf8String(raw) else { throw Failure("\(what) is not valid UTF-8", offset: start) }
        return s
    }

    /// `raw` as a `String` if it is valid UTF-8, else `nil`.
    public static func utf8String(_ raw: [UInt8]) -> String? {
        let s = String(decoding: raw, as: UTF8.self)
        return s.utf8.elementsEqual(raw) ? s : nil
    }
}
