/// The value a fresh variable, a missing map entry or an unset state variable of type `t` holds: 0, false,
/// 32 zero bytes, "", an empty list or map, or a struct of zero values.
///
/// Never traps and always terminates: out-of-range type or struct indices (which the verifier rejects),
/// nesting deeper than `ValueCodec.maxDepth`, and structs met after `ValueCodec.maxDecodedValues` values
/// have been built (a table of structs can describe a value of exponential size) give an empty struct.
public func zeroValue(of t: TypeDesc, in m: Module) -> Value {
    zeroValue(of: t, in: m, budget: ValueCodec.maxDecodedValues)
}

/// `zeroValue` with another bound on the values built (for tests).
func zeroValue(of t: TypeDesc, in m: Module, budget: Int) -> Value {
    var budget = budget
    return zeroValue(of: t, in: m, depth: 0, budget: &budget)
}

private func zeroValue(of t: TypeDesc, in m: Module, depth: Int, budget: inout Int) -> Value {
    budget -= 1
    switch t {
    case .int: return .int(0)
    case .dec: return .dec(0)
    case .bool: return .bool(false)
    case .address: return .address([UInt8](repeating: 0, count: 32))
    case .hash: return .hash([UInt8](repeating: 0, count: 32))
    case .string: return .string("")
    case .bytes: return .bytes([])
    case .list: return .list([])
    case .map: return .map([])
    case .structure(let s):
        guard depth < ValueCodec.maxDepth, budget > 0, Int(s) < m.structs.count else { return .structure([]) }
        var fields: [Value] = []
        for f in m.structs[Int(s)].fields {
            guard Int(f.type) < m.types.count else {
                fields.append(.structure([]))
                continue
            }
            fields.append(zeroValue(of: m.types[Int(f.type)], in: m, depth: depth + 1, budget: &budget))
        }
        return .structure(fields)
    }
}
