import Bytecode
import Testing

@Test(arguments: ["", "\n\n", "   ; only a comment\n"])
func emptyAssemblyIsAnErrorNotAnEmptyModule(source: String) {
    #expect {
        _ = try Assembler.assemble(source, fileName: "e.dna")
    } throws: { error in
        guard let e = error as? AssemblyError else { return false }
        return e.line == 1 && e.column == 1 && e.message.contains(".module")
    }
}
