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

@Test func aSmallVerifierDropsKeysInOrderAndNeverChangesAResult() throws {
    let verifier = try #require(Ed25519Verifier(capacity: 2))
    let keys = try (0..<5).map { try Ed25519PrivateKey(seed: [UInt8](repeating: UInt8($0 + 1), count: 32)) }
    let message: [UInt8] = [9, 8, 7]
    let signatures = try keys.map { try $0.sign(message) }
    // Interleaved, so keys are dropped while others are still held; every answer is the uncached one.
    for round in 0..<3 {
        for (index, key) in keys.enumerated() {
            #expect(verifier.verify(signature: signatures[index], message: message, publicKey: key.publicKey))
            let other = signatures[(index + 1) % keys.count]
            #expect(!verifier.verify(signature: other, message: message, publicKey: key.publicKey))
            #expect(!verifier.verify(signature: signatures[index], message: [UInt8(round)], publicKey: key.publicKey))
            #expect(verifier.count <= 2)
        }
    }
    let notAPoint = [UInt8](repeating: 0xff, count: 32)
    for _ in 0..<2 {
        #expect(!verifier.verify(signature: signatures[0], message: message, publicKey: notAPoint))
    }
    #expect(verifier.count == 2)
}

/// A held key's context answers each verification on its own: a failure (wrong message, tampered signature,
/// another key's signature, an empty message) leaves nothing behind that changes the next answer.
@Test func aHeldKeyAnswersEveryVerificationAfreshWhateverCameBefore() throws {
    let verifier = try #require(Ed25519Verifier(capacity: 8))
    let key = try Ed25519PrivateKey(seed: bytes(vectors[1].seed))
    let other = try Ed25519PrivateKey(seed: bytes(vectors[0].seed))
    let message: [UInt8] = Array("pay 5 to the pool".utf8)
    let signature = try key.sign(message)
    let emptySignature = try key.sign([])
    var tampered = signature
    tampered[40] ^= 0x80
    let checks: [(signature: [UInt8], message: [UInt8], publicKey: [UInt8], valid: Bool)] = [
        (signature, message, key.publicKey, true),
        (tampered, message, key.publicKey, false),
        (signature, message, key.publicKey, true),
        (signature, Array(message.dropLast()), key.publicKey, false),
        (signature, message, other.publicKey, false),
        (signature, message, key.publicKey, true),
        (emptySignature, [], key.publicKey, true),
        (emptySignature, [0], key.publicKey, false),
        (signature, [], key.publicKey, false),
        (try other.sign(message), message, key.publicKey, false),
        (try other.sign(message), message, other.publicKey, true),
        (Array(signature.prefix(32)) + [UInt8](repeating: 0, count: 32), message, key.publicKey, false),
        (signature, message, key.publicKey, true),
    ]
    for round in 0..<2 {
        for (index, check) in checks.enumerated() {
            #expect(verifier.verify(signature: check.signature, message: check.message, publicKey: check.publicKey)
                    == check.valid, "round \(round), check \(index)")
            #expect(Ed25519.verify(signature: check.signature, message: check.message, publicKey: check.publicKey)
                    == check.valid, "round \(round), check \(index), this thread's verifier")
        }
    }
    #expect(verifier.count == 2)
}

/// Public keys that are not curve points, of every length around 32, and signatures of every wrong length: no
/// trap, always false, and a malformed key held does not disturb the valid one beside it.
@Test func malformedKeysAreRefusedEveryTimeAndDoNotDisturbOthers() throws {
    let verifier = try #require(Ed25519Verifier(capacity: 4))
    let key = try Ed25519PrivateKey(seed: bytes(vectors[0].seed))
    let message: [UInt8] = [1, 2, 3]
    let signature = try key.sign(message)
    var notPoints: [[UInt8]] = [[UInt8](repeating: 0xff, count: 32)]
    // Flipping a bit of a real key mostly gives another point, sometimes none: either way the signature fails.
    for bit in [0, 7, 100, 254, 255] {
        var flipped = key.publicKey
        flipped[bit / 8] ^= UInt8(1 << (bit % 8))
        notPoints.append(flipped)
    }
    for round in 0..<3 {
        for raw in notPoints {
            #expect(!verifier.verify(signature: signature, message: message, publicKey: raw), "round \(round)")
            #expect(verifier.verify(signature: signature, message: message, publicKey: key.publicKey))
        }
        for length in [0, 1, 31, 33, 64] {
            let raw = Array((key.publicKey + key.publicKey).prefix(length))
            #expect(!verifier.verify(signature: signature, message: message, publicKey: raw), "key of \(length) bytes")
        }
        for length in [0, 1, 63, 65, 128] {
            let bad = Array((signature + signature).prefix(length))
            #expect(!verifier.verify(signature: bad, message: message, publicKey: key.publicKey),
                    "signature of \(length) bytes")
        }
    }
    #expect(verifier.count <= 4)
}

@Test func theSameKeysGiveTheSameAnswersFromManyThreadsAtOnce() throws {
    let keys = try (0..<8).map { try Ed25519PrivateKey(seed: [UInt8](repeating: UInt8($0 + 40), count: 32)) }
    let checks = try (0..<256).map { index -> (signature: [UInt8], message: [UInt8], publicKey: [UInt8], valid: Bool) in
        let key = keys[index % keys.count]
        let message = [UInt8(index & 0xff), UInt8(index >> 8)]
        var signature = try key.sign(message)
        if index % 5 == 0 { signature[7] ^= 0x40 }
        return (signature, message, key.publicKey, index % 5 != 0)
    }
    // Every worker checks every signature, each starting at another place, so the same keys are in use on several
    // threads at the same moment.
    let workers = 4
    let results = Results(count: checks.count * workers)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for step in 0..<checks.count {
            let index = (step + worker * 67) % checks.count
            let check = checks[index]
            results.set(worker * checks.count + index, Ed25519.verify(
                signature: check.signature, message: check.message, publicKey: check.publicKey))
        }
    }
    let expected = checks.map(\.valid)
    for worker in 0..<workers {
        #expect(Array(results.values[(worker * checks.count)..<((worker + 1) * checks.count)]) == expected)
    }
}

/// A thread's verifier is its own: made at the thread's first verification, kept for the next, and another
/// thread gets another.
@Test func eachThreadVerifiesWithItsOwnVerifier() throws {
    let key = try Ed25519PrivateKey(seed: bytes(vectors[1].seed))
    let signature = try key.sign([5])
    #expect(Ed25519.verify(signature: signature, message: [5], publicKey: key.publicKey))
    let here = try #require(Ed25519Verifier.current)
    #expect(Ed25519Verifier.current === here)
    #expect(here.count >= 1)
    let elsewhere = Identity()
    let thread = Thread {
        elsewhere.set(Ed25519Verifier.current.map { ObjectIdentifier($0) },
                      Ed25519.verify(signature: signature, message: [5], publicKey: key.publicKey))
    }
    thread.start()
    #expect(elsewhere.wait() == true)
    #expect(elsewhere.identity != nil && elsewhere.identity != ObjectIdentifier(here))
}

/// What another thread saw: its verifier's identity and its answer.
private final class Identity: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private(set) var identity: ObjectIdentifier?
    private var answer: Bool?
    func set(_ identity: ObjectIdentifier?, _ answer: Bool) {
        self.identity = identity
        self.answer = answer
        done.signal()
    }
    func wait() -> Bool? {
        done.wait()
        return answer
    }
}

/// Results written by several threads at distinct indices.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Bool]
    init(count: Int) { stored = [Bool](repeating: false, count: count) }
    func set(_ index: Int, _ value: Bool) { lock.withLock { stored[index] = value } }
    var values: [Bool] { lock.withLock { stored } }
}
