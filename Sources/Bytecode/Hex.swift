/// Lowercase hex for addresses, hashes, module ids and keys as people read and type them (`0x` + 64 hex
/// digits): the one hex encoder above Crypto (disassembler, AST dumps, value printing, the chain).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex, without a prefix.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `0x` followed by the hex of `bytes`.
    public static func prefixed(_ bytes: [UInt8]) -> String { "0x" + encode(bytes) }

    /// The bytes of `text` (an optional `0x`, `@0x` or `#0x` prefix, then an even number of hex digits);
    /// `nil` for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        var s = Substring(text)
        if s.hasPrefix("@") || s.hasPrefix("#") { s = s.dropFirst() }
        if s.hasPrefix("0x") || s.hasPrefix("0X") { s = s.dropFirst(2) }
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = value(chars[index]), let low = value(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// A 32-byte address or hash written in hex; `nil` when it is not exactly 32 bytes of hex.
    public static func decode32(_ text: String) -> [UInt8]? {
        guard let bytes = decode(text), bytes.count == 32 else { return nil }
        return bytes
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
