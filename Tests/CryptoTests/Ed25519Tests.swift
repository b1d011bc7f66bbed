@testable import Crypto
import Foundation
import Testing

private func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return out
}

/// RFC 8032 section 7.1, tests 1 and 2: seed, public key, message, signature.
private let vectors: [(seed: String, publicKey: String, message: String, signature: String)] = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
    ),
]

@Test(arguments: [0, 1])
func rfc8032VectorGivesThePublicKeyAndSignature(index: Int) throws {
    let vector = vectors[index]
    let key = try Ed25519PrivateKey(seed: bytes(vector.seed))
    #expect(key.publicKey == bytes(vector.publicKey))
    let signature = try key.sign(bytes(vector.message))
    #expect(signature == bytes(vector.signature))
    #expect(Ed25519.verify(signature: signature, message: bytes(vector.message), publicKey: key.publicKey))
}

@Test func tamperedMessageOrSignatureFailsVerification() throws {
    let key = try Ed25519PrivateKey(seed: bytes(vectors[1].seed))
    let signature = try key.sign([0x72])
    #expect(!Ed25519.verify(signature: signature, message: [0x73], publicKey: key.publicKey))
    #expect(!Ed25519.verify(signature: signature, message: [], publicKey: key.publicKey))
    var flipped = signature
    flipped[10] ^= 0x01
    #expect(!Ed25519.verify(signature: flipped, message: [0x72], publicKey: key.publicKey))
    let other = try Ed25519PrivateKey(seed: bytes(vectors[0].seed))
    #expect(!Ed25519.verify(signature: signature, message: [0x72], publicKey: other.publicKey))
}

@Test func malformedSizesFailWithoutTrapping() throws {
    let key = try Ed25519PrivateKey(seed: bytes(vectors[0].seed))
    let signature = try key.sign([1, 2, 3])
    #expect(!Ed25519.verify(signature: [], message: [1, 2, 3], publicKey: key.publicKey))
    #expect(!Ed25519.verify(signature: Array(signature.dropLast()), message: [1, 2, 3], publicKey: key.publicKey))
    #expect(!Ed25519.verify(signature: signature + [0], message: [1, 2, 3], publicKey: key.publicKey))
    #expect(!Ed25519.verify(signature: signature, message: [1, 2, 3], publicKey: []))
    #expect(!Ed25519.verify(signature: signature, message: [1, 2, 3], publicKey: key.publicKey + [0]))
    let notAPoint = [UInt8](repeating: 0xff, count: 32)
    #expect(!Ed25519.verify(signature: signature, message: [1, 2, 3], publicKey: notAPoint))
    let shortSeed = [UInt8](repeating: 1, count: 31)
    #expect(throws: Ed25519Error.invalidSeedLength(31)) { try Ed25519PrivateKey(seed: shortSeed) }
    #expect(throws: Ed25519Error.invalidSeedLength(0)) { try Ed25519PrivateKey(seed: []) }
}

@Test func generatedKeysDifferAndRoundTripThroughTheirSeed() throws {
    let first = try Ed25519PrivateKey.generate()
    let second = try Ed25519PrivateKey.generate()
    #expect(first.seed != second.seed)
    #expect(try Ed25519PrivateKey(seed: first.seed) == first)
    let message: [UInt8] = Array("payout".utf8)
    #expect(Ed25519.verify(signature: try first.sign(message), message: message, publicKey: first.publicKey))
}

@Test func aSmallKeyCacheEvictsInOrderAndNeverChangesAResult() throws {
    let cache = PublicKeyCache(capacity: 2)
    let keys = try (0..<5).map { try Ed25519PrivateKey(seed: [UInt8](repeating: UInt8($0 + 1), count: 32)) }
    let message: [UInt8] = [9, 8, 7]
    let signatures = try keys.map { try $0.sign(message) }
    // Interleaved, so keys are evicted while others are still in use; every answer is the uncached one.
    for round in 0..<3 {
        for (index, key) in keys.enumerated() {
            #expect(Ed25519.verify(signature: signatures[index], message: message, publicKey: key.publicKey, keys: cache))
            let other = signatures[(index + 1) % keys.count]
            #expect(!Ed25519.verify(signature: other, message: message, publicKey: key.publicKey, keys: cache))
            #expect(!Ed25519.verify(signature: signatures[index], message: [UInt8(round)], publicKey: key.publicKey, keys: cache))
            #expect(cache.count <= 2)
        }
    }
    let notAPoint = [UInt8](repeating: 0xff, count: 32)
    for _ in 0..<2 {
        #expect(!Ed25519.verify(signature: signatures[0], message: message, publicKey: notAPoint, keys: cache))
    }
    #expect(cache.count == 2)
}

@Test func theKeyCacheGivesTheSameAnswersFromManyThreads() throws {
    let cache = PublicKeyCache(capacity: 3)
    let keys = try (0..<8).map { try Ed25519PrivateKey(seed: [UInt8](repeating: UInt8($0 + 40), count: 32)) }
    let checks = try (0..<64).map { index -> (signature: [UInt8], message: [UInt8], publicKey: [UInt8], valid: Bool) in
        let key = keys[index % keys.count]
        let message = [UInt8(index)]
        var signature = try key.sign(message)
        if index % 5 == 0 { signature[7] ^= 0x40 }
        return (signature, message, key.publicKey, index % 5 != 0)
    }
    let results = Results(count: checks.count)
    DispatchQueue.concurrentPerform(iterations: 8) { worker in
        for index in stride(from: worker, to: checks.count, by: 8) {
            let check = checks[index]
            results.set(index, Ed25519.verify(signature: check.signature, message: check.message,
                                              publicKey: check.publicKey, keys: cache))
        }
    }
    #expect(results.values == checks.map(\.valid))
    #expect(cache.count <= 3)
}

/// Results written by several threads at distinct indices.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Bool]
    init(count: Int) { stored = [Bool](repeating: false, count: count) }
    func set(_ index: Int, _ value: Bool) { lock.withLock { stored[index] = value } }
    var values: [Bool] { lock.withLock { stored } }
}
