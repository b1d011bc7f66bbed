// Declarations: what a contract, library or test file holds at its top level.
import Diagnostics

/// A top-level declaration node.
public struct Decl: Hashable, Sendable {
    /// The node's identity.
    public let id: NodeID
    /// The whole declaration.
    public let range: SourceRange
    /// What it is.
    public let kind: DeclKind

    /// Creates a declaration node.
    public init(id: NodeID, range: SourceRange, kind: DeclKind) {
        self.id = id
        self.range = range
        self.kind = kind
    }
}

/// The forms of declaration.
public enum DeclKind: Hashable, Sendable {
    /// `use std.math` or `use "relative/path.dn"`.
    case use(UseTarget)
    /// `const NAME: T = e`.
    case constant(name: Identifier, type: TypeSyntax?, value: Expr)
    /// `state name: T` or `state name: T = e`.
    case state(name: Identifier, type: TypeSyntax, initializer: Expr?)
    /// `event Name(field: T, ...)`.
    case event(name: Identifier, fields: [Parameter])
    /// `struct Name { field: T, ... }`.
    case structure(name: Identifier, fields: [Parameter])
    /// `interface Name { fn ...; view fn ... }`: functions without bodies.
    case interface(name: Identifier, functions: [FunctionDecl])
    /// `init(params) { }`: runs once at deploy.
    case initializer(parameters: [Parameter], body: Block)
    /// `migrate(params) { }`: runs once when an upgrade lands.
    case migration(parameters: [Parameter], body: Block)
    /// `pub fn`, `view fn`, `pub view fn` or a private `fn`.
    case function(FunctionDecl)
    /// `test "name" { }`.
    case test(name: String, nameRange: SourceRange, body: Block)
    /// `scenario "title" { }`: a test-file block that `datanet scenario` runs on a persistent SQLite chain.
    case scenario(name: String, nameRange: SourceRange, body: Block)
}

/// What `use` names.
public enum UseTarget: Hashable, Sendable {
    /// A dotted library path such as `std.math`.
    case library([Identifier])
    /// A path relative to the using file, as written in the string literal.
    case file(String, range: SourceRange)
}

/// `name: Type` in parameter lists, event fields and struct fields.
public struct Parameter: Hashable, Sendable {
    /// The parameter's identity.
    public let id: NodeID
    /// The name.
    public let name: Identifier
    /// The type.
    public let type: TypeSyntax

    /// Creates a parameter.
    public init(id: NodeID, name: Identifier, type: TypeSyntax) {
        self.id = id
        self.name = name
        self.type = type
    }

    /// From the name to the end of the type.
    public var range: SourceRange { name.range.union(type.range) }
}

/// A function: in a contract, library or test file it has a body; in an interface it has none.
public struct FunctionDecl: Hashable, Sendable {
    /// The function's identity (interface functions have no `Decl` of their own).
    public let id: NodeID
    /// The function's name.
    public let name: Identifier
    /// `pub`: callable by a transaction or another contract.
    public let isPublic: Bool
    /// `view`: reads state, never writes.
    public let isView: Bool
    /// The parameters.
    public let parameters: [Parameter]
    /// The written return type; nil returns nothing.
    public let returnType: TypeSyntax?
    /// The body; nil in interfaces.
    public let body: Block?
    /// From the first modifier (or `fn`) to the end of the signature or body.
    public let range: SourceRange

    /// Creates a function declaration.
    public init(
        id: NodeID, name: Identifier, isPublic: Bool, isView: Bool, parameters: [Parameter], returnType: TypeSyntax?,
        body: Block?, range: SourceRange
    ) {
        self.id = id
        self.name = name
        self.isPublic = isPublic
        self.isView = isView
        self.parameters = parameters
        self.returnType = returnType
        self.body = body
        self.range = range
    }
}
