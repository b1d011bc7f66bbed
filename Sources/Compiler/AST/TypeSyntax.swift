// Types as written: `Int`, `List<Address>`, `Map<Address, Int>`, `Contribution`.
import Diagnostics

/// A written type. Names are not resolved here: `Int` and a struct name look alike until Sema.
public struct TypeSyntax: Hashable, Sendable {
    /// The shape of a written type.
    public enum Kind: Hashable, Sendable {
        /// A name with optional generic arguments (`List<Int>` has one).
        case named(Identifier, arguments: [TypeSyntax])
        /// A type that failed to parse; an error was reported.
        case error
    }

    /// The node's identity.
    public let id: NodeID
    /// The whole written type.
    public let range: SourceRange
    /// What was written.
    public let kind: Kind

    /// Creates a type node.
    public init(id: NodeID, range: SourceRange, kind: Kind) {
        self.id = id
        self.range = range
        self.kind = kind
    }
}
