// The parsed, not yet resolved, form of an assembly file: what `AssemblyParser` produces and
// `AssemblyBuilder` turns into a `Module`.

/// A 1-based line and column.
struct SourcePoint: Equatable, Sendable {
    var line: Int
    var column: Int
}

/// A type as written: resolved against the module's tables later, because struct names may be used
/// before their declaration.
indirect enum TypeSyntax: Sendable {
    case primitive(TypeDesc)
    case list(TypeSyntax)
    case map(TypeSyntax, TypeSyntax)
    /// A struct by name.
    case named(String, SourcePoint)
    /// `struct(N)`: the struct with table index N.
    case structIndex(Int, SourcePoint)
    /// `%N`: type table entry N.
    case index(Int, SourcePoint)
}

/// A reference to a table entry: by name or by raw index (`%N`).
enum Reference: Sendable {
    case name(String, SourcePoint)
    case index(Int, SourcePoint)
}

/// A parameter, local or field: an optional name and a type.
struct NamedType: Sendable {
    var name: String?
    var type: TypeSyntax
}

/// One line of a function body.
enum BodyLine: Sendable {
    case label(String, SourcePoint)
    /// The opcode, its operand tokens, the mnemonic's position and the column just past the line's end.
    case instruction(Opcode, [AssemblyToken], SourcePoint, endColumn: Int)
    /// `.loc FILE LINE COL`: a source position for the next instruction.
    case loc(Reference, line: UInt32, column: UInt32)
    /// `.bytes x"..."`: raw code bytes.
    case bytes([UInt8])
}

struct FunctionSyntax: Sendable {
    var name: String
    var kind: FunctionKind
    var params: [NamedType]
    var results: [TypeSyntax]
    var locals: [NamedType] = []
    var maxStack: Int?
    var body: [BodyLine] = []
    var position: SourcePoint
}

struct StructSyntax: Sendable {
    var name: String
    var fields: [NamedType]
}

struct ExternSyntax: Sendable {
    var name: String
    var isView: Bool
    var params: [TypeSyntax]
    var results: [TypeSyntax]
}

/// `.entry FUNCTION OFFSET FILE LINE COL`: a raw source map entry.
struct EntrySyntax: Sendable {
    var function: Reference
    var offset: UInt32
    var file: Reference
    var line: UInt32
    var column: UInt32
}

/// Module-level declarations in source order; the tables they index into are in `ParsedAssembly`.
enum Declaration: Sendable {
    case type(TypeSyntax, SourcePoint)
    case constant(Constant, SourcePoint)
    case structure(Int)
    case state(Int)
    case event(Int)
    case extern(Int)
    case file(String)
    case sourceMap
    case entry(EntrySyntax)
    case function(Int)
}

/// A whole parsed file.
struct ParsedAssembly: Sendable {
    var name: String = ""
    var declarations: [Declaration] = []
    var structs: [StructSyntax] = []
    var state: [(name: String, type: TypeSyntax)] = []
    var events: [StructSyntax] = []
    var externs: [ExternSyntax] = []
    var functions: [FunctionSyntax] = []
}
