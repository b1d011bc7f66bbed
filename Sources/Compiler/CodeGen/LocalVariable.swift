// A name bound in a function body: parameter, `let`, `var` or loop variable.
import Diagnostics

/// A local variable or parameter in scope.
struct LocalVariable {
    enum Kind { case parameter, constant, variable, loop }
    let index: Int
    let type: SemaType
    let kind: Kind
    let range: SourceRange
    /// The `let` keyword of a constant binding, for the "change 'let' to 'var'" fix-it.
    var keyword: SourceRange?
}
