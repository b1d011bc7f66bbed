import Bytecode
import Foundation
import Testing

/// Docs/bytecode.md carries the instruction table generated from `Opcode.info`; this keeps them equal.
/// Regenerate with `UPDATE_GOLDEN=1 swift test --filter OpcodeReference`.
@Test func docsOpcodeTableMatchesTheOpcodeTable() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let url = root.appendingPathComponent("Docs/bytecode.md")
    let doc = try String(contentsOf: url, encoding: .utf8)
    let generated = OpcodeReference.begin + "\n" + OpcodeReference.markdown() + "\n" + OpcodeReference.end
    guard let start = doc.range(of: OpcodeReference.begin), let end = doc.range(of: OpcodeReference.end) else {
        Issue.record("Docs/bytecode.md lacks the generated opcode section markers")
        return
    }
    let current = String(doc[start.lowerBound..<end.upperBound])
    if current != generated, ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try doc.replacingCharacters(in: start.lowerBound..<end.upperBound, with: generated)
            .write(to: url, atomically: true, encoding: .utf8)
        return
    }
    #expect(current == generated, "Docs/bytecode.md's opcode table is stale: run with UPDATE_GOLDEN=1")
}

@Test func everyOpcodeHasOneRowInTheReference() {
    let rows = OpcodeReference.markdown().split(separator: "\n").dropFirst(2)
    #expect(rows.count == Opcode.allCases.count)
    for op in Opcode.allCases {
        #expect(rows.contains { $0.contains("`\(op.info.mnemonic)`") }, "\(op.info.mnemonic)")
    }
}
