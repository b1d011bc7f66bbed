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
