import Testing

@testable import Bytecode

@Suite struct KeyEncodingTests {
    func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
    }

    func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a == b ? 0 : (a < b ? -1 : 1) }

    @Test func intOrderMatchesNumericOrder() throws {
        var rng = SeededGenerator(seed: 5)
        func random() -> Int128 {
            switch Int.random(in: 0...3, using: &rng) {
            case 0: Int128(Int.random(in: -3...3, using: &rng))
            case 1: [Int128.min, Int128.max, -1, 0][Int.random(in: 0...3, using: &rng)]
            default:
                Int128(bitPattern: UInt128(rng.next()) << 64 | UInt128(rng.next()))
                    >> Int.random(in: 0...127, using: &rng)
            }
        }
        for _ in 0..<5000 {
            let a = random(), b = random()
            let ea = try #require(KeyEncoding.encode(.int(a))), eb = try #require(KeyEncoding.encode(.int(b)))
            #expect(ea.count == 16)
            #expect(compare(ea, eb) == sign(a, b), "\(a) vs \(b)")
            #expect(KeyEncoding.decode(ea, as: .int) == .int(a))
        }
        #expect(KeyEncoding.encode(.int(0)) == [0x80] + [UInt8](repeating: 0, count: 15))
    }

    @Test func stringOrderMatchesByteOrder() throws {
        var rng = SeededGenerator(seed: 6)
        let alphabet: [String] = ["", "\u{0}", "a", "b", "\u{0}\u{0}", "é", "\u{7F}", "z", "ÿ"]
        func random() -> String {
            (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
            }.joined()
        }
        for _ in 0..<5000 {
            let a = random(), b = random()
            let ea = try #require(KeyEncoding.encode(.string(a))), eb = try #require(KeyEncoding.encode(.string(b)))
            let ua = Array(a.utf8), ub = Array(b.utf8)
            #expect(compare(ea, eb) == compare(ua, ub), "\(ua) vs \(ub)")
            #expect(KeyEncoding.decode(ea, as: .string) == .string(a))
            // prefix-free: the decoder reads exactly one key from the concatenation
            let both = ea + eb
            let first = try #require(KeyEncoding.decodePrefix(both[...], as: .string))
            #expect(first.1 == ea.count)
        }
        #expect(KeyEncoding.encode(.string("a\u{0}")) == [0x61, 0, 0xFF, 0, 0])
    }

    @Test func blobsAndBools() throws {
        var rng = SeededGenerator(seed: 8)
        for _ in 0..<1000 {
            let a = (0..<32).map { _ in UInt8.random(in: 0...2, using: &rng) }
            let b = (0..<32).map { _ in UInt8.random(in: 0...2, using: &rng) }
            let ea = try #require(KeyEncoding.encode(.address(a))), eb = try #require(KeyEncoding.encode(.hash(b)))
            #expect(compare(ea, eb) == compare(a, b))
            #expect(KeyEncoding.decode(ea, as: .address) == .address(a))
            #expect(KeyEncoding.decode(eb, as: .hash) == .hash(b))
        }
        #expect(KeyEncoding.encode(.bool(false)) == [0])
        #expect(KeyEncoding.encode(.bool(true)) == [1])
        #expect(KeyEncoding.decode([1], as: .bool) == .bool(true))
    }

    @Test func rejectsNonKeysAndMalformedEncodings() {
        #expect(KeyEncoding.encode(.dec(1)) == nil)
        #expect(KeyEncoding.encode(.bytes([1])) == nil)
        #expect(KeyEncoding.encode(.list([])) == nil)
        #expect(KeyEncoding.encode(.address([1, 2])) == nil)
        #expect(KeyEncoding.decode([2], as: .bool) == nil)
        #expect(KeyEncoding.decode([1, 0], as: .bool) == nil)
        #expect(KeyEncoding.decode([0x61, 0], as: .string) == nil)
        #expect(KeyEncoding.decode([0x61, 0, 1], as: .string) == nil)
        #expect(KeyEncoding.decode([0x61, 0, 0, 0], as: .string) == nil)
        #expect(KeyEncoding.decode([0xFF, 0, 0], as: .string) == nil)  // not UTF-8
        #expect(KeyEncoding.decode([UInt8](repeating: 0, count: 15), as: .int) == nil)
        #expect(KeyEncoding.decode([], as: .dec) == nil)
    }
}
