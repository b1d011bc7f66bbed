import Bytecode
import Compiler
import Diagnostics
import Testing

/// The code generated for the LANGUAGE.md contract, pinned as assembly text: a change in code
/// generation shows up as a readable diff of `Fixtures/royalty_split.disasm`.
@Suite struct GoldenCodeTests {
    @Test func royaltySplitDisassembly() throws {
        let module = try #require(compileModule(repositoryFile("Examples/royalty/royalty_split.dn"),
                                                path: "royalty_split.dn"))
        let text = Disassembler.text(of: module)
        updateGoldenIfAsked("royalty_split.disasm", text)
        #expect(text == String(decoding: fixtureBytes("royalty_split.disasm"), as: UTF8.self))
    }
}
