/// Reads assembly text line by line into a `ParsedAssembly`.
struct AssemblyParser {
    let fileName: String
    var result = ParsedAssembly()
    /// The function whose body is being read.
    private var current: Int?
    private var sawModule = false

    init(fileName: String) { self.fileName = fileName }

    mutating func parse(_ source: String) throws(AssemblyError) {
        var lineNumber = 0
        var sawAnything = false
        for rawLine in source.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(rawLine)
            let tokens = try AssemblyLexer.tokenize(scalars, lineNumber: lineNumber, fileName: fileName)
            if tokens.isEmpty { continue }
            sawAnything = true
            var c = TokenCursor(tokens, line: lineNumber, fileName: fileName, endColumn: scalars.count + 1)
            try parseLine(&c)
        }
        guard sawAnything else {
            throw AssemblyError(fileName: fileName, line: 1, column: 1, message: "empty assembly: expected '.module NAME'")
        }
    }

    private func checkTable(_ count: Int, _ what: String, _ c: TokenCursor) throws(AssemblyError) {
        guard count < Limits.maxTableEntries else {
            throw c.error("too many \(what) (at most \(Limits.maxTableEntries))")
        }
    }

    private mutating func parseLine(_ c: inout TokenCursor) throws(AssemblyError) {
        guard let first = c.peek() else { return }
        switch first.kind {
        case .directive(let d):
            _ = c.next()
            try parseDirective(d, &c)
        case .identifier(let word):
            guard let f = current else {
                throw c.error("'\(word)' outside a function; start one with '.fn'")
            }
            if c.peek(1)?.kind == .symbol(":") {
                result.functions[f].body.append(.label(word, c.point))
                _ = c.next()
                _ = c.next()
                if c.isAtEnd { return }
            }
            try parseInstruction(&c, into: f)
        default:
            throw c.expected("a directive or an instruction")
        }
    }

    private mutating func parseInstruction(_ c: inout TokenCursor, into f: Int) throws(AssemblyError) {
        let p = c.point
        guard case .identifier(let mnemonic)? = c.next()?.kind else {
            throw c.expected("an instruction")
        }
        guard let op = Opcode.named(mnemonic) else {
            let all = Opcode.allCases.map(\.info.mnemonic)
            throw AssemblyError(
                fileName: fileName, line: p.line, column: p.column,
                message: "unknown mnemonic '\(mnemonic)'" + suggestion(for: mnemonic, among: all))
        }
        var rest: [AssemblyToken] = []
        while let t = c.next() { rest.append(t) }
        result.functions[f].body.append(.instruction(op, rest, p, endColumn: c.endColumn))
    }

    private mutating func parseDirective(_ d: String, _ c: inout TokenCursor) throws(AssemblyError) {
        switch d {
        case "module":
            guard !sawModule else { throw c.error("a second '.module'") }
            sawModule = true
            current = nil
            result.name = try c.name("a module name")
        case "type":
            current = nil
            let p = c.point
            result.declarations.append(.type(try c.type(), p))
        case "const":
            current = nil
            let p = c.point
            guard let t = c.next() else { throw c.expected("a constant literal") }
            result.declarations.append(.constant(try AssemblyParser.constant(t, c), p))
        case "struct", "event":
            current = nil
            let name = try c.name("a \(d) name")
            try c.expect("(")
            var fields: [NamedType] = []
            if !c.take(")") {
                repeat {
                    let fname = try c.name("a field name")
                    try c.expect(":")
                    fields.append(NamedType(name: fname, type: try c.type()))
                } while c.take(",")
                try c.expect(")")
            }
            if d == "struct" {
                try checkTable(result.structs.count, "structs", c)
                result.structs.append(StructSyntax(name: name, fields: fields))
                result.declarations.append(.structure(result.structs.count - 1))
            } else {
                try checkTable(result.events.count, "events", c)
                result.events.append(StructSyntax(name: name, fields: fields))
                result.declarations.append(.event(result.events.count - 1))
            }
        case "state":
            current = nil
            let name = try c.name("a state variable name")
            try c.expect(":")
            try checkTable(result.state.count, "state variables", c)
            result.state.append((name, try c.type()))
            result.declarations.append(.state(result.state.count - 1))
        case "extern":
            current = nil
            var isView = false
            if c.peek()?.kind == .identifier("view"), c.peek(1)?.kind != .symbol("(") {
                isView = true
                _ = c.next()
            }
            let name = try c.name("an extern name")
            let params = try parseParams(&c).map(\.type)
            let results = try parseResults(&c)
            try checkTable(result.externs.count, "externs", c)
            result.externs.append(ExternSyntax(name: name, isView: isView, params: params, results: results))
            result.declarations.append(.extern(result.externs.count - 1))
        case "fn":
            let p = c.point
            let kindName = try c.name("a function kind (public, view, private, init or migrate)")
            guard let kind = FunctionKind.allCases.first(where: { $0.name == kindName }) else {
                throw AssemblyError(
                    fileName: fileName, line: p.line, column: p.column,
                    message: "unknown function kind '\(kindName)'"
                        + suggestion(for: kindName, among: FunctionKind.allCases.map(\.name)))
            }
            let name = try c.name("a function name")
            let params = try parseParams(&c)
            let results = try parseResults(&c)
            try checkTable(result.functions.count, "functions", c)
            result.functions.append(
                FunctionSyntax(name: name, kind: kind, params: params, results: results, position: p))
            current = result.functions.count - 1
            result.declarations.append(.function(result.functions.count - 1))
        case "file":
            current = nil
            result.declarations.append(.file(try c.name("a file name")))
        case "sourcemap":
            current = nil
            result.declarations.append(.sourceMap)
        case "entry":
            current = nil
            let function = try c.reference("a function")
            let offset = try c.integer("a code offset", max: Int(UInt32.max))
            let file = try c.reference("a file")
            let line = try c.integer("a line", max: Int(UInt32.max))
            let column = try c.integer("a column", max: Int(UInt32.max))
            result.declarations.append(
                .entry(EntrySyntax(
                    function: function, offset: UInt32(truncatingIfNeeded: offset), file: file,
                    line: UInt32(truncatingIfNeeded: line), column: UInt32(truncatingIfNeeded: column))))
        case "local", "maxstack", "loc", "bytes":
            guard let f = current else {
                throw AssemblyError(
                    fileName: fileName, line: c.line, column: c.tokens.first?.column ?? 1,
                    message: "'.\(d)' outside a function")
            }
            try parseBodyDirective(d, &c, f)
        default:
            let all = ["module", "type", "const", "struct", "event", "state", "extern", "fn", "file", "sourcemap",
                "entry", "local", "maxstack", "loc", "bytes"]
            throw AssemblyError(
                fileName: fileName, line: c.line, column: c.tokens.first?.column ?? 1,
                message: "unknown directive '.\(d)'" + suggestion(for: "." + d, among: all.map { "." + $0 }))
        }
        try c.expectEnd()
    }

    private mutating func parseBodyDirective(_ d: String, _ c: inout TokenCursor, _ f: Int) throws(AssemblyError) {
        switch d {
        case "local":
            var name: String?
            if c.peek(1)?.kind == .symbol(":") {
                name = try c.name("a local name")
                try c.expect(":")
            }
            result.functions[f].locals.append(NamedType(name: name, type: try c.type()))
        case "maxstack":
            guard result.functions[f].maxStack == nil else { throw c.error("a second '.maxstack'") }
            result.functions[f].maxStack = try c.integer("a stack size", max: Limits.maxFunctionStack)
        case "loc":
            let file = try c.reference("a file name")
            let line = try c.integer("a line", max: Int(UInt32.max))
            let column = try c.integer("a column", max: Int(UInt32.max))
            result.functions[f].body.append(
                .loc(file, line: UInt32(truncatingIfNeeded: line), column: UInt32(truncatingIfNeeded: column)))
        default:
            guard case .bytes(let raw)? = c.next()?.kind else { throw c.expected("a bytes literal x\"...\"") }
            result.functions[f].body.append(.bytes(raw))
        }
    }

    /// `( [name:] type, ... )`
    private func parseParams(_ c: inout TokenCursor) throws(AssemblyError) -> [NamedType] {
        try c.expect("(")
        var out: [NamedType] = []
        if c.take(")") { return out }
        repeat {
            var name: String?
            if c.peek(1)?.kind == .symbol(":") {
                name = try c.name("a parameter name")
                try c.expect(":")
            }
            out.append(NamedType(name: name, type: try c.type()))
        } while c.take(",")
        try c.expect(")")
        return out
    }

    /// Nothing, `-> type` or `-> (type, ...)`.
    private func parseResults(_ c: inout TokenCursor) throws(AssemblyError) -> [TypeSyntax] {
        guard c.take("->") else { return [] }
        guard c.take("(") else { return [try c.type()] }
        var out: [TypeSyntax] = []
        if c.take(")") { return out }
        repeat { out.append(try c.type()) } while c.take(",")
        try c.expect(")")
        return out
    }

    /// The constant a literal token denotes.
    static func constant(_ t: AssemblyToken, _ c: TokenCursor) throws(AssemblyError) -> Constant {
        func fail(_ message: String) -> AssemblyError {
            AssemblyError(fileName: c.fileName, line: c.line, column: t.column, message: message)
        }
        switch t.kind {
        case .integer(let s):
            guard let v = Int128(s) else { throw fail("integer literal does not fit in 128 bits") }
            return .int(v)
        case .decimal(let s):
            guard let v = parseDec(s) else { throw fail("dec literal out of range or with more than 18 decimals") }
            return .dec(v)
        case .string(let s): return .string(Array(s.utf8))
        case .bytes(let b): return .bytes(b)
        case .address(let b): return .address(b)
        case .hash(let b): return .hash(b)
        default: throw fail("expected a constant literal, found \(t.text)")
        }
    }

    /// `-12.5` as a `Dec` (value times 10^18), or `nil` when out of range.
    static func parseDec(_ s: String) -> Int128? {
        let negative = s.hasPrefix("-")
        let body = negative ? s.dropFirst() : Substring(s)
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = UInt128(parts[0]) else { return nil }
        var frac: UInt128 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 18, let f = UInt128(digits) else { return nil }
            frac = f
            for _ in digits.count..<18 { frac *= 10 }
        }
        let (scaled, o1) = whole.multipliedReportingOverflow(by: UInt128(decScale))
        let (mag, o2) = scaled.addingReportingOverflow(frac)
        guard !o1, !o2 else { return nil }
        let limit = UInt128(Int128.max)
        if negative {
            guard mag <= limit + 1 else { return nil }
            return Int128(truncatingIfNeeded: 0 &- mag)
        }
        guard mag <= limit else { return nil }
        return Int128(mag)
    }
}
