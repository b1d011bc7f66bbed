import Foundation
import Crypto
import Testing

@Test func sha256OfEmptyInputMatchesTheStandardVector() {
    let hex = SHA256.hash([]).map { String(format: "%02x", $0) }.joined()
    #expect(hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
}
