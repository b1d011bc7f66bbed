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

/// One decoded instruction as plain values: what a pass that reads every instruction of a function needs
/// (the verifier), decoded without allocating an `immediates` array. `Instruction.decode` is built on it.
public struct PackedInstruction: Hashable, Sendable {
    /// Where it starts in its function's code.
    public var offset: Int
    public var opcode: Opcode
    /// How many immediates it has (0, 1 or 2: no opcode has more).
    public var immediateCount: Int
    /// The first and second immediates, widened as in `Instruction.immediates`; 0 where absent.
    public var first: Int64
    public var second: Int64
    /// Encoded size in bytes.
    public var size: Int

    /// Decodes the instruction starting at `offset` of `code` (`offset` must be within `code`).
    public static func decode(_ code: [UInt8], at offset: Int) throws(InstructionDecodingError) -> PackedInstruction {
        _ = code[offset]  // the checked read: the buffer below reads unchecked
        let result = code.withUnsafeBufferPointer { decode($0, at: offset, layouts: Opcode.layouts) }
        return try result.get()
    }

    /// `decode(_:at:)` on the bytes of `code`, with the opcode table's layouts at hand. `offset` must be within
    /// `code`; every other byte it reads is checked against the instruction's size first.
    private static func decode(_ code: UnsafeBufferPointer<UInt8>, at offset: Int, layouts: [OpcodeLayout])
        -> Result<PackedInstruction, InstructionDecodingError>
    {
        guard let opcode = Opcode(rawValue: code[offset]) else {
            return .failure(.unknownOpcode(offset: offset, byte: code[offset]))
        }
        let sizes = layouts[Int(opcode.rawValue)].immediateSizes
        let size = 1 + sizes.first + sizes.second
        guard code.count - offset >= size else { return .failure(.truncatedImmediate(offset: offset, opcode: opcode)) }
        /// The little-endian immediate of `width` bytes at `p`: an i64 keeps its sign, u16/u32 are zero-extended.
        func immediate(at p: Int, width: Int) -> Int64 {
            var v: UInt64 = 0
            for i in 0..<width { v |= UInt64(code[p + i]) << (8 * UInt64(i)) }
            return Int64(bitPattern: v)
        }
        return .success(PackedInstruction(
            offset: offset, opcode: opcode, immediateCount: sizes.first == 0 ? 0 : sizes.second == 0 ? 1 : 2,
            first: immediate(at: offset + 1, width: sizes.first),
            second: immediate(at: offset + 1 + sizes.first, width: sizes.second), size: size))
    }

    /// Decodes all of `code` and appends its instructions to `out`, in order.
    public static func decodeAll(_ code: [UInt8], into out: inout [PackedInstruction])
        throws(InstructionDecodingError)
    {
        let layouts = Opcode.layouts
        let failure: InstructionDecodingError? = code.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                switch decode(bytes, at: offset, layouts: layouts) {
                case .success(let inst):
                    out.append(inst)
                    offset += inst.size
                case .failure(let error):
                    return error
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Decodes all of `code` into instructions, in order.
    public static func decodeAll(_ code: [UInt8]) throws(InstructionDecodingError) -> [PackedInstruction] {
        var out: [PackedInstruction] = []
        try decodeAll(code, into: &out)
        return out
    }
}

extension Instruction {
    /// The same instruction with its immediates in an array.
    public init(_ packed: PackedInstruction) {
        let immediates: [Int64] = switch packed.immediateCount {
        case 0: []
        case 1: [packed.first]
        default: [packed.first, packed.second]
        }
        self.init(offset: packed.offset, opcode: packed.opcode, immediates: immediates)
    }

    /// Decodes the instruction starting at `offset` of `code`.
    public static func decode(_ code: [UInt8], at offset: Int) throws(InstructionDecodingError) -> Instruction {
        Instruction(try PackedInstruction.decode(code, at: offset))
    }

    /// Decodes all of `code` into instructions, in order.
    public static func decodeAll(_ code: [UInt8]) throws(InstructionDecodingError) -> [Instruction] {
        var out: [Instruction] = []
        var offset = 0
        while offset < code.count {
            let packed = try PackedInstruction.decode(code, at: offset)
            out.append(Instruction(packed))
            offset += packed.size
        }
        return out
    }
}
