// The operators of expressions and assignments, with the precedence table of LANGUAGE.md.

/// Binding strength of infix and prefix operators, lowest first.
public enum Precedence: Int, Comparable, Sendable {
    case none = 0
    /// `||`
    case or
    /// `&&`
    case and
    /// `== != < <= > >=` (non-associative)
    case comparison
    /// `+ -`
    case term
    /// `* / %`
    case factor
    /// prefix `-` and `!`
    case unary
    /// `.` `[]` `()`
    case postfix

    public static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A prefix operator.
public enum UnaryOperator: String, Sendable, Hashable {
    /// `-x`
    case negate = "-"
    /// `!x`
    case not = "!"
}

/// An infix operator. All are left-associative except the comparisons, which do not chain.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or = "||"
    case and = "&&"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"

    /// How tightly the operator binds.
    public var precedence: Precedence {
        switch self {
        case .or: .or
        case .and: .and
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: .comparison
        case .add, .subtract: .term
        case .multiply, .divide, .remainder: .factor
        }
    }

    /// True for `&&` and `||`, which evaluate their right side only when needed.
    public var isShortCircuit: Bool { self == .or || self == .and }
}

/// `=` or a compound assignment.
public enum AssignmentOperator: String, Sendable, Hashable {
    case assign = "="
    case add = "+="
    case subtract = "-="
    case multiply = "*="
    case divide = "/="

    /// The arithmetic a compound assignment applies (`x += e` is `x = x + e`), nil for `=`.
    public var binaryOperator: BinaryOperator? {
        switch self {
        case .assign: nil
        case .add: .add
        case .subtract: .subtract
        case .multiply: .multiply
        case .divide: .divide
        }
    }
}
