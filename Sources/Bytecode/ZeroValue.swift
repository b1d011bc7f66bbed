/// The value a fresh variable, a missing map entry or an unset state variable of type `t` holds: 0, false,
/// 32 zero bytes, "", an empty list or map, or a struct of zero values. Out-of-range type or struct indices
/// (which the verifier rejects) and nesting deeper than `ValueCodec.maxDepth` give an empty struct.
public func zeroValue(of t: TypeDesc, in m: Module) -> Value {
    zeroValue(of: t, in: m, depth: 0)
}

private func zeroValue(of t: TypeDesc, in m: Module, depth: Int) -> Value {
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
        guard depth < ValueCodec.maxDepth, Int(s) < m.structs.count else { return .structure([]) }
        return .structure(m.structs[Int(s)].fields.map { f in
            guard Int(f.type) < m.types.count else { return .structure([]) }
            return zeroValue(of: m.types[Int(f.type)], in: m, depth: depth + 1)
        })
    }
}
