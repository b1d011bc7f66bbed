import Crypto

// The binary module format (Docs/bytecode.md, "Module format"). Every table is written in the order of
// `Module`'s properties, each as a count followed by its entries:
//
//     "DNVM" | u16 version | name | types | constants | structs | state | events | externs | functions
//            | source map
//
// Counts, lengths and indices are minimal unsigned LEB128; Int/Dec constants are 16 bytes little-endian.
// The format is canonical: the decoder accepts exactly the byte strings the encoder produces.

/// Encodes and decodes modules in the canonical binary format.
public enum ModuleCodec {
    /// The four bytes every module starts with.
    public static let magic: [UInt8] = Array("DNVM".utf8)

    /// The canonical encoding of `m`. `decode(encode(m)) == m` for every module within `Limits` whose
    /// constants are well formed (UTF-8 strings, 32-byte addresses and hashes).
    public static func encode(_ m: Module) -> [UInt8] {
        var w = ByteWriter()
        w.writeRaw(magic)
        w.writeU16(Module.formatVersion)
        w.writeString(m.name)
        w.writeCount(m.types.count)
        for t in m.types { encodeType(t, into: &w) }
        w.writeCount(m.constants.count)
        for c in m.constants { encodeConstant(c, into: &w) }
        w.writeCount(m.structs.count)
        for s in m.structs {
            w.writeString(s.name)
            encodeFields(s.fields, into: &w)
        }
        encodeFields(m.state, into: &w)
        w.writeCount(m.events.count)
        for e in m.events {
            w.writeString(e.name)
            encodeFields(e.fields, into: &w)
        }
        w.writeCount(m.externs.count)
        for x in m.externs {
            w.writeString(x.name)
            w.writeU8(x.isView ? 1 : 0)
            encodeIndices(x.params, into: &w)
            encodeIndices(x.results, into: &w)
        }
        w.writeCount(m.functions.count)
        for f in m.functions { encodeFunction(f, into: &w) }
        if let map = m.sourceMap {
            w.writeU8(1)
            w.writeCount(map.files.count)
            for file in map.files { w.writeString(file) }
            w.writeCount(map.entries.count)
            for e in map.entries {
                w.writeULEB(UInt64(e.function))
                w.writeULEB(UInt64(e.offset))
                w.writeULEB(UInt64(e.file))
                w.writeULEB(UInt64(e.line))
                w.writeULEB(UInt64(e.column))
            }
        } else {
            w.writeU8(0)
        }
        return w.bytes
    }

    /// Decodes a module, rejecting every byte string `encode` would not produce and anything beyond
    /// `Limits`. Does not verify code (the verifier does). Never traps.
    public static func decode(_ bytes: [UInt8]) throws(ModuleDecodingError) -> Module {
        guard bytes.count <= Limits.maxModuleBytes else {
            throw ModuleDecodingError(
                "module of \(bytes.count) bytes exceeds the limit of \(Limits.maxModuleBytes)",
                offset: Limits.maxModuleBytes)
        }
        var r = ByteReader(bytes)
        do {
            return try decodeModule(&r)
        } catch {
            throw ModuleDecodingError(error)
        }
    }

    /// The module id: SHA-256 of its encoding.
    public static func id(of bytes: [UInt8]) -> [UInt8] { SHA256.hash(bytes) }

    // MARK: - Encoding helpers

    static func encodeType(_ t: TypeDesc, into w: inout ByteWriter) {
        w.writeU8(t.tag)
        switch t {
        case .list(let e): w.writeULEB(UInt64(e))
        case .map(let k, let v):
            w.writeULEB(UInt64(k))
            w.writeULEB(UInt64(v))
        case .structure(let s): w.writeULEB(UInt64(s))
        case .int, .dec, .bool, .address, .hash, .string, .bytes: break
        }
    }

    static func constantTag(_ c: Constant) -> UInt8 {
        switch c {
        case .int: 0
        case .dec: 1
        case .string: 2
        case .bytes: 3
        case .address: 4
        case .hash: 5
        }
    }

    static func encodeConstant(_ c: Constant, into w: inout ByteWriter) {
        w.writeU8(constantTag(c))
        switch c {
        case .int(let v), .dec(let v): w.writeI128(v)
        case .string(let b), .bytes(let b), .address(let b), .hash(let b): w.writeBlob(b)
        }
    }

    static func encodeFields(_ fields: [Field], into w: inout ByteWriter) {
        w.writeCount(fields.count)
        for f in fields {
            w.writeString(f.name)
            w.writeULEB(UInt64(f.type))
        }
    }

    static func encodeIndices(_ xs: [UInt16], into w: inout ByteWriter) {
        w.writeCount(xs.count)
        for x in xs { w.writeULEB(UInt64(x)) }
    }

    static func encodeFunction(_ f: Function, into w: inout ByteWriter) {
        w.writeString(f.name)
        w.writeU8(f.kind.rawValue)
        encodeIndices(f.params, into: &w)
        encodeIndices(f.results, into: &w)
        encodeIndices(f.locals, into: &w)
        w.writeULEB(UInt64(f.maxStack))
        w.writeBlob(f.code)
    }

    // MARK: - Decoding helpers

    private typealias Failure = ByteReader.Failure

    private static func decodeModule(_ r: inout ByteReader) throws(Failure) -> Module {
        guard try r.readRaw(4, "magic") == magic else { throw Failure("bad magic: not a Datanet module", offset: 0) }
        let version = try r.readU16("format version")
        guard version == Module.formatVersion else {
            throw Failure("unsupported format version \(version) (expected \(Module.formatVersion))", offset: 4)
        }
        let name = try r.readString("module name")
        let tableMax = Limits.maxTableEntries
        var m = Module(name: name)

        let typeCount = try r.readCount("type count", max: tableMax)
        for _ in 0..<typeCount { m.types.append(try decodeType(&r)) }

        let constantCount = try r.readCount("constant count", max: tableMax)
        for _ in 0..<constantCount { m.constants.append(try decodeConstant(&r)) }

        let structCount = try r.readCount("struct count", max: tableMax, minEntrySize: 2)
        for _ in 0..<structCount {
            let sname = try r.readString("struct name")
            m.structs.append(StructDecl(name: sname, fields: try decodeFields(&r, "struct field")))
        }

        m.state = try decodeFields(&r, "state variable")

        let eventCount = try r.readCount("event count", max: tableMax, minEntrySize: 2)
        for _ in 0..<eventCount {
            let ename = try r.readString("event name")
            m.events.append(EventDecl(name: ename, fields: try decodeFields(&r, "event field")))
        }

        let externCount = try r.readCount("extern count", max: tableMax, minEntrySize: 4)
        for _ in 0..<externCount {
            let xname = try r.readString("extern name")
            let flagOffset = r.offset
            let flag = try r.readU8("extern view flag")
            guard flag <= 1 else { throw Failure("bad extern view flag \(flag)", offset: flagOffset) }
            let params = try decodeIndices(&r, "extern parameter", max: tableMax)
            let results = try decodeIndices(&r, "extern result", max: tableMax)
            m.externs.append(ExternDecl(name: xname, params: params, results: results, isView: flag == 1))
        }

        let functionCount = try r.readCount("function count", max: tableMax, minEntrySize: 7)
        for _ in 0..<functionCount { m.functions.append(try decodeFunction(&r)) }

        let mapOffset = r.offset
        let hasMap = try r.readU8("source map flag")
        switch hasMap {
        case 0: break
        case 1: m.sourceMap = try decodeSourceMap(&r)
        default: throw Failure("bad source map flag \(hasMap)", offset: mapOffset)
        }
        guard r.isAtEnd else { throw Failure("\(r.remaining) trailing bytes after the module", offset: r.offset) }
        return m
    }

    private static func decodeType(_ r: inout ByteReader) throws(Failure) -> TypeDesc {
        let at = r.offset
        let tag = try r.readU8("type tag")
        let u16 = UInt64(UInt16.max)
        switch tag {
        case 0: return .int
        case 1: return .dec
        case 2: return .bool
        case 3: return .address
        case 4: return .hash
        case 5: return .string
        case 6: return .bytes
        case 7: return .list(elem: UInt16(truncatingIfNeeded: try r.readULEB("list element type", max: u16)))
        case 8:
            let k = try r.readULEB("map key type", max: u16)
            let v = try r.readULEB("map value type", max: u16)
            return .map(key: UInt16(truncatingIfNeeded: k), value: UInt16(truncatingIfNeeded: v))
        case 9: return .structure(UInt16(truncatingIfNeeded: try r.readULEB("struct index", max: u16)))
        default: throw Failure("unknown type tag \(tag)", offset: at)
        }
    }

    private static func decodeConstant(_ r: inout ByteReader) throws(Failure) -> Constant {
        let at = r.offset
        let tag = try r.readU8("constant tag")
        switch tag {
        case 0: return .int(try r.readI128("int constant"))
        case 1: return .dec(try r.readI128("dec constant"))
        case 2:
            let start = r.offset
            let raw = try r.readBlob("string constant")
            guard ByteReader.utf8String(raw) != nil else {
                throw Failure("string constant is not valid UTF-8", offset: start)
            }
            return .string(raw)
        case 3: return .bytes(try r.readBlob("bytes constant"))
        case 4, 5:
            let start = r.offset
            let raw = try r.readBlob("32-byte constant")
            guard raw.count == 32 else {
                throw Failure("\(tag == 4 ? "address" : "hash") constant has \(raw.count) bytes, not 32", offset: start)
            }
            return tag == 4 ? .address(raw) : .hash(raw)
        default: throw Failure("unknown constant tag \(tag)", offset: at)
        }
    }

    private static func decodeFields(_ r: inout ByteReader, _ what: String) throws(Failure) -> [Field] {
        let n = try r.readCount("\(what) count", max: Limits.maxTableEntries, minEntrySize: 2)
        var out: [Field] = []
        for _ in 0..<n {
            let name = try r.readString("\(what) name")
            let t = try r.readULEB("\(what) type", max: UInt64(UInt16.max))
            out.append(Field(name: name, type: UInt16(truncatingIfNeeded: t)))
        }
        return out
    }

    private static func decodeIndices(_ r: inout ByteReader, _ what: String, max: Int) throws(Failure) -> [UInt16] {
        let n = try r.readCount("\(what) count", max: max)
        var out: [UInt16] = []
        for _ in 0..<n {
            out.append(UInt16(truncatingIfNeeded: try r.readULEB("\(what) type", max: UInt64(UInt16.max))))
        }
        return out
    }

    private static func decodeFunction(_ r: inout ByteReader) throws(Failure) -> Function {
        let name = try r.readString("function name")
        let kindOffset = r.offset
        let kindByte = try r.readU8("function kind")
        guard let kind = FunctionKind(rawValue: kindByte) else {
            throw Failure("unknown function kind \(kindByte)", offset: kindOffset)
        }
        let localsOffset = r.offset
        let params = try decodeIndices(&r, "parameter", max: Limits.maxLocals)
        let results = try decodeIndices(&r, "result", max: Limits.maxTableEntries)
        let locals = try decodeIndices(&r, "local", max: Limits.maxLocals)
        guard params.count + locals.count <= Limits.maxLocals else {
            throw Failure(
                "function '\(name)' has \(params.count + locals.count) locals, more than \(Limits.maxLocals)",
                offset: localsOffset)
        }
        let maxStack = try r.readULEB("max stack", max: UInt64(Limits.maxFunctionStack))
        let code = try r.readBlob("code", max: Limits.maxCodeBytes)
        return Function(
            name: name, kind: kind, params: params, results: results, locals: locals,
            maxStack: UInt16(truncatingIfNeeded: maxStack), code: code)
    }

    private static func decodeSourceMap(_ r: inout ByteReader) throws(Failure) -> SourceMap {
        let fileCount = try r.readCount("source file count", max: Limits.maxTableEntries)
        var files: [String] = []
        for _ in 0..<fileCount { files.append(try r.readString("source file name")) }
        let entryCount = try r.readCount("source map entry count", max: Int.max, minEntrySize: 5)
        var entries: [SourceMapEntry] = []
        let u16 = UInt64(UInt16.max), u32 = UInt64(UInt32.max)
        for _ in 0..<entryCount {
            let f = try r.readULEB("source map function", max: u16)
            let o = try r.readULEB("source map offset", max: u32)
            let file = try r.readULEB("source map file", max: u16)
            let line = try r.readULEB("source map line", max: u32)
            let col = try r.readULEB("source map column", max: u32)
            entries.append(
                SourceMapEntry(
                    function: UInt16(truncatingIfNeeded: f), offset: UInt32(truncatingIfNeeded: o),
                    file: UInt16(truncatingIfNeeded: file), line: UInt32(truncatingIfNeeded: line),
                    column: UInt32(truncatingIfNeeded: col)))
        }
        return SourceMap(files: files, entries: entries)
    }
}
