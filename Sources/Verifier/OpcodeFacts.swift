import Bytecode

/// What the passes read of an opcode's row (`Opcode.info`) for every instruction, as plain values derived
/// from that row once: reading the class row costs a retain and a release, and its fixed stack effect is an
/// enum holding arrays of `TypeDesc`.
struct OpcodeFacts {
    let flags: OpcodeFlags
    /// The roles of the first and second immediates (nil where there is none).
    let firstRole: ImmediateRole?
    let secondRole: ImmediateRole?
    /// For a fixed stack effect: where its operand types (deepest first) and result types are in
    /// `OpcodeFacts.fixedTypes`, as canonical ids. Nil for a special effect, or if a fixed type is not
    /// primitive (the opcode table has none).
    let fixedPops: Range<Int>?
    let fixedPushes: Range<Int>?

    /// The facts of `opcode`.
    static func of(_ opcode: Opcode) -> OpcodeFacts { table.rows[Int(opcode.rawValue)] }

    /// Entry `index` of the canonical types of every fixed effect, side by side.
    static func fixedType(_ index: Int) -> TypeID { table.types[index] }

    private static let table: (rows: [OpcodeFacts], types: [TypeID]) = {
        var types: [TypeID] = []
        /// Appends the canonical ids of `operands`; nil (appending nothing) if one is not primitive.
        func append(_ operands: [Operand]) -> Range<Int>? {
            let ids = operands.compactMap(TypeTable.primitive)
            guard ids.count == operands.count else { return nil }
            types += ids
            return (types.count - ids.count)..<types.count
        }
        var rows: [OpcodeFacts] = []
        for byte in 0..<256 {
            let info = Opcode.table[byte]
            var pops: Range<Int>?, pushes: Range<Int>?
            if case .fixed(let p, let q) = info?.effect, let a = append(p), let b = append(q) {
                pops = a
                pushes = b
            }
            let roles = info?.roles ?? []
            rows.append(OpcodeFacts(
                flags: info?.flags ?? [], firstRole: roles.first, secondRole: roles.count > 1 ? roles[1] : nil,
                fixedPops: pops, fixedPushes: pushes))
        }
        return (rows, types)
    }()
}
