// Spelling of names and literals shared by the assembler and the disassembler.

/// Words that cannot name a struct inside a type.
let typeKeywords: Set<String> = ["int", "dec", "bool", "address", "hash", "string", "bytes", "list", "map", "struct"]

/// Whether `s` can be written as a bare identifier.
func isPlainIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
    else { return false }
    return s.unicodeScalars.allSatisfy {
        $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
    }
}

/// "; did you mean 'x'?" for the candidate closest to `name`, or "" when none is close.
func suggestion(for name: String, among candidates: [String]) -> String {
    let a = Array(name.unicodeScalars)
    guard a.count <= 64 else { return "" }
    var best: (distance: Int, name: String)?
    for c in candidates {
        let b = Array(c.unicodeScalars)
        guard b.count <= 64 else { continue }
        var prev = Array(0...b.count)
        for i in 1...max(a.count, 1) where a.count > 0 {
            var cur = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        let d = prev[b.count]
        if d <= max(1, a.count / 3), best == nil || d < best?.distance ?? Int.max { best = (d, c) }
    }
    return best.map { "; did you mean '\($0.name)'?" } ?? ""
}

/// A string literal as the assembler reads it.
func quoted(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\0": out += "\\0"
        default:
            if c.value < 0x20 || c.value == 0x7F || c.properties.generalCategory == .lineSeparator {
                out += "\\u{\(String(c.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(c)
            }
        }
    }
    return out + "\""
}
