import Bytecode
import Foundation
import Testing
@testable import CLI

@Suite struct AsmCommandTests {
    /// asm, then disasm into a new .dna, then asm again: the same bytes.
    @Test(arguments: ["w1.dna", "w3.dna", "w4.dna", "small.dna"])
    func asmDisasmAsmGivesIdenticalBytes(file: String) throws {
        let source = file == "small.dna" ? fixture(file) : benchFile(file)
        let dir = temporaryDirectory()
        let first = dir.appendingPathComponent("first.dnb").path
        let text = dir.appendingPathComponent("again.dna").path
        let second = dir.appendingPathComponent("second.dnb").path

        let a = datanet("asm", source, "-o", first)
        #expect(a.status == 0, "\(a.err)")
        #expect(a.out.hasPrefix("wrote \(first): "))
        #expect(a.out.contains("bytes, module id 0x"))
        let d = datanet("disasm", first)
        #expect(d.status == 0, "\(d.err)")
        try d.out.write(toFile: text, atomically: true, encoding: .utf8)
        let b = datanet("asm", text, "--output", second)
        #expect(b.status == 0, "\(b.err)")
        let bytes1 = try Data(contentsOf: URL(fileURLWithPath: first))
        let bytes2 = try Data(contentsOf: URL(fileURLWithPath: second))
        #expect(!bytes1.isEmpty)
        #expect(bytes1 == bytes2)
        // The module id printed is the same for both.
        #expect(a.out.split(separator: " ").last == b.out.split(separator: " ").last)
    }

    @Test func asmWithoutOutputWritesBesideTheSource() throws {
        let dir = temporaryDirectory()
        let src = dir.appendingPathComponent("m.dna")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: fixture("small.dna")), to: src)
        let r = datanet("asm", src.path)
        #expect(r.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.dnb").path))
    }

    @Test func asmReportsTheLineAndColumnOfAnError() throws {
        let dir = temporaryDirectory()
        let src = dir.appendingPathComponent("bad.dna").path
        try ".module bad\n\n.fn public f() -> int\n    push_int 1\n    frobnicate\n    ret\n"
            .write(toFile: src, atomically: true, encoding: .utf8)
        let r = datanet("asm", src)
        #expect(r.status == 1)
        #expect(r.err.hasPrefix("\(src):5:5: error: "), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.dnb").path))
    }

    @Test func verifyAcceptsAGoodModule() throws {
        let r = datanet("verify", fixture("small.dna"))
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("ok: module 'small', 4 functions, id 0x"))
    }

    @Test func verifyOfATruncatedModuleSaysWhereItEnds() throws {
        let dir = temporaryDirectory()
        let good = dir.appendingPathComponent("good.dnb").path
        #expect(datanet("asm", benchFile("w4.dna"), "-o", good).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let bad = dir.appendingPathComponent("bad.dnb").path
        try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: bad))
        let r = datanet("verify", bad)
        #expect(r.status == 1)
        #expect(r.out.isEmpty)
        #expect(r.err.hasPrefix("\(bad): error: not a valid module: "), "\(r.err)")
        #expect(r.err.contains("truncated") || r.err.contains("end"), "\(r.err)")
    }

    @Test func verifyOfACorruptedMagicSaysSo() throws {
        let dir = temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.dnb").path
        try Data("DNVX\u{1}\u{0}".utf8).write(to: URL(fileURLWithPath: bad))
        let r = datanet("verify", bad)
        #expect(r.status == 1)
        #expect(r.err.contains("not a valid module"))
        #expect(r.err.contains("magic"), "\(r.err)")
    }

    /// A module that decodes but whose code jumps into the middle of an instruction: the verifier names
    /// the function and the offset.
    @Test func verifyOfCorruptedCodeNamesTheFunctionAndOffset() throws {
        var module = try Assembler.assemble(String(contentsOfFile: benchFile("w4.dna"), encoding: .utf8))
        var code = module.functions[0].code
        #expect(code[0] == Opcode.jump.rawValue)
        code[1] = 2  // the jump's target, now inside its own immediate
        code[2] = 0
        code[3] = 0
        code[4] = 0
        module.functions[0].code = code
        let dir = temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.dnb").path
        try Data(ModuleCodec.encode(module)).write(to: URL(fileURLWithPath: bad))
        let r = datanet("verify", bad)
        #expect(r.status == 1)
        #expect(r.err.hasPrefix("\(bad): error: verification failed: "), "\(r.err)")
        #expect(r.err.contains("'w4'"), "\(r.err)")
        #expect(r.err.contains("offset 0"), "\(r.err)")
        let j = datanet("verify", bad, "--json")
        #expect(j.status == 1)
        let reason = try #require(
            try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any], "\(j.out)")
        #expect(reason["ok"] as? Bool == false)
        #expect(reason["function_name"] as? String == "w4")
        #expect(reason["offset"] as? Int == 0)
        #expect((reason["error"] as? String)?.isEmpty == false)
    }

    @Test func verifyPrintsJSONAndRecognisesBytecodeByItsMagic() throws {
        let dir = temporaryDirectory()
        let odd = dir.appendingPathComponent("w4.module").path  // not .dnb: found by the magic
        #expect(datanet("asm", benchFile("w4.dna"), "-o", odd).status == 0)
        let r = datanet("verify", odd, "--json")
        #expect(r.status == 0, "\(r.err)")
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(fields["ok"] as? Bool == true)
        #expect(fields["module"] as? String == "bench_w4")
        #expect((fields["id"] as? String)?.count == 66)
        #expect(datanet("disasm", odd).status == 0)
    }

    @Test func missingFileAndUnknownExtensionAreReported() throws {
        let r = datanet("verify", "/nonexistent/x.dnb")
        #expect(r.status == 1)
        #expect(r.err.contains("no such file '/nonexistent/x.dnb'"))
        let dir = temporaryDirectory()
        let txt = dir.appendingPathComponent("x.txt").path
        try "hello".write(toFile: txt, atomically: true, encoding: .utf8)
        let e = datanet("verify", txt)
        #expect(e.status == 1)
        #expect(e.err.contains("unknown file type; expected .dn (source), .dna (assembly) or .dnb (bytecode)"), "\(e.err)")
        let wrong = datanet("asm")
        #expect(wrong.status == 2)
        #expect(wrong.err.contains("asm needs one .dna file"))
    }
}
