// One top-level item of REPL input, which mixes declarations and statements.

/// A declaration or a statement, as read by `Parser.parseInteractive`.
public enum InteractiveItem: Hashable, Sendable {
    /// `fn`, `struct`, `interface`, `const`, `use`, ...
    case declaration(Decl)
    /// `let`, assignments, calls, loops, ...
    case statement(Stmt)
}
