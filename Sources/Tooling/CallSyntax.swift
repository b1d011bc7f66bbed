import Bytecode

/// A call written as on the command line or in the REPL: `name(arg, ...)`, arguments written as in the
/// language (`42`, `-7`, `1_000`, `0.05`, `true`, `"text"`, `@0x…`, `@alice`, `#0x…`, `x"0a0b"`, `[1, 2]`).
/// Arguments are typed by the function's parameters, so `5` passed to a `Dec` means 5.0; an account name
/// (`@alice`) is resolved to its address by whoever converts the literal (a keystore, the local chain).
public struct CallSyntax: Hashable, Sendable {
    public var function: String
    public var arguments: [Literal]

    public indirect enum Literal: Hashable, Sendable {
        case number(String)  // digits, optional sign, optional fraction; underscores removed
        case bool(Bool)
        case string(String)
        case address([UInt8])
        case account(String)  // `@name`: an account's name, resolved when the literal becomes a value
        case hash([UInt8])
        case bytes([UInt8])
        case list([Literal])
    }

    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var message: String
        /// 1-based column in the call text.
        public var column: Int
        public var description: String { "column \(column): \(message)" }

        /// `text`, the call as written, on one line and a caret under the column below it, each indented by
        /// two spaces; empty when the text spans lines.
        public func pointing(into text: String) -> String {
            guard !text.contains(where: \.isNewline) else { return "" }
            let before = text.utf8.prefix(max(0, column - 1))
            let width = String(decoding: before, as: UTF8.self).unicodeScalars.count
            return "  " + text + "\n  " + String(repeating: " ", count: width) + "^"
        }

        /// `LABEL, column N: message`, then the text with a caret under the column.
        public func explained(in text: String, label: String) -> String {
            let shown = pointing(into: text)
            return "\(label), \(description)" + (shown.isEmpty ? "" : "\n" + shown)
        }
    }

    /// Parses `text`, e.g. `set_share(@0x…, 5)`. A bare name means a call with no arguments.
    public static func parse(_ text: String) throws(ParseError) -> CallSyntax {
        var p = Scanner(Array(text.utf8))
        p.skipSpace()
        let name = p.identifier()
        guard !name.isEmpty else { throw p.error("expected a function name") }
        p.skipSpace()
        var args: [Literal] = []
        if p.peek != nil {
            try p.expect(UInt8(ascii: "("))
            args = try p.literals(until: UInt8(ascii: ")"))
            p.skipSpace()
            guard p.peek == nil else { throw p.error("unexpected text after ')'") }
        }
        return CallSyntax(function: name, arguments: args)
    }

    /// Parses one literal (the REPL and `:table` use this for single values).
    public static func parseLiteral(_ text: String) throws(ParseError) -> Literal {
        var p = Scanner(Array(text.utf8))
        p.skipSpace()
        let l = try p.literal(depth: 0)
        p.skipSpace()
        guard p.peek == nil else { throw p.error("unexpected text after the value") }
        return l
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

        func error(_ message: String) -> ParseError { ParseError(message: message, column: i + 1) }

        mutating func skipSpace() { while let c = peek, c == 32 || c == 9 || c == 10 || c == 13 { i += 1 } }

        mutating func expect(_ c: UInt8) throws(ParseError) {
            skipSpace()
            guard peek == c else { throw error("expected '\(Character(Unicode.Scalar(c)))'") }
            i += 1
        }

        static func isIdent(_ c: UInt8) -> Bool {
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95
        }

        mutating func identifier() -> String {
            let start = i
            while let c = peek, Scanner.isIdent(c), !(i == start && c >= 48 && c <= 57) { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func literals(until close: UInt8) throws(ParseError) -> [Literal] {
            var out: [Literal] = []
            skipSpace()
            if peek == close { i += 1; return out }
            while true {
                out.append(try literal(depth: 1))
                skipSpace()
                if peek == close { i += 1; return out }
                guard peek == UInt8(ascii: ",") else {
                    throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
                }
                i += 1
            }
        }

        mutating func hex(count: Int) throws(ParseError) -> [UInt8] {
            var out: [UInt8] = []
            let start = i
            while let c = peek, Scanner.hexValue(c) != nil { i += 1 }
            let digits = bytes[start..<i]
            guard digits.count % 2 == 0 else { throw error("odd number of hex digits") }
            guard count < 0 || digits.count == count * 2 else { throw error("expected \(count * 2) hex digits, found \(digits.count)") }
            var it = digits.makeIterator()
            while let h = it.next(), let l = it.next() {
                out.append((Scanner.hexValue(h) ?? 0) << 4 | (Scanner.hexValue(l) ?? 0))
            }
            return out
        }

        static func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }

        mutating func literal(depth: Int) throws(ParseError) -> Literal {
            guard depth < 32 else { throw error("nesting too deep") }
            skipSpace()
            guard let c = peek else { throw error("expected a value") }
            switch c {
            case UInt8(ascii: "["):
                i += 1
                return .list(try literals(until: UInt8(ascii: "]")))
            case UInt8(ascii: "\""):
                i += 1
                var s: [UInt8] = []
                while true {
                    guard let c = peek else { throw error("unterminated string") }
                    i += 1
                    if c == UInt8(ascii: "\"") { break }
                    if c == UInt8(ascii: "\\") {
                        guard let e = peek else { throw error("unterminated string") }
                        i += 1
                        switch e {
                        case UInt8(ascii: "n"): s.append(10)
                        case UInt8(ascii: "t"): s.append(9)
                        case UInt8(ascii: "\\"), UInt8(ascii: "\""): s.append(e)
                        default: throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))'")
                        }
                    } else {
                        s.append(c)
                    }
                }
                guard let text = String(validating: s, as: UTF8.self) else { throw error("string is not UTF-8") }
                return .string(text)
            case UInt8(ascii: "@"), UInt8(ascii: "#"):
                i += 1
                guard peek == UInt8(ascii: "0"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "x") else {
                    if c == UInt8(ascii: "@") {
                        let name = identifier()
                        if !name.isEmpty { return .account(name) }
                    }
                    throw error(c == UInt8(ascii: "@")
                        ? "expected an address ('@0x' and 64 hex digits) or an account name ('@alice')"
                        : "expected a hash '#0x' and 64 hex digits")
                }
                i += 2
                let b = try hex(count: 32)
                return c == UInt8(ascii: "@") ? .address(b) : .hash(b)
            case UInt8(ascii: "x") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\""):
                i += 2
                let b = try hex(count: -1)
                try expect(UInt8(ascii: "\""))
                return .bytes(b)
            case UInt8(ascii: "0") where i + 1 < bytes.count && (bytes[i + 1] == UInt8(ascii: "x") || bytes[i + 1] == UInt8(ascii: "X")):
                throw error("an address is written '@0x' and 64 hex digits, a hash '#0x' and 64 hex digits, bytes "
                    + "x\"…\"")
            case UInt8(ascii: "-"), 48...57:
                let start = i
                if c == UInt8(ascii: "-") { i += 1 }
                var sawDigit = false, sawDot = false
                while let d = peek {
                    if d >= 48 && d <= 57 { sawDigit = true; i += 1 }
                    else if d == 95 { i += 1 }
                    else if d == UInt8(ascii: "."), !sawDot { sawDot = true; i += 1 }
                    else { break }
                }
                guard sawDigit else { throw error("expected digits") }
                return .number(String(decoding: bytes[start..<i].filter { $0 != 95 }, as: UTF8.self))
            case UInt8(ascii: "'"):
                throw error("strings are written in double quotes: \"…\"")
            case UInt8(ascii: "+"):
                throw error("a number is written without '+'")
            case UInt8(ascii: "("):
                throw error("arguments are literals, not expressions: write the value without parentheses")
            default:
                let word = identifier()
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                throw error(word.isEmpty ? "expected a value" : "unknown value '\(word)'")
            }
        }
    }
}

/// A literal that does not fit the parameter's type.
public struct ArgumentError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
}

extension CallSyntax.Literal {
    /// The value of this literal as `type` in `module`; `account` gives the address of an account name (`@alice`)
    /// or throws why it cannot.
    public func value(
        as type: TypeDesc, in module: Module, account: (String) throws(ArgumentError) -> [UInt8]
    ) throws(ArgumentError) -> Value {
        switch (type, self) {
        case (.int, .number(let s)):
            guard !s.contains(".") else {
                throw ArgumentError(message: "'\(s)' is not an Int (it has a fractional part; Dec values need a Dec parameter)")
            }
            guard let v = Int128(s) else {
                throw ArgumentError(message: "'\(s)' is out of the range of Int (a signed 128-bit integer: -2^127 to 2^127 - 1)")
            }
            return .int(v)
        case (.dec, .number(let s)):
            guard let v = CallSyntax.Literal.parseDec(s) else {
                throw ArgumentError(message: "'\(s)' is not a Dec (18 decimal places at most)")
            }
            return .dec(v)
        case (.bool, .bool(let b)): return .bool(b)
        case (.string, .string(let s)): return .string(s)
        case (.address, .address(let b)): return .address(b)
        case (.address, .account(let name)): return .address(try account(name))
        case (.hash, .hash(let b)): return .hash(b)
        case (.bytes, .bytes(let b)): return .bytes(b)
        case (.list(let elem), .list(let items)):
            var out: [Value] = []
            for item in items { out.append(try item.value(as: module.types[Int(elem)], in: module, account: account)) }
            return .list(out)
        default:
            throw ArgumentError(message: "expected \(TypeNames.name(type, in: module)), found \(kind)")
        }
    }

    /// What this literal is, for an error: "a String", "an Address".
    var kind: String {
        switch self {
        case .number(let s): s.contains(".") ? "the number \(s)" : "the Int \(s)"
        case .bool: "a Bool"
        case .string: "a String"
        case .address: "an Address"
        case .account(let name): "the account @\(name) (an Address)"
        case .hash: "a Hash"
        case .bytes: "Bytes"
        case .list: "a List"
        }
    }

    /// `digits[.digits]` as a Dec (value × 10^18), exact.
    static func parseDec(_ s: String) -> Int128? {
        let negative = s.hasPrefix("-")
        let body = negative ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int128(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        var frac: Int128 = 0
        if parts.count == 2 {
            let f = parts[1]
            guard f.count <= 18, f.allSatisfy(\.isNumber), let fv = Int128(f.isEmpty ? "0" : String(f)) else { return nil }
            var scale: Int128 = 1
            for _ in 0..<(18 - f.count) { scale *= 10 }
            frac = fv * scale
        }
        let (w, o1) = whole.multipliedReportingOverflow(by: decScale)
        let (v, o2) = w.addingReportingOverflow(frac)
        guard !o1, !o2 else { return nil }
        return negative ? -v : v
    }
}
