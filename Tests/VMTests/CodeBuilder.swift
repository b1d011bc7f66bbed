import Bytecode

/// Builds function bodies in tests: instructions with symbolic labels, resolved to byte offsets.
struct CodeBuilder {
    enum Item {
        case op(Opcode, [Int64])
        case jump(Opcode, String)
        case label(String)
    }

    var items: [Item] = []

    mutating func callAsFunction(_ op: Opcode, _ imms: Int64...) { items.append(.op(op, imms)) }
    mutating func jump(_ op: Opcode, to label: String) { items.append(.jump(op, label)) }
    mutating func label(_ name: String) { items.append(.label(name)) }

    var bytes: [UInt8] {
        var offsets: [String: Int] = [:]
        var offset = 0
        for item in items {
            switch item {
            case .op(let op, _), .jump(let op, _): offset += op.info.size
            case .label(let name): offsets[name] = offset
            }
        }
        var out: [UInt8] = []
        for item in items {
            switch item {
            case .op(let op, let imms): Instruction(offset: out.count, opcode: op, immediates: imms).encode(into: &out)
            case .jump(let op, let label):
                Instruction(offset: out.count, opcode: op, immediates: [Int64(offsets[label] ?? 0)]).encode(into: &out)
            case .label: break
            }
        }
        return out
    }
}
