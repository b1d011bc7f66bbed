import Bytecode

/// What the passes read of an opcode's row (`Opcode.info`) for every instruction, as plain values derived
/// from that row once: reading the class row costs a retain and a release, and its fixed stack effect is an
/// enum holding arrays of `TypeDesc`. A few bytes, so copying one out of the table is cheap.
struct OpcodeFacts {
    let flags: OpcodeFlags
    /// The roles of the first and second immediates (nil where there is none).
    let firstRole: ImmediateRole?
    let secondRole: ImmediateRole?
    /// For a fixed stack effect: how many operands and results (-1 for a special effect, or if a fixed
    /// type is not primitive: the opcode table has none), and where their canonical types start in
    /// `OpcodeFacts.fixedTypes` (operands deepest first, then results).
    private let fixedPopCount: Int8
    private let fixedPushCount: Int8
    private let fixedStart: Int16

    /// Where the fixed effect's operand types are in `OpcodeFacts.fixedTypes`.
    var fixedPops: Range<Int>? {
        fixedPopCount < 0 ? nil : Int(fixedStart)..<(Int(fixedStart) + Int(fixedPopCount))
    }
    /// Where the fixed effect's result types are in `OpcodeFacts.fixedTypes`.
    var fixedPushes: Range<Int>? {
        let start = Int(fixedStart) + Int(fixedPopCount)
        return fixedPopCount < 0 ? nil : start..<(start + Int(fixedPushCount))
    }

    /// The facts of every byte value, by value (a pass keeps a copy so that reading it needs no lazy
    /// initialisation check).
    static let table: [OpcodeFacts] = built.rows

    /// The canonical types of every fixed effect, side by side.
    static let fixedTypes: [TypeID] = built.types

    private static let built: (rows: [OpcodeFacts], types: [TypeID]) = {
        var types: [TypeID] = []
        var rows: [OpcodeFacts] = []
        for byte in 0..<256 {
            let info = Opcode.table[byte]
            var start = types.count, pops = -1, pushes = -1
            if case .fixed(let p, let q) = info?.effect {
                let ids = (p + q).compactMap(TypeTable.primitive)
                if ids.count == p.count + q.count, ids.count <= Int(Int8.max) {
                    start = types.count
                    types += ids
                    pops = p.count
                    pushes = q.count
                }
            }
            let roles = info?.roles ?? []
            rows.append(OpcodeFacts(
                flags: info?.flags ?? [], firstRole: roles.first, secondRole: roles.count > 1 ? roles[1] : nil,
                fixedPopCount: Int8(pops), fixedPushCount: Int8(pushes), fixedStart: Int16(truncatingIfNeeded: start)))
        }
        return (rows, types)
    }()
}
