// Identities for AST nodes, so later passes can keep side tables (types, resolved names) keyed by node.
import Diagnostics

/// A node's identity, unique within one parsed file, assigned in source order starting at 1.
public struct NodeID: Hashable, Comparable, Sendable {
    /// The raw number.
    public let rawValue: Int

    /// Creates an ID.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A name as written, with its range.
public struct Identifier: Hashable, Sendable {
    /// The name's text (ASCII).
    public let name: String
    /// Where it was written.
    public let range: SourceRange

    /// Creates an identifier.
    public init(name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}
