// The root of a parsed file.
import Diagnostics

/// Which kind of file this is: decided by its first declaration.
public enum FileKind: Hashable, Sendable {
    /// `contract Name`
    case contract(Identifier)
    /// `library Name`
    case library(Identifier)
    /// No header: a test file (or REPL input) of `use`, `const`, `fn` and `test` declarations.
    case tests
}

/// A parsed file.
public struct SourceFileAST: Sendable {
    /// The file parsed.
    public let file: SourceFile
    /// Contract, library or test file.
    public let kind: FileKind
    /// The range of the `contract Name` / `library Name` header, if any.
    public let headerRange: SourceRange?
    /// Every declaration after the header, in source order.
    public let declarations: [Decl]
    /// The expressions and statements of the declarations.
    public let tree: SyntaxTree
    /// Every `//` comment, for a formatter.
    public let comments: [SourceRange]
    /// One more than the largest `NodeID` (of declarations, parameters and types; expressions and statements are
    /// numbered by their index in `tree`), to size side tables.
    public let nodeCount: Int

    /// Creates a file node.
    public init(
        file: SourceFile, kind: FileKind, headerRange: SourceRange?, declarations: [Decl], tree: SyntaxTree,
        comments: [SourceRange], nodeCount: Int
    ) {
        self.file = file
        self.kind = kind
        self.headerRange = headerRange
        self.declarations = declarations
        self.tree = tree
        self.comments = comments
        self.nodeCount = nodeCount
    }
}
