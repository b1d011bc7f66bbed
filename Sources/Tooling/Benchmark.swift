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
}

/// Runs workloads on the VM: one untimed warm-up call, then `runs` timed calls; the median is kept
/// (the anchors' method). Timing uses the monotonic clock and is reported, never consensus-relevant.
public enum Benchmark {
    public static let gasLimit: Int64 = 1 << 50

    public static func run(_ workload: Workload, module: Module, runs: Int = 5) -> BenchmarkResult {
        var result = BenchmarkResult(
            name: workload.name, seconds: 0, nsPerIteration: 0, iterations: workload.iterations, gas: 0,
            checksum: nil, checksumOK: false, error: nil)
        let program: Program
        do {
            program = Program(try Verifier.verify(module))
        } catch {
            result.error = "\(workload.file): \(error)"
            return result
        }
        var times: [UInt64] = []
        for i in 0...max(1, runs) {
            var host = MemoryHost()
            let start = DispatchTime.now().uptimeNanoseconds
            let r = Interpreter.call(
                program, function: workload.function, args: [.int(workload.argument)], host: &host, gasLimit: gasLimit)
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
