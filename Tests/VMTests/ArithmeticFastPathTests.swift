import Bytecode
import Testing
@testable import VM

/// Operands around every boundary the 64-bit fast paths test: the sign, 2^31, 2^32, sqrt(2^63), Int64's
/// ends, 2^63 and 2^64 (which fit in 128 bits but not in Int64), and Int128's ends.
private let boundaries: [Int128] = {
    let base: [Int128] = [
        0, 1, 2, 3, 7, 1_000_003, (1 << 31) - 1, 1 << 31, (1 << 32) - 1, 1 << 32,
        3_037_000_499, 3_037_000_500,  // the largest square below 2^63, and the first above
        Int128(Int64.max) - 1, Int128(Int64.max), 1 << 63, (1 << 63) + 1, Int128(UInt64.max), 1 << 64,
        (1 << 64) + 1, 1 << 100, Int128.max - 1, Int128.max,
    ]
    return base + base.map { -$0 } + [Int128.min, Int128.min + 1]
}()

/// The multiply, divide and remainder of the interpreter (64-bit fast paths inline, the rest out of line)
/// against Int128's own checked operations and `IntegerSemantics`, for every pair of boundary operands.
@Test func fastPathsAgreeWithPlain128BitArithmeticOnEveryBoundaryPair() {
    var mismatches: [String] = []
    for a in boundaries {
        for b in boundaries {
            let (p, o) = a.multipliedReportingOverflow(by: b)
            if Arithmetic.mul(a, b) != (o ? nil : p) { mismatches.append("\(a) * \(b)") }

            let quotient: IntegerSemantics.Outcome
            switch Arithmetic.div(a, b) {
            case .ok(let q): quotient = .value(q)
            case .divisionByZero: quotient = .divisionByZero
            case .overflow: quotient = .overflow
            }
            if quotient != IntegerSemantics.quotient(a, b) { mismatches.append("\(a) / \(b)") }

            let remainder: IntegerSemantics.Outcome = Arithmetic.rem(a, b).map { .value($0) } ?? .divisionByZero
            if remainder != IntegerSemantics.remainder(a, b) { mismatches.append("\(a) % \(b)") }

            // The non-negative 63-bit product: only when both operands and the product are in 0 ..< 2^63.
            let inRange = a >= 0 && a < (1 << 63) && b >= 0 && b < (1 << 63)
            let expected: UInt64? = inRange && !o && p < (1 << 63) ? UInt64(p) : nil
            if Arithmetic.smallProduct(a, b) != expected { mismatches.append("smallProduct(\(a), \(b))") }
        }
        let expected: UInt64? = a >= 0 && a < (1 << 63) ? UInt64(a) : nil
        if Arithmetic.small(a) != expected { mismatches.append("small(\(a))") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
}

/// `x += a * b % k` (`acc_mul_ll_mod_i`) and `a * b % k` (`mul_ll_mod_i`) compute what the unfused bytecode
/// computes, with the same trap, for every pair of boundary operands: products that fit 63 bits take the
/// magic-number path, the others (negative, 2^63 and above, beyond 64 bits, overflowing 128) the general one.
@Test func theRemainderSuperinstructionsMatchTheUnfusedCodeOnBoundaryOperands() throws {
    let source = """
    .module m
    .fn public f(acc: int, x: int, y: int) -> int
        local_get acc
        local_get x
        local_get y
        mul_int
        push_int 1000003
        mod_int
        add_int
        local_set acc
        local_get x
        local_get y
        mul_int
        push_int 97
        mod_int
        local_get acc
        add_int
        ret
    """
    let fused = try program(source), plain = try program(source, fuse: false)
    #expect(fused.listing.contains("accMulLLModI") && fused.listing.contains("mulLLModI"))
    for x in boundaries {
        for y in boundaries {
            for acc: Int128 in [0, -5, Int128.max - 1_000_000] {
                let args: [Value] = [.int(acc), .int(x), .int(y)]
                let a = call(fused, "f", args), b = call(plain, "f", args)
                #expect(a.values == b.values && a.gasUsed == b.gasUsed, "\(acc) + \(x) * \(y)")
                #expect(a.trap?.reason == b.trap?.reason && a.trap?.offset == b.trap?.offset, "\(acc) + \(x) * \(y)")
            }
        }
    }
}

/// `u * (v + k)` in 64 bits exactly when both operands are in `0 ..< 2^63` and the sum and the product fit
/// in Int64; nil otherwise, whatever 128-bit arithmetic would give.
@Test func theProductOfASumTakesTheFastPathOnlyWhenEverythingFits64Bits() {
    var mismatches: [String] = []
    for u in boundaries {
        for v in boundaries {
            for k: Int64 in [0, 1, -1, Int64(Int32.max), Int64(Int32.min)] {
                let (sum, o1) = v.addingReportingOverflow(Int128(k))
                let (p, o2) = sum.multipliedReportingOverflow(by: u)
                let o = o1 || o2
                let inRange = u >= 0 && u < (1 << 63) && v >= 0 && v < (1 << 63)
                let fits = inRange && sum >= Int128(Int64.min) && sum <= Int128(Int64.max) && !o
                    && p >= Int128(Int64.min) && p <= Int128(Int64.max)
                let expected: Int64? = fits ? Int64(p) : nil
                if Arithmetic.smallProductOfSum(u, v, plus: k) != expected { mismatches.append("\(u) * (\(v) + \(k))") }
            }
        }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
}

/// `x += u * (v + k)` (`acc_mul_l_add_li`) computes what the unfused bytecode computes, with the same trap,
/// for every pair of boundary operands and immediates at Int32's ends.
@Test func theWeightedSumSuperinstructionMatchesTheUnfusedCodeOnBoundaryOperands() throws {
    for k in [1, -1, Int64(Int32.max), Int64(Int32.min)] {
        let source = """
        .module m
        .fn public f(acc: int, u: int, v: int) -> int
            local_get acc
            local_get u
            local_get v
            push_int \(k)
            add_int
            mul_int
            add_int
            local_set acc
            local_get acc
            ret
        """
        let fused = try program(source), plain = try program(source, fuse: false)
        #expect(fused.listing.contains("accMulLAddLI"))
        for u in boundaries {
            for v in boundaries {
                for acc: Int128 in [0, Int128.max - 1_000_000] {
                    let args: [Value] = [.int(acc), .int(u), .int(v)]
                    let a = call(fused, "f", args), b = call(plain, "f", args)
                    #expect(a.values == b.values && a.gasUsed == b.gasUsed, "\(acc) + \(u) * (\(v) + \(k))")
                    #expect(a.trap?.reason == b.trap?.reason && a.trap?.offset == b.trap?.offset, "\(acc) + \(u) * (\(v) + \(k))")
                }
            }
        }
    }
}
