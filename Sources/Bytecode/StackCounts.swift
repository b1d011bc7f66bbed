/// How many slots an instruction pops and pushes, given its module and function. Fixed effects come
/// straight from the opcode table; the rest depend on immediates (call arity, field counts, ...).
/// Returns `nil` when an immediate names something the module does not have.
///
/// The verifier checks types on top of this; the assembler uses it to compute `max_stack`.
extension Instruction {
    public func stackCounts(in module: Module, function: Function) -> (pops: Int, pushes: Int)? {
        opcode.stackCounts(
            first: immediates.first ?? 0, second: immediates.count > 1 ? immediates[1] : 0, in: module,
            function: function)
    }
}

extension PackedInstruction {
    public func stackCounts(in module: Module, function: Function) -> (pops: Int, pushes: Int)? {
        opcode.stackCounts(first: first, second: second, in: module, function: function)
    }
}

extension Opcode {
    /// `Instruction.stackCounts` from the immediates as plain values (0 where the opcode has none).
    public func stackCounts(first: Int64, second: Int64, in module: Module, function: Function)
        -> (pops: Int, pushes: Int)?
    {
        let opcode = self
        func imm(_ i: Int) -> Int { Int(i == 0 ? first : second) }
        func entry<T>(_ table: [T], _ i: Int) -> T? { imm(i) >= 0 && imm(i) < table.count ? table[imm(i)] : nil }
        if let fixed = opcode.layout.fixedEffect { return fixed }
        switch opcode {
        case .pushConst, .localGet, .listNew, .mapNew, .sload, .slistLen, .slistPop: return (0, 1)
        case .pop, .localSet, .sstore, .smapRemove, .slistPush: return (1, 0)
        case .dup: return (1, 2)
        case .swap: return (2, 2)
        case .localTee, .blobLen, .sha256, .toBytes, .listLen, .listPop, .mapLen, .structGet, .copy, .smapGet,
            .smapHas, .slistGet:
            return (1, 1)
        case .eqBlob, .neBlob, .concat, .listGet, .split, .mapGet, .mapHas, .mapKeyAt, .mapValueAt: return (2, 1)
        case .listSet, .mapSet: return (3, 0)
        case .listPush, .mapRemove, .structSet, .smapSet, .slistSet: return (2, 0)
        case .smapFirst: return (0, 2)
        case .smapNext: return (1, 2)
        case .call:
            guard let f = entry(module.functions, 0) else { return nil }
            return (f.params.count, f.results.count)
        case .ret: return (function.results.count, 0)
        case .listLit: return (imm(1), 1)
        case .structNew:
            guard let s = entry(module.structs, 0) else { return nil }
            return (s.fields.count, 1)
        case .emit:
            guard let e = entry(module.events, 0) else { return nil }
            return (e.fields.count, 0)
        case .callExt:
            guard let x = entry(module.externs, 0) else { return nil }
            return (2 + x.params.count, x.results.count)
        case .tryCallExt:
            guard let x = entry(module.externs, 0) else { return nil }
            return (2 + x.params.count, x.results.count + 1)
        default:
            return nil  // every fixed-effect opcode returned above
        }
    }
}
