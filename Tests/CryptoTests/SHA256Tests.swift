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
