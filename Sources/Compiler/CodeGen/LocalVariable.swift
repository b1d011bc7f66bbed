// A name bound in a function body: parameter, `let`, `var` or loop variable.
import Diagnostics

/// A local variable or parameter in scope.
///
/// Plain data (its type is `FunctionCompiler.localTypes[index]`): looking a name up, opening and closing scopes
/// and moving to the next function copy and drop these without reference counting.
struct LocalVariable {
    enum Kind { case parameter, constant, variable, loop }
    let index: Int
    let kind: Kind
    let range: SourceRange
    /// The `let` keyword of a constant binding, for the "change 'let' to 'var'" fix-it.
    var keyword: SourceRange?
}
