import Bytecode
import Compiler
import Diagnostics
import Foundation
import Testing
import Verifier
import VM

/// The benchmark workloads written in the language compute the reference checksums, at about the gas of
/// the hand-written assembly.
@Suite struct WorkloadCompileTests {
    private func workload(_ name: String) -> Program? {
        compileProgram(repositoryFile("Examples/bench/\(name).dn"))
    }

    private func assembly(_ name: String) -> Program? {
        guard let module = try? Assembler.assemble(repositoryFile("Examples/bench/\(name).dna")),
            let verified = try? Verifier.verify(module)
        else { return nil }
        return Program(verified)
    }

    @Test func w4ComputesTheChecksum() throws {
        let program = try #require(workload("w4"))
        #expect(run(program, "w4", [.int(10_000)]).values == [.int(4_803_349_563)])
    }

    @Test func w3ComputesTheChecksum() throws {
        let program = try #require(workload("w3"))
        #expect(run(program, "fib", [.int(15)]).values == [.int(610)])
    }

    @Test func w1ComputesTheChecksum() throws {
        let program = try #require(workload("w1"))
        #expect(run(program, "w1", [.int(1)]).values == [.int(1_838_009_971)])
    }

    @Test(arguments: [("w1", "w1", Int128(2)), ("w3", "fib", 15), ("w4", "w4", 10_000)])
    func compiledGasIsCloseToAssembly(name: String, function: String, argument: Int128) throws {
        let compiled = try #require(workload(name))
        let handWritten = try #require(assembly(name))
        let a = run(compiled, function, [.int(argument)])
        let b = run(handWritten, function, [.int(argument)])
        #expect(a.values == b.values)
        let ratio = Double(a.gasUsed) / Double(max(1, b.gasUsed))
        print("gas \(name): compiled \(a.gasUsed), assembly \(b.gasUsed), ratio \(ratio)")
        #expect(ratio <= 1.2)
    }
}
