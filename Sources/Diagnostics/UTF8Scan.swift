// Lenient UTF-8 stepping shared by column computation and rendering: a well-formed sequence is one
// scalar, every byte of an ill-formed one is a scalar of its own. Never traps, whatever the bytes.

/// Helpers for walking possibly-invalid UTF-8.
public enum UTF8Scan {
    /// The length of the well-formed scalar starting at `index`, or 1 if the bytes there are not one.
    public static func scalarLength(_ bytes: [UInt8], at index: Int) -> Int {
        guard index >= 0, index < bytes.count else { return 1 }
        let lead = bytes[index]
        let length: Int
        let minimum: UInt32
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2; minimum = 0x80
        case 0xE0...0xEF: length = 3; minimum = 0x800
        case 0xF0...0xF4: length = 4; minimum = 0x10000
        default: return 1
        }
        guard index + length <= bytes.count else { return 1 }
        var value = UInt32(lead) & (0xFF >> UInt32(length + 1))
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return 1 }
            value = (value << 6) | UInt32(byte & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return 1 }
        return length
    }

    /// The scalar at `index` if the bytes there are well-formed UTF-8, else nil.
    public static func scalar(_ bytes: [UInt8], at index: Int) -> Unicode.Scalar? {
        guard index >= 0, index < bytes.count else { return nil }
        let length = scalarLength(bytes, at: index)
        if length == 1 {
            return bytes[index] < 0x80 ? Unicode.Scalar(bytes[index]) : nil
        }
        var value = UInt32(bytes[index]) & (0xFF >> UInt32(length + 1))
        for offset in 1..<length { value = (value << 6) | UInt32(bytes[index + offset] & 0x3F) }
        return Unicode.Scalar(value)
    }

    /// The number of scalars in `bytes[from..<to]`, stepping as `scalarLength` does.
    public static func scalarCount(_ bytes: [UInt8], from: Int, to: Int) -> Int {
        var index = max(from, 0)
        let end = min(to, bytes.count)
        var count = 0
        while index < end {
            index += bytes[index] < 0x80 ? 1 : scalarLength(bytes, at: index)  // ASCII inline: most columns
            count += 1
        }
        return count
    }
}
