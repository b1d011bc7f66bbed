import Bytecode

/// Checked Int and Dec arithmetic on 128-bit slots. Every function reports overflow instead of
/// trapping the process; operands that fit in 64 bits take a fast path.
enum Arithmetic {
    @inline(__always) static func fits64(_ x: Int128) -> Bool {
        Int128(wide: Int64(truncatingIfNeeded: x)) == x
    }

    /// `x` when it is in `0 ..< 2^63` (one test of the high half, one of the sign bit), else nil.
    @inline(__always) static func small(_ x: Int128) -> UInt64? {
        x._high == 0 && Int64(bitPattern: x._low) >= 0 ? x._low : nil
    }

    /// `a * b` when both operands and the product are in `0 ..< 2^63` (the usual case of a contract's
    /// numbers: one test of both high halves, one of both sign bits, one 64-bit multiply), else nil — then
    /// `mul` decides, so the result never depends on which path ran.
    @inline(__always) static func smallProduct(_ a: Int128, _ b: Int128) -> UInt64? {
        guard a._high | b._high == 0, Int64(bitPattern: a._low | b._low) >= 0 else { return nil }
        let (p, o) = Int64(bitPattern: a._low).multipliedReportingOverflow(by: Int64(bitPattern: b._low))
        return o ? nil : UInt64(bitPattern: p)  // both operands >= 0: a product without overflow is >= 0
    }

    /// `u * (v + k)` when `u` and `v` are in `0 ..< 2^63` and the sum and product fit in Int64, else nil
    /// (then the general path decides): `x * (i + 1)` of a weighted sum.
    @inline(__always) static func smallProductOfSum(_ u: Int128, _ v: Int128, plus k: Int64) -> Int64? {
        guard u._high | v._high == 0, Int64(bitPattern: u._low | v._low) >= 0 else { return nil }
        let (y, o1) = Int64(bitPattern: v._low).addingReportingOverflow(k)
        if o1 { return nil }
        let (p, o2) = Int64(bitPattern: u._low).multipliedReportingOverflow(by: y)
        return o2 ? nil : p
    }

    /// a * b, or nil on overflow. Inline: operands and product in 64 bits (one `imul` and its overflow
    /// flag); everything else out of line (`mulWide`).
    @inline(__always) static func mul(_ a: Int128, _ b: Int128) -> Int128? {
        if fits64(a) && fits64(b) {
            let (p, o) = Int64(truncatingIfNeeded: a).multipliedReportingOverflow(by: Int64(truncatingIfNeeded: b))
            if !o { return Int128(wide: p) }
        }
        return mulWide(a, b)
    }

    /// The multiply beyond 64 bits, out of line: inlined into every multiplying case of the interpreter
    /// loop, the 128-bit code took registers from the fast paths around it.
    @inline(never) static func mulWide(_ a: Int128, _ b: Int128) -> Int128? {
        if fits64(a) && fits64(b) {
            // |a * b| <= 2^126: always representable.
            let (high, low) = Int64(truncatingIfNeeded: a).multipliedFullWidth(by: Int64(truncatingIfNeeded: b))
            return Int128(wide: high) << 64 | Int128(wide: low)
        }
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? nil : r
    }

    enum DivisionResult { case ok(Int128), divisionByZero, overflow }

    /// a / b truncated toward zero (`IntegerSemantics.quotient`). Inline: both in `0 ..< 2^63` and `b != 0`
    /// (one unsigned 64-bit divide, which cannot overflow); everything else out of line (`divWide`).
    @inline(__always) static func div(_ a: Int128, _ b: Int128) -> DivisionResult {
        if let x = small(a), let y = small(b), y != 0 { return .ok(Int128(_low: x / y, _high: 0)) }
        return divWide(a, b)
    }

    /// `div` for every other case, out of line (see `mulWide`).
    @inline(never) static func divWide(_ a: Int128, _ b: Int128) -> DivisionResult {
        if b == 0 { return .divisionByZero }
        if fits64(a) && fits64(b) {
            let (q, o) = Int64(truncatingIfNeeded: a).dividedReportingOverflow(by: Int64(truncatingIfNeeded: b))
            if !o { return .ok(Int128(wide: q)) }
        }
        switch IntegerSemantics.quotient(a, b) {
        case .value(let q): return .ok(q)
        case .divisionByZero: return .divisionByZero
        case .overflow: return .overflow
        }
    }

    /// a % b with the dividend's sign (Int128.min % -1 is 0: `IntegerSemantics.remainder`), nil when
    /// `b == 0`. Inline: both in `0 ..< 2^63` and `b != 0`; everything else out of line (`remWide`).
    @inline(__always) static func rem(_ a: Int128, _ b: Int128) -> Int128? {
        if let x = small(a), let y = small(b), y != 0 { return Int128(_low: x % y, _high: 0) }
        return remWide(a, b)
    }

    /// `rem` for every other case, out of line (see `mulWide`).
    @inline(never) static func remWide(_ a: Int128, _ b: Int128) -> Int128? {
        if b == 0 { return nil }
        if fits64(a) && fits64(b) {
            let (r, o) = Int64(truncatingIfNeeded: a).remainderReportingOverflow(dividingBy: Int64(truncatingIfNeeded: b))
            if !o { return Int128(wide: r) }
        }
        guard case .value(let r) = IntegerSemantics.remainder(a, b) else { return nil }
        return r
    }

    // MARK: - Dec (value × 10^18)

    /// a * b / 10^18, rounded toward zero, with a 256-bit intermediate.
    static func mulDec(_ a: Int128, _ b: Int128) -> Int128? {
        if fits64(a) && fits64(b), let p = mul(a, b) { return p / decScale }
        let negative = (a < 0) != (b < 0)
        let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
        let divisor = decScale.magnitude
        guard product.high < divisor else { return nil }
        let (q, _) = divisor.dividingFullWidth(product)
        return signed(q, negative: negative)
    }

    /// a * 10^18 / b, rounded toward zero, with a 256-bit intermediate.
    static func divDec(_ a: Int128, _ b: Int128) -> DivisionResult {
        if b == 0 { return .divisionByZero }
        let negative = (a < 0) != (b < 0)
        let scaled = a.magnitude.multipliedFullWidth(by: decScale.magnitude)
        let divisor = b.magnitude
        guard scaled.high < divisor else { return .overflow }
        let (q, _) = divisor.dividingFullWidth(scaled)
        guard let r = signed(q, negative: negative) else { return .overflow }
        return .ok(r)
    }

    /// The Int128 with magnitude `m` and the given sign, or nil when out of range.
    static func signed(_ m: UInt128, negative: Bool) -> Int128? {
        if negative {
            if m == UInt128(1) << 127 { return Int128.min }
            guard m < UInt128(1) << 127 else { return nil }
            return -Int128(m)
        }
        guard m < UInt128(1) << 127 else { return nil }
        return Int128(m)
    }
}

extension Int128 {
    /// `Int128(x)` for the hot loop. The generic `init<T: BinaryInteger>(_:)` is specialised but not always
    /// inlined: after unrelated code was added, the optimiser left W4's conversions as calls and the loop
    /// went from 129 to 159 instructions per iteration (callgrind). These cannot be left out of line.
    @inline(__always) init(wide x: Int64) { self.init(_low: UInt64(bitPattern: x), _high: x >> 63) }
    @inline(__always) init(wide x: UInt64) { self.init(_low: x, _high: 0) }
    @inline(__always) init(wide x: Int) { self.init(wide: Int64(truncatingIfNeeded: x)) }
    @inline(__always) init(wide x: Int32) { self.init(wide: Int64(x)) }
}
