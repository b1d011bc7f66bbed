/// The meaning of the language's integer division and remainder, in one place: the VM's fast paths
/// (`Arithmetic` in the VM) fall back to these, and the compiler's constant folder calls them, so a constant
/// expression folds to exactly what the same expression computes at run time.
public enum IntegerSemantics {
    /// What a division or remainder gives.
    public enum Outcome: Equatable, Sendable {
        case value(Int128)
        case divisionByZero
        case overflow
    }

    /// `a / b`, truncated toward zero. `Int128.min / -1` overflows.
    @inlinable public static func quotient(_ a: Int128, _ b: Int128) -> Outcome {
        if b == 0 { return .divisionByZero }
        let (q, o) = a.dividedReportingOverflow(by: b)
        return o ? .overflow : .value(q)
    }

    /// `a % b`, with the sign of the dividend. `Int128.min % -1` is 0 (the remainder exists; only the
    /// quotient does not fit).
    @inlinable public static func remainder(_ a: Int128, _ b: Int128) -> Outcome {
        if b == 0 { return .divisionByZero }
        let (r, o) = a.remainderReportingOverflow(dividingBy: b)
        return .value(o ? 0 : r)
    }
}
