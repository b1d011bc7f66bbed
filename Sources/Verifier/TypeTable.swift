import Bytecode

/// A canonical structural type: equal shapes get equal ids, so type equality is `==` on `Int`.
typealias TypeID = Int

/// One node of a structural type. Children are canonical ids, so shapes are small and flat.
enum TypeShape: Hashable {
    case int, dec, bool, address, hash, string, bytes
    case list(TypeID)
    case map(key: TypeID, value: TypeID)
    /// Structs are nominal: the struct's index in `Module.structs`.
    case structure(Int)
}

/// The module's types, hash-consed into canonical structural ids. Built by `StructurePass` (which first
/// checks the table is well-founded), read by the later passes.
struct TypeTable {
    static let int: TypeID = 0
    static let dec: TypeID = 1
    static let bool: TypeID = 2
    static let address: TypeID = 3
    static let hash: TypeID = 4
    static let string: TypeID = 5
    static let bytes: TypeID = 6

    private(set) var shapes: [TypeShape] = []
    /// Used only for lookups, never iterated.
    private var ids: [TypeShape: TypeID] = [:]
    /// The canonical id of each entry of `Module.types`, by index.
    private(set) var entries: [TypeID] = []
    /// The canonical id of `structure(i)`, by struct index.
    private(set) var structures: [TypeID] = []
    private let structNames: [String]

    init(structNames: [String]) {
        self.structNames = structNames
        for shape in [TypeShape.int, .dec, .bool, .address, .hash, .string, .bytes] { _ = intern(shape) }
        for index in structNames.indices { structures.append(intern(.structure(index))) }
    }

    /// The id of `shape`, adding it when new.
    mutating func intern(_ shape: TypeShape) -> TypeID {
        if let id = ids[shape] { return id }
        let id = shapes.count
        shapes.append(shape)
        ids[shape] = id
        return id
    }

    /// Records the canonical id of the next `Module.types` entry.
    mutating func appendEntry(_ id: TypeID) { entries.append(id) }

    /// The canonical id of a module type index, or `nil` when out of range.
    func entry(_ index: UInt16) -> TypeID? {
        Int(index) < entries.count ? entries[Int(index)] : nil
    }

    /// The id of a type that needs no table (the opcode table's operands, constants).
    static func primitive(_ desc: TypeDesc) -> TypeID? {
        switch desc {
        case .int: int
        case .dec: dec
        case .bool: bool
        case .address: address
        case .hash: hash
        case .string: string
        case .bytes: bytes
        case .list, .map, .structure: nil
        }
    }

    func shape(_ id: TypeID) -> TypeShape? { id >= 0 && id < shapes.count ? shapes[id] : nil }

    /// Int, dec and bool: held in the slot itself, zero-initialised as locals.
    func isScalar(_ id: TypeID) -> Bool { id == Self.int || id == Self.dec || id == Self.bool }

    /// The element type when `id` is a list.
    func listElement(_ id: TypeID) -> TypeID? {
        if case .list(let elem) = shape(id) { return elem }
        return nil
    }

    /// Key and value types when `id` is a map.
    func mapTypes(_ id: TypeID) -> (key: TypeID, value: TypeID)? {
        if case .map(let key, let value) = shape(id) { return (key, value) }
        return nil
    }

    /// The struct index when `id` is a struct.
    func structIndex(_ id: TypeID) -> Int? {
        if case .structure(let index) = shape(id) { return index }
        return nil
    }

    /// Readable name for messages: `int`, `list<string>`, `map<address, int>`, `Point`. Deep types are
    /// elided past a few levels so naming stays cheap and bounded.
    func name(_ id: TypeID, depth: Int = 0) -> String {
        guard depth < 6 else { return "..." }
        switch shape(id) {
        case .int: return "int"
        case .dec: return "dec"
        case .bool: return "bool"
        case .address: return "address"
        case .hash: return "hash"
        case .string: return "string"
        case .bytes: return "bytes"
        case .list(let elem): return "list<\(name(elem, depth: depth + 1))>"
        case .map(let key, let value): return "map<\(name(key, depth: depth + 1)), \(name(value, depth: depth + 1))>"
        case .structure(let index): return index < structNames.count ? structNames[index] : "struct \(index)"
        case nil: return "type #\(id)"
        }
    }

    func names(_ ids: [TypeID]) -> [String] { ids.map { name($0) } }
}
