import Bytecode
import Testing
@testable import VM

// Dec opcodes (value × 10^18, checked, rounding toward zero) and Bool opcodes.

private let one: Int128 = 1_000_000_000_000_000_000

private func dec(_ op: String, _ a: Int128, _ b: Int128, result: String = "dec") throws -> Run {
    try run("""
        .fn public f(a: dec, b: dec) -> \(result)
            local_get a
            local_get b
            \(op)
            ret
        """, "f", [.dec(a), .dec(b)])
}

private func unary(_ op: String, _ from: String, _ to: String, _ arg: Value) throws -> Run {
    try run(".fn public f(a: \(from)) -> \(to)\n    local_get a\n    \(op)\n    ret", "f", [arg])
}

@Test func addAndSubDecAreExactAndTrapOnOverflow() throws {
    #expect(try dec("add_dec", one / 2, one / 4).values == [.dec(3 * one / 4)])
    #expect(try dec("sub_dec", one / 4, one).values == [.dec(-3 * one / 4)])
    #expect(try dec("add_dec", .max, 1).reason == .overflow)
    #expect(try dec("sub_dec", .min, 1).reason == .overflow)
}

@Test func mulDecScalesAndRoundsTowardZero() throws {
    #expect(try dec("mul_dec", 3 * one / 2, 2 * one).values == [.dec(3 * one)])
    // 3e-18 * 0.5 = 1.5e-18 -> 1e-18; the negative product rounds up to -1e-18, not down to -2e-18.
    #expect(try dec("mul_dec", 3, one / 2).values == [.dec(1)])
    #expect(try dec("mul_dec", -3, one / 2).values == [.dec(-1)])
    #expect(try dec("mul_dec", 3, -one / 2).values == [.dec(-1)])
    #expect(try dec("mul_dec", -1, one / 2).values == [.dec(0)])
    #expect(try dec("mul_dec", -3 * one / 2, -3 * one / 2).values == [.dec(9 * one / 4)])
}

@Test func mulDecUsesA256BitIntermediate() throws {
    let e19 = 10_000_000_000_000_000_000 * one  // 1e19, raw 1e37: products need more than 128 bits
    #expect(try dec("mul_dec", e19, 10 * one).values == [.dec(10 * e19)])
    #expect(try dec("mul_dec", -e19, 10 * one).values == [.dec(-10 * e19)])
    #expect(try dec("mul_dec", 10 * e19, one / 2).values == [.dec(5 * e19)])
    // 1e20 * 1e20 = 1e40 exceeds Dec's range (about 1.7e20).
    #expect(try dec("mul_dec", 10 * e19, 10 * e19).reason == .overflow)
    #expect(try dec("mul_dec", .max, 2 * one).reason == .overflow)
    #expect(try dec("mul_dec", .min, one).values == [.dec(.min)])
    #expect(try dec("mul_dec", .max, -one).values == [.dec(-.max)])
}

@Test func divDecRoundsTowardZero() throws {
    #expect(try dec("div_dec", one, 3 * one).values == [.dec(333_333_333_333_333_333)])
    #expect(try dec("div_dec", 2 * one, 3 * one).values == [.dec(666_666_666_666_666_666)])
    #expect(try dec("div_dec", -2 * one, 3 * one).values == [.dec(-666_666_666_666_666_666)])
    #expect(try dec("div_dec", 2 * one, -3 * one).values == [.dec(-666_666_666_666_666_666)])
    #expect(try dec("div_dec", -one, -4 * one).values == [.dec(one / 4)])
    // 1e20 / 2: a * 10^18 = 1e56 needs the 256-bit intermediate.
    let e20 = 100_000_000_000_000_000_000 * one
    #expect(try dec("div_dec", e20, 2 * one).values == [.dec(e20 / 2)])
}

@Test func divDecTrapsOnZeroAndOverflow() throws {
    #expect(try dec("div_dec", one, 0).reason == .divisionByZero)
    let e20 = 100_000_000_000_000_000_000 * one
    #expect(try dec("div_dec", e20, one / 2).reason == .overflow)
    #expect(try dec("div_dec", .min, -one).reason == .overflow)
    #expect(try dec("div_dec", .min, one).values == [.dec(.min)])
}

@Test func negDecNegatesAndTrapsOnMin() throws {
    #expect(try unary("neg_dec", "dec", "dec", .dec(one)).values == [.dec(-one)])
    #expect(try unary("neg_dec", "dec", "dec", .dec(.min)).reason == .overflow)
}

@Test(arguments: [(1, 2), (2, 1), (5, 5), (.min, .max), (-1, 0)] as [(Int128, Int128)])
func decComparisonsMatchSwift(a: Int128, b: Int128) throws {
    let cases: [(String, Bool)] = [
        ("eq_dec", a == b), ("ne_dec", a != b), ("lt_dec", a < b), ("le_dec", a <= b), ("gt_dec", a > b),
        ("ge_dec", a >= b),
    ]
    for (op, expected) in cases {
        #expect(try dec(op, a, b, result: "bool").values == [.bool(expected)], "\(op) \(a) \(b)")
    }
}

@Test func intToDecScalesAndTrapsPastTheDecRange() throws {
    let largest = Int128.max / one  // 170141183460469231731
    let smallest = Int128.min / one  // -170141183460469231731 (truncated toward zero)
    #expect(try unary("int_to_dec", "int", "dec", .int(-5)).values == [.dec(-5 * one)])
    #expect(try unary("int_to_dec", "int", "dec", .int(largest)).values == [.dec(largest * one)])
    #expect(try unary("int_to_dec", "int", "dec", .int(smallest)).values == [.dec(smallest * one)])
    #expect(try unary("int_to_dec", "int", "dec", .int(largest + 1)).reason == .overflow)
    #expect(try unary("int_to_dec", "int", "dec", .int(smallest - 1)).reason == .overflow)
    #expect(try unary("int_to_dec", "int", "dec", .int(.max)).reason == .overflow)
}

@Test func decToIntTruncatesTowardZero() throws {
    #expect(try unary("dec_to_int", "dec", "int", .dec(29 * one / 10)).values == [.int(2)])
    #expect(try unary("dec_to_int", "dec", "int", .dec(-29 * one / 10)).values == [.int(-2)])
    #expect(try unary("dec_to_int", "dec", "int", .dec(-1)).values == [.int(0)])
    #expect(try unary("dec_to_int", "dec", "int", .dec(.min)).values == [.int(Int128.min / one)])
}

// MARK: - Bool

@Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
func boolOpcodesFollowTheirTruthTables(a: Bool, b: Bool) throws {
    for (op, expected) in [("and", a && b), ("or", a || b), ("eq_bool", a == b), ("ne_bool", a != b)] {
        let r = try run("""
            .fn public f(a: bool, b: bool) -> bool
                local_get a
                local_get b
                \(op)
                ret
            """, "f", [.bool(a), .bool(b)])
        #expect(r.values == [.bool(expected)], "\(op) \(a) \(b)")
    }
    #expect(try unary("not", "bool", "bool", .bool(a)).values == [.bool(!a)])
}

// MARK: - seeded differential test against exact Int128 arithmetic where it suffices

@Test func randomDecProductsAndQuotientsMatchTruncatedExactArithmetic() throws {
    // Where a * b (or a * 10^18) fits in Int128, the exact result truncated toward zero is Swift's `/`.
    let source = { (op: String) in
        ".fn public f(a: dec, b: dec) -> dec\n    local_get a\n    local_get b\n    \(op)\n    ret"
    }
    let mul = [try program(source("mul_dec"), fuse: false), try program(source("mul_dec"))]
    let div = [try program(source("div_dec"), fuse: false), try program(source("div_dec"))]
    var rng = SplitMix64(seed: 18)
    var checked = 0
    for _ in 0..<600 {
        // Magnitudes from 1 to 2^100, either sign, so both the 64-bit path and the wide path run.
        let a = (Int128(rng.next()) << 64 | Int128(rng.next())) >> Int128(27 + rng.next() % 100)
            * (rng.next() % 2 == 0 ? 1 : -1)
        let b = (Int128(rng.next()) << 64 | Int128(rng.next())) >> Int128(27 + rng.next() % 100)
            * (rng.next() % 2 == 0 ? 1 : -1)
        let (product, productOverflow) = a.multipliedReportingOverflow(by: b)
        if !productOverflow {
            checked += 1
            for p in mul { #expect(call(p, "f", [.dec(a), .dec(b)]).values == [.dec(product / one)], "\(a) * \(b)") }
        }
        let (scaled, scaledOverflow) = a.multipliedReportingOverflow(by: one)
        if !scaledOverflow && b != 0 {
            checked += 1
            for p in div { #expect(call(p, "f", [.dec(a), .dec(b)]).values == [.dec(scaled / b)], "\(a) / \(b)") }
        }
    }
    #expect(checked > 300)
}
