/// A value type as modules record it. Compound types point at other entries of the module's type table
/// (`Module.types`) or struct table (`Module.structs`) by index, so a type is a small tree of indices.
///
/// A module's type table must be well-founded: `list` and `map` only name *earlier* type entries, and a
/// struct's fields only name types that do not contain that struct again (the verifier checks both).
public enum TypeDesc: Hashable, Sendable {
    case int
    case dec
    case bool
    case address
    case hash
    case string
    case bytes
    /// `List<T>` with `T = types[elem]`.
    case list(elem: UInt16)
    /// `Map<K, V>`; `K` must be `int`, `address`, `hash`, `string` or `bool`.
    case map(key: UInt16, value: UInt16)
    /// The struct `structs[index]`.
    case structure(UInt16)

    /// One byte per case in the module encoding.
    public var tag: UInt8 {
        switch self {
        case .int: 0
        case .dec: 1
        case .bool: 2
        case .address: 3
        case .hash: 4
        case .string: 5
        case .bytes: 6
        case .list: 7
        case .map: 8
        case .structure: 9
        }
    }

    /// The assembly spelling of this type's kind: `int`, `dec`, `bool`, `address`, `hash`, `string`,
    /// `bytes`, `list`, `map`, `struct`. Scalars and blobs are fully named by it.
    public var kindName: String {
        switch self {
        case .int: "int"
        case .dec: "dec"
        case .bool: "bool"
        case .address: "address"
        case .hash: "hash"
        case .string: "string"
        case .bytes: "bytes"
        case .list: "list"
        case .map: "map"
        case .structure: "struct"
        }
    }

    /// True for types whose run-time value is a plain number held in the slot itself.
    public var isScalar: Bool {
        switch self {
        case .int, .dec, .bool: true
        default: false
        }
    }

    /// True for the immutable byte-string types (held in the arena, compared by content).
    public var isBlob: Bool {
        switch self {
        case .address, .hash, .string, .bytes: true
        default: false
        }
    }

    /// True for types allowed as map keys (they have an order-preserving key encoding).
    public var isMapKey: Bool {
        switch self {
        case .int, .address, .hash, .string, .bool: true
        default: false
        }
    }
}
