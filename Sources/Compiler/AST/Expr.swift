// Expressions. Calls cover builtins (`require`, `len`, `dec`), functions, methods (`xs.push(v)` is a
// call whose callee is the member `xs.push`) and interface casts (`Token(addr)`); Sema tells them apart.
import Diagnostics

/// An expression node.
public struct Expr: Hashable, Sendable {
    /// The node's identity.
    public let id: NodeID
    /// The whole expression.
    public let range: SourceRange
    /// What it is.
    public let kind: ExprKind

    /// Creates an expression node.
    public init(id: NodeID, range: SourceRange, kind: ExprKind) {
        self.id = id
        self.range = range
        self.kind = kind
    }
}

/// The forms of expression. Only the forms that hold other expressions are boxed (`indirect`): names and
/// literals, most of a program's nodes, are stored inline, without a heap allocation each.
public enum ExprKind: Hashable, Sendable {
    /// An integer literal's decimal digits, `_` removed (`10_000` is `"10000"`); range checks are Sema's.
    case integer(String)
    /// A decimal literal's text, `_` removed (`0.05`); at most 18 fractional digits.
    case decimal(String)
    /// A string literal's value, escapes resolved.
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `@0x…` or `@name`.
    case address(AddressLiteral)
    /// `#0x…`: 32 bytes.
    case hash([UInt8])
    /// A name: a local, state variable, constant, function, builtin (`caller`, `block`) or type.
    case name(String)
    /// `-e` or `!e`.
    indirect case unary(UnaryOperator, Expr)
    /// `l op r`; `operatorRange` is the operator token.
    indirect case binary(BinaryOperator, Expr, Expr, operatorRange: SourceRange)
    /// `callee(arguments)`.
    indirect case call(callee: Expr, arguments: [Expr])
    /// `base.name`.
    indirect case member(base: Expr, name: Identifier)
    /// `base[index]`.
    indirect case index(base: Expr, index: Expr)
    /// `Name { field: value, ... }`.
    indirect case structLiteral(type: Identifier, fields: [FieldInitializer])
    /// `[a, b, c]`.
    case list([Expr])
    /// An expression that failed to parse; an error was reported.
    case error
}

/// An address literal: 32 bytes in hex or a named test account.
public enum AddressLiteral: Hashable, Sendable {
    /// `@0x` and 64 hex digits.
    case bytes([UInt8])
    /// `@alice`: a named account (tests and the REPL).
    case named(String)
}

/// `field: value` inside a struct literal.
public struct FieldInitializer: Hashable, Sendable {
    /// The field's name.
    public let name: Identifier
    /// Its value.
    public let value: Expr

    /// Creates a field initializer.
    public init(name: Identifier, value: Expr) {
        self.name = name
        self.value = value
    }
}
