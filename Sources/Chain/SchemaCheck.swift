import Bytecode

/// The upgrade compatibility rules: what a new module must keep of the old one.
enum SchemaCheck {
    /// The first reason `new` cannot replace `old` under `policy`, or `nil` when it can.
    ///
    /// - every state variable of `old` keeps its index, name and type in `new` (new ones may follow);
    /// - under `additive`, every public and view function of `old` keeps its kind and signature;
    /// - a `migrate` function takes one `Int` (the version being replaced) and returns nothing.
    static func incompatibility(old: Module, new: Module, policy: UpgradePolicy) -> String? {
        for (index, field) in old.state.enumerated() {
            guard index < new.state.count else {
                return "state variable '\(field.name)' is missing (the new module declares \(new.state.count) "
                    + "state variables, the old one \(old.state.count))"
            }
            let replacement = new.state[index]
            guard replacement.name == field.name else {
                return "state variable '\(field.name)' is missing or moved ('\(replacement.name)' takes its place)"
            }
            guard sameType(field.type, old, replacement.type, new, depth: 0) else {
                return "state variable '\(field.name)' changes type from \(name(field.type, old, depth: 0)) to "
                    + name(replacement.type, new, depth: 0)
            }
        }
        if policy >= .additive {
            for function in old.functions where function.kind == .public || function.kind == .view {
                guard let index = new.functionIndex(named: function.name) else {
                    return "function '\(function.name)' is removed, but the additive policy keeps every function"
                }
                let replacement = new.functions[index]
                guard replacement.kind == function.kind, sameTypes(function.params, old, replacement.params, new),
                    sameTypes(function.results, old, replacement.results, new)
                else {
                    return "function '\(function.name)' changes its signature from \(signature(function, old)) to "
                        + "\(signature(replacement, new)), but the additive policy keeps signatures"
                }
            }
        }
        if let migrate = new.functions.first(where: { $0.kind == .migrate }) {
            let takesInt = migrate.params.count == 1 && Int(migrate.params[0]) < new.types.count
                && new.types[Int(migrate.params[0])] == .int
            guard takesInt, migrate.results.isEmpty else {
                return "'\(migrate.name)' must take (from_version: Int) and return nothing"
            }
        }
        return nil
    }

    static func sameTypes(_ a: [UInt16], _ ma: Module, _ b: [UInt16], _ mb: Module) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { sameType($0, ma, $1, mb, depth: 0) }
    }

    /// Whether type `a` of `ma` and type `b` of `mb` are the same type (structs by name and fields).
    static func sameType(_ a: UInt16, _ ma: Module, _ b: UInt16, _ mb: Module, depth: Int) -> Bool {
        guard depth < 64, Int(a) < ma.types.count, Int(b) < mb.types.count else { return false }
        switch (ma.types[Int(a)], mb.types[Int(b)]) {
        case let (.list(x), .list(y)):
            return sameType(x, ma, y, mb, depth: depth + 1)
        case let (.map(k1, v1), .map(k2, v2)):
            return sameType(k1, ma, k2, mb, depth: depth + 1) && sameType(v1, ma, v2, mb, depth: depth + 1)
        case let (.structure(s1), .structure(s2)):
            guard Int(s1) < ma.structs.count, Int(s2) < mb.structs.count else { return false }
            let x = ma.structs[Int(s1)], y = mb.structs[Int(s2)]
            guard x.name == y.name, x.fields.count == y.fields.count else { return false }
            return zip(x.fields, y.fields).allSatisfy {
                $0.name == $1.name && sameType($0.type, ma, $1.type, mb, depth: depth + 1)
            }
        case let (x, y):
            return x == y
        }
    }

    /// The type as the language writes it.
    static func name(_ index: UInt16, _ module: Module, depth: Int) -> String {
        guard depth < 16, Int(index) < module.types.count else { return "?" }
        switch module.types[Int(index)] {
        case .int: return "Int"
        case .dec: return "Dec"
        case .bool: return "Bool"
        case .address: return "Address"
        case .hash: return "Hash"
        case .string: return "String"
        case .bytes: return "Bytes"
        case .list(let e): return "List<\(name(e, module, depth: depth + 1))>"
        case let .map(k, v): return "Map<\(name(k, module, depth: depth + 1)), \(name(v, module, depth: depth + 1))>"
        case .structure(let s): return Int(s) < module.structs.count ? module.structs[Int(s)].name : "?"
        }
    }

    static func signature(_ function: Function, _ module: Module) -> String {
        let params = function.params.map { name($0, module, depth: 0) }.joined(separator: ", ")
        let results = function.results.map { name($0, module, depth: 0) }.joined(separator: ", ")
        return "\(function.kind.name) (\(params))" + (results.isEmpty ? "" : " -> \(results)")
    }
}
