/// Division by a constant without a divide instruction (Granlund & Montgomery, "Division by Invariant
/// Integers using Multiplication", 1994, the round-up method for unsigned N-bit dividends, N = 64).
///
/// For a divisor `d >= 2` let `l = ceil(log2 d)` and `m = floor(2^64 * (2^l - d) / d) + 1`. Then for every
/// `n < 2^64`: `t = mulhi(m, n)` and `n / d = (t + (n - t) >> 1) >> (l - 1)`. The interpreter uses it
/// for `/` and `%` by an immediate when the dividend is in `0 ..< 2^63`; every other case takes the
/// general path, so results are identical to plain division (property-tested).
struct ConstantDivisor: Hashable {
    let divisor: UInt64
    let multiplier: UInt64
    let shift: UInt64

    /// nil when `d < 2` (nothing to gain and the formula needs `l >= 1`).
    init?(_ d: Int64) {
        guard d >= 2 else { return nil }
        let du = UInt64(d)
        let l = UInt64(64 - (du - 1).leadingZeroBitCount)  // ceil(log2 d), 1...63
        let high = (UInt64(1) << l) &- du  // 2^l - d < d
        let (q, _) = du.dividingFullWidth((high: high, low: 0))
        divisor = du
        multiplier = q &+ 1
        shift = l - 1
    }

    @inline(__always) func quotient(_ n: UInt64) -> UInt64 {
        let t = multiplier.multipliedFullWidth(by: n).high
        return (t &+ ((n &- t) &>> 1)) &>> shift  // shift <= 62: no range check
    }

    @inline(__always) func remainder(_ n: UInt64) -> UInt64 {
        n &- quotient(n) &* divisor
    }
}
