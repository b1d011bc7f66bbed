import Bytecode
import Foundation
import Testing
import Verifier
@testable import VM

/// Properties over random valid programs (`RandomPrograms`): the codec round-trips them, and running
/// one is a pure function of program and arguments, fused or not, in this process or another.
@Suite struct PropertyTests {
    static let seeds: [UInt64] = Array(1...150)

    /// Assembles and verifies the program of `seed`; a program the generator wrote must verify.
    static func generate(
        _ seed: UInt64
    ) throws -> (module: Module, functions: [RandomPrograms.FunctionText], rng: RandomPrograms) {
        var gen = RandomPrograms(seed: seed)
        let (text, functions) = gen.moduleText()
        let module: Module
        do {
            module = try Assembler.assemble(text)
        } catch {
            Issue.record("seed \(seed): generated program does not assemble: \(error)\n\(text)")
            throw error
        }
        do {
            _ = try Verifier.verify(module)
        } catch {
            Issue.record("seed \(seed): generated program does not verify: \(error)\n\(text)")
            throw error
        }
        return (module, functions, gen)
    }

    @Test(arguments: seeds)
    func encodeDecodeRoundTrips(seed: UInt64) throws {
        let (module, _, _) = try Self.generate(seed)
        let bytes = ModuleCodec.encode(module)
        let decoded = try ModuleCodec.decode(bytes)
        #expect(decoded == module)
        #expect(ModuleCodec.encode(decoded) == bytes)
        #expect(ModuleCodec.id(of: bytes) == ModuleCodec.id(of: ModuleCodec.encode(decoded)))
    }

    @Test(arguments: seeds)
    func sameProgramSameArgumentsGiveTheSameResultAndGasFusedOrNot(seed: UInt64) throws {
        var (module, functions, gen) = try Self.generate(seed)
        let verified = try Verifier.verify(module)
        let fused = Program(verified, fuse: true)
        let plain = Program(verified, fuse: false)
        for f in RandomPrograms.entryPoints(functions) {
            let args = gen.arguments(f.params).values
            let first = call(fused, f.name, args, gas: 1_000_000)
            let second = call(fused, f.name, args, gas: 1_000_000)
            let unfused = call(plain, f.name, args, gas: 1_000_000)
            #expect(first.gasUsed > 0, "seed \(seed) \(f.name)")
            #expect(first.gasUsed == second.gasUsed, "seed \(seed) \(f.name)")
            #expect(first.outcome == second.outcome, "seed \(seed) \(f.name)")
            #expect(first.gasUsed == unfused.gasUsed, "seed \(seed) \(f.name): fused vs unfused gas")
            #expect(
                sameOutcomeIgnoringTrapOffset(first, unfused), "seed \(seed) \(f.name): fused \(first) vs \(unfused)")
        }
    }

    /// The generator is worth its time: most calls return (so results are compared, not only traps) and
    /// some trap, with more than one reason.
    @Test func generatedProgramsMostlyReturnAndSometimesTrap() throws {
        var returned = 0, trapped = 0
        var reasons: Set<String> = []
        for seed in Self.seeds {
            var (module, functions, gen) = try Self.generate(seed)
            let program = Program(try Verifier.verify(module))
            for f in RandomPrograms.entryPoints(functions) {
                let r = call(program, f.name, gen.arguments(f.params).values, gas: 1_000_000)
                if let t = r.trap {
                    trapped += 1
                    reasons.insert(t.reason.message)
                } else {
                    returned += 1
                }
            }
        }
        #expect(returned > 2 * trapped)
        #expect(trapped >= 10)
        #expect(reasons.count >= 2, "\(reasons)")
    }

    /// Out of gas at every limit below what a call needs: fused code metered by runs and unfused code
    /// metered step by step (the reference) stop alike, consume the whole limit, and agree with a second run.
    @Test(arguments: Array(seeds.prefix(40)))
    func outOfGasIsTheSameAtEveryLimitFusedOrNot(seed: UInt64) throws {
        var (module, functions, gen) = try Self.generate(seed)
        let verified = try Verifier.verify(module)
        let fused = Program(verified, fuse: true)
        let plain = Program(verified, fuse: false, meteredByRuns: false)
        for f in RandomPrograms.entryPoints(functions) {
            let args = gen.arguments(f.params).values
            let full = call(fused, f.name, args, gas: 1_000_000)
            for limit in stride(from: Int64(0), to: min(full.gasUsed, 200), by: 1) {
                let a = call(fused, f.name, args, gas: limit)
                let b = call(plain, f.name, args, gas: limit)
                #expect(a.gasUsed == b.gasUsed, "seed \(seed) \(f.name) limit \(limit)")
                #expect(sameOutcomeIgnoringTrapOffset(a, b), "seed \(seed) \(f.name) limit \(limit): \(a) vs \(b)")
                if full.trap == nil {
                    #expect(a.trap?.reason == .outOfGas && a.gasUsed == limit, "seed \(seed) \(f.name) limit \(limit)")
                }
            }
        }
    }

    /// `datanet run FILE.dnb --call ...` in two separate processes prints the same bytes, and the gas it
    /// prints is the gas of an in-process call.
    @Test func twoProcessesPrintTheSameOutput() throws {
        let binary = repositoryRoot.appendingPathComponent(".build/debug/datanet")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("missing \(binary.path): build it with 'swift build --build-tests' before 'swift test'")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datanet-props-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var calls = 0
        for seed in Self.seeds.prefix(12) {
            var (module, functions, gen) = try Self.generate(seed)
            let file = dir.appendingPathComponent("m\(seed).dnb")
            try Data(ModuleCodec.encode(module)).write(to: file)
            let fused = Program(try Verifier.verify(module))
            for f in RandomPrograms.entryPoints(functions) {
                let (values, text) = gen.arguments(f.params)
                let callText = "\(f.name)(\(text.joined(separator: ", ")))"
                let args = ["run", file.path, "--call", callText]
                let a = try runProcess(binary, args)
                let b = try runProcess(binary, args)
                #expect(a == b, "seed \(seed) \(callText)")
                let expected = call(fused, f.name, values, gas: 10_000_000)
                #expect(a.out.contains("gas used: \(expected.gasUsed)\n"), "seed \(seed) \(callText): \(a)")
                #expect(a.status == (expected.trap == nil ? 0 : 1), "seed \(seed) \(callText): \(a)")
                calls += 1
            }
        }
        #expect(calls >= 10)
    }

    /// Results equal, or traps with the same reason in the same function. A fused superinstruction
    /// reports the offset of its first bytecode instruction, not of the one that trapped
    /// (FuzzRegressionTests pins that as a known issue), so offsets are compared there, not here.
    func sameOutcomeIgnoringTrapOffset(_ a: ExecutionResult, _ b: ExecutionResult) -> Bool {
        switch (a.outcome, b.outcome) {
        case (.success(let x), .success(let y)): x == y
        case (.failure(let x), .failure(let y)): x.reason == y.reason && x.function == y.function
        default: false
        }
    }

    struct ProcessOutput: Equatable {
        var status: Int32
        var out: String
        var err: String
    }

    func runProcess(_ binary: URL, _ args: [String]) throws -> ProcessOutput {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ProcessOutput(
            status: p.terminationStatus, out: String(decoding: outData, as: UTF8.self),
            err: String(decoding: errData, as: UTF8.self))
    }
}
