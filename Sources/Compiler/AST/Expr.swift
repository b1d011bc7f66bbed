// Expressions. Calls cover builtins (`require`, `len`, `dec`), functions, methods (`xs.push(v)` is a
// call whose callee is the member `xs.push`) and interface casts (`Token(addr)`); Sema tells them apart.
import Diagnostics

/// The forms of expression. Children are indices into the same `SyntaxTree`.
public enum ExprKind: Hashable, Sendable {
    /// An integer literal's decimal digits, `_` removed (`10_000` is `"10000"`); range checks are Sema's.
    case integer(TextRef)
    /// A decimal literal's text, `_` removed (`0.05`); at most 18 fractional digits.
    case decimal(TextRef)
    /// A string literal's value, escapes resolved.
    case string(TextRef)
    /// `true` or `false`.
    case bool(Bool)
    /// `@0x…` or `@name`.
    case address(AddressLiteral)
    /// `#0x…`: 32 bytes.
    case hash(BytesRef)
    /// A name: a local, state variable, constant, function, builtin (`caller`, `block`) or type.
    case name(TextRef)
    /// `-e` or `!e`.
    case unary(UnaryOperator, Expr)
    /// `l op r`; `operatorRange` is the operator token.
    case binary(BinaryOperator, Expr, Expr, operatorRange: SourceRange)
    /// `callee(arguments)`.
    case call(callee: Expr, arguments: ExprList)
    /// `base.name`.
    case member(base: Expr, name: Name)
    /// `base[index]`.
    case index(base: Expr, index: Expr)
    /// `Name { field: value, ... }`.
    case structLiteral(StructLiteralRef)
    /// `[a, b, c]`.
    case list(ExprList)
    /// An expression that failed to parse; an error was reported.
    case error
}

/// An address literal: 32 bytes in hex or a named test account.
public enum AddressLiteral: Hashable, Sendable {
    /// `@0x` and 64 hex digits.
    case bytes(BytesRef)
    /// `@alice`: a named account (tests and the REPL).
    case named(TextRef)
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
