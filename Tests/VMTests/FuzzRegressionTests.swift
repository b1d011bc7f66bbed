import Bytecode
import Foundation
import Testing
import Verifier
@testable import VM

/// Inputs the fuzzer (Fuzz/, Docs/fuzzing.md) found, replayed through the fuzz target's pipeline:
/// decode, round trip, verify, run every public and view function fused and unfused with zero
/// arguments and 100,000 gas.
@Suite struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    static var inputs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".dnb") }.sorted()
    }

    /// Runs `bytes` as the fuzz target does; returns each function's fused and unfused results.
    static func replay(_ bytes: [UInt8]) throws -> [(name: String, fused: ExecutionResult, plain: ExecutionResult)] {
        guard let module = try? ModuleCodec.decode(bytes) else { return [] }
        #expect(try ModuleCodec.decode(ModuleCodec.encode(module)) == module)
        #expect(ModuleCodec.encode(module) == bytes)
        guard let verified = try? Verifier.verify(module) else { return [] }
        let fused = Program(verified, fuse: true)
        let plain = Program(verified, fuse: false)
        var results: [(String, ExecutionResult, ExecutionResult)] = []
        for f in module.functions where f.kind == .public || f.kind == .view {
            let args = zeroArguments(f.params, in: module)
            results.append((f.name, call(fused, f.name, args, gas: 100_000), call(plain, f.name, args, gas: 100_000)))
        }
        return results
    }

    /// The zero value of every parameter, as the fuzz target passes them (`zeroValue`; the module is
    /// verified, so every type index is in range).
    static func zeroArguments(_ params: [UInt16], in module: Module) -> [Value] {
        params.map { zeroValue(of: module.types[Int($0)], in: module) }
    }

    @Test func thereAreInputsToReplay() {
        #expect(!Self.inputs.isEmpty, "no .dnb files in \(Self.directory.path)")
    }

    @Test(arguments: inputs)
    func fusedAndUnfusedAgreeOnGasAndResult(input: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(input)))
        for (name, fused, plain) in try Self.replay(bytes) {
            #expect(fused.gasUsed == plain.gasUsed, "\(input) \(name)")
            #expect(fused.values == plain.values, "\(input) \(name)")
            #expect(fused.trap?.reason == plain.trap?.reason, "\(input) \(name)")
        }
    }

    /// Finding 1 (Docs/fuzzing.md): a trap inside a fused superinstruction reports the offset of the
    /// superinstruction's first bytecode instruction (here `push_int 1` at 3 of `push_int 1; add_int`),
    /// not the instruction that trapped (`add_int` at 12), so fused and unfused runs, and the source
    /// position a source map would give, disagreed. Fixed: `Program.trapOrigin` locates traps by part.
    @Test func aTrapInsideASuperinstructionReportsTheTrappingInstruction() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent("fused-trap-offset.dnb")))
        let results = try Self.replay(bytes)
        let overflow = try #require(results.first { $0.name == "overflow" })
        #expect(overflow.plain.trap?.reason == .overflow)
        #expect(overflow.plain.trap?.offset == 12)
        #expect(overflow.fused.trap?.offset == 12)
    }

    /// The same for out of gas: the fused instruction is charged as a whole before its first part runs.
    @Test func outOfGasInsideASuperinstructionReportsTheSameOffsetFusedOrNot() throws {
        let source = """
            .module m
            .fn public f(a: int) -> int
                local_get a
                local_get a
                add_int
                ret
            """
        let fused = call(try program(source, fuse: true), "f", [.int(1)], gas: 1)
        let plain = call(try program(source, fuse: false), "f", [.int(1)], gas: 1)
        #expect(fused.trap?.reason == .outOfGas && plain.trap?.reason == .outOfGas)
        #expect(fused.gasUsed == 1 && plain.gasUsed == 1)
        #expect(plain.trap?.offset == 3)
        #expect(fused.trap?.offset == plain.trap?.offset)
    }

    /// Finding 3 (Docs/fuzzing.md): the superinstructions `local_get x; local_get y; add_int; local_set x`
    /// and `local_get x; push_int k; add_int; local_set x` charge all four instructions before they run,
    /// so when the addition overflows the fused run has also paid for the `local_set` that never ran:
    /// one gas more than the unfused run. Fixed: the trailing `local_set` is charged after the add.
    @Test(arguments: ["local_get a", "push_int 1"])
    func anOverflowInsideAFusedIncrementChargesTheSameGasAsUnfused(addend: String) throws {
        let source = """
            .module m
            .fn public f(a: int) -> int
                .local s: int
                push_const 170141183460469231731687303715884105727
                local_set s
                local_get s
                \(addend)
                add_int
                local_set s
                local_get s
                ret
            """
        let fused = call(try program(source, fuse: true), "f", [.int(1)])
        let plain = call(try program(source, fuse: false), "f", [.int(1)])
        #expect(fused.trap?.reason == .overflow && plain.trap?.reason == .overflow)
        #expect(fused.gasUsed == plain.gasUsed)
    }

    /// The input the fuzzer found for finding 3: `w1` overflows in `add_int` at offset 63 of such a
    /// sequence; it used 90,104 gas fused and 90,103 unfused when found. Since then the entry frame is
    /// charged (1 gas per 8 declared locals: 2 for w1's 10), so both now use 90,105.
    @Test func theFuzzInputOfTheFusedIncrementGasFinding() throws {
        let url = Self.directory.appendingPathComponent("fused-trap-gas.dnb")
        let results = try Self.replay([UInt8](Data(contentsOf: url)))
        let w1 = try #require(results.first { $0.name == "w1" })
        #expect(w1.plain.trap?.reason == .overflow && w1.fused.trap?.reason == .overflow)
        #expect(w1.plain.gasUsed == 90_105)
        #expect(w1.fused.gasUsed == w1.plain.gasUsed)
    }
}
