import Bytecode
import Compiler
import Diagnostics
import Testing
import Verifier
import VM

/// `Stdlib/math.dn` compiles as a library and as part of a contract, and its functions are exact.
@Suite struct StdlibTests {
    private static let maxInt = Int128.max

    private func math() -> Program? {
        guard let module = compileModule(repositoryFile("Stdlib/math.dn"), path: "math.dn"),
            let verified = try? Verifier.verify(module)
        else { return nil }
        return Program(verified)
    }

    private func call(_ program: Program, _ name: String, _ args: [Int128]) -> String {
        let result = run(program, name, args.map { .int($0) })
        switch result.outcome {
        case .success(let values): return values.map(show).joined()
        case .failure(let trap): return "trap: \(trap.message)"
        }
    }

    @Test func mulDivIsExactWherePlainArithmeticOverflows() throws {
        let p = try #require(math())
        #expect(call(p, "mul_div", [100, 1, 3]) == "33")
        #expect(call(p, "mul_div", [100, 2, 3]) == "66")
        #expect(call(p, "mul_div", [-100, 2, 3]) == "-66")
        #expect(call(p, "mul_div", [7, 0, 3]) == "0")
        let big: Int128 = 1 << 100
        #expect(call(p, "mul_div", [big, big, big]) == "\(big)")
        #expect(call(p, "mul_div", [Self.maxInt, Self.maxInt, Self.maxInt]) == "\(Self.maxInt)")
        #expect(call(p, "mul_div", [Self.maxInt - 1, Self.maxInt - 3, Self.maxInt]) == "\(Self.maxInt - 4)")
        let amount: Int128 = 123_456_789_012_345_678_901_234_567
        let weight: Int128 = 987_654_321_098_765_432_109
        let total: Int128 = 1_000_000_000_000_000_000_000
        #expect(call(p, "mul_div", [amount, weight, total]) == "121932631137021795226076816")
        #expect(call(p, "mul_div", [1, 1, 0]) == "trap: division by zero")
    }

    @Test func minMaxClamp() throws {
        let p = try #require(math())
        #expect(call(p, "min", [3, -4]) == "-4")
        #expect(call(p, "max", [3, -4]) == "3")
        #expect(call(p, "clamp", [15, 0, 10]) == "10")
        #expect(call(p, "clamp", [-5, 0, 10]) == "0")
        #expect(call(p, "clamp", [5, 0, 10]) == "5")
    }

    @Test func powAndSqrt() throws {
        let p = try #require(math())
        #expect(call(p, "pow", [2, 10]) == "1024")
        #expect(call(p, "pow", [-3, 3]) == "-27")
        #expect(call(p, "pow", [7, 0]) == "1")
        #expect(call(p, "pow", [2, 126]) == "\(Int128(1) << 126)")
        #expect(call(p, "pow", [2, 127]) == "trap: overflow")
        for (x, r) in [(0, 0), (1, 1), (2, 1), (3, 1), (4, 2), (99, 9), (100, 10), (1_000_000_007, 31_622)]
            as [(Int128, Int128)]
        {
            #expect(call(p, "sqrt", [x]) == "\(r)")
        }
        #expect(call(p, "sqrt", [Self.maxInt]) == "13043817825332782212")
    }

    @Test func contractsUseTheLibraryByItsQualifier() throws {
        let p = try #require(
            compileProgram(
                """
                contract C
                use std.math
                pub fn f(a: Int) -> Int {
                    return math.mul_div(a, 2, 3) + math.max(1, 2) + math.MAX_INT / math.MAX_INT
                }
                """))
        #expect(run(p, "f", [.int(100)]).values == [.int(66 + 2 + 1)])
        #expect(p.module.functions.map(\.name).contains("math.mul_div"))
        #expect(!p.module.functions.map(\.name).contains("math.pow"))
    }
}
