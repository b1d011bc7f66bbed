import Bytecode
import Testing
import Verifier
@testable import VM

private func run(_ file: String, _ function: String, _ arg: Int128, fuse: Bool) throws -> ExecutionResult {
    call(Program(try Verifier.verify(try benchModule(file)), fuse: fuse), function, [.int(arg)])
}

@Test(arguments: [true, false])
func w1MatchesTheReferenceChecksum(fuse: Bool) throws {
    #expect(try run("w1.dna", "w1", 1, fuse: fuse).values == [.int(1_838_009_971)])
}

@Test(arguments: [true, false])
func w3FibMatchesTheReference(fuse: Bool) throws {
    #expect(try run("w3.dna", "fib", 15, fuse: fuse).values == [.int(610)])
}

@Test(arguments: [true, false])
func w4MatchesTheReferenceChecksum(fuse: Bool) throws {
    #expect(try run("w4.dna", "w4", 10_000, fuse: fuse).values == [.int(4_803_349_563)])
}

@Test(arguments: ["w1.dna:w1:2", "w3.dna:fib:12", "w4.dna:w4:5000"])
func superinstructionsChargeExactlyTheGasOfTheInstructionsTheyReplace(spec: String) throws {
    let parts = spec.split(separator: ":").map(String.init)
    let fused = try run(parts[0], parts[1], Int128(parts[2]) ?? 0, fuse: true)
    let plain = try run(parts[0], parts[1], Int128(parts[2]) ?? 0, fuse: false)
    #expect(fused.values == plain.values)
    #expect(fused.gasUsed == plain.gasUsed)
    #expect(fused.gasUsed > 0)
}

@Test func outOfGasStopsAtTheSameInstructionFusedOrNot() throws {
    for limit: Int64 in [1, 2, 17, 1000, 12_345] {
        let fused = try run("w4.dna", "w4", 1000, fuse: true, gas: limit)
        let plain = try run("w4.dna", "w4", 1000, fuse: false, gas: limit)
        #expect(fused.trap?.reason == .outOfGas)
        #expect(plain.trap?.reason == .outOfGas)
        #expect(fused.gasUsed == limit && plain.gasUsed == limit)
    }
}

private func run(_ file: String, _ function: String, _ arg: Int128, fuse: Bool, gas: Int64) throws -> ExecutionResult {
    call(Program(try Verifier.verify(try benchModule(file)), fuse: fuse), function, [.int(arg)], gas: gas)
}

@Test func internalOpsMirrorEveryOpcodeAndSuperinstructionsFollowThem() {
    // Lowering maps an opcode to the internal op with the same raw value and name.
    for op in Opcode.allCases {
        #expect(InternalOp(rawValue: op.rawValue).map { "\($0)" } == "\(op)", "\(op)")
    }
    let last = Opcode.allCases.map(\.rawValue).max() ?? 0
    #expect(InternalOp.getGet.rawValue == last + 1)
}
