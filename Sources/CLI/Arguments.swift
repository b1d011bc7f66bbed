import Compiler

/// A parsed command line for one subcommand: positional arguments and `--flag [value]` options.
public struct Arguments: Sendable {
    public var positional: [String] = []
    public var flags: [String: String] = [:]
    public var switches: Set<String> = []

    /// How a command's flags are declared: with a value (`--gas-limit N`) or without (`--json`).
    public struct Spec: Sendable {
        public var valued: [String]
        public var switches: [String]
        public init(valued: [String] = [], switches: [String] = []) {
            self.valued = valued
            self.switches = switches
        }
    }

    public struct UsageError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses `args` against `spec`; unknown flags get a suggestion.
    public static func parse(_ args: [String], spec: Spec) throws(UsageError) -> Arguments {
        var result = Arguments()
        var i = 0
        while i < args.count {
            let a = args[i]
            i += 1
            if a == "--" {
                result.positional.append(contentsOf: args[i...])
                break
            }
            guard a.hasPrefix("-"), a.count > 1, !a.dropFirst().allSatisfy({ $0.isNumber }) else {
                result.positional.append(a)
                continue
            }
            var name = a
            var inline: String?
            if let eq = a.firstIndex(of: "=") {
                name = String(a[..<eq])
                inline = String(a[a.index(after: eq)...])
            }
            if spec.switches.contains(name) {
                guard inline == nil else { throw UsageError(message: "'\(name)' takes no value") }
                result.switches.insert(name)
            } else if spec.valued.contains(name) {
                if let inline {
                    result.flags[name] = inline
                } else {
                    guard i < args.count else { throw UsageError(message: "'\(name)' needs a value") }
                    result.flags[name] = args[i]
                    i += 1
                }
            } else {
                let known = (spec.valued + spec.switches).sorted()
                throw UsageError(message: "unknown option '\(name)'" + suggestion(name, among: known))
            }
        }
        return result
    }

    /// The value of an integer flag, or `default`.
    public func integer(_ name: String, default value: Int64) throws(UsageError) -> Int64 {
        guard let text = flags[name] else { return value }
        let digits = text.filter { $0 != "_" }
        if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), Int64(digits) == nil {
            throw UsageError(message: "'\(name)' is at most \(Int64.max), not '\(text)'")
        }
        guard let v = Int64(digits), v >= 0 else {
            throw UsageError(message: "'\(name)' expects a non-negative integer, not '\(text)'")
        }
        return v
    }
}

/// "; did you mean 'x'?" when a known word is within a small edit distance of `word` (the compiler's
/// `EditDistance`, with a wider allowance: command names and options are short, `--fo` should find `--from`).
/// `suggestion(word, among: known)`, or when nothing is close, the whole list: "; its functions: a, b, c".
func suggestionOrList(_ word: String, among known: [String], listing what: String) -> String {
    let close = suggestion(word, among: known)
    guard close.isEmpty else { return close }
    return known.isEmpty ? "; it has no \(what)" : "; its \(what): " + known.joined(separator: ", ")
}

func suggestion(_ word: String, among known: [String]) -> String {
    let limit = max(2, word.count / 3)
    let best = known.sorted().map { ($0, EditDistance.distance(word, $0, limit: limit)) }.min { $0.1 < $1.1 }
    guard let (name, d) = best, d <= limit else { return "" }
    return "; did you mean '\(name)'?"
}
