/// One decoded instruction: where it starts, its opcode and its immediates (widened to `Int64`;
/// `u16`/`u32` immediates are non-negative).
public struct Instruction: Hashable, Sendable {
    public var offset: Int
    public var opcode: Opcode
    public var immediates: [Int64]

    public init(offset: Int, opcode: Opcode, immediates: [Int64] = []) {
        self.offset = offset
        self.opcode = opcode
        self.immediates = immediates
    }

    /// Encoded size in bytes.
    public var size: Int { opcode.info.size }

    /// Appends the encoding to `out`. Immediates out of their kind's range are truncated; the
    /// assembler range-checks them first.
    public func encode(into out: inout [UInt8]) {
        Instruction.encode(
            opcode, immediates.count, immediates.first ?? 0, immediates.count > 1 ? immediates[1] : 0, into: &out)
    }

    /// Appends `opcode` and the first `count` of its immediates `a`, `b` (no opcode has more than two),
    /// truncated to their widths: the encoder for callers that hold no `Instruction` (the compiler).
    public static func encode(_ opcode: Opcode, _ count: Int, _ a: Int64, _ b: Int64, into out: inout [UInt8]) {
        encode(opcode, opcode.layout, count, a, b, into: &out)
    }

    /// `encode(_:_:_:_:into:)` for a caller that already holds the opcode's `layout` (the compiler reads it
    /// for every instruction it emits): no second table lookup, and the immediates' widths as plain values
    /// rather than a walk over the `immediates` array of its class row.
    public static func encode(
        _ opcode: Opcode, _ layout: OpcodeLayout, _ count: Int, _ a: Int64, _ b: Int64, into out: inout [UInt8]
    ) {
        out.append(opcode.rawValue)
        let sizes = layout.immediateSizes
        var v = UInt64(bitPattern: a)
        var n = count > 0 ? sizes.first : 0
        while n > 0 {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
            n -= 1
        }
        v = UInt64(bitPattern: b)
        n = count > 1 ? sizes.second : 0
        while n > 0 {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
            n -= 1
        }
    }
}

/// Why a byte sequence is not a sequence of whole instructions.
public enum InstructionDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownOpcode(offset: Int, byte: UInt8)
    case truncatedImmediate(offset: Int, opcode: Opcode)

    public var description: String {
        switch self {
        case .unknownOpcode(let offset, let byte):
            "unknown opcode 0x\(String(byte, radix: 16)) at offset \(offset)"
        case .truncatedImmediate(let offset, let opcode):
            "truncated immediate of '\(opcode.info.mnemonic)' at offset \(offset)"
        }
    }
}

extension Instruction {
    /// Decodes the instruction starting at `offset` of `code`.
    public static func decode(_ code: [UInt8], at offset: Int) throws(InstructionDecodingError) -> Instruction {
        guard let opcode = Opcode(rawValue: code[offset]) else {
            throw .unknownOpcode(offset: offset, byte: code[offset])
        }
        let info = opcode.info
        guard code.count - offset >= info.size else { throw .truncatedImmediate(offset: offset, opcode: opcode) }
        var p = offset + 1
        var imms: [Int64] = []
        imms.reserveCapacity(info.immediates.count)
        for kind in info.immediates {
            var v: UInt64 = 0
            for i in 0..<kind.size { v |= UInt64(code[p + i]) << (8 * UInt64(i)) }
            p += kind.size
            imms.append(Int64(bitPattern: v))  // i64 keeps its sign; u16/u32 are zero-extended
        }
        return Instruction(offset: offset, opcode: opcode, immediates: imms)
    }

    /// Decodes all of `code` into instructions, in order.
    public static func decodeAll(_ code: [UInt8]) throws(InstructionDecodingError) -> [Instruction] {
        var out: [Instruction] = []
        var offset = 0
        while offset < code.count {
            let inst = try decode(code, at: offset)
            out.append(inst)
            offset += inst.size
        }
        return out
    }
}
