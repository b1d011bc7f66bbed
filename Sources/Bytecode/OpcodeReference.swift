/// The instruction reference of Docs/bytecode.md, generated from the opcode table so the document can
/// never disagree with the code (a test compares them).
public enum OpcodeReference {
    /// Marks around the generated section in Docs/bytecode.md.
    public static let begin = "<!-- generated from Opcode.info: begin -->"
    public static let end = "<!-- generated from Opcode.info: end -->"

    /// One Markdown table of every opcode: byte, mnemonic, immediates, stack effect, gas, flags, summary.
    public static func markdown() -> String {
        var lines = [
            "| byte | mnemonic | immediates | stack | gas | flags | what it does |",
            "| ---: | --- | --- | --- | ---: | --- | --- |",
        ]
        for op in Opcode.allCases {
            let info = op.info
            let imms = zip(info.immediates, info.roles).map { "\($1)\u{00A0}\(kindName($0))" }.joined(separator: ", ")
            lines.append(
                "| 0x\(Hex.encode([op.rawValue])) | `\(info.mnemonic)` | \(imms.isEmpty ? "–" : imms) | \(effect(info.effect)) "
                    + "| \(info.gas)\(info.flags.contains(.dynamicGas) ? "+" : "") | \(flags(info.flags)) | \(info.summary) |")
        }
        return lines.joined(separator: "\n")
    }

    static func kindName(_ k: ImmediateKind) -> String {
        switch k {
        case .u16: "u16"
        case .u32: "u32"
        case .i64: "i64"
        }
    }

    static func effect(_ e: StackEffect) -> String {
        switch e {
        case .fixed(let pops, let pushes):
            let l = pops.map(\.kindName).joined(separator: " "), r = pushes.map(\.kindName).joined(separator: " ")
            return "\(l.isEmpty ? "" : l + " ")→\(r.isEmpty ? "" : " " + r)"
        case .special(let text):
            return text.replacingArrow()
        }
    }

    static func flags(_ f: OpcodeFlags) -> String {
        var out: [String] = []
        if f.contains(.terminator) { out.append("ends block") }
        if f.contains(.branch) { out.append("branch") }
        if f.contains(.writes) { out.append("writes") }
        if f.contains(.host) { out.append("host") }
        return out.isEmpty ? "–" : out.joined(separator: ", ")
    }
}

extension String {
    /// `->` as `→`, and `|` (which would split a Markdown cell) as `/`.
    fileprivate func replacingArrow() -> String {
        var out = ""
        var previous: Character?
        for c in self {
            if previous == "-" && c == ">" {
                out.removeLast()
                out.append("→")
            } else {
                out.append(c == "|" ? "/" : c)
            }
            previous = c
        }
        return out
    }
}
