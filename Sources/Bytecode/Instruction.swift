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

    /// `encode(_:_:_:_:into:)` for a caller that already holds the opcode's `layout`: no second table lookup, and
    /// the immediates' widths as plain values rather than a walk over the `immediates` array of its class row.
    public static func encode(
        _ opcode: Opcode, _ layout: OpcodeLayout, _ count: Int, _ a: Int64, _ b: Int64, into out: inout [UInt8]
    ) {
        // Encoded in a scratch buffer by the one encoder below, then appended.
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { raw in
            guard let base = raw.baseAddress else { return }
            let size = encode(opcode, layout, count, a, b, to: base)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<size]))
        }
    }

    /// The most bytes one instruction takes: the opcode and two 8-byte immediates (no opcode has more than two).
    @inlinable public static var maxEncodedSize: Int { 17 }

    /// Writes `opcode` and the first `count` of its immediates `a`, `b`, truncated to their widths in `layout`
    /// (little-endian), at `out`, which has room for `maxEncodedSize` bytes; returns the bytes written. The
    /// encoder of every instruction: the compiler's code buffer writes through it straight into its storage, one
    /// store per immediate instead of an `Array.append` per byte.
    @inlinable
    public static func encode(
        _ opcode: Opcode, _ layout: OpcodeLayout, _ count: Int, _ a: Int64, _ b: Int64, to out: UnsafeMutableRawPointer
    ) -> Int {
        out.storeBytes(of: opcode.rawValue, as: UInt8.self)
        var size = 1
        if count > 0 { size += store(a, width: layout.immediateSizes.first, at: out + size) }
        if count > 1 { size += store(b, width: layout.immediateSizes.second, at: out + size) }
        return size
    }

    /// Stores the low `width` bytes of `value` at `p` (unaligned, little-endian); returns `width`.
    @inlinable
    static func store(_ value: Int64, width: Int, at p: UnsafeMutableRawPointer) -> Int {
        switch width {
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian, as: UInt16.self)
        case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, as: UInt32.self)
        case 8: p.storeBytes(of: UInt64(bitPattern: value).littleEndian, as: UInt64.self)
        default:
            var v = UInt64(bitPattern: value)
            for i in 0..<max(0, min(width, 8)) {
                p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
                v >>= 8
            }
            return max(0, min(width, 8))
        }
        return width
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

    /// Decodes all of `code` into instructions, in order (`PackedInstruction.decodeAll`, immediates in arrays).
    public static func decodeAll(_ code: [UInt8]) throws(InstructionDecodingError) -> [Instruction] {
        try PackedInstruction.decodeAll(code).map(Instruction.init)
    }
}
