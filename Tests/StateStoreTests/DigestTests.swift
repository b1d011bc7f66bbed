import Crypto
import Testing
@testable import StateStore

/// The tree's inline digests must agree with the byte-array definitions proofs use: order, bits, prefixes.
@Test func digestsAgreeWithTheirBytes() throws {
    var generator = SeededGenerator(seed: 11)
    var previous = try #require(Digest(SHA256.hash([0])))
    var previousBytes = previous.bytes
    for round in 0..<2_000 {
        var bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Often share a prefix with the previous digest, so that order and prefixes are decided late.
        let shared = round % 3 == 0 ? 0 : Int.random(in: 0...32, using: &generator)
        bytes.replaceSubrange(0..<shared, with: previousBytes[0..<shared])
        let digest = try #require(Digest(bytes))
        #expect(digest.bytes == bytes)
        #expect((digest < previous) == ByteOrder.less(bytes, previousBytes))
        #expect((digest == previous) == (bytes == previousBytes))
        let index = Int.random(in: 0..<256, using: &generator)
        #expect(digest.bit(index) == TreePath.bit(bytes, index))
        let flipped = digest.with(bit: index, set: 1 - digest.bit(index))
        #expect(flipped.bit(index) != digest.bit(index))
        #expect(flipped.sharesPrefix(with: digest, bits: index))
        #expect(!flipped.sharesPrefix(with: digest, bits: index + 1))
        let common = (0..<256).first { digest.bit($0) != previous.bit($0) } ?? 256
        for bits in [0, common, min(common + 1, 256), 256] {
            #expect(digest.sharesPrefix(with: previous, bits: bits) == (bits <= common))
        }
        previous = digest
        previousBytes = bytes
    }
    #expect(Digest([1, 2, 3]) == nil)
    #expect(Digest.hashing([1, 2, 3]).bytes == SHA256.hash([1, 2, 3]))
}
