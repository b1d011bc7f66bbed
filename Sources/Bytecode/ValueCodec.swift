/// The canonical binary encoding of values of a module's types (Docs/bytecode.md, "Value encoding"): call
/// arguments and results, storage contents and event fields.
///
/// | type | encoding |
/// | --- | --- |
/// | `int`, `dec` | 1 length byte n (0...16), then n bytes big-endian two's complement, minimal (zero is n = 0) |
/// | `bool` | 1 byte, 0 or 1 |
/// | `address`, `hash` | 32 raw bytes |
/// | `string`, `bytes` | minimal LEB128 length, then the bytes (UTF-8 for strings) |
/// | `list<T>` | LEB128 count, then the elements |
/// | `map<K,V>` | LEB128 count, then key, value pairs, strictly ascending by `KeyEncoding` of the key |
/// | struct | its fields in declaration order |
///
/// Every value has exactly one encoding; the decoder rejects everything else (including trailing bytes
/// and nesting deeper than `maxDepth`).
public enum ValueCodec {
    /// The deepest nesting of lists, maps and structs accepted (the outermost value is depth 0).
    public static let maxDepth = 64
    /// The most values (scalars, blobs and containers, counted separately) one decode may produce: what one
    /// run's arena could hold. Bounds the work on elements that encode in zero bytes (empty structs).
    public static let maxDecodedValues = Limits.maxArenaWords

    /// Encodes `v` as type `t` of module `m`; throws when `v` does not match `t`.
    public static func encode(_ v: Value, as t: TypeDesc, in m: Module) throws(ValueCodecError) -> [UInt8] {
        var w = ByteWriter()
        try encodeValue(v, t, m, 0, &w)
        return w.bytes
    }

    /// Encodes values one after the other (argument lists, event fields).
    public static func encodeSequence(
        _ vs: [Value], as types: [TypeDesc], in m: Module
    ) throws(ValueCodecError) -> [UInt8] {
        guard vs.count == types.count else {
            throw ValueCodecError("expected \(types.count) values, got \(vs.count)")
        }
        var w = ByteWriter()
        for (v, t) in zip(vs, types) { try encodeValue(v, t, m, 0, &w) }
        return w.bytes
    }

    /// Decodes exactly one value of type `t` from all of `b`.
    public static func decode(_ b: [UInt8], as t: TypeDesc, in m: Module) throws(ValueCodecError) -> Value {
        try decode(b, as: t, in: m, budget: maxDecodedValues)
    }

    /// `decode` with another bound on the number of values (for tests).
    static func decode(_ b: [UInt8], as t: TypeDesc, in m: Module, budget: Int) throws(ValueCodecError) -> Value {
        var r = ByteReader(b)
        var budget = budget
        let v = try decodeValue(&r, t, m, 0, &budget)
        try expectEnd(r)
        return v
    }

    /// Decodes one value per type from all of `b`, in order.
    public static func decodeSequence(
        _ b: [UInt8], as types: [TypeDesc], in m: Module
    ) throws(ValueCodecError) -> [Value] {
        var r = ByteReader(b)
        var budget = maxDecodedValues
        var out: [Value] = []
        for t in types { out.append(try decodeValue(&r, t, m, 0, &budget)) }
        try expectEnd(r)
        return out
    }

    // MARK: - Encoding

    static func resolve(_ index: UInt16, in m: Module, offset: Int? = nil) throws(ValueCodecError) -> TypeDesc {
        guard Int(index) < m.types.count else {
            throw ValueCodecError("type index \(index) is out of range", offset: offset)
        }
        return m.types[Int(index)]
    }

    static func structFields(_ s: UInt16, in m: Module, offset: Int? = nil) throws(ValueCodecError) -> [Field] {
        guard Int(s) < m.structs.count else {
            throw ValueCodecError("struct index \(s) is out of range", offset: offset)
        }
        return m.structs[Int(s)].fields
    }

    private static func mismatch(_ v: Value, _ t: TypeDesc) -> ValueCodecError {
        ValueCodecError("value \(v) does not match type \(t)")
    }

    /// The minimal big-endian two's complement bytes of `v` (empty for zero).
    static func minimalBytes(_ v: Int128) -> [UInt8] {
        var u = UInt128(bitPattern: v)
        var be = [UInt8](repeating: 0, count: 16)
        for i in stride(from: 15, through: 0, by: -1) {
            be[i] = UInt8(truncatingIfNeeded: u)
            u >>= 8
        }
        if v == 0 { return [] }
        var start = 0
        while start < 15 {
            let b0 = be[start], b1 = be[start + 1]
            if (b0 == 0 && b1 < 0x80) || (b0 == 0xFF && b1 >= 0x80) { start += 1 } else { break }
        }
        return Array(be[start...])
    }

    private static func encodeValue(
        _ v: Value, _ t: TypeDesc, _ m: Module, _ depth: Int, _ w: inout ByteWriter
    ) throws(ValueCodecError) {
        guard depth <= maxDepth else { throw ValueCodecError("value nests deeper than \(maxDepth)") }
        switch (t, v) {
        case (.int, .int(let x)), (.dec, .dec(let x)):
            let b = minimalBytes(x)
            w.writeU8(UInt8(truncatingIfNeeded: b.count))
            w.writeRaw(b)
        case (.bool, .bool(let x)):
            w.writeU8(x ? 1 : 0)
        case (.address, .address(let b)), (.hash, .hash(let b)):
            guard b.count == 32 else { throw ValueCodecError("\(t) value has \(b.count) bytes, not 32") }
            w.writeRaw(b)
        case (.string, .string(let s)):
            w.writeString(s)
        case (.bytes, .bytes(let b)):
            w.writeBlob(b)
        case (.list(let e), .list(let items)):
            let et = try resolve(e, in: m)
            w.writeCount(items.count)
            for item in items { try encodeValue(item, et, m, depth + 1, &w) }
        case (.map(let k, let vt), .map(let entries)):
            let kt = try resolve(k, in: m), valueType = try resolve(vt, in: m)
            guard kt.isMapKey else { throw ValueCodecError("type \(kt) cannot be a map key") }
            w.writeCount(entries.count)
            var previous: [UInt8]? = nil
            for entry in entries {
                try encodeValue(entry.key, kt, m, depth + 1, &w)
                guard let key = KeyEncoding.encode(entry.key) else { throw mismatch(entry.key, kt) }
                if let previous, !previous.lexicographicallyPrecedes(key) {
                    throw ValueCodecError("map keys are not strictly ascending")
                }
                previous = key
                try encodeValue(entry.value, valueType, m, depth + 1, &w)
            }
        case (.structure(let s), .structure(let values)):
            let fields = try structFields(s, in: m)
            guard fields.count == values.count else {
                throw ValueCodecError("struct \(s) has \(fields.count) fields, value has \(values.count)")
            }
            for (f, fv) in zip(fields, values) { try encodeValue(fv, try resolve(f.type, in: m), m, depth + 1, &w) }
        default:
            throw mismatch(v, t)
        }
    }

    // MARK: - Decoding

    private static func expectEnd(_ r: ByteReader) throws(ValueCodecError) {
        guard r.isAtEnd else { throw ValueCodecError("\(r.remaining) trailing bytes", offset: r.offset) }
    }

    private static func read<T>(_ body: () throws(ByteReader.Failure) -> T) throws(ValueCodecError) -> T {
        do {
            return try body()
        } catch {
            throw ValueCodecError(error.message, offset: error.offset)
        }
    }

    private static func decodeValue(
        _ r: inout ByteReader, _ t: TypeDesc, _ m: Module, _ depth: Int, _ budget: inout Int
    ) throws(ValueCodecError) -> Value {
        let at = r.offset
        guard depth <= maxDepth else { throw ValueCodecError("value nests deeper than \(maxDepth)", offset: at) }
        guard budget > 0 else { throw ValueCodecError("more than \(maxDecodedValues) values", offset: at) }
        budget -= 1
        switch t {
        case .int, .dec:
            let x = try decodeNumber(&r)
            return t == .int ? .int(x) : .dec(x)
        case .bool:
            let b = try read { () throws(ByteReader.Failure) in try r.readU8("bool") }
            guard b <= 1 else { throw ValueCodecError("bool byte \(b) is not 0 or 1", offset: at) }
            return .bool(b == 1)
        case .address, .hash:
            let raw = try read { () throws(ByteReader.Failure) in try r.readRaw(32, "\(t)") }
            return t == .address ? .address(raw) : .hash(raw)
        case .string:
            return .string(try read { () throws(ByteReader.Failure) in try r.readString("string") })
        case .bytes:
            return .bytes(try read { () throws(ByteReader.Failure) in try r.readBlob("bytes") })
        case .list(let e):
            let et = try resolve(e, in: m, offset: at)
            // no bound from the remaining bytes: elements may encode in zero bytes; the budget bounds the work
            let n = try read { () throws(ByteReader.Failure) in try r.readInt("list count", max: Int.max) }
            var items: [Value] = []
            for _ in 0..<n { items.append(try decodeValue(&r, et, m, depth + 1, &budget)) }
            return .list(items)
        case .map(let k, let vt):
            let kt = try resolve(k, in: m, offset: at), valueType = try resolve(vt, in: m, offset: at)
            guard kt.isMapKey else { throw ValueCodecError("type \(kt) cannot be a map key", offset: at) }
            let n = try read { () throws(ByteReader.Failure) in try r.readCount("map count", max: Int.max) }
            var entries: [Value.MapEntry] = []
            var previous: [UInt8]? = nil
            for _ in 0..<n {
                let keyOffset = r.offset
                let key = try decodeValue(&r, kt, m, depth + 1, &budget)
                guard let enc = KeyEncoding.encode(key) else {
                    throw ValueCodecError("bad map key", offset: keyOffset)
                }
                if let previous, !previous.lexicographicallyPrecedes(enc) {
                    throw ValueCodecError("map keys are not strictly ascending", offset: keyOffset)
                }
                previous = enc
                entries.append(Value.MapEntry(key: key, value: try decodeValue(&r, valueType, m, depth + 1, &budget)))
            }
            return .map(entries)
        case .structure(let s):
            let fields = try structFields(s, in: m, offset: at)
            var values: [Value] = []
            for f in fields {
                values.append(try decodeValue(&r, try resolve(f.type, in: m, offset: at), m, depth + 1, &budget))
            }
            return .structure(values)
        }
    }

    private static func decodeNumber(_ r: inout ByteReader) throws(ValueCodecError) -> Int128 {
        let at = r.offset
        let n = Int(try read { () throws(ByteReader.Failure) in try r.readU8("number length") })
        guard n <= 16 else { throw ValueCodecError("number length \(n) exceeds 16", offset: at) }
        let raw = try read { () throws(ByteReader.Failure) in try r.readRaw(n, "number") }
        guard let first = raw.first else { return 0 }
        if n == 1 && first == 0 { throw ValueCodecError("non-minimal number: zero has length 0", offset: at) }
        if n >= 2 && ((first == 0 && raw[1] < 0x80) || (first == 0xFF && raw[1] >= 0x80)) {
            throw ValueCodecError("non-minimal number: redundant sign byte", offset: at)
        }
        var u: UInt128 = first >= 0x80 ? UInt128.max : 0
        for b in raw { u = u << 8 | UInt128(b) }
        return Int128(bitPattern: u)
    }
}
