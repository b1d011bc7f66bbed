/// Turns a `ParsedAssembly` into a `Module`: resolves names, interns types and constants (a type or
/// literal written in code or a signature reuses the first equal table entry, or is appended; `.type` and
/// `.const` always append), lays out code, resolves labels and computes `max_stack` where not given.
struct AssemblyBuilder {
    let parsed: ParsedAssembly
    let fileName: String
    private var module = Module(name: "")
    private var firstType: [TypeDesc: Int] = [:]
    private var firstConstant: [Constant: Int] = [:]
    private var files: [String] = []
    private var entries: [SourceMapEntry] = []
    private var hasSourceMap = false
    private let structIndex: [String: Int]
    private let functionIndex: [String: Int]
    private let stateIndex: [String: Int]
    private let eventIndex: [String: Int]
    private let externIndex: [String: Int]

    init(parsed: ParsedAssembly, fileName: String) {
        self.parsed = parsed
        self.fileName = fileName
        func firstIndices(_ names: [String]) -> [String: Int] {
            var d: [String: Int] = [:]
            for (i, n) in names.enumerated() where d[n] == nil { d[n] = i }
            return d
        }
        structIndex = firstIndices(parsed.structs.map(\.name))
        functionIndex = firstIndices(parsed.functions.map(\.name))
        stateIndex = firstIndices(parsed.state.map(\.name))
        eventIndex = firstIndices(parsed.events.map(\.name))
        externIndex = firstIndices(parsed.externs.map(\.name))
    }

    private func fail(_ p: SourcePoint, _ message: String) -> AssemblyError {
        AssemblyError(fileName: fileName, line: p.line, column: p.column, message: message)
    }

    mutating func build() throws(AssemblyError) -> Module {
        module.name = parsed.name
        module.structs = parsed.structs.map { StructDecl(name: $0.name, fields: []) }
        module.events = parsed.events.map { EventDecl(name: $0.name, fields: []) }
        module.state = parsed.state.map { Field(name: $0.name, type: 0) }
        module.externs = parsed.externs.map { ExternDecl(name: $0.name, params: [], results: [], isView: $0.isView) }
        module.functions = parsed.functions.map {
            Function(name: $0.name, kind: $0.kind, params: [], results: [], locals: [], maxStack: 0, code: [])
        }
        for d in parsed.declarations { try declare(d) }
        for i in parsed.functions.indices { try assembleBody(i) }
        for (i, f) in parsed.functions.enumerated() {
            if let n = f.maxStack {
                module.functions[i].maxStack = UInt16(truncatingIfNeeded: n)
            } else if let n = AssemblyBuilder.maxStack(of: module.functions[i], in: module) {
                guard n <= Limits.maxFunctionStack else {
                    throw fail(f.position, "'\(f.name)' needs \(n) stack slots, more than \(Limits.maxFunctionStack)")
                }
                module.functions[i].maxStack = UInt16(clamping: n)
            } else {
                throw fail(
                    f.position,
                    "cannot compute the stack depth of '\(f.name)' (its code does not decode or names something "
                        + "missing); give '.maxstack N'")
            }
        }
        if hasSourceMap { module.sourceMap = SourceMap(files: files, entries: entries) }
        return module
    }

    // MARK: - Declarations

    private mutating func declare(_ d: Declaration) throws(AssemblyError) {
        switch d {
        case .type(let t, let p):
            let desc = try describe(t)
            try append(type: desc, p)
        case .constant(let c, let p):
            guard module.constants.count < Limits.maxTableEntries else { throw fail(p, "too many constants") }
            if firstConstant[c] == nil { firstConstant[c] = module.constants.count }
            module.constants.append(c)
        case .structure(let i):
            module.structs[i].fields = try fields(parsed.structs[i].fields)
        case .event(let i):
            module.events[i].fields = try fields(parsed.events[i].fields)
        case .state(let i):
            module.state[i].type = try resolve(parsed.state[i].type)
        case .extern(let i):
            module.externs[i].params = try resolve(parsed.externs[i].params)
            module.externs[i].results = try resolve(parsed.externs[i].results)
        case .function(let i):
            let f = parsed.functions[i]
            guard f.params.count + f.locals.count <= Limits.maxLocals else {
                throw fail(f.position, "'\(f.name)' has more than \(Limits.maxLocals) locals")
            }
            module.functions[i].params = try resolve(f.params.map(\.type))
            module.functions[i].results = try resolve(f.results)
            module.functions[i].locals = try resolve(f.locals.map(\.type))
        case .file(let name):
            hasSourceMap = true
            files.append(name)
        case .sourceMap:
            hasSourceMap = true
        case .entry(let e):
            hasSourceMap = true
            let function = try lookup(e.function, functionIndex, parsed.functions.map(\.name), "function")
            if case .index(let i, let p) = e.function, i > Int(UInt16.max) {
                throw fail(p, "function index \(i) is out of range")
            }
            let file = try fileIndex(e.file)
            entries.append(
                SourceMapEntry(
                    function: UInt16(truncatingIfNeeded: function), offset: e.offset,
                    file: UInt16(truncatingIfNeeded: file), line: e.line, column: e.column))
        }
    }

    private mutating func fields(_ xs: [NamedType]) throws(AssemblyError) -> [Field] {
        var out: [Field] = []
        for x in xs { out.append(Field(name: x.name ?? "", type: try resolve(x.type))) }
        return out
    }

    private mutating func fileIndex(_ r: Reference) throws(AssemblyError) -> Int {
        switch r {
        case .index(let i, let p):
            guard i <= Int(UInt16.max) else { throw fail(p, "file index \(i) is out of range") }
            return i
        case .name(let n, let p):
            if let i = files.firstIndex(of: n) { return i }
            guard files.count < Limits.maxTableEntries else { throw fail(p, "too many source files") }
            files.append(n)
            return files.count - 1
        }
    }

    // MARK: - Types

    private mutating func append(type desc: TypeDesc, _ p: SourcePoint) throws(AssemblyError) {
        guard module.types.count < Limits.maxTableEntries else { throw fail(p, "too many types") }
        if firstType[desc] == nil { firstType[desc] = module.types.count }
        module.types.append(desc)
    }

    /// The table index of `t`, appending it (and its parts) when missing.
    private mutating func resolve(_ t: TypeSyntax) throws(AssemblyError) -> UInt16 {
        if case .index(let i, let p) = t {
            guard i <= Int(UInt16.max) else { throw fail(p, "type index \(i) is out of range") }
            return UInt16(i)
        }
        let desc = try describe(t)
        if let i = firstType[desc] { return UInt16(truncatingIfNeeded: i) }
        try append(type: desc, point(of: t))
        return UInt16(truncatingIfNeeded: module.types.count - 1)
    }

    private mutating func resolve(_ ts: [TypeSyntax]) throws(AssemblyError) -> [UInt16] {
        var out: [UInt16] = []
        for t in ts { out.append(try resolve(t)) }
        return out
    }

    /// The `TypeDesc` of `t`, resolving (and interning) its parts.
    private mutating func describe(_ t: TypeSyntax) throws(AssemblyError) -> TypeDesc {
        switch t {
        case .primitive(let d): return d
        case .list(let e): return .list(elem: try resolve(e))
        case .map(let k, let v): return .map(key: try resolve(k), value: try resolve(v))
        case .named(let n, let p):
            guard let i = structIndex[n] else {
                throw fail(p, "unknown type '\(n)'" + suggestion(for: n, among: parsed.structs.map(\.name)))
            }
            return .structure(UInt16(truncatingIfNeeded: i))
        case .structIndex(let i, let p):
            guard i <= Int(UInt16.max) else { throw fail(p, "struct index \(i) is out of range") }
            return .structure(UInt16(i))
        case .index(let i, let p):
            guard i < module.types.count else { throw fail(p, "type index \(i) is not declared yet") }
            return module.types[i]
        }
    }

    private func point(of t: TypeSyntax) -> SourcePoint {
        switch t {
        case .named(_, let p), .structIndex(_, let p), .index(_, let p): p
        case .list(let e): point(of: e)
        case .map(let k, _): point(of: k)
        case .primitive: SourcePoint(line: 0, column: 0)
        }
    }

    // MARK: - Names

    private func lookup(
        _ r: Reference, _ index: [String: Int], _ names: [String], _ what: String
    ) throws(AssemblyError) -> Int {
        switch r {
        case .index(let i, _):
            return i
        case .name(let n, let p):
            guard let i = index[n] else { throw fail(p, "unknown \(what) '\(n)'" + suggestion(for: n, among: names)) }
            return i
        }
    }
}

// MARK: - Code

extension AssemblyBuilder {
    private mutating func assembleBody(_ fi: Int) throws(AssemblyError) {
        let f = parsed.functions[fi]
        var localIndex: [String: Int] = [:]
        for (i, l) in (f.params + f.locals).enumerated() {
            if let n = l.name, localIndex[n] == nil { localIndex[n] = i }
        }
        var labels: [String: Int] = [:]
        var offset = 0
        for line in f.body {
            switch line {
            case .label(let name, let p):
                guard labels[name] == nil else { throw fail(p, "label '\(name)' is defined twice") }
                labels[name] = offset
            case .instruction(let op, _, _, _): offset += op.info.size
            case .bytes(let raw): offset += raw.count
            case .loc: break
            }
        }
        var code: [UInt8] = []
        for line in f.body {
            switch line {
            case .label: break
            case .bytes(let raw): code += raw
            case .loc(let file, let l, let col):
                hasSourceMap = true
                let fileNumber = try fileIndex(file)
                entries.append(
                    SourceMapEntry(
                        function: UInt16(truncatingIfNeeded: fi), offset: UInt32(clamping: code.count),
                        file: UInt16(truncatingIfNeeded: fileNumber), line: l, column: col))
            case .instruction(let op, let tokens, let p, let endColumn):
                var c = TokenCursor(tokens, line: p.line, fileName: fileName, endColumn: endColumn)
                var imms: [Int64] = []
                let info = op.info
                for (kind, role) in zip(info.immediates, info.roles) {
                    imms.append(try operand(&c, kind, role, info.mnemonic, localIndex, f, labels))
                }
                try c.expectEnd()
                Instruction(offset: code.count, opcode: op, immediates: imms).encode(into: &code)
            }
        }
        guard code.count <= Limits.maxCodeBytes else {
            throw fail(f.position, "'\(f.name)' has \(code.count) bytes of code, more than \(Limits.maxCodeBytes)")
        }
        module.functions[fi].code = code
    }

    private mutating func operand(
        _ c: inout TokenCursor, _ kind: ImmediateKind, _ role: ImmediateRole, _ mnemonic: String,
        _ localIndex: [String: Int], _ f: FunctionSyntax, _ labels: [String: Int]
    ) throws(AssemblyError) -> Int64 {
        let p = c.point
        let value: Int64
        switch (role, c.peek()?.kind) {
        case (_, nil):
            throw c.error("'\(mnemonic)' expects \(describe(role))")
        case (.value, .integer(let s)?):
            guard let v = Int64(s) else { throw c.error("integer \(s) does not fit in a 64-bit immediate") }
            value = v
        case (.type, _):
            return Int64(try resolve(try c.type()))
        case (_, .index(let i)?):
            value = Int64(i)
        case (.constant, _?):
            guard let t = c.peek() else { throw c.error("'\(mnemonic)' expects \(describe(role))") }
            let k = try AssemblyParser.constant(t, c)
            if let i = firstConstant[k] {
                value = Int64(i)
            } else {
                guard module.constants.count < Limits.maxTableEntries else { throw c.error("too many constants") }
                firstConstant[k] = module.constants.count
                module.constants.append(k)
                value = Int64(module.constants.count - 1)
            }
        case (.local, .integer(let s)?), (.count, .integer(let s)?), (.field, .integer(let s)?):
            guard let v = Int64(s), v >= 0 else { throw c.error("\(s) is out of range") }
            value = v
        case (.local, .identifier(let n)?):
            let names = (f.params + f.locals).compactMap(\.name)
            guard let i = localIndex[n] else {
                throw c.error("unknown local '\(n)'" + suggestion(for: n, among: names))
            }
            value = Int64(i)
        case (.target, .identifier(let n)?):
            guard let i = labels[n] else {
                throw c.error("unknown label '\(n)'" + suggestion(for: n, among: labels.keys.sorted()))
            }
            value = Int64(i)
        case (.field, .identifier(let word)?):
            guard let dot = word.lastIndex(of: ".") else { throw c.expected("a field index or 'Struct.field'") }
            let s = String(word[..<dot]), fieldName = String(word[word.index(after: dot)...])
            guard let si = structIndex[s] else {
                throw c.error("unknown struct '\(s)'" + suggestion(for: s, among: parsed.structs.map(\.name)))
            }
            let fieldNames = parsed.structs[si].fields.compactMap(\.name)
            guard let fi = fieldNames.firstIndex(of: fieldName) else {
                throw c.error(
                    "struct '\(s)' has no field '\(fieldName)'" + suggestion(for: fieldName, among: fieldNames))
            }
            value = Int64(fi)
        case (.function, _?), (.structure, _?), (.stateVar, _?), (.event, _?), (.extern, _?):
            let r = try c.reference(describe(role))
            switch role {
            case .function: value = Int64(try lookup(r, functionIndex, parsed.functions.map(\.name), "function"))
            case .structure: value = Int64(try lookup(r, structIndex, parsed.structs.map(\.name), "struct"))
            case .stateVar: value = Int64(try lookup(r, stateIndex, parsed.state.map(\.name), "state variable"))
            case .event: value = Int64(try lookup(r, eventIndex, parsed.events.map(\.name), "event"))
            default: value = Int64(try lookup(r, externIndex, parsed.externs.map(\.name), "extern"))
            }
            return try checked(value, kind, p)
        default:
            throw c.expected(describe(role))
        }
        _ = c.next()
        return try checked(value, kind, p)
    }

    private func checked(_ v: Int64, _ kind: ImmediateKind, _ p: SourcePoint) throws(AssemblyError) -> Int64 {
        switch kind {
        case .u16: guard v >= 0, v <= Int64(UInt16.max) else { throw fail(p, "operand \(v) does not fit in 16 bits") }
        case .u32: guard v >= 0, v <= Int64(UInt32.max) else { throw fail(p, "operand \(v) does not fit in 32 bits") }
        case .i64: break
        }
        return v
    }

    private func describe(_ role: ImmediateRole) -> String {
        switch role {
        case .value: "an integer"
        case .constant: "a constant literal or '%N'"
        case .local: "a local name or index"
        case .target: "a label"
        case .function: "a function name"
        case .type: "a type"
        case .count: "a count"
        case .field: "a field index or 'Struct.field'"
        case .structure: "a struct name"
        case .stateVar: "a state variable name"
        case .event: "an event name"
        case .extern: "an extern name"
        }
    }

    /// The deepest operand stack `f` reaches, following every branch from offset 0 (depths at merge points
    /// are taken from the first path; the verifier checks they agree). `nil` when the code does not decode
    /// or an instruction names something the module lacks.
    static func maxStack(of f: Function, in m: Module) -> Int? {
        guard let insts = try? Instruction.decodeAll(f.code) else { return nil }
        if insts.isEmpty { return 0 }
        var indexAt: [Int: Int] = [:]
        for (i, inst) in insts.enumerated() { indexAt[inst.offset] = i }
        var depthAt = [Int?](repeating: nil, count: insts.count)
        depthAt[0] = 0
        var work = [0]
        var deepest = 0
        while let i = work.popLast() {
            guard let depth = depthAt[i] else { continue }
            let inst = insts[i]
            guard let (pops, pushes) = inst.stackCounts(in: m, function: f) else { return nil }
            let after = max(depth - pops, 0) + pushes
            deepest = max(deepest, depth, after)
            var next: [Int] = []
            if !inst.opcode.info.flags.contains(.terminator), i + 1 < insts.count { next.append(i + 1) }
            if inst.opcode.info.flags.contains(.branch), let first = inst.immediates.first,
                let t = indexAt[Int(truncatingIfNeeded: first)]
            {
                next.append(t)
            }
            for j in next where depthAt[j] == nil {
                depthAt[j] = after
                work.append(j)
            }
        }
        return deepest
    }
}
