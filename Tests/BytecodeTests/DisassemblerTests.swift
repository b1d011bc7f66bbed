import Foundation
import Testing

@testable import Bytecode

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Every `.dna` file under Examples/bench, sorted by name.
func benchFiles() throws -> [URL] {
    let dir = packageRoot.appendingPathComponent("Examples/bench")
    return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "dna" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

@Suite struct DisassemblerTests {
    func roundTrip(_ m: Module) throws {
        let text = Disassembler.text(of: m)
        do {
            let back = try Assembler.assemble(text, fileName: "disasm.dna")
            #expect(back == m, "disassembly did not round-trip:\n\(text)")
        } catch {
            Issue.record("disassembly does not assemble: \(error)\n\(text)")
        }
    }

    @Test func sampleRoundTrips() throws {
        try roundTrip(sampleModule())
        try roundTrip(Module(name: ""))
    }

    @Test func randomModulesRoundTrip() throws {
        var gen = RandomModules(seed: 2)
        for _ in 0..<400 { try roundTrip(gen.module()) }
    }

    @Test func benchWorkloadsRoundTrip() throws {
        let files = try benchFiles()
        #expect(files.map(\.lastPathComponent) == ["w1.dna", "w2.dna", "w3.dna", "w4.dna"])
        for url in files {
            let source = try String(contentsOf: url, encoding: .utf8)
            let m = try Assembler.assemble(source, fileName: url.lastPathComponent)
            #expect(try ModuleCodec.decode(ModuleCodec.encode(m)) == m)
            try roundTrip(m)
        }
    }

    @Test func deepTypesPrintAsIndices() throws {
        // types[k] = map<types[k-1], types[k-1]>: spelled out, entry 60 would be 2^60 words long
        var m = Module(name: "deep", types: [.int])
        for k in 1...60 { m.types.append(.map(key: UInt16(k - 1), value: UInt16(k - 1))) }
        m.state = [Field(name: "s", type: 60)]
        let text = Disassembler.text(of: m)
        #expect(text.count < 10_000)
        #expect(text.contains(".state s: %60"))
        try roundTrip(m)
    }

    @Test func undecodableCodePrintsAsBytes() throws {
        let f = Function(name: "bad", kind: .public, params: [], results: [], locals: [], maxStack: 0,
            code: [0xFF, 0x01, 0x02])
        let m = Module(name: "m", functions: [f])
        let text = Disassembler.text(of: m)
        #expect(text.contains(".bytes x\"ff0102\""))
        try roundTrip(m)
        // a decodable prefix still prints as instructions, with labels
        let g = Function(name: "half", kind: .public, params: [], results: [], locals: [], maxStack: 0,
            code: [Opcode.jump.rawValue, 5, 0, 0, 0, Opcode.nop.rawValue, 0xEE, Opcode.pushInt.rawValue, 1])
        let m2 = Module(name: "m", functions: [g])
        let text2 = Disassembler.text(of: m2)
        #expect(text2.contains("jump L5"))
        #expect(text2.contains("unknown opcode 0xee at offset 6"))
        #expect(text2.contains(".bytes x\"ee0101\""))
        try roundTrip(m2)
    }

    @Test func labelsOffsetsAndSourcePositions() throws {
        let m = try Assembler.assemble(
            """
            .module m
            .fn public f(n: int) -> int
                .loc "a.dn" 3 7
                local_get n
                jump_if done
                push_int 1
                ret
            done:
                push_int 2
                ret
            """)
        let text = Disassembler.text(of: m)
        #expect(text.contains("L18:"))
        #expect(text.contains("jump_if L18"))
        #expect(text.contains(".loc \"a.dn\" 3 7"))
        #expect(text.contains("; 3"))  // offset of jump_if
        try roundTrip(m)
    }
}
