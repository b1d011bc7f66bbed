import Bytecode
import Foundation
import Testing

/// Docs/bytecode.md carries the instruction table generated from `Opcode.info`; this keeps them equal.
/// Regenerate with `UPDATE_GOLDEN=1 swift test --filter OpcodeReference`.
@Test func docsOpcodeTableMatchesTheOpcodeTable() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let url = root.appendingPathComponent("Docs/bytecode.md")
    let doc = try String(contentsOf: url, encoding: .utf8)
    let generated = OpcodeReference.begin + "\n" + OpcodeReference.markdown() + "\n" + OpcodeReference.end
    guard let start = doc.range(of: OpcodeReference.begin), let end = doc.range(of: OpcodeReference.end) else {
        Issue.record("Docs/bytecode.md lacks the generated opcode section markers")
        return
    }
    let current = String(doc[start.lowerBound..<end.upperBound])
    if current != generated, ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try doc.replacingCharacters(in: start.lowerBound..<end.upperBound, with: generated)
            .write(to: url, atomically: true, encoding: .utf8)
        return
    }
    #expect(current == generated, "Docs/bytecode.md's opcode table is stale: run with UPDATE_GOLDEN=1")
}

@Test func everyOpcodeHasOneRowInTheReference() {
    let rows = OpcodeReference.markdown().split(separator: "\n").dropFirst(2)
    #expect(rows.count == Opcode.allCases.count)
    for op in Opcode.allCases {
        #expect(rows.contains { $0.contains("`\(op.info.mnemonic)`") }, "\(op.info.mnemonic)")
    }
}

/// `Opcode.layout`, the plain-value summary the compiler's emitter reads, agrees with each opcode's row, and
/// the encoder writes exactly `info.size` bytes, immediates little-endian and truncated to their widths.
@Test func everyOpcodeLayoutAgreesWithItsRow() {
    for op in Opcode.allCases {
        let info = op.info, layout = op.layout
        #expect(info.immediates.count <= 2, "\(info.mnemonic)")
        #expect(1 + layout.immediateSizes.first + layout.immediateSizes.second == info.size, "\(info.mnemonic)")
        #expect(layout.isTerminator == info.flags.contains(.terminator), "\(info.mnemonic)")
        switch info.effect {
        case .fixed(let pops, let pushes):
            #expect(layout.fixedEffect?.pops == pops.count && layout.fixedEffect?.pushes == pushes.count)
        case .special:
            #expect(layout.fixedEffect == nil, "\(info.mnemonic)")
        }
        var bytes: [UInt8] = []
        Instruction.encode(op, info.immediates.count, -2, 0x0102_0304_0506_0708, into: &bytes)
        #expect(bytes.count == info.size, "\(info.mnemonic)")
        let decoded = try? Instruction.decode(bytes, at: 0)
        var expected: [Int64] = []
        for (i, kind) in info.immediates.enumerated() {
            let value: Int64 = i == 0 ? -2 : 0x0102_0304_0506_0708
            switch kind {
            case .u16: expected.append(Int64(UInt16(truncatingIfNeeded: value)))
            case .u32: expected.append(Int64(UInt32(truncatingIfNeeded: value)))
            case .i64: expected.append(value)
            }
        }
        #expect(decoded?.immediates == expected, "\(info.mnemonic)")
    }
    #expect(Opcode.layouts.count == 256)
}

/// The pointer encoder (the compiler's code buffer writes through it) writes what the array encoder appends, at
/// any alignment, and returns the encoded size.
@Test func pointerEncoderWritesTheSameBytesAtAnyAlignment() {
    let storage = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)
    defer { storage.deallocate() }
    for op in Opcode.allCases {
        let count = op.info.immediates.count
        var expected: [UInt8] = []
        Instruction.encode(op, count, -3, 0x0A0B_0C0D_0E0F_1011, into: &expected)
        for shift in 0..<8 {
            storage.initializeMemory(as: UInt8.self, repeating: 0xEE, count: 64)
            let size = Instruction.encode(op, op.layout, count, -3, 0x0A0B_0C0D_0E0F_1011, to: storage + shift)
            #expect(size == op.info.size && size <= Instruction.maxEncodedSize, "\(op.info.mnemonic)")
            let written = (0..<size).map { storage.load(fromByteOffset: shift + $0, as: UInt8.self) }
            #expect(written == expected, "\(op.info.mnemonic) at +\(shift)")
            #expect(storage.load(fromByteOffset: shift + size, as: UInt8.self) == 0xEE, "\(op.info.mnemonic)")
        }
    }
}
