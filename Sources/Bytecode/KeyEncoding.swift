/// The order-preserving encoding of map keys, used for storage keys and to order in-memory maps: for two
/// keys of the same type, comparing their encodings byte by byte (shorter prefix first) gives the keys'
/// natural order.
///
/// | type | encoding |
/// | --- | --- |
/// | `int` | 16 bytes big-endian two's complement with the sign bit flipped |
/// | `bool` | 1 byte: 0 false, 1 true |
/// | `address`, `hash` | the 32 bytes |
/// | `string` | the UTF-8 bytes with each 0x00 written 0x00 0xFF, then the terminator 0x00 0x00 |
///
/// Every encoding is prefix-free within its type, so keys can be concatenated after a fixed prefix.
public enum KeyEncoding {
    /// The encoding of `key`, or `nil` when its type cannot be a map key (or an address/hash is not 32 bytes).
    public static func encode(_ key: Value) -> [UInt8]? {
        switch key {
        case .int(let v):
            var u = UInt128(bitPattern: v) ^ (UInt128(1) << 127)
            var out = [UInt8](repeating: 0, count: 16)
            for i in stride(from: 15, through: 0, by: -1) {
                out[i] = UInt8(truncatingIfNeeded: u)
                u >>= 8
            }
            return out
        case .bool(let b):
            return [b ? 1 : 0]
        case .address(let b), .hash(let b):
            return b.count == 32 ? b : nil
        case .string(let s):
            var out: [UInt8] = []
            out.reserveCapacity(s.utf8.count + 2)
            for byte in s.utf8 {
                out.append(byte)
                if byte == 0 { out.append(0xFF) }
            }
            out.append(0)
            out.append(0)
            return out
        case .dec, .bytes, .list, .map, .structure:
            return nil
        }
    }

    /// The key of type `t` whose encoding is exactly `b`, or `nil` if `b` is not such an encoding.
    public static func decode(_ b: [UInt8], as t: TypeDesc) -> Value? {
        guard let (v, used) = decodePrefix(b[...], as: t), used == b.count else { return nil }
        return v
    }

    /// Decodes the key of type `t` at the start of `b`: the key and how many bytes it used.
    public static func decodePrefix(_ b: ArraySlice<UInt8>, as t: TypeDesc) -> (Value, Int)? {
        switch t {
        case .int:
            guard b.count >= 16 else { return nil }
            var u: UInt128 = 0
            for byte in b.prefix(16) { u = u << 8 | UInt128(byte) }
            return (.int(Int128(bitPattern: u ^ (UInt128(1) << 127))), 16)
        case .bool:
            guard let first = b.first, first <= 1 else { return nil }
            return (.bool(first == 1), 1)
        case .address, .hash:
            guard b.count >= 32 else { return nil }
            let raw = Array(b.prefix(32))
            return (t == .address ? .address(raw) : .hash(raw), 32)
        case .string:
            var raw: [UInt8] = []
            var i = b.startIndex
            while i < b.endIndex {
                let byte = b[i]
                if byte != 0 {
                    raw.append(byte)
                    i += 1
                    continue
                }
                guard i + 1 < b.endIndex else { return nil }
                switch b[i + 1] {
                case 0x00:
                    guard let s = ByteReader.utf8String(raw) else { return nil }
                    return (.string(s), i + 2 - b.startIndex)
                case 0xFF:
                    raw.append(0)
                    i += 2
                default:
                    return nil
                }
            }
            return nil
        case .dec, .bytes, .list, .map, .structure:
            return nil
        }
    }
}
