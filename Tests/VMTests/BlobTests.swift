import Bytecode
import Testing
@testable import VM

// Strings, bytes, addresses and hashes: comparison, concat, length, SHA-256, conversions, byte_at.

private func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16) ?? 0)
        i = j
    }
    return out
}

private func binary(_ op: String, _ t: String, _ a: Value, _ b: Value, result: String) throws -> Run {
    try run("""
        .fn public f(a: \(t), b: \(t)) -> \(result)
            local_get a
            local_get b
            \(op)
            ret
        """, "f", [a, b])
}

@Test func eqBlobAndNeBlobCompareContents() throws {
    let pairs: [(Value, Value, Bool)] = [
        (.string("abc"), .string("abc"), true), (.string("abc"), .string("abd"), false),
        (.string("ab"), .string("abc"), false), (.string(""), .string(""), true),
    ]
    for (a, b, equal) in pairs {
        #expect(try binary("eq_blob", "string", a, b, result: "bool").values == [.bool(equal)])
        #expect(try binary("ne_blob", "string", a, b, result: "bool").values == [.bool(!equal)])
    }
    var other = address(7)
    other[31] = 8
    #expect(try binary("eq_blob", "address", .address(address(7)), .address(address(7)), result: "bool").values
        == [.bool(true)])
    #expect(try binary("eq_blob", "address", .address(address(7)), .address(other), result: "bool").values
        == [.bool(false)])
    #expect(try binary("ne_blob", "bytes", .bytes([1, 2]), .bytes([1, 2, 0]), result: "bool").values == [.bool(true)])
}

@Test func eqBlobChargesPerChunkOfTheShorterOperand() throws {
    // 100 bytes each: ceil(100 / 32) = 4 chunks on top of the base gas; the arguments take 1 + 7 words each.
    let a = Value.bytes([UInt8](repeating: 1, count: 100))
    let r = try binary("eq_blob", "bytes", a, a, result: "bool")
    let base = Int64(Opcode.localGet.info.gas) * 2 + Int64(Opcode.eqBlob.info.gas + Opcode.ret.info.gas)
    #expect(r.gas == base + 2 * 8 * GasSchedule.perWordAllocated + 4 * GasSchedule.perChunkTouched)
}

@Test func concatJoinsStringsAndBytes() throws {
    #expect(try binary("concat", "string", .string("ab"), .string("cd"), result: "string").values == [.string("abcd")])
    #expect(try binary("concat", "string", .string(""), .string("é"), result: "string").values == [.string("é")])
    #expect(try binary("concat", "bytes", .bytes([0]), .bytes([255, 1]), result: "bytes").values
        == [.bytes([0, 255, 1])])
}

@Test func concatChargesTouchedChunksAndTheNewBlob() throws {
    // 20 + 30 bytes: 2 chunks touched, and a 50-byte blob of 1 + 4 words.
    let a = Value.bytes(Array(repeating: 1, count: 20)), b = Value.bytes(Array(repeating: 2, count: 30))
    let r = try binary("concat", "bytes", a, b, result: "bytes")
    let base = Int64(Opcode.localGet.info.gas) * 2 + Int64(Opcode.concat.info.gas + Opcode.ret.info.gas)
    // The two arguments are allocated before the run and paid for too: 1 + 2 and 1 + 2 words.
    let arguments = Int64(Arena.blobWords(20) + Arena.blobWords(30)) * GasSchedule.perWordAllocated
    #expect(r.gas == base + arguments + 2 * GasSchedule.perChunkTouched + 5 * GasSchedule.perWordAllocated)
}

@Test func blobLenCountsUTF8Bytes() throws {
    let source = ".fn public f(a: string) -> int\n    local_get a\n    blob_len\n    ret"
    #expect(try run(source, "f", [.string("héllo")]).values == [.int(6)])
    #expect(try run(source, "f", [.string("")]).values == [.int(0)])
}

@Test func sha256MatchesKnownDigests() throws {
    let source = ".fn public f(a: string) -> hash\n    local_get a\n    sha256\n    ret"
    #expect(try run(source, "f", [.string("abc")]).values
        == [.hash(hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))])
    #expect(try run(source, "f", [.string("")]).values
        == [.hash(hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))])
    let bytes = ".fn public f(a: bytes) -> hash\n    local_get a\n    sha256\n    ret"
    #expect(try run(bytes, "f", [.bytes(Array("abc".utf8))]).values
        == [.hash(hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))])
}

@Test func sha256ChargesPerBlock() throws {
    let source = ".fn public f(a: bytes) -> hash\n    local_get a\n    sha256\n    ret"
    let short = try run(source, "f", [.bytes(Array(repeating: 0, count: 10))])
    let long = try run(source, "f", [.bytes(Array(repeating: 0, count: 10 + 128))])
    // 128 more bytes: two more 64-byte blocks, and 8 more words for the argument itself.
    #expect(long.gas - short.gas == 2 * GasSchedule.perHashBlock + 8 * GasSchedule.perWordAllocated)
}

@Test func toBytesKeepsTheBytes() throws {
    #expect(try run(".fn public f(a: string) -> bytes\n    local_get a\n    to_bytes\n    ret", "f", [.string("hi")])
        .values == [.bytes([0x68, 0x69])])
    let fromAddress = ".fn public f(a: address) -> bytes\n    local_get a\n    to_bytes\n    ret"
    #expect(try run(fromAddress, "f", [.address(address(9))]).values == [.bytes(address(9))])
    #expect(try run(".fn public f(a: hash) -> bytes\n    local_get a\n    to_bytes\n    ret", "f", [.hash(address(3))])
        .values == [.bytes(address(3))])
}

@Test(arguments: [
    (0, "0"), (-123, "-123"), (42, "42"), (.max, "170141183460469231731687303715884105727"),
    (.min, "-170141183460469231731687303715884105728"),
] as [(Int128, String)])
func intToStringPrintsDecimal(n: Int128, text: String) throws {
    let r = try run(".fn public f(a: int) -> string\n    local_get a\n    int_to_string\n    ret", "f", [.int(n)])
    #expect(r.values == [.string(text)])
}

@Test func byteAtReadsAByteAndTrapsOutOfRange() throws {
    let source = ".fn public f(a: bytes, i: int) -> int\n    local_get a\n    local_get i\n    byte_at\n    ret"
    #expect(try run(source, "f", [.bytes([10, 255]), .int(0)]).values == [.int(10)])
    #expect(try run(source, "f", [.bytes([10, 255]), .int(1)]).values == [.int(255)])
    for i: Int128 in [2, -1, .max, .min, 1 << 64] {
        #expect(try run(source, "f", [.bytes([10, 255]), .int(i)]).reason == .indexOutOfRange, "index \(i)")
    }
    #expect(try run(source, "f", [.bytes([]), .int(0)]).reason == .indexOutOfRange)
}
