import Testing

@testable import Bytecode

@Suite struct ValueCodecTests {
    /// int, dec, bool, address, hash, string, bytes, list<int>, map<string, int>, Point, list<Point>,
    /// map<int, list<int>>, map<bool, bool>, map<hash, bytes>
    let m = Module(
        name: "v",
        types: [.int, .dec, .bool, .address, .hash, .string, .bytes, .list(elem: 0), .map(key: 5, value: 0),
            .structure(0), .list(elem: 9), .map(key: 0, value: 7), .map(key: 2, value: 2), .map(key: 4, value: 6)],
        structs: [StructDecl(name: "Point", fields: [Field(name: "x", type: 0), Field(name: "tag", type: 5)])])

    func roundTrip(_ v: Value, _ t: TypeDesc) throws -> [UInt8] {
        let b = try ValueCodec.encode(v, as: t, in: m)
        #expect(try ValueCodec.decode(b, as: t, in: m) == v)
        return b
    }

    @Test func intsAreMinimalBigEndian() throws {
        #expect(try roundTrip(.int(0), .int) == [0])
        #expect(try roundTrip(.int(1), .int) == [1, 1])
        #expect(try roundTrip(.int(-1), .int) == [1, 0xFF])
        #expect(try roundTrip(.int(127), .int) == [1, 0x7F])
        #expect(try roundTrip(.int(128), .int) == [2, 0, 0x80])
        #expect(try roundTrip(.int(-128), .int) == [1, 0x80])
        #expect(try roundTrip(.int(-129), .int) == [2, 0xFF, 0x7F])
        #expect(try roundTrip(.int(256), .int) == [2, 1, 0])
        #expect(try roundTrip(.int(Int128.max), .int) == [16, 0x7F] + [UInt8](repeating: 0xFF, count: 15))
        #expect(try roundTrip(.int(Int128.min), .int) == [16, 0x80] + [UInt8](repeating: 0, count: 15))
        #expect(try roundTrip(.dec(decScale), .dec).count == 9)
    }

    @Test func randomNumbersRoundTrip() throws {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<2000 {
            let v = Int128(bitPattern: UInt128(rng.next()) << 64 | UInt128(rng.next()))
                >> Int.random(in: 0...127, using: &rng)
            let b = try roundTrip(.int(v), .int)
            #expect(b.count == 1 + ValueCodec.minimalBytes(v).count)
        }
    }

    @Test func compoundValuesRoundTrip() throws {
        let addr = Value.address([UInt8](repeating: 1, count: 32))
        _ = try roundTrip(.bool(true), .bool)
        _ = try roundTrip(addr, .address)
        _ = try roundTrip(.hash([UInt8](repeating: 2, count: 32)), .hash)
        _ = try roundTrip(.string("héllo\u{0}"), .string)
        _ = try roundTrip(.bytes([0, 255]), .bytes)
        _ = try roundTrip(.list([.int(1), .int(-2)]), .list(elem: 0))
        let map = Value.map([
            Value.MapEntry(key: .string(""), value: .int(1)), Value.MapEntry(key: .string("a"), value: .int(2)),
            Value.MapEntry(key: .string("b"), value: .int(3)),
        ])
        #expect(try roundTrip(map, .map(key: 5, value: 0)) == [3, 0, 1, 1, 1, 0x61, 1, 2, 1, 0x62, 1, 3])
        let point = Value.structure([.int(5), .string("p")])
        #expect(try roundTrip(point, .structure(0)) == [1, 5, 1, 0x70])
        _ = try roundTrip(.list([point, point]), .list(elem: 9))
        _ = try roundTrip(
            .map([
                Value.MapEntry(key: .int(-5), value: .list([])), Value.MapEntry(key: .int(3), value: .list([.int(0)])),
            ]),
            .map(key: 0, value: 7))
        _ = try roundTrip(
            .map([
                Value.MapEntry(key: .bool(false), value: .bool(true)),
                Value.MapEntry(key: .bool(true), value: .bool(false)),
            ]),
            .map(key: 2, value: 2))
    }

    @Test func sequencesConcatenate() throws {
        let types: [TypeDesc] = [.int, .string, .bool]
        let vs: [Value] = [.int(7), .string("x"), .bool(false)]
        let b = try ValueCodec.encodeSequence(vs, as: types, in: m)
        #expect(b == [1, 7, 1, 0x78, 0])
        #expect(try ValueCodec.decodeSequence(b, as: types, in: m) == vs)
        #expect(throws: ValueCodecError.self) { try ValueCodec.decodeSequence(b + [0], as: types, in: m) }
        #expect(throws: ValueCodecError.self) { try ValueCodec.decodeSequence(Array(b.dropLast()), as: types, in: m) }
        #expect(throws: ValueCodecError.self) { try ValueCodec.encodeSequence(vs, as: [.int], in: m) }
    }

    @Test func decoderRejectsNonCanonicalInput() {
        let bad: [([UInt8], TypeDesc)] = [
            ([1, 0], .int),  // zero must be length 0
            ([2, 0, 1], .int),  // redundant sign byte
            ([2, 0xFF, 0x80], .int),  // redundant sign byte
            ([17] + [UInt8](repeating: 1, count: 17), .int),  // too long
            ([0, 0], .int),  // trailing byte
            ([2], .bool),
            ([1, 0xFF], .string),  // invalid UTF-8
            ([0x81, 0x00], .bytes),  // non-minimal length
            ([5, 1, 2], .bytes),  // truncated
            (Array(repeating: 0, count: 31), .address),
            ([2, 1, 0x61, 1, 1, 1, 0x61, 1, 2], .map(key: 5, value: 0)),  // duplicate key
            ([2, 1, 0x62, 1, 1, 1, 0x61, 1, 2], .map(key: 5, value: 0)),  // unsorted keys
            ([1, 1], .list(elem: 40)),  // unknown element type
        ]
        for (bytes, t) in bad {
            #expect(throws: ValueCodecError.self, "\(bytes) as \(t)") { try ValueCodec.decode(bytes, as: t, in: m) }
        }
    }

    @Test func encoderRejectsMismatches() {
        #expect(throws: ValueCodecError.self) { try ValueCodec.encode(.bool(true), as: .int, in: m) }
        #expect(throws: ValueCodecError.self) { try ValueCodec.encode(.address([1]), as: .address, in: m) }
        #expect(throws: ValueCodecError.self) { try ValueCodec.encode(.list([.bool(true)]), as: .list(elem: 0), in: m) }
        #expect(throws: ValueCodecError.self) { try ValueCodec.encode(.structure([.int(1)]), as: .structure(0), in: m) }
        let unsorted = Value.map([
            Value.MapEntry(key: .string("b"), value: .int(1)), Value.MapEntry(key: .string("a"), value: .int(1)),
        ])
        #expect(throws: ValueCodecError.self) { try ValueCodec.encode(unsorted, as: .map(key: 5, value: 0), in: m) }
    }

    @Test func depthIsLimited() throws {
        // types[0] = list<types[0]>: arbitrarily deep nesting of empty lists
        let deep = Module(name: "d", types: [.list(elem: 0)])
        var v = Value.list([])
        for _ in 0..<64 { v = .list([v]) }
        let b = try ValueCodec.encode(v, as: .list(elem: 0), in: deep)
        #expect(try ValueCodec.decode(b, as: .list(elem: 0), in: deep) == v)
        #expect(throws: ValueCodecError.self) { try ValueCodec.encode(.list([v]), as: .list(elem: 0), in: deep) }
        let tooDeep = [UInt8](repeating: 1, count: 100) + [0]
        #expect(throws: ValueCodecError.self) { try ValueCodec.decode(tooDeep, as: .list(elem: 0), in: deep) }
    }

    @Test func emptyStructsEncodeInZeroBytes() throws {
        let empty = Module(
            name: "e", types: [.structure(0), .list(elem: 0), .bool, .map(key: 2, value: 0)],
            structs: [StructDecl(name: "E", fields: [])])
        let list = Value.list([Value](repeating: .structure([]), count: 5))
        let b = try ValueCodec.encode(list, as: .list(elem: 0), in: empty)
        #expect(b == [5])
        #expect(try ValueCodec.decode(b, as: .list(elem: 0), in: empty) == list)
        let map = Value.map([
            Value.MapEntry(key: .bool(false), value: .structure([])),
            Value.MapEntry(key: .bool(true), value: .structure([])),
        ])
        #expect(try ValueCodec.encode(map, as: .map(key: 2, value: 0), in: empty) == [2, 0, 1])
        #expect(try ValueCodec.decode([2, 0, 1], as: .map(key: 2, value: 0), in: empty) == map)
        // a huge count of zero-byte elements stops at the budget instead of running away
        var huge = ByteWriter()
        huge.writeULEB(UInt64(Int.max))
        #expect(throws: ValueCodecError.self) {
            try ValueCodec.decode(huge.bytes, as: .list(elem: 0), in: empty, budget: 10_000)
        }
        #expect(try ValueCodec.decode([100], as: .list(elem: 0), in: empty, budget: 101) == .list(
            [Value](repeating: .structure([]), count: 100)))
        #expect(throws: ValueCodecError.self) {
            try ValueCodec.decode([100], as: .list(elem: 0), in: empty, budget: 100)
        }
    }

    @Test func randomBytesNeverTrap() throws {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...4, using: &rng) }
            let t = m.types[Int.random(in: 0..<m.types.count, using: &rng)]
            if let v = try? ValueCodec.decode(bytes, as: t, in: m) {
                #expect(try ValueCodec.encode(v, as: t, in: m) == bytes)
            }
        }
    }

    @Test func zeroValues() {
        #expect(zeroValue(of: .int, in: m) == .int(0))
        #expect(zeroValue(of: .address, in: m) == .address([UInt8](repeating: 0, count: 32)))
        #expect(zeroValue(of: .structure(0), in: m) == .structure([.int(0), .string("")]))
        #expect(zeroValue(of: .map(key: 5, value: 0), in: m) == .map([]))
        #expect(zeroValue(of: .structure(9), in: m) == .structure([]))
        let recursive = Module(
            name: "r", types: [.structure(0)], structs: [StructDecl(name: "S", fields: [Field(name: "s", type: 0)])])
        _ = zeroValue(of: .structure(0), in: recursive)  // terminates
        // S_k has two fields of type S_(k-1): 2^40 leaves if built in full
        var wide = Module(
            name: "w", types: [.int], structs: [StructDecl(name: "S0", fields: [Field(name: "a", type: 0)])])
        for k in 1...40 {
            wide.types.append(.structure(UInt16(k - 1)))
            let f = UInt16(wide.types.count - 1)
            let fields = [Field(name: "a", type: f), Field(name: "b", type: f)]
            wide.structs.append(StructDecl(name: "S\(k)", fields: fields))
        }
        _ = zeroValue(of: .structure(40), in: wide, budget: 10_000)  // bounded by the budget
        #expect(zeroValue(of: .structure(2), in: wide, budget: 100) == .structure([
            .structure([.structure([.int(0)]), .structure([.int(0)])]),
            .structure([.structure([.int(0)]), .structure([.int(0)])]),
        ]))
    }
}
