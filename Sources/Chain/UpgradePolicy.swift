/// What upgrades a contract accepts. Policies only ever get stricter: `compatible` < `additive` < `immutable`.
public enum UpgradePolicy: UInt8, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Any upgrade whose state schema keeps the existing state variables.
    case compatible = 0
    /// Also keeps every existing public and view function with its signature.
    case additive = 1
    /// No upgrades.
    case immutable = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .compatible: "compatible"
        case .additive: "additive"
        case .immutable: "immutable"
        }
    }

    /// The policy called `name`, if any.
    public init?(name: String) {
        guard let policy = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = policy
    }
}
