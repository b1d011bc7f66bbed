// The instruction set. Each instruction is one opcode byte followed by its immediates, little-endian
// and fixed-width:
//
//     +--------+-----------------------------+
//     | opcode | immediates (0, 2, 4, 8 or   |
//     | 1 byte | 2+2 bytes, from `info`)     |
//     +--------+-----------------------------+
//
// `Opcode.info` is the single source of truth for every instruction: mnemonic, immediates, stack
// effect, base gas and flags. Encoder, decoder, verifier, interpreter gas, assembler, disassembler
// and Docs/bytecode.md all read it; adding a case without its row does not compile.

/// One instruction's operation. Raw values are the encoded bytes; they never change once released.
public enum Opcode: UInt8, CaseIterable, Sendable {
    // MARK: constants, stack and locals
    case nop = 0x00
    case pushInt = 0x01
    case pushConst = 0x02
    case pushTrue = 0x03
    case pushFalse = 0x04
    case pop = 0x05
    case dup = 0x06
    case swap = 0x07
    case localGet = 0x08
    case localSet = 0x09
    case localTee = 0x0A

    // MARK: Int (signed 128-bit, checked)
    case addInt = 0x10
    case subInt = 0x11
    case mulInt = 0x12
    case divInt = 0x13
    case modInt = 0x14
    case negInt = 0x15
    case eqInt = 0x16
    case neInt = 0x17
    case ltInt = 0x18
    case leInt = 0x19
    case gtInt = 0x1A
    case geInt = 0x1B

    // MARK: Dec (fixed point, 18 places, checked)
    case addDec = 0x20
    case subDec = 0x21
    case mulDec = 0x22
    case divDec = 0x23
    case negDec = 0x24
    case eqDec = 0x25
    case neDec = 0x26
    case ltDec = 0x27
    case leDec = 0x28
    case gtDec = 0x29
    case geDec = 0x2A
    case intToDec = 0x2B
    case decToInt = 0x2C

    // MARK: Bool
    case not = 0x30
    case and = 0x31
    case or = 0x32
    case eqBool = 0x33
    case neBool = 0x34

    // MARK: strings, bytes, addresses, hashes
    case eqBlob = 0x38
    case neBlob = 0x39
    case concat = 0x3A
    case blobLen = 0x3B
    case sha256 = 0x3C
    case toBytes = 0x3D
    case intToString = 0x3E
    case byteAt = 0x3F

    // MARK: control
    case jump = 0x40
    case jumpIf = 0x41
    case jumpUnless = 0x42
    case call = 0x43
    case ret = 0x44
    case revert = 0x45
    case assertFail = 0x46

    // MARK: lists, maps and structs in call memory
    case listNew = 0x50
    case listLit = 0x51
    case listLen = 0x52
    case listGet = 0x53
    case listSet = 0x54
    case listPush = 0x55
    case listPop = 0x56
    case split = 0x57
    case mapNew = 0x58
    case mapGet = 0x59
    case mapSet = 0x5A
    case mapHas = 0x5B
    case mapRemove = 0x5C
    case mapLen = 0x5D
    case mapKeyAt = 0x5E
    case mapValueAt = 0x5F
    case structNew = 0x60
    case structGet = 0x61
    case structSet = 0x62
    case copy = 0x63

    // MARK: contract storage (through the host)
    case sload = 0x70
    case sstore = 0x71
    case smapGet = 0x72
    case smapSet = 0x73
    case smapHas = 0x74
    case smapRemove = 0x75
    case smapFirst = 0x76
    case smapNext = 0x77
    case slistLen = 0x78
    case slistGet = 0x79
    case slistSet = 0x7A
    case slistPush = 0x7B
    case slistPop = 0x7C

    // MARK: the world (through the host)
    case caller = 0x80
    case origin = 0x81
    case selfAddress = 0x82
    case callValue = 0x83
    case blockHeight = 0x84
    case blockTime = 0x85
    case gasLeft = 0x86
    case balance = 0x87
    case transfer = 0x88
    case emit = 0x89
    case callExt = 0x8A
    case tryCallExt = 0x8B
}

/// The kind of one immediate operand.
public enum ImmediateKind: Sendable {
    case u16
    case u32
    case i64

    /// Encoded size in bytes.
    public var size: Int {
        switch self {
        case .u16: 2
        case .u32: 4
        case .i64: 8
        }
    }
}

/// What an immediate refers to, for the verifier's index checks and the assembler's syntax.
public enum ImmediateRole: Sendable {
    case value, constant, local, target, function, type, count, field, structure, stateVar, event, extern
}

/// An operand type in a fixed stack effect.
public typealias Operand = TypeDesc

/// How an instruction changes the operand stack.
public enum StackEffect: Sendable {
    /// Pops these types (deepest first) and pushes these.
    case fixed(pops: [Operand], pushes: [Operand])
    /// Depends on the immediates or on the types on the stack; the verifier has a rule per opcode and
    /// the text documents it (`pops -> pushes`).
    case special(String)
}

public struct OpcodeFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Control never falls through to the next instruction.
    public static let terminator = OpcodeFlags(rawValue: 1 << 0)
    /// The first immediate is a jump target (a byte offset in the same function).
    public static let branch = OpcodeFlags(rawValue: 1 << 1)
    /// Changes contract state, balances or the event log: forbidden in `view` functions.
    public static let writes = OpcodeFlags(rawValue: 1 << 2)
    /// Calls into the host.
    public static let host = OpcodeFlags(rawValue: 1 << 3)
    /// Has a cost that grows with its input, charged on top of `gas` (see `GasSchedule`).
    public static let dynamicGas = OpcodeFlags(rawValue: 1 << 4)
}

/// Everything about one opcode. A class, so that `Opcode.info` hands out one reference instead of copying
/// two arrays, two strings and the stack effect (the compiler reads it for every instruction it emits).
public final class OpcodeInfo: Sendable {
    /// lower_snake name used by the assembler and disassembler.
    public let mnemonic: String
    public let immediates: [ImmediateKind]
    public let roles: [ImmediateRole]
    public let effect: StackEffect
    /// Base gas, charged before the instruction runs.
    public let gas: UInt16
    public let flags: OpcodeFlags
    /// One line: what it does.
    public let summary: String

    /// Encoded size: opcode byte plus immediates.
    public let size: Int

    init(
        mnemonic: String, immediates: [ImmediateKind], roles: [ImmediateRole], effect: StackEffect, gas: UInt16,
        flags: OpcodeFlags, summary: String
    ) {
        self.mnemonic = mnemonic
        self.immediates = immediates
        self.roles = roles
        self.effect = effect
        self.gas = gas
        self.flags = flags
        self.summary = summary
        size = 1 + immediates.reduce(0) { $0 + $1.size }
    }
}

/// What an emitter needs of an opcode for every instruction, as plain values derived from its `OpcodeInfo`
/// row (`Opcode.layout`): reading the class row from the table costs a retain and a release each time.
public struct OpcodeLayout: Sendable {
    /// The widths in bytes of the first two immediates (0 where there is none; no opcode has more than two).
    public let immediateSizes: (first: Int, second: Int)
    /// The number of values popped and pushed, for a fixed stack effect; nil for a special one.
    public let fixedEffect: (pops: Int, pushes: Int)?
    /// Whether the opcode ends its block (`OpcodeFlags.terminator`).
    public let isTerminator: Bool

    init(_ info: OpcodeInfo?) {
        let immediates = info?.immediates ?? []
        immediateSizes = (immediates.first?.size ?? 0, immediates.count > 1 ? immediates[1].size : 0)
        if case .fixed(let pops, let pushes) = info?.effect {
            fixedEffect = (pops.count, pushes.count)
        } else {
            fixedEffect = nil
        }
        isTerminator = info?.flags.contains(.terminator) ?? false
    }
}
