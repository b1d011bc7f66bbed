import Bytecode

/// Types and values written the way the language writes them: `Int`, `List<Address>`, `@0x…`, `1.5`.
public enum TypeNames {
    public static func name(_ t: TypeDesc, in m: Module) -> String {
        func at(_ i: UInt16) -> String { Int(i) < m.types.count ? name(m.types[Int(i)], in: m) : "?" }
        switch t {
        case .int: return "Int"
        case .dec: return "Dec"
        case .bool: return "Bool"
        case .address: return "Address"
        case .hash: return "Hash"
        case .string: return "String"
        case .bytes: return "Bytes"
        case .list(let e): return "List<\(at(e))>"
        case .map(let k, let v): return "Map<\(at(k)), \(at(v))>"
        case .structure(let s): return Int(s) < m.structs.count ? m.structs[Int(s)].name : "?"
        }
    }

    /// A Dec as exact decimal text, trailing zeros trimmed (`1.5`, `-0.000000000000000001`, `3.0`).
    public static func dec(_ v: Int128) -> String {
        let negative = v < 0
        let m = v.magnitude
        let whole = m / decScale.magnitude, frac = m % decScale.magnitude
        var f = String(frac)
        f = String(repeating: "0", count: 18 - f.count) + f
        while f.count > 1 && f.hasSuffix("0") { f.removeLast() }
        return (negative ? "-" : "") + "\(whole).\(f)"
    }

    /// A value as the language writes it, each address as `naming` gives it when it does (`@alice`: a name the
    /// reader's tools resolve back to the address).
    public static func literal(_ v: Value, naming: ([UInt8]) -> String?) -> String {
        switch v {
        case .int(let i): return String(i)
        case .dec(let d): return dec(d)
        case .bool(let b): return b ? "true" : "false"
        case .address(let b): return naming(b) ?? "@0x" + Hex.encode(b)
        case .hash(let b): return "#0x" + Hex.encode(b)
        case .string(let s): return quoted(s)
        case .bytes(let b): return "x\"" + Hex.encode(b) + "\""
        case .list(let items): return "[" + items.map { literal($0, naming: naming) }.joined(separator: ", ") + "]"
        case .map(let entries):
            return "{" + entries.map { literal($0.key, naming: naming) + ": " + literal($0.value, naming: naming) }
                .joined(separator: ", ") + "}"
        case .structure(let fields): return "{" + fields.map { literal($0, naming: naming) }.joined(separator: ", ") + "}"
        }
    }

    /// A value as the language writes it.
    public static func literal(_ v: Value) -> String {
        literal(v) { _ in nil }
    }

    /// `s` in double quotes with `\\`, `\"`, `\n` and `\t` escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
