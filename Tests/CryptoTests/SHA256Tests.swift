import Foundation
import Crypto
import Testing

@Test func sha256OfEmptyInputMatchesTheStandardVector() {
    let hex = SHA256.hash([]).map { String(format: "%02x", $0) }.joined()
    #expect(hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
}

@Test func hashingThreePartsEqualsHashingTheirConcatenation() {
    let first = [UInt8](repeating: 0xab, count: 32)
    let second = (0..<32).map { UInt8($0) }
    #expect(SHA256.hash(0x01, first, second) == SHA256.hash([0x01] + first + second))
    #expect(SHA256.hash(0x00, [], []) == SHA256.hash([0x00]))
    #expect(SHA256.hash(0x07, [1, 2, 3], []) == SHA256.hash([7, 1, 2, 3]))
}

/// The FIPS 180-2 vectors: one block, the padding spilling into a second block (56 and 112 bytes), and a
/// million bytes (many blocks in one call). `SHA256.hash` goes through `datanet_sha256` (the low-level calls).
@Test func sha256MatchesTheStandardVectorsAcrossBlockBoundaries() {
    func hex(_ bytes: [UInt8]) -> String { SHA256.hash(bytes).map { String(format: "%02x", $0) }.joined() }
    #expect(hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(hex(Array(("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                       + "mnopqrstnopqrstu").utf8))
        == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    #expect(hex([UInt8](repeating: 0x61, count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}
