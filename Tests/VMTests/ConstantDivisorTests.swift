import Bytecode
import Testing
@testable import VM

@Test func magicDivisionEqualsPlainDivisionForEdgeAndRandomOperands() {
    var rng = SplitMix64(seed: 7)
    var divisors: [Int64] = Array(2...300) + [1_000_003, 2_147_483_647, 10_000, Int64.max, Int64.max - 1, 1 << 62]
    for k in 2...62 { divisors += [Int64(1) << k, (Int64(1) << k) - 1, (Int64(1) << k) + 1] }
    for _ in 0..<300 { divisors.append(Int64.random(in: 2...Int64.max, using: &rng)) }
    var failures = 0
    for d in divisors {
        guard let magic = ConstantDivisor(d) else {
            Issue.record("no magic for \(d)")
            continue
        }
        var dividends: [UInt64] = [0, 1, UInt64(d) - 1, UInt64(d), UInt64(d) + 1, UInt64(Int64.max), UInt64(Int64.max) - 1]
        for _ in 0..<200 { dividends.append(UInt64.random(in: 0...UInt64(Int64.max), using: &rng)) }
        for _ in 0..<50 { dividends.append(UInt64.random(in: 0...UInt64(d) &* 3 / 2, using: &rng)) }
        for n in dividends where magic.quotient(n) != n / UInt64(d) || magic.remainder(n) != n % UInt64(d) {
            failures += 1
            if failures < 5 { Issue.record("\(n) / \(d): magic \(magic.quotient(n)) r \(magic.remainder(n))") }
        }
    }
    #expect(failures == 0)
}

@Test func divisorsBelowTwoTakeThePlainPath() {
    #expect(ConstantDivisor(1) == nil)
    #expect(ConstantDivisor(0) == nil)
    #expect(ConstantDivisor(-5) == nil)
}

@Test func divisionByAnImmediateMatchesTheGeneralPathOnNegativeAndHugeDividends() throws {
    // x / 7 and x % 7 through div_int/mod_int with a push_int divisor (fused into div_i/mod_i) and
    // through a divisor held in a local (never fused into the magic path).
    let source = """
    .module m
    .fn public f(x: int) -> int
        local_get x
        push_int 7
        div_int
        local_get x
        push_int 7
        mod_int
        push_int 1000
        mul_int
        add_int
        ret
    .fn public g(x: int, d: int) -> int
        local_get x
        local_get d
        div_int
        local_get x
        local_get d
        mod_int
        push_int 1000
        mul_int
        add_int
        ret
    """
    let p = try program(source)
    let samples: [Int128] = [0, 1, 6, 7, 8, -1, -6, -7, -8, Int128(Int64.max), Int128(Int64.max) + 1,
                             Int128(Int64.min), Int128(Int64.min) - 1, 1 << 100, -(1 << 100)]
    for x in samples {
        let fused = call(p, "f", [.int(x)]).values
        let general = call(p, "g", [.int(x), .int(7)]).values
        #expect(fused != nil && fused == general, "x = \(x)")
    }
}
