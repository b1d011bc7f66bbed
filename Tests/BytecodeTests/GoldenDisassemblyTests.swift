import Foundation
import Testing

@testable import Bytecode

/// The disassembly of each bench workload is pinned in Fixtures/<name>.disasm. Run with `UPDATE_GOLDEN=1` to
/// rewrite the fixtures after an intended change of the output format.
@Suite struct GoldenDisassemblyTests {
    @Test func benchDisassemblyMatchesFixtures() throws {
        let fixtures = packageRoot.appendingPathComponent("Tests/BytecodeTests/Fixtures")
        for url in try benchFiles() {
            let source = try String(contentsOf: url, encoding: .utf8)
            let m = try Assembler.assemble(source, fileName: url.lastPathComponent)
            let text = Disassembler.text(of: m)
            let golden = fixtures.appendingPathComponent(
                url.deletingPathExtension().lastPathComponent + ".disasm")
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
                try text.write(to: golden, atomically: true, encoding: .utf8)
            }
            #expect(text == (try String(contentsOf: golden, encoding: .utf8)), "\(golden.lastPathComponent)")
            #expect(try Assembler.assemble(text) == m)
        }
    }
}
