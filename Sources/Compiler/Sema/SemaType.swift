// The types of the language as the type checker sees them. Structs and interfaces are nominal.

/// A checked type.
public indirect enum SemaType: Hashable, Sendable, CustomStringConvertible {
    case int, dec, bool, address, hash, string, bytes
    /// `List<T>`.
    case list(SemaType)
    /// `Map<K, V>`.
    case map(SemaType, SemaType)
    /// A struct, by name.
    case structure(String)
    /// A handle on another contract through an interface (`Token(addr)`); at run time an address.
    case interface(String)
    /// What a call that returns nothing gives.
    case void
    /// The type of an expression that already produced an error; compatible with everything.
    case error

    /// The type as written in source: `Map<Address, Int>`.
    public var description: String {
        switch self {
        case .int: "Int"
        case .dec: "Dec"
        case .bool: "Bool"
        case .address: "Address"
        case .hash: "Hash"
        case .string: "String"
        case .bytes: "Bytes"
        case .list(let element): "List<\(element)>"
        case .map(let key, let value): "Map<\(key), \(value)>"
        case .structure(let name), .interface(let name): name
        case .void: "()"
        case .error: "<error>"
        }
    }

    /// Lists, maps and structs: values with identity in the arena, copied on assignment.
    public var isCompound: Bool {
        switch self {
        case .list, .map, .structure: true
        default: false
        }
    }

    /// Types allowed as map keys.
    public var isMapKey: Bool {
        switch self {
        case .int, .address, .hash, .string, .bool, .error: true
        default: false
        }
    }

    /// Byte-string types compared by content.
    var isBlob: Bool {
        switch self {
        case .address, .hash, .string, .bytes, .interface: true
        default: false
        }
    }

    /// True for `.error` (a pattern test: the derived `==` on this indirect enum costs a call and a switch).
    var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// True for `.void` (a pattern test, like `isError`).
    var isVoid: Bool {
        if case .void = self { return true }
        return false
    }

    /// True for `.bool`.
    var isBool: Bool {
        if case .bool = self { return true }
        return false
    }

    /// `self == other`, with the scalar types (most of the checker's comparisons) told apart by pattern tests
    /// instead of a call to the derived `==`, which copies both values.
    func isSame(as other: SemaType) -> Bool {
        switch (self, other) {
        case (.int, .int), (.dec, .dec), (.bool, .bool), (.address, .address), (.hash, .hash), (.string, .string),
            (.bytes, .bytes), (.void, .void), (.error, .error):
            return true
        case (.list, _), (.map, _), (.structure, _), (.interface, _): return self == other
        default: return false
        }
    }

    /// True when a value of type `other` may be used where `self` is expected.
    func accepts(_ other: SemaType) -> Bool {
        if isError || other.isError || isSame(as: other) { return true }
        if case .interface = other, self == .address { return true }
        switch (self, other) {
        case (.list(let a), .list(let b)): return a.accepts(b) && b.accepts(a)
        case (.map(let k1, let v1), .map(let k2, let v2)):
            return k1.accepts(k2) && k2.accepts(k1) && v1.accepts(v2) && v2.accepts(v1)
        default: return false
        }
    }

    /// True when the type or a part of it is `.error`.
    var containsError: Bool {
        switch self {
        case .error: true
        case .list(let element): element.containsError
        case .map(let key, let value): key.containsError || value.containsError
        default: false
        }
    }
}
