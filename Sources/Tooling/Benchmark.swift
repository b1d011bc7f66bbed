import Bytecode
import Dispatch
import Verifier
import VM

/// One benchmark workload: a function of an assembled module, its argument and expected checksum
/// (shared/anchors/README.md "Workloads").
public struct Workload: Sendable {
    public var name: String
    /// Path of the `.dna` file relative to the repository's `Examples/bench`.
    public var file: String
    public var function: String
    public var argument: Int128
    /// Inner iterations, for ns per iteration (R×N for W1, calls for W3, n for W4).
    public var iterations: Int
    public var expected: Int128

    public static let standard: [Workload] = [
        Workload(name: "W1", file: "w1.dna", function: "w1", argument: 100, iterations: 1_000_000, expected: 1_264_892_055),
        Workload(name: "W3", file: "w3.dna", function: "fib", argument: 27, iterations: 635_621, expected: 196_418),
        Workload(name: "W4", file: "w4.dna", function: "w4", argument: 10_000_000, iterations: 10_000_000, expected: 4_998_974_987_425),
    ]

    /// W2: W1 with the payouts added into a storage map (`balances[i] += p`), run through the chain's
    /// journaled host over the memory store (`datanet bench` does this: Tooling does not know the chain).
    public static let w2 = Workload(
        name: "W2", file: "w2.dna", function: "w2", argument: 3, iterations: 30_000, expected: 1_219_062_622)
}

/// A measured workload.
public struct BenchmarkResult: Sendable {
    public var name: String
    public var seconds: Double
    public var nsPerIteration: Double
    public var iterations: Int
    public var gas: Int64
    public var checksum: Int128?
    public var checksumOK: Bool
    public var error: String?

    /// A workload that could not run.
    public static func failed(_ workload: Workload, _ message: String) -> BenchmarkResult {
        BenchmarkResult(
            name: workload.name, seconds: 0, nsPerIteration: 0, iterations: workload.iterations, gas: 0,
            checksum: nil, checksumOK: false, error: message)
    }
}

/// Runs workloads on the VM: one untimed warm-up call, then `runs` timed calls; the median is kept
/// (the anchors' method). Timing uses the monotonic clock and is reported, never consensus-relevant.
public enum Benchmark {
    public static let gasLimit: Int64 = 1 << 50

    public static func run(_ workload: Workload, module: Module, runs: Int = 5) -> BenchmarkResult {
        let program: Program
        do {
            program = Program(try Verifier.verify(module))
        } catch {
            var result = BenchmarkResult(
                name: workload.name, seconds: 0, nsPerIteration: 0, iterations: workload.iterations, gas: 0,
                checksum: nil, checksumOK: false, error: nil)
            result.error = "\(workload.file): \(error)"
            return result
        }
        return run(workload, runs: runs) {
            var host = MemoryHost()
            let r = Interpreter.call(
                program, function: workload.function, args: [.int(workload.argument)], host: &host, gasLimit: gasLimit)
            return (r.outcome, r.gasUsed)
        }
    }

    /// Times `call` (which runs `workload` once, on whatever host it chooses) the anchors' way.
    public static func run(
        _ workload: Workload, runs: Int = 5, call: () -> (outcome: Result<[Value], Trap>, gasUsed: Int64)
    ) -> BenchmarkResult {
        var result = BenchmarkResult(
            name: workload.name, seconds: 0, nsPerIteration: 0, iterations: workload.iterations, gas: 0,
            checksum: nil, checksumOK: false, error: nil)
        var times: [UInt64] = []
        for i in 0...max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            let r = call()
            let elapsed = DispatchTime.now().uptimeNanoseconds &- start
            switch r.outcome {
            case .success(let values):
                if case .int(let v)? = values.first { result.checksum = v }
                result.gas = r.gasUsed
            case .failure(let trap):
                result.error = "\(workload.name) trapped: \(trap)"
                return result
            }
            if i > 0 { times.append(elapsed) }
        }
        times.sort()
        let median = times[times.count / 2]
        result.seconds = Double(median) / 1e9
        result.nsPerIteration = Double(median) / Double(max(1, workload.iterations))
        result.checksumOK = result.checksum == workload.expected
        return result
    }
}
