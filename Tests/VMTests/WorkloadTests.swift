import Bytecode
import Testing
import Verifier
@testable import VM

private func run(_ module: Module, _ name: String, _ args: [Value], gas: Int64 = 1 << 40, fuse: Bool = true) throws -> ExecutionResult {
    let program = Program(try Verifier.verify(module), fuse: fuse)
    var host = MemoryHost()
    return Interpreter.call(program, function: name, args: args, host: &host, gasLimit: gas)
}

@Test(arguments: [true, false])
func w4MatchesTheReferenceChecksum(fuse: Bool) throws {
    let r = try run(Workloads.w4(), "w4", [.int(10_000)], fuse: fuse)
    #expect(r.values == [.int(4_803_349_563)])
}

@Test(arguments: [true, false])
func fibOf15Is610(fuse: Bool) throws {
    let r = try run(Workloads.fib(), "fib", [.int(15)], fuse: fuse)
    #expect(r.values == [.int(610)])
}

@Test func fusedAndUnfusedCodeChargeTheSameGas() throws {
    let a = try run(Workloads.w4(), "w4", [.int(1000)], fuse: true)
    let b = try run(Workloads.w4(), "w4", [.int(1000)], fuse: false)
    #expect(a.gasUsed == b.gasUsed)
    #expect(a.gasUsed > 1000)
}
