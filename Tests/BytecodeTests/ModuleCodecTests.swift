import Crypto
import Testing

@testable import Bytecode

/// A module that uses every table and every kind of entry.
func sampleModule() -> Module {
    Module(
        name: "Sample",
        types: [.int, .dec, .bool, .address, .hash, .string, .bytes, .list(elem: 0), .map(key: 3, value: 0),
            .structure(0), .list(elem: 9)],
        constants: [.int(-1), .int(Int128.max), .dec(15 * decScale / 10), .string(Array("héllo".utf8)),
            .bytes([0, 1, 2]), .address([UInt8](repeating: 7, count: 32)), .hash([UInt8](repeating: 9, count: 32))],
        structs: [StructDecl(name: "Point", fields: [Field(name: "x", type: 0), Field(name: "y", type: 0)])],
        state: [Field(name: "owner", type: 3), Field(name: "shares", type: 8)],
        events: [EventDecl(name: "Paid", fields: [Field(name: "to", type: 3), Field(name: "amount", type: 0)])],
        externs: [ExternDecl(name: "balance_of", params: [3], results: [0], isView: true)],
        functions: [
            Function(
                name: "get", kind: .view, params: [3], results: [0], locals: [0], maxStack: 2,
                code: [Opcode.localGet.rawValue, 0, 0, Opcode.smapGet.rawValue, 1, 0, Opcode.ret.rawValue]),
            Function(name: "init", kind: .`init`, params: [], results: [], locals: [], maxStack: 0, code: [0x44]),
        ],
        sourceMap: SourceMap(
            files: ["sample.dn"],
            entries: [SourceMapEntry(function: 0, offset: 0, file: 0, line: 3, column: 5)]))
}

@Suite struct ModuleCodecTests {
    @Test func sampleRoundTrips() throws {
        let m = sampleModule()
        let bytes = ModuleCodec.encode(m)
        #expect(Array(bytes.prefix(4)) == Array("DNVM".utf8))
        #expect(bytes[4] == 1 && bytes[5] == 0)
        #expect(try ModuleCodec.decode(bytes) == m)
        #expect(ModuleCodec.id(of: bytes) == SHA256.hash(bytes))
        #expect(ModuleCodec.id(of: bytes).count == 32)
    }

    @Test func emptyModuleLayoutMatchesTheDocs() {
        let expected: [UInt8] = [0x44, 0x4E, 0x56, 0x4D, 1, 0, 1, 0x6D, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(ModuleCodec.encode(Module(name: "m")) == expected)
    }

    @Test func emptyModuleRoundTrips() throws {
        let m = Module(name: "")
        #expect(try ModuleCodec.decode(ModuleCodec.encode(m)) == m)
    }

    @Test func randomModulesRoundTrip() throws {
        var gen = RandomModules(seed: 1)
        for _ in 0..<400 {
            let m = gen.module()
            let bytes = ModuleCodec.encode(m)
            let back = try ModuleCodec.decode(bytes)
            #expect(back == m)
            #expect(ModuleCodec.encode(back) == bytes)
        }
    }

    @Test func everyTruncationIsRejectedWithAnOffset() {
        let bytes = ModuleCodec.encode(sampleModule())
        for k in 0..<bytes.count {
            do {
                _ = try ModuleCodec.decode(Array(bytes[0..<k]))
                Issue.record("truncation to \(k) bytes was accepted")
            } catch {
                #expect(error.offset >= 0 && error.offset <= k)
            }
        }
    }

    @Test func mutationsNeverTrapAndAcceptedInputsAreCanonical() {
        var rng = SeededGenerator(seed: 7)
        var samples = [ModuleCodec.encode(sampleModule())]
        var gen = RandomModules(seed: 99)
        for _ in 0..<20 { samples.append(ModuleCodec.encode(gen.module())) }
        for bytes in samples {
            for _ in 0..<300 {
                var mutated = bytes
                let i = Int.random(in: 0..<mutated.count, using: &rng)
                switch Int.random(in: 0...3, using: &rng) {
                case 0: mutated[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: mutated[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                case 2: mutated.insert(UInt8.random(in: 0...255, using: &rng), at: i)
                default: mutated.remove(at: i)
                }
                do {
                    let m = try ModuleCodec.decode(mutated)
                    #expect(ModuleCodec.encode(m) == mutated, "decoder accepted a non-canonical encoding")
                } catch {
                    #expect(error.offset >= 0 && error.offset <= mutated.count)
                }
            }
        }
    }

    @Test func rejectsTrailingBytes() {
        var bytes = ModuleCodec.encode(sampleModule())
        let end = bytes.count
        bytes.append(0)
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(bytes) }
        do { _ = try ModuleCodec.decode(bytes) } catch { #expect(error.offset == end) }
    }

    @Test func rejectsBadMagicAndVersion() {
        var bytes = ModuleCodec.encode(Module(name: "m"))
        bytes[0] = UInt8(ascii: "X")
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(bytes) }
        bytes = ModuleCodec.encode(Module(name: "m"))
        bytes[4] = 2
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(bytes) }
    }

    /// The header, an empty name, then `rest`.
    private func withHeader(_ rest: [UInt8]) -> [UInt8] { Array("DNVM".utf8) + [1, 0, 0] + rest }

    @Test func rejectsNonMinimalLEB128() throws {
        // type count 1 written as 0x81 0x00, then tag int
        let bytes = withHeader([0x81, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(bytes) }
        let ok = withHeader([0x01, 0x00, 0, 0, 0, 0, 0, 0, 0])
        #expect(try ModuleCodec.decode(ok).types == [.int])
    }

    @Test func rejectsBadTagsAndFlags() throws {
        #expect(throws: ModuleDecodingError.self) {
            try ModuleCodec.decode(withHeader([1, 10, 0, 0, 0, 0, 0, 0, 0, 0]))
        }
        // a constant with tag 6
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(withHeader([0, 1, 6, 0, 0, 0, 0, 0, 0, 0])) }
        // source map flag 2
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(withHeader([0, 0, 0, 0, 0, 0, 0, 2])) }
        #expect(try ModuleCodec.decode(withHeader([0, 0, 0, 0, 0, 0, 0, 0])) == Module(name: ""))
    }

    @Test func rejectsInvalidUTF8AndShortAddresses() {
        var m = Module(name: "m")
        m.constants = [.string([0xC3, 0x28])]
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(ModuleCodec.encode(m)) }
        m.constants = [.address([1, 2, 3])]
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(ModuleCodec.encode(m)) }
        m.constants = [.hash([UInt8](repeating: 0, count: 33))]
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(ModuleCodec.encode(m)) }
        let badName = Array("DNVM".utf8) + [1, 0, 1, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(badName) }
    }

    @Test func rejectsUnknownFunctionKind() {
        var bytes = ModuleCodec.encode(
            Module(name: "", functions: [Function(name: "", kind: .public, params: [], results: [], locals: [],
                maxStack: 0, code: [])]))
        // header(6) name(1) 6 empty tables(6) function count(1) function name(1), then the kind
        let kindOffset = 6 + 1 + 6 + 1 + 1
        #expect(bytes[kindOffset] == 0)
        bytes[kindOffset] = 5
        do {
            _ = try ModuleCodec.decode(bytes)
            Issue.record("kind 5 accepted")
        } catch {
            #expect(error.offset == kindOffset)
            #expect(error.message.contains("function kind"))
        }
    }

    @Test func enforcesLimits() {
        let tooBig = [UInt8](repeating: 0, count: Limits.maxModuleBytes + 1)
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(tooBig) }
        let f = Function(
            name: "", kind: .public, params: [], results: [], locals: [], maxStack: 0,
            code: [UInt8](repeating: 0, count: Limits.maxCodeBytes + 1))
        #expect(throws: ModuleDecodingError.self) {
            try ModuleCodec.decode(ModuleCodec.encode(Module(name: "", functions: [f])))
        }
        var g = f
        g.code = []
        g.locals = [UInt16](repeating: 0, count: Limits.maxLocals + 1)
        #expect(throws: ModuleDecodingError.self) {
            try ModuleCodec.decode(ModuleCodec.encode(Module(name: "", functions: [g])))
        }
        // a count far beyond the bytes present must not allocate or trap
        let hugeCount = withHeader([0xFF, 0xFF, 0x03])
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(hugeCount) }
        let overLimit = withHeader([0x80, 0x80, 0x04])  // 65536 types
        #expect(throws: ModuleDecodingError.self) { try ModuleCodec.decode(overLimit) }
    }
}
