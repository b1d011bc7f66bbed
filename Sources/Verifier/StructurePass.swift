import Bytecode

/// Pass 1: the module's tables. Table sizes, constants, a well-founded type table (lists and maps name
/// earlier entries, map keys are orderable, struct indices in range, no struct containing itself), every
/// type index used by structs, state, events, externs and function signatures, unique names, and the
/// signature rules for `init` and `migrate`. Produces the canonical `TypeTable`.
struct StructurePass {
    let module: Module

    func run() throws(VerificationError) -> TypeTable {
        try checkTableSizes()
        try checkConstants()
        let types = try buildTypeTable()
        try checkStructs()
        try checkStructCycles()
        try checkNestingDepth()
        try checkStateAndEvents()
        try checkExterns()
        try checkFunctions()
        return types
    }

    // MARK: - Tables and constants

    private func checkTableSizes() throws(VerificationError) {
        let sizes: [(String, Int)] = [
            ("types", module.types.count), ("constants", module.constants.count), ("structs", module.structs.count),
            ("state variables", module.state.count), ("events", module.events.count),
            ("externs", module.externs.count), ("functions", module.functions.count),
        ]
        for (table, count) in sizes where count > Limits.maxTableEntries {
            throw VerificationError(Message.tooManyEntries(table, count: count, limit: Limits.maxTableEntries))
        }
    }

    private func checkConstants() throws(VerificationError) {
        for (index, constant) in module.constants.enumerated() {
            switch constant {
            case .int, .dec, .bytes:
                break
            case .address(let bytes) where bytes.count != 32:
                throw VerificationError(Message.constantWrongLength(index, kind: "address", count: bytes.count))
            case .hash(let bytes) where bytes.count != 32:
                throw VerificationError(Message.constantWrongLength(index, kind: "hash", count: bytes.count))
            case .address, .hash:
                break
            case .string(let bytes):
                if String(validating: bytes, as: UTF8.self) == nil {
                    throw VerificationError(Message.constantInvalidUTF8(index))
                }
            }
        }
    }

    // MARK: - Types

    private func buildTypeTable() throws(VerificationError) -> TypeTable {
        var table = TypeTable(structNames: module.structs.map(\.name))
        for (index, desc) in module.types.enumerated() {
            let shape: TypeShape
            switch desc {
            case .int: shape = .int
            case .dec: shape = .dec
            case .bool: shape = .bool
            case .address: shape = .address
            case .hash: shape = .hash
            case .string: shape = .string
            case .bytes: shape = .bytes
            case .list(let elem):
                shape = .list(try earlier(elem, of: index, role: "list element", in: table))
            case .map(let key, let value):
                let keyID = try earlier(key, of: index, role: "map key", in: table)
                let valueID = try earlier(value, of: index, role: "map value", in: table)
                if !module.types[Int(key)].isMapKey {
                    throw VerificationError(Message.badMapKey(index, key: table.name(keyID)))
                }
                shape = .map(key: keyID, value: valueID)
            case .structure(let s):
                guard Int(s) < module.structs.count else {
                    throw VerificationError(
                        Message.structIndexOutOfRange(index, index: Int(s), count: module.structs.count))
                }
                shape = .structure(Int(s))
            }
            table.appendEntry(table.intern(shape))
        }
        return table
    }

    private func earlier(_ ref: UInt16, of entry: Int, role: String, in table: TypeTable)
        throws(VerificationError) -> TypeID
    {
        guard Int(ref) < entry, let id = table.entry(ref) else {
            throw VerificationError(Message.typeNotEarlier(entry, role: role, index: Int(ref)))
        }
        return id
    }

    /// Checks one type index used by `usedBy`.
    private func checkType(_ index: UInt16, usedBy: String, function: Int? = nil) throws(VerificationError) {
        guard Int(index) < module.types.count else {
            throw VerificationError(
                Message.typeIndexOutOfRange(Int(index), count: module.types.count, usedBy: usedBy),
                function: function, functionName: function.map { module.functions[$0].name })
        }
    }

    // MARK: - Structs

    private func checkStructs() throws(VerificationError) {
        var names = UniqueNames(what: "struct")
        for (index, decl) in module.structs.enumerated() {
            try names.insert(decl.name, index: index)
            var fields: [String: Int] = [:]
            for field in decl.fields {
                if fields.updateValue(0, forKey: field.name) != nil {
                    throw VerificationError(Message.duplicateField("struct", decl.name, field: field.name))
                }
                try checkType(field.type, usedBy: "struct '\(decl.name)' field '\(field.name)'")
            }
        }
    }

    /// The graph over type entries (nodes `0 ..< types.count`) and structs (nodes after them): a list or
    /// map points at its element types, a struct type at its struct, a struct at its fields' types.
    private func successors(_ node: Int) -> [Int] {
        let typeCount = module.types.count
        if node >= typeCount { return module.structs[node - typeCount].fields.map { Int($0.type) } }
        switch module.types[node] {
        case .list(let elem): return [Int(elem)]
        case .map(let key, let value): return [Int(key), Int(value)]
        case .structure(let s): return [typeCount + Int(s)]
        default: return []
        }
    }

    /// No struct contains itself, directly or through lists, maps or other structs. Depth-first search over
    /// a graph of type entries and structs, with an explicit stack (no recursion on input depth).
    private func checkStructCycles() throws(VerificationError) {
        let typeCount = module.types.count
        enum Colour { case white, grey, black }
        var colour = [Colour](repeating: .white, count: typeCount + module.structs.count)
        for root in module.structs.indices.map({ typeCount + $0 }) where colour[root] == .white {
            var path: [(node: Int, next: [Int], position: Int)] = [(root, successors(root), 0)]
            colour[root] = .grey
            while let top = path.last {
                if top.position == top.next.count {
                    colour[top.node] = .black
                    path.removeLast()
                    continue
                }
                path[path.count - 1].position += 1
                let child = top.next[top.position]
                switch colour[child] {
                case .black:
                    continue
                case .grey:
                    let start = path.firstIndex { $0.node == child } ?? 0
                    let member = path[start...].first { $0.node >= typeCount }?.node ?? root
                    throw VerificationError(Message.structContainsItself(module.structs[member - typeCount].name))
                case .white:
                    colour[child] = .grey
                    path.append((child, successors(child), 0))
                }
            }
        }
    }

    /// No type nests deeper than `Limits.maxTypeDepth` (lists, maps and structs inside each other), so
    /// everything that walks a value by its type — zero values, deep copies, codecs — recurses a bounded
    /// number of times. Computed by relaxation: each round raises a node's depth to one more than its
    /// deepest successor's; the graph is acyclic (checked above), so depths settle, and a depth past the
    /// limit stops it early.
    private func checkNestingDepth() throws(VerificationError) {
        let typeCount = module.types.count
        let nodeCount = typeCount + module.structs.count
        var depth = [Int](repeating: 1, count: nodeCount)
        let edges = (0..<nodeCount).map(successors)
        for _ in 0...Limits.maxTypeDepth {
            var changed = false
            for node in 0..<nodeCount {
                let d = 1 + (edges[node].map { $0 < nodeCount ? depth[$0] : 0 }.max() ?? 0)
                if d > depth[node] {
                    depth[node] = d
                    changed = true
                }
                if depth[node] > Limits.maxTypeDepth {
                    let name = node >= typeCount ? "struct '\(module.structs[node - typeCount].name)'" : "type \(node)"
                    throw VerificationError(Message.typeTooDeep(name, limit: Limits.maxTypeDepth))
                }
            }
            if !changed { return }
        }
    }

    // MARK: - State, events, externs

    private func checkStateAndEvents() throws(VerificationError) {
        var stateNames = UniqueNames(what: "state variable")
        for (index, variable) in module.state.enumerated() {
            try stateNames.insert(variable.name, index: index)
            try checkType(variable.type, usedBy: "state variable '\(variable.name)'")
        }
        var eventNames = UniqueNames(what: "event")
        for (index, event) in module.events.enumerated() {
            try eventNames.insert(event.name, index: index)
            var fields: [String: Int] = [:]
            for field in event.fields {
                if fields.updateValue(0, forKey: field.name) != nil {
                    throw VerificationError(Message.duplicateField("event", event.name, field: field.name))
                }
                try checkType(field.type, usedBy: "event '\(event.name)' field '\(field.name)'")
            }
        }
    }

    private func checkExterns() throws(VerificationError) {
        for decl in module.externs {
            for type in decl.params { try checkType(type, usedBy: "extern '\(decl.name)' parameter") }
            for type in decl.results { try checkType(type, usedBy: "extern '\(decl.name)' result") }
        }
    }

    // MARK: - Functions

    private func checkFunctions() throws(VerificationError) {
        var names: [String: Int] = [:]
        var initName: String?
        var migrateName: String?
        for (index, function) in module.functions.enumerated() {
            func fail(_ message: String) -> VerificationError {
                VerificationError(message, function: index, functionName: function.name)
            }
            guard !function.name.isEmpty else { throw fail(Message.emptyName("function", index)) }
            if names.updateValue(index, forKey: function.name) != nil {
                throw fail(Message.duplicateName("function", function.name))
            }
            for type in function.params { try checkType(type, usedBy: "parameter", function: index) }
            for type in function.results { try checkType(type, usedBy: "result", function: index) }
            for type in function.locals { try checkType(type, usedBy: "local", function: index) }
            switch function.kind {
            case .`init`:
                if let initName { throw fail(Message.secondFunction(ofKind: "init", first: initName)) }
                initName = function.name
                guard function.results.isEmpty else { throw fail(Message.initHasResults) }
            case .migrate:
                if let migrateName { throw fail(Message.secondFunction(ofKind: "migrate", first: migrateName)) }
                migrateName = function.name
                guard function.params.count == 1, function.results.isEmpty,
                    module.types[Int(function.params[0])] == .int
                else { throw fail(Message.migrateSignature) }
            case .public, .view, .private:
                break
            }
            guard function.localCount <= Limits.maxLocals else {
                throw fail(Message.tooManyLocals(function.localCount))
            }
            guard Int(function.maxStack) <= Limits.maxFunctionStack else {
                throw fail(Message.maxStackTooLarge(Int(function.maxStack)))
            }
            guard !function.code.isEmpty else { throw fail(Message.emptyCode) }
            guard function.code.count <= Limits.maxCodeBytes else {
                throw fail(Message.codeTooLarge(function.code.count))
            }
        }
    }
}

/// Names seen so far in one table; lookups only, so order never matters.
private struct UniqueNames {
    let what: String
    private var seen: [String: Int] = [:]

    init(what: String) { self.what = what }

    mutating func insert(_ name: String, index: Int) throws(VerificationError) {
        guard !name.isEmpty else { throw VerificationError(Message.emptyName(what, index)) }
        if seen.updateValue(index, forKey: name) != nil { throw VerificationError(Message.duplicateName(what, name)) }
    }
}
