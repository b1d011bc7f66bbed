import Bytecode

/// The bridge between arena slots and boundary `Value`s: arguments in, results out, storage, events
/// and cross-contract calls. Allocation is charged; reading out is paid for by whoever consumes the
/// encoded bytes (storage, log and call byte prices).
extension Machine {
    /// The `Value` held in `slot`, typed `type`.
    func value(of slot: Int128, type: TypeDesc) -> Value {
        let h = Int(truncatingIfNeeded: slot)
        switch type {
        case .int: return .int(slot)
        case .dec: return .dec(slot)
        case .bool: return .bool(slot != 0)
        case .address: return .address(arena.blobArray(h))
        case .hash: return .hash(arena.blobArray(h))
        case .string: return .string(String(decoding: arena.blobBytes(h), as: UTF8.self))
        case .bytes: return .bytes(arena.blobArray(h))
        case .list(let elem):
            let t = module.types[Int(elem)], data = arena.listData(h)
            return .list((0..<arena.listCount(h)).map { value(of: arena.words[data + $0], type: t) })
        case .map(let key, let val):
            let m = arena.maps[arena.mapIndex(h)]
            let kt = module.types[Int(key)], vt = module.types[Int(val)]
            return .map(zip(m.keySlots, m.values).map {
                Value.MapEntry(key: value(of: $0.0, type: kt), value: value(of: $0.1, type: vt))
            })
        case .structure(let s):
            let fields = module.structs[Int(s)].fields
            return .structure(fields.indices.map { value(of: arena.words[h + 1 + $0], type: module.types[Int(fields[$0].type)]) })
        }
    }

    /// Places `value` in the arena as type `typeIndex` (an index into `module.types`); nil with a pending
    /// trap when it does not match the type or gas or memory runs out.
    mutating func slot(of value: Value, typeIndex: Int) -> Int128? {
        guard typeIndex < module.types.count else { return fail(.invalidValue("unknown type")) }
        let type = module.types[typeIndex]
        switch (type, value) {
        case (.int, .int(let v)), (.dec, .dec(let v)): return v
        case (.bool, .bool(let b)): return b ? 1 : 0
        case (.address, .address(let b)) where b.count == 32, (.hash, .hash(let b)) where b.count == 32,
            (.bytes, .bytes(let b)):
            return makeBlob(b).map { Int128($0) }
        case (.string, .string(let s)):
            return makeBlob(Array(s.utf8)).map { Int128($0) }
        case (.list(let elem), .list(let items)):
            guard charge(GasSchedule.cost(2 + items.count, GasSchedule.perWordAllocated)) else { return nil }
            guard let h = arena.makeList(type: typeIndex, count: items.count) else { return fail(.outOfMemory) }
            for (i, item) in items.enumerated() {
                guard let s = slot(of: item, typeIndex: Int(elem)) else { return nil }
                arena.words[arena.listData(h) + i] = s
            }
            return Int128(h)
        case (.map(let key, let val), .map(let entries)):
            guard let made = zero(type: typeIndex) else { return nil }
            let h = Int(truncatingIfNeeded: made), m = arena.mapIndex(h)
            var previous: [UInt8]?
            for entry in entries {
                guard let k = slot(of: entry.key, typeIndex: Int(key)), let v = slot(of: entry.value, typeIndex: Int(val)),
                    let bytes = KeyEncoding.encode(entry.key)
                else { return pendingTrap == nil ? fail(.invalidValue("bad map key")) : nil }
                if let previous, !previous.lexicographicallyPrecedes(bytes) {
                    return fail(.invalidValue("map keys out of order"))
                }
                guard charge(GasSchedule.cost(3, GasSchedule.perWordAllocated)) else { return nil }
                arena.maps[m].keyBytes.append(bytes)
                arena.maps[m].keySlots.append(k)
                arena.maps[m].values.append(v)
                previous = bytes
            }
            return made
        case (.structure(let s), .structure(let fields)):
            let decl = module.structs[Int(s)].fields
            guard decl.count == fields.count else { return fail(.invalidValue("struct field count")) }
            guard let h = allocate(1 + fields.count) else { return nil }
            arena.words[h] = Arena.header(fields.count, .structure, Int(s))
            for (i, f) in fields.enumerated() {
                guard let v = slot(of: f, typeIndex: Int(decl[i].type)) else { return nil }
                arena.words[h + 1 + i] = v
            }
            return Int128(h)
        default:
            return fail(.invalidValue("expected \(type) value"))
        }
    }

    /// The order-preserving key bytes of the map key in `slot` (`KeyEncoding`).
    func keyBytes(_ slot: Int128, kind: TypeDesc) -> [UInt8] {
        KeyEncoding.encode(value(of: slot, type: kind)) ?? []
    }
}
