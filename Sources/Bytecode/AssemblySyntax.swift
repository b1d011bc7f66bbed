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

/// Reads the tokens of one line.
struct TokenCursor {
    let tokens: [AssemblyToken]
    let line: Int
    let fileName: String
    /// The column just past the last character of the line, for "expected ..." at the end.
    let endColumn: Int
    private(set) var position = 0

    init(_ tokens: [AssemblyToken], line: Int, fileName: String, endColumn: Int) {
        self.tokens = tokens
        self.line = line
        self.fileName = fileName
        self.endColumn = endColumn
    }

    var isAtEnd: Bool { position >= tokens.count }
    func peek(_ ahead: Int = 0) -> AssemblyToken? {
        position + ahead < tokens.count ? tokens[position + ahead] : nil
    }
    var point: SourcePoint { SourcePoint(line: line, column: peek()?.column ?? endColumn) }

    mutating func next() -> AssemblyToken? {
        guard let t = peek() else { return nil }
        position += 1
        return t
    }

    /// An error at the next token (or at the end of the line).
    func error(_ message: String) -> AssemblyError {
        AssemblyError(fileName: fileName, line: line, column: point.column, message: message)
    }

    /// "expected X, found Y" at the next token.
    func expected(_ what: String) -> AssemblyError {
        error("expected \(what)" + (peek().map { ", found \($0.text)" } ?? " at the end of the line"))
    }

    mutating func take(_ symbol: String) -> Bool {
        guard peek()?.kind == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    mutating func expect(_ symbol: String) throws(AssemblyError) {
        guard take(symbol) else { throw expected("'\(symbol)'") }
    }

    mutating func expectEnd() throws(AssemblyError) {
        guard let t = peek() else { return }
        throw error("unexpected \(t.text) at the end of the line")
    }

    /// An identifier or a quoted string.
    mutating func name(_ what: String) throws(AssemblyError) -> String {
        switch peek()?.kind {
        case .identifier(let s), .string(let s):
            position += 1
            return s
        default:
            throw expected(what)
        }
    }

    /// A non-negative integer no larger than `max`.
    mutating func integer(_ what: String, max: Int) throws(AssemblyError) -> Int {
        guard case .integer(let s)? = peek()?.kind else { throw expected(what) }
        guard let v = Int(s), v >= 0, v <= max else { throw error("\(what) must be in 0...\(max)") }
        position += 1
        return v
    }

    /// A name or `%N`.
    mutating func reference(_ what: String) throws(AssemblyError) -> Reference {
        let p = point
        switch peek()?.kind {
        case .identifier(let s), .string(let s):
            position += 1
            return .name(s, p)
        case .index(let i):
            position += 1
            return .index(i, p)
        default:
            throw expected(what)
        }
    }

    /// A type: `int dec bool address hash string bytes`, `list<T>`, `map<K,V>`, a struct name,
    /// `struct(N)` or `%N`.
    mutating func type(depth: Int = 0) throws(AssemblyError) -> TypeSyntax {
        let p = point
        guard depth < 64 else { throw error("type nests too deeply") }
        switch peek()?.kind {
        case .index(let i):
            position += 1
            return .index(i, p)
        case .string(let s):
            position += 1
            return .named(s, p)
        case .identifier(let s):
            position += 1
            switch s {
            case "int": return .primitive(.int)
            case "dec": return .primitive(.dec)
            case "bool": return .primitive(.bool)
            case "address": return .primitive(.address)
            case "hash": return .primitive(.hash)
            case "string": return .primitive(.string)
            case "bytes": return .primitive(.bytes)
            case "list":
                try expect("<")
                let e = try type(depth: depth + 1)
                try expect(">")
                return .list(e)
            case "map":
                try expect("<")
                let k = try type(depth: depth + 1)
                try expect(",")
                let v = try type(depth: depth + 1)
                try expect(">")
                return .map(k, v)
            case "struct" where peek()?.kind == .symbol("("):
                try expect("(")
                let i = try integer("a struct index", max: Int(UInt16.max))
                try expect(")")
                return .structIndex(i, p)
            default:
                return .named(s, p)
            }
        default:
            throw expected("a type")
        }
    }
}

/// Words that cannot name a struct inside a type.
let typeKeywords: Set<String> = ["int", "dec", "bool", "address", "hash", "string", "bytes", "list", "map", "struct"]

/// Whether `s` can be written as a bare identifier.
func isPlainIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
    else { return false }
    return s.unicodeScalars.allSatisfy {
        $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
    }
}

/// "; did you mean 'x'?" for the candidate closest to `name`, or "" when none is close.
func suggestion(for name: String, among candidates: [String]) -> String {
    let a = Array(name.unicodeScalars)
    guard a.count <= 64 else { return "" }
    var best: (distance: Int, name: String)?
    for c in candidates {
        let b = Array(c.unicodeScalars)
        guard b.count <= 64 else { continue }
        var prev = Array(0...b.count)
        for i in 1...max(a.count, 1) where a.count > 0 {
            var cur = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        let d = prev[b.count]
        if d <= max(1, a.count / 3), best == nil || d < best?.distance ?? Int.max { best = (d, c) }
    }
    return best.map { "; did you mean '\($0.name)'?" } ?? ""
}
