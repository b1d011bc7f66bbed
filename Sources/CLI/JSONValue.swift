import Diagnostics

/// What `--json` prints: a JSON value whose object keys are written in sorted order, so the output is the same
/// on every run and machine.
indirect enum JSONValue {
    case string(String)
    /// An integer, written as its decimal digits (128-bit balances stay exact).
    case integer(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .integer(String(value)) }

    /// The value as compact JSON text.
    var text: String {
        switch self {
        case .string(let s): return DiagnosticJSON.string(s)
        case .integer(let digits): return digits
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .object(let fields):
            let sorted = fields.keys.sorted().map { DiagnosticJSON.string($0) + ": " + (fields[$0] ?? .null).text }
            return "{" + sorted.joined(separator: ", ") + "}"
        }
    }
}
