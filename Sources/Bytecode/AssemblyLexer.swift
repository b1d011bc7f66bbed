/// One token of a line of assembly text.
struct AssemblyToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String)
        /// `.name`, without the dot.
        case directive(String)
        /// Decimal digits with an optional leading `-`, underscores removed.
        case integer(String)
        /// A `Dec` literal without its `d` suffix (`-1.5`, `3`), underscores removed.
        case decimal(String)
        case string(String)
        /// `x"0a0b"`.
        case bytes([UInt8])
        /// `@0x` and 64 hex digits.
        case address([UInt8])
        /// `#0x` and 64 hex digits.
        case hash([UInt8])
        /// `%N`: a raw table index.
        case index(Int)
        /// `( ) , : < > ->`
        case symbol(String)
    }

    var kind: Kind
    /// 1-based column of the first character.
    var column: Int

    /// How the token reads in an error message.
    var text: String {
        switch kind {
        case .identifier(let s): "'\(s)'"
        case .directive(let s): "'.\(s)'"
        case .integer(let s): "'\(s)'"
        case .decimal(let s): "'\(s)d'"
        case .string: "string literal"
        case .bytes: "bytes literal"
        case .address: "address literal"
        case .hash: "hash literal"
        case .index(let i): "'%\(i)'"
        case .symbol(let s): "'\(s)'"
        }
    }
}

/// Splits one line of assembly into tokens; `;` starts a comment.
enum AssemblyLexer {
    static func tokenize(
        _ cs: [Unicode.Scalar], lineNumber: Int, fileName: String
    ) throws(AssemblyError) -> [AssemblyToken] {
        var tokens: [AssemblyToken] = []
        var i = 0

        func fail(_ message: String, _ at: Int) -> AssemblyError {
            AssemblyError(fileName: fileName, line: lineNumber, column: at + 1, message: message)
        }
        func isIdentStart(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
        }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        func isIdentChar(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || isDigit(c) }
        func hexValue(_ c: Unicode.Scalar) -> UInt8? {
            switch c {
            case "0"..."9": UInt8(truncatingIfNeeded: c.value - 48)
            case "a"..."f": UInt8(truncatingIfNeeded: c.value - 87)
            case "A"..."F": UInt8(truncatingIfNeeded: c.value - 55)
            default: nil
            }
        }
        func readWord(_ start: Int) -> Int {
            var j = start
            while j < cs.count, isIdentChar(cs[j]) { j += 1 }
            return j
        }
        /// Identifiers may continue with `.` and `/`, for `Struct.field` and file paths in `.loc`.
        func readIdentifier(_ start: Int) -> Int {
            var j = start
            while j < cs.count, isIdentChar(cs[j]) || cs[j] == "." || cs[j] == "/" { j += 1 }
            return j
        }
        func readHexRun(_ start: Int) throws(AssemblyError) -> ([UInt8], Int) {
            var j = start
            var digits: [UInt8] = []
            while j < cs.count, let h = hexValue(cs[j]) {
                digits.append(h)
                j += 1
            }
            guard digits.count % 2 == 0 else { throw fail("odd number of hex digits", start) }
            var out: [UInt8] = []
            var k = 0
            while k + 1 < digits.count {
                out.append(digits[k] << 4 | digits[k + 1])
                k += 2
            }
            return (out, j)
        }

        while i < cs.count {
            let c = cs[i]
            let start = i
            if c == " " || c == "\t" || c == "\r" {
                i += 1
                continue
            }
            if c == ";" { break }
            if c == "x", i + 1 < cs.count, cs[i + 1] == "\"" {
                let (raw, j) = try readHexRun(i + 2)
                guard j < cs.count, cs[j] == "\"" else { throw fail("unterminated bytes literal", start) }
                tokens.append(AssemblyToken(kind: .bytes(raw), column: start + 1))
                i = j + 1
                continue
            }
            if isIdentStart(c) {
                let j = readIdentifier(i)
                let word = String(String.UnicodeScalarView(cs[i..<j]))
                tokens.append(AssemblyToken(kind: .identifier(word), column: start + 1))
                i = j
                continue
            }
            if c == ".", i + 1 < cs.count, isIdentStart(cs[i + 1]) {
                let j = readWord(i + 1)
                tokens.append(
                    AssemblyToken(kind: .directive(String(String.UnicodeScalarView(cs[i + 1..<j]))), column: start + 1))
                i = j
                continue
            }
            if isDigit(c) || (c == "-" && i + 1 < cs.count && isDigit(cs[i + 1])) {
                var text = c == "-" ? "-" : ""
                var j = c == "-" ? i + 1 : i
                func digits() {
                    while j < cs.count, isDigit(cs[j]) || cs[j] == "_" {
                        if cs[j] != "_" { text.unicodeScalars.append(cs[j]) }
                        j += 1
                    }
                }
                digits()
                var isDecimal = false
                if j + 1 < cs.count, cs[j] == ".", isDigit(cs[j + 1]) {
                    text += "."
                    j += 1
                    digits()
                    isDecimal = true
                }
                if j < cs.count, cs[j] == "d" {
                    j += 1
                    isDecimal = true
                } else if isDecimal {
                    throw fail("a dec literal needs the 'd' suffix (e.g. '1.5d')", start)
                }
                if j < cs.count, isIdentChar(cs[j]) || cs[j] == "." {
                    throw fail("malformed number literal", start)
                }
                tokens.append(AssemblyToken(kind: isDecimal ? .decimal(text) : .integer(text), column: start + 1))
                i = j
                continue
            }
            if c == "%" {
                var j = i + 1
                var v = 0
                while j < cs.count, isDigit(cs[j]) {
                    // Up to 10 digits: every u32 (a branch target) fits; operands check their own width.
                    guard v <= 999_999_999 else { throw fail("index is too large", start) }
                    v = v * 10 + Int(cs[j].value - 48)
                    j += 1
                }
                guard j > i + 1 else { throw fail("expected digits after '%'", start) }
                tokens.append(AssemblyToken(kind: .index(v), column: start + 1))
                i = j
                continue
            }
            if c == "@" || c == "#" {
                guard i + 2 < cs.count, cs[i + 1] == "0", cs[i + 2] == "x" else {
                    throw fail("expected '\(c)0x' followed by 64 hex digits", start)
                }
                let (raw, j) = try readHexRun(i + 3)
                guard raw.count == 32 else {
                    throw fail("\(c == "@" ? "address" : "hash") literal needs exactly 64 hex digits", start)
                }
                tokens.append(AssemblyToken(kind: c == "@" ? .address(raw) : .hash(raw), column: start + 1))
                i = j
                continue
            }
            if c == "\"" {
                let (s, j) = try readString(cs, from: i, fail)
                tokens.append(AssemblyToken(kind: .string(s), column: start + 1))
                i = j
                continue
            }
            if c == "-", i + 1 < cs.count, cs[i + 1] == ">" {
                tokens.append(AssemblyToken(kind: .symbol("->"), column: start + 1))
                i += 2
                continue
            }
            if "(),:<>".unicodeScalars.contains(c) {
                tokens.append(AssemblyToken(kind: .symbol(String(c)), column: start + 1))
                i += 1
                continue
            }
            throw fail("unexpected character '\(c)'", start)
        }
        return tokens
    }

    /// Reads a quoted string starting at the `"` at `from`; returns the text and the index after the closing
    /// quote. Escapes: `\\ \" \n \t \r \0 \u{HEX}`.
    private static func readString(
        _ cs: [Unicode.Scalar], from: Int, _ fail: (String, Int) -> AssemblyError
    ) throws(AssemblyError) -> (String, Int) {
        var out = String.UnicodeScalarView()
        var j = from + 1
        while j < cs.count {
            let c = cs[j]
            if c == "\"" { return (String(out), j + 1) }
            if c != "\\" {
                out.append(c)
                j += 1
                continue
            }
            guard j + 1 < cs.count else { break }
            let e = cs[j + 1]
            j += 2
            switch e {
            case "\\": out.append("\\")
            case "\"": out.append("\"")
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "0": out.append("\0")
            case "u":
                guard j < cs.count, cs[j] == "{" else { throw fail("expected '{' after '\\u'", j - 2) }
                var v: UInt32 = 0
                var k = j + 1
                var count = 0
                while k < cs.count, cs[k] != "}" {
                    guard count < 6, let h = UInt32(String(cs[k]), radix: 16) else {
                        throw fail("bad '\\u{...}' escape", j - 2)
                    }
                    v = v << 4 | h
                    count += 1
                    k += 1
                }
                guard k < cs.count, count > 0, let scalar = Unicode.Scalar(v) else {
                    throw fail("bad '\\u{...}' escape", j - 2)
                }
                out.append(scalar)
                j = k + 1
            default:
                throw fail("unknown escape '\\\(e)'", j - 2)
            }
        }
        throw fail("unterminated string literal", from)
    }
}
