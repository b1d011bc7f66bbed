// Compile-time evaluation: `const` values and folding of constant subexpressions.
import Bytecode
import Diagnostics

extension ModuleCompiler {
    /// The value of a `const`, evaluated once; nil after an error.
    func value(of symbol: ConstSymbol, in unit: Unit) -> ConstValue? {
        if let value = symbol.value { return value }
        if symbol.failed { return nil }
        guard !symbol.evaluating else {
            diagnostics.report(.error(Messages.constantCycle(symbol.name), at: symbol.range))
            symbol.failed = true
            return nil
        }
        symbol.evaluating = true
        defer { symbol.evaluating = false }
        let range = unit.tree[symbol.expr].range
        guard let value = fold(symbol.expr, in: unit, isLocal: { _ in false }) else {
            if !symbol.failed { diagnostics.report(.error(Messages.notConstant(symbol.name), at: range)) }
            symbol.failed = true
            return nil
        }
        if let declared = symbol.declaredType {
            let type = resolve(declared)
            if !type.accepts(value.type) {
                diagnostics.report(
                    .error(Messages.typeMismatch(expected: type, found: value.type), at: range))
                symbol.failed = true
                return nil
            }
        }
        symbol.value = value
        return value
    }

    /// The value of `expr` when it is made of literals, consts and operators on them; nil otherwise.
    /// Overflow and division by zero in such an expression are reported (the code would always trap).
    func fold(_ expr: Expr, in unit: Unit, isLocal: (String) -> Bool) -> ConstValue? {
        let tree = unit.tree
        let node = tree[expr]
        switch node.kind {
        case .integer(let ref):
            let digits = tree.text(ref)
            guard let v = ModuleCompiler.parseInteger(digits) else {
                diagnostics.report(.error(Messages.integerTooLarge(digits), at: node.range))
                return nil
            }
            return .int(v)
        case .decimal(let ref):
            let text = tree.text(ref)
            guard let v = ModuleCompiler.parseDecimal(text) else {
                diagnostics.report(.error(Messages.decimalTooLarge(text), at: node.range))
                return nil
            }
            return .dec(v)
        case .bool(let b): return .bool(b)
        case .string(let ref): return .string(tree.text(ref))
        case .address(.bytes(let ref)): return .address(tree.bytes(ref))
        case .hash(let ref): return .hash(tree.bytes(ref))
        case .name(let ref):
            let name = tree.text(ref)
            // Most names are no const: most units have none, and most names in a body are locals, found by a
            // short scan, so both are asked before hashing the name into the table.
            guard !unit.consts.isEmpty, !isLocal(name), let symbol = unit.consts[name] else { return nil }
            return value(of: symbol, in: unit)
        case .member(let base, let ref):
            let name = tree.identifier(ref)
            guard let q = tree.name(base), !unit.libraries.isEmpty, !isLocal(q), let library = unit.libraries[q],
                let symbol = library.consts[name.name]
            else { return nil }
            return value(of: symbol, in: library)
        case .unary(.negate, let operand) where ModuleCompiler.isMinimumMagnitude(operand, in: tree):
            return .int(Int128.min)  // `-170141183460469231731687303715884105728`: its magnitude alone does not fit
        case .unary(let op, let operand):
            guard let v = fold(operand, in: unit, isLocal: isLocal) else { return nil }
            switch (op, v) {
            case (.negate, .int(let x)), (.negate, .dec(let x)):
                let (r, o) = Int128(0).subtractingReportingOverflow(x)
                if o { diagnostics.report(.error(Messages.constantOverflow("-"), at: node.range)); return nil }
                if case .int = v { return .int(r) }
                return .dec(r)
            case (.not, .bool(let b)): return .bool(!b)
            default: return nil
            }
        case .binary(let op, let lhs, let rhs, let opRange):
            guard let l = fold(lhs, in: unit, isLocal: isLocal), let r = fold(rhs, in: unit, isLocal: isLocal) else {
                return nil
            }
            return foldBinary(op, l, r, at: opRange)
        case .call(let callee, let arguments):
            guard let name = tree.name(callee), !isLocal(name), unit.functions[name] == nil,
                arguments.count == 1, let v = fold(tree[arguments][0], in: unit, isLocal: isLocal)
            else { return nil }
            switch (name, v) {
            case ("dec", .int(let x)):
                let (r, o) = x.multipliedReportingOverflow(by: decScale)
                if o { diagnostics.report(.error(Messages.constantOverflow("dec"), at: node.range)); return nil }
                return .dec(r)
            case ("int", .dec(let x)): return .int(x / decScale)
            default: return nil
            }
        default:
            return nil
        }
    }

    private func foldBinary(_ op: BinaryOperator, _ l: ConstValue, _ r: ConstValue, at range: SourceRange)
        -> ConstValue?
    {
        func overflow() -> ConstValue? {
            diagnostics.report(.error(Messages.constantOverflow(op.rawValue), at: range))
            return nil
        }
        switch (l, r) {
        case (.int(let a), .int(let b)):
            switch op {
            case .add: let (v, o) = a.addingReportingOverflow(b); return o ? overflow() : .int(v)
            case .subtract: let (v, o) = a.subtractingReportingOverflow(b); return o ? overflow() : .int(v)
            case .multiply: let (v, o) = a.multipliedReportingOverflow(by: b); return o ? overflow() : .int(v)
            case .divide, .remainder:
                // The VM's own definition, so a folded constant is what the code would compute at run time.
                switch op == .divide ? IntegerSemantics.quotient(a, b) : IntegerSemantics.remainder(a, b) {
                case .value(let v): return .int(v)
                case .overflow: return overflow()
                case .divisionByZero:
                    diagnostics.report(.error(Messages.constantDivisionByZero, at: range))
                    return nil
                }
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            case .and, .or: return nil
            }
        case (.dec(let a), .dec(let b)):
            switch op {
            case .add: let (v, o) = a.addingReportingOverflow(b); return o ? overflow() : .dec(v)
            case .subtract: let (v, o) = a.subtractingReportingOverflow(b); return o ? overflow() : .dec(v)
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            default: return nil  // `*` and `/` on Dec round at run time
            }
        case (.bool(let a), .bool(let b)):
            switch op {
            case .and: return .bool(a && b)
            case .or: return .bool(a || b)
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            default: return nil
            }
        case (.string(let a), .string(let b)):
            switch op {
            case .add: return .string(a + b)
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            default: return nil
            }
        default:
            return nil
        }
    }

    // MARK: - Literals

    /// Whether `e` is the integer literal 2^127: the magnitude of `Int128.min`, valid only when negated.
    static func isMinimumMagnitude(_ e: Expr, in tree: SyntaxTree) -> Bool {
        guard case .integer(let ref) = tree[e].kind else { return false }
        return tree.text(ref).drop { $0 == "0" } == "170141183460469231731687303715884105728"
    }

    /// Decimal digits to an Int, nil when out of range.
    static func parseInteger(_ digits: String) -> Int128? {
        // Over the contiguous bytes (`withUTF8`: in place for a small string): iterating `utf8` went through the
        // string's representation for every byte.
        var digits = digits
        return digits.withUTF8 { parseInteger(bytes: $0) }
    }

    private static func parseInteger(bytes: UnsafeBufferPointer<UInt8>) -> Int128? {
        guard !bytes.isEmpty else { return nil }
        if bytes.count <= 18 {  // below 10^18: no overflow in 64 bits, and 128-bit steps cost more
            var small: Int64 = 0
            for byte in bytes {
                guard byte >= 48 && byte <= 57 else { return nil }
                small = small &* 10 &+ Int64(byte &- 48)
            }
            return Int128(small)
        }
        var value: Int128 = 0
        for byte in bytes {
            guard byte >= 48 && byte <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int128(byte - 48))
            if o1 || o2 { return nil }
            value = a
        }
        return value
    }

    /// `123.456` to a Dec (times 10^18), nil when out of range or malformed.
    static func parseDecimal(_ text: String) -> Int128? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count <= 18, let whole = parseInteger(String(parts[0])) else { return nil }
        let fraction = String(parts[1]) + String(repeating: "0", count: 18 - parts[1].count)
        guard let f = parseInteger(fraction) else { return nil }
        let (w, o1) = whole.multipliedReportingOverflow(by: decScale)
        let (v, o2) = w.addingReportingOverflow(f)
        return o1 || o2 ? nil : v
    }
}
