// Decodes the value of a literal token. The lexer has already reported malformed literals, so these
// functions never report: they do their best on bad input and never trap.
import Diagnostics

/// Values of literal tokens.
public enum LiteralDecoder {
    /// The digits of an integer or decimal literal without its `_` separators (`10_000` gives `10000`).
    /// Number tokens are ASCII; the result is built in one step (a small string, no heap storage, for
    /// literals of up to 15 digits).
    public static func digits(_ bytes: [UInt8], _ token: Token) -> String {
        let end = min(max(token.end, 0), bytes.count)
        return digits(bytes[min(max(token.start, 0), end)..<end])
    }

    /// `digits` of a number literal's bytes.
    static func digits<Bytes: Collection<UInt8>>(_ slice: Bytes) -> String {
        guard slice.contains(UInt8(ascii: "_")) else { return String(decoding: slice, as: UTF8.self) }
        return String(decoding: slice.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
    }

    /// The value of a string literal token, escapes resolved (invalid ones dropped).
    public static func string(_ bytes: [UInt8], _ token: Token) -> String {
        var scalars = String.UnicodeScalarView()
        var index = token.start + 1
        let end = min(max(token.end - 1, index), bytes.count)
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < end else {
                let length = UTF8Scan.scalarLength(bytes, at: index)
                scalars.append(UTF8Scan.scalar(bytes, at: index) ?? "\u{FFFD}")
                index += length
                continue
            }
            index += 2
            switch bytes[index - 1] {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "0"): scalars.append("\0")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "u"):
                guard index < end, bytes[index] == UInt8(ascii: "{") else { continue }
                index += 1
                var value: UInt32 = 0
                var count = 0
                while index < end, let digit = Lexer.hexValue(bytes[index]), count < 8 {
                    value = value &* 16 &+ UInt32(digit)
                    count += 1
                    index += 1
                }
                if index < end, bytes[index] == UInt8(ascii: "}") { index += 1 }
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            default:
                continue
            }
        }
        return String(scalars)
    }

    /// The 32 bytes of a `@0x…` or `#0x…` literal, or nil for `@name` and malformed literals.
    public static func hexBytes(_ bytes: [UInt8], _ token: Token) -> [UInt8]? {
        let digitsStart = token.start + 3
        guard token.end - digitsStart == 64, token.end <= bytes.count else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var index = digitsStart
        while index + 1 < token.end {
            guard let high = Lexer.hexValue(bytes[index]), let low = Lexer.hexValue(bytes[index + 1]) else {
                return nil
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// The name of an `@name` literal (without the `@`).
    public static func accountName(_ bytes: [UInt8], _ token: Token) -> String {
        String(decoding: bytes[min(token.start + 1, token.end)..<min(token.end, bytes.count)], as: UTF8.self)
    }
}
