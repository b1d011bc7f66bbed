/// One subcommand: its name, help text, flags and body.
struct Command: Sendable {
    let name: String
    let summary: String
    let usage: String
    let examples: [String]
    let spec: Arguments.Spec
    let body: @Sendable (Arguments, Console) -> Int32

    init(
        name: String, summary: String, usage: String, examples: [String], spec: Arguments.Spec,
        body: @escaping @Sendable (Arguments, Console) -> Int32
    ) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.examples = examples
        self.spec = spec
        self.body = body
    }

    var help: String {
        var lines = ["\(name): \(summary)", "", "usage: \(usage)"]
        if !examples.isEmpty {
            lines += ["", "examples:"] + examples.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// "1 argument", "2 arguments".
func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
