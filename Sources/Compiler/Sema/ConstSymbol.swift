// Compile-time values and `const` declarations.
import Diagnostics

/// A compile-time value: a `const`, a literal, or a folded expression over them.
enum ConstValue: Hashable {
    case int(Int128)
    case dec(Int128)
    case bool(Bool)
    case string(String)
    case address([UInt8])
    case hash([UInt8])

    var type: SemaType {
        switch self {
        case .int: .int
        case .dec: .dec
        case .bool: .bool
        case .string: .string
        case .address: .address
        case .hash: .hash
        }
    }
}

/// A `const` declaration; its value is computed on first use (cycles are reported).
final class ConstSymbol {
    let name: String
    let declaredType: TypeSyntax?
    let expr: Expr
    let range: SourceRange
    var value: ConstValue?
    var evaluating = false
    var failed = false

    init(name: String, declaredType: TypeSyntax?, expr: Expr, range: SourceRange) {
        self.name = name
        self.declaredType = declaredType
        self.expr = expr
        self.range = range
    }
}
