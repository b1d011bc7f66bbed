/// Division by a constant without a divide instruction (Granlund & Montgomery, "Division by Invariant
/// Integers using Multiplication", 1994, Theorem 4.2 with N = 63: the interpreter only divides dividends in
/// `0 ..< 2^63` this way, and for those one 64-bit multiplier and a shift suffice).
///
/// For a divisor `d >= 2` let `l = ceil(log2 d)` (1 ... 63) and `m = ceil(2^(63 + l) / d)`. Then
/// `2^(63 + l) <= m * d < 2^(63 + l) + d <= 2^(63 + l) + 2^l`, which is the theorem's condition, so for
/// every `n < 2^63`: `n / d = floor(m * n / 2^(63 + l)) = mulhi(m, n) >> (l - 1)`; and `m < 2^64` because
/// `d > 2^(l - 1)`. The interpreter uses it for `/` and `%` by an immediate when the dividend is in
/// `0 ..< 2^63`; every other case takes the general path, so results are identical to plain division
/// (property-tested).
struct ConstantDivisor: Hashable {
    let divisor: UInt64
    let multiplier: UInt64
    let shift: UInt64

    /// nil when `d < 2` (nothing to gain and the formula needs `l >= 1`).
    init?(_ d: Int64) {
        guard d >= 2 else { return nil }
        let du = UInt64(d)
        let l = UInt64(64 - (du - 1).leadingZeroBitCount)  // ceil(log2 d), 1...63
        // 2^(63 + l) = 2^(l - 1) * 2^64, and 2^(l - 1) < d: the quotient fits 64 bits.
        let (q, r) = du.dividingFullWidth((high: UInt64(1) << (l - 1), low: 0))
        divisor = du
        multiplier = r == 0 ? q : q &+ 1  // q + 1 < 2^64 (see above): never wraps
        shift = l - 1
    }

    /// `n / divisor` for `n < 2^63`.
    @inline(__always) func quotient(_ n: UInt64) -> UInt64 {
        multiplier.multipliedFullWidth(by: n).high &>> shift  // shift <= 62: no range check
    }

    /// `n % divisor` for `n < 2^63`.
    @inline(__always) func remainder(_ n: UInt64) -> UInt64 {
        n &- quotient(n) &* divisor
    }
}
