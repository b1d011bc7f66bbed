import Bytecode
import Foundation
import Testing

// Every opcode has a semantics test: some test program in this target executes it as an instruction.

/// The mnemonics written as instructions in the test programs of this target (other than this file):
/// the first word of an assembly line (after an optional label) inside a Swift string literal, or a
/// string literal holding just the mnemonic (table-driven tests that splice it into a program).
private func mnemonicsUsedInTests() throws -> Set<String> {
    let directory = repositoryRoot.appendingPathComponent("Tests/VMTests")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".swift") && $0 != "OpcodeCoverageTests.swift" }
    var used: Set<String> = []
    for file in files {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        for m in Opcode.allCases.map(\.info.mnemonic) where text.contains("\"\(m)\"") || text.contains("\"    \(m)") {
            used.insert(m)
        }
        for rawLine in text.replacingOccurrences(of: "\\n", with: "\n").split(separator: "\n") {
            var line = rawLine.drop { $0 == " " || $0 == "\"" || $0 == "+" }
            if let colon = line.firstIndex(of: ":"), !line[..<colon].isEmpty,
                line[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            {
                line = line[line.index(after: colon)...].drop { $0 == " " }
            }
            let word = line.prefix { $0.isLowercase || $0.isNumber || $0 == "_" }
            let rest = line.dropFirst(word.count)
            if !word.isEmpty, rest.isEmpty || rest.first == " " || rest.first == "\"" || rest.first == "\\" {
                used.insert(String(word))
            }
        }
    }
    return used
}

@Test func everyOpcodeHasASemanticsTest() throws {
    let used = try mnemonicsUsedInTests()
    let missing = Opcode.allCases.map(\.info.mnemonic).filter { !used.contains($0) }
    #expect(missing.isEmpty, "opcodes without a test program: \(missing.joined(separator: ", "))")
}

@Test func everyOpcodeTestedIsARealOpcode() throws {
    // Guards the scan above: it must see the common instructions, so an empty result cannot pass.
    let used = try mnemonicsUsedInTests()
    for mnemonic in ["push_int", "add_int", "ret", "sstore", "call_ext"] { #expect(used.contains(mnemonic)) }
    #expect(Opcode.named("add_int") == .addInt)
}
