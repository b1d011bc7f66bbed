import Bytecode
import Crypto

extension Machine {
    /// Instructions kept out of the hot loop: blobs, maps, structs, storage, the world. Returns the new
    /// stack pointer, or nil with `pendingTrap` set. Gas is in `self.gas` here.
    mutating func slowStep(
        _ ins: Instr, sp: UnsafeMutablePointer<Int128>, fp: UnsafeMutablePointer<Int128>
    ) -> UnsafeMutablePointer<Int128>? {
        @inline(__always) func handle(_ x: Int128) -> Int { Int(truncatingIfNeeded: x) }
        switch ins.op {
        // MARK: blobs
        case .eqBlob, .neBlob:
            let a = arena.blobBytes(handle(sp[-2])), b = arena.blobBytes(handle(sp[-1]))
            guard charge(GasSchedule.cost(chunks(min(a.count, b.count)), GasSchedule.perChunkTouched)) else { return nil }
            let equal = a.count == b.count && a.elementsEqual(b)
            sp[-2] = (equal == (ins.op == .eqBlob)) ? 1 : 0
            return sp - 1
        case .concat:
            let a = handle(sp[-2]), b = handle(sp[-1])
            let total = arena.blobCount(a) + arena.blobCount(b)
            guard charge(GasSchedule.cost(chunks(total), GasSchedule.perChunkTouched)) else { return nil }
            var joined = arena.blobArray(a)
            joined.append(contentsOf: arena.blobBytes(b))
            guard let h = makeBlob(joined) else { return nil }
            sp[-2] = Int128(h)
            return sp - 1
        case .blobLen:
            sp[-1] = Int128(arena.blobCount(handle(sp[-1])))
            return sp
        case .sha256:
            let bytes = arena.blobArray(handle(sp[-1]))
            guard charge(GasSchedule.cost(bytes.count / 64 + 1, GasSchedule.perHashBlock)) else { return nil }
            guard let h = makeBlob(SHA256.hash(bytes)) else { return nil }
            sp[-1] = Int128(h)
            return sp
        case .toBytes:
            // Blobs are immutable and share one layout, so the same handle serves as bytes.
            return sp
        case .intToString:
            guard let h = makeBlob(Array(String(sp[-1]).utf8)) else { return nil }
            sp[-1] = Int128(h)
            return sp
        case .byteAt:
            let bytes = arena.blobBytes(handle(sp[-2])), i = sp[-1]
            guard i >= 0 && i < Int128(bytes.count) else { return fail(.indexOutOfRange) }
            sp[-2] = Int128(bytes[Int(truncatingIfNeeded: i)])
            return sp - 1

        // MARK: lists
        case .listNew:
            guard let h = zero(type: Int(ins.a)) else { return nil }
            sp.pointee = h
            return sp + 1
        case .listLit:
            let count = Int(ins.b)
            guard charge(GasSchedule.cost(2 + count, GasSchedule.perWordAllocated)) else { return nil }
            guard let h = arena.makeList(type: Int(ins.a), count: count) else { return fail(.outOfMemory) }
            let base = sp - count
            (arena.words + arena.listData(h)).update(from: base, count: count)
            base.pointee = Int128(h)
            return base + 1
        case .split:
            let weights = handle(sp[-1]), count = arena.listCount(weights)
            guard charge(GasSchedule.splitCost(count)) else { return nil }
            // The parts are a list of the weights' own type (list<int>, checked by the verifier).
            guard let h = arena.makeList(type: arena.typeIndex(weights), count: count) else {
                return fail(.outOfMemory)
            }
            // Pointers only after the allocation, which may move the arena.
            let w = UnsafeBufferPointer(start: arena.words + arena.listData(weights), count: count)
            let parts = UnsafeMutableBufferPointer(start: arena.words + arena.listData(h), count: count)
            if let failure = ConservingSplit.split(amount: sp[-2], weights: w, into: parts) {
                return fail(failure.trapReason)
            }
            sp[-2] = Int128(h)
            return sp - 1

        // MARK: maps
        case .mapNew:
            guard let h = zero(type: Int(ins.a)) else { return nil }
            sp.pointee = h
            return sp + 1
        case .mapGet, .mapHas:
            let m = arena.mapIndex(handle(sp[-2]))
            let key = keyBytes(sp[-1], kind: arena.maps[m].keyKind)
            let (i, found, steps) = arena.maps[m].search(key)
            guard charge(GasSchedule.cost(steps + chunks(key.count), GasSchedule.perMapStep)) else { return nil }
            if ins.op == .mapHas {
                sp[-2] = found ? 1 : 0
            } else if found {
                sp[-2] = arena.maps[m].values[i]
            } else {
                guard let z = zero(type: arena.maps[m].valueType) else { return nil }
                sp[-2] = z
            }
            return sp - 1
        case .mapSet:
            let m = arena.mapIndex(handle(sp[-3]))
            let key = keyBytes(sp[-2], kind: arena.maps[m].keyKind)
            let (i, found, steps) = arena.maps[m].search(key)
            let shifted = found ? 0 : arena.maps[m].keyBytes.count - i
            let cost = GasSchedule.cost(steps + chunks(key.count) + shifted / 8, GasSchedule.perMapStep)
                &+ (found ? 0 : GasSchedule.cost(3 + chunks(key.count), GasSchedule.perWordAllocated))
            guard charge(cost) else { return nil }
            if found {
                arena.maps[m].values[i] = sp[-1]
            } else {
                arena.maps[m].keyBytes.insert(key, at: i)
                arena.maps[m].keySlots.insert(sp[-2], at: i)
                arena.maps[m].values.insert(sp[-1], at: i)
            }
            return sp - 3
        case .mapRemove:
            let m = arena.mapIndex(handle(sp[-2]))
            let key = keyBytes(sp[-1], kind: arena.maps[m].keyKind)
            let (i, found, steps) = arena.maps[m].search(key)
            let shifted = found ? arena.maps[m].keyBytes.count - i : 0
            guard charge(GasSchedule.cost(steps + chunks(key.count) + shifted / 8, GasSchedule.perMapStep)) else {
                return nil
            }
            if found {
                arena.maps[m].keyBytes.remove(at: i)
                arena.maps[m].keySlots.remove(at: i)
                arena.maps[m].values.remove(at: i)
            }
            return sp - 2
        case .mapLen:
            sp[-1] = Int128(arena.maps[arena.mapIndex(handle(sp[-1]))].keyBytes.count)
            return sp
        case .mapKeyAt, .mapValueAt:
            let m = arena.mapIndex(handle(sp[-2])), i = sp[-1]
            guard i >= 0 && i < Int128(arena.maps[m].keyBytes.count) else { return fail(.indexOutOfRange) }
            let k = Int(truncatingIfNeeded: i)
            sp[-2] = ins.op == .mapKeyAt ? arena.maps[m].keySlots[k] : arena.maps[m].values[k]
            return sp - 1

        // MARK: structs
        case .structNew:
            let count = module.structs[Int(ins.a)].fields.count
            guard let h = allocate(1 + count) else { return nil }
            arena.words[h] = Arena.header(count, .structure, Int(ins.a))
            let base = sp - count
            (arena.words + h + 1).update(from: base, count: count)
            base.pointee = Int128(h)
            return base + 1
        case .structGet:
            sp[-1] = arena.words[handle(sp[-1]) + 1 + Int(ins.a)]
            return sp
        case .structSet:
            arena.words[handle(sp[-2]) + 1 + Int(ins.a)] = sp[-1]
            return sp - 2
        case .copy:
            guard let c = deepCopy(sp[-1]) else { return nil }
            sp[-1] = c
            return sp

        // MARK: the world
        case .caller, .origin, .selfAddress:
            let c = host.context
            let bytes = ins.op == .caller ? c.caller : ins.op == .origin ? c.origin : c.selfAddress
            guard let h = makeBlob(bytes) else { return nil }
            sp.pointee = Int128(h)
            return sp + 1
        case .callValue:
            sp.pointee = host.context.value
            return sp + 1
        case .blockHeight:
            sp.pointee = host.context.blockHeight
            return sp + 1
        case .blockTime:
            sp.pointee = host.context.blockTime
            return sp + 1
        case .gasLeft:
            sp.pointee = Int128(gas)
            return sp + 1
        case .balance:
            sp[-1] = host.balance(of: arena.blobArray(handle(sp[-1])))
            return sp
        case .transfer:
            guard !readOnly else { return fail(.writeInView) }
            let amount = sp[-1]
            guard amount >= 0 else { return fail(.revert("negative transfer")) }
            guard host.transfer(to: arena.blobArray(handle(sp[-2])), amount: amount) else {
                return fail(.insufficientBalance)
            }
            return sp - 2
        default:
            return storageStep(ins, sp: sp)
        }
    }

    /// Number of 32-byte chunks in `bytes` bytes, rounded up.
    @inline(__always) func chunks(_ bytes: Int) -> Int { (bytes + 31) / 32 }

    /// A deep copy of the list, map or struct `slot` (blobs are immutable and shared).
    mutating func deepCopy(_ slot: Int128) -> Int128? {
        let h = Int(truncatingIfNeeded: slot)
        let index = arena.typeIndex(h)
        switch arena.kind(h) {
        case .blob: return slot
        case .structure: return copyValue(slot, type: .structure(UInt16(truncatingIfNeeded: index)))
        case .list, .map: return copyValue(slot, type: module.types[index])
        }
    }

    /// A deep copy of `slot` holding a value of type `kind`.
    private mutating func copyValue(_ slot: Int128, type kind: TypeDesc) -> Int128? {
        let h = Int(truncatingIfNeeded: slot)
        switch kind {
        case .int, .dec, .bool, .address, .hash, .string, .bytes:
            return slot
        case .list(let elem):
            let count = arena.listCount(h)
            guard charge(GasSchedule.cost(2 + count, GasSchedule.perWordAllocated)
                &+ GasSchedule.cost(count, GasSchedule.perElementCopied)) else { return nil }
            guard let n = arena.makeList(type: arena.typeIndex(h), count: count) else { return fail(.outOfMemory) }
            let elemType = module.types[Int(elem)]
            for i in 0..<count {
                guard let c = copyValue(arena.words[arena.listData(h) + i], type: elemType) else { return nil }
                arena.words[arena.listData(n) + i] = c
            }
            return Int128(n)
        case .map(_, let valueIndex):
            var copy = arena.maps[arena.mapIndex(h)]
            let count = copy.values.count
            guard charge(GasSchedule.cost(1 + 3 * count, GasSchedule.perWordAllocated)) else { return nil }
            let valueType = module.types[Int(valueIndex)]
            for i in 0..<count {
                guard let c = copyValue(copy.values[i], type: valueType) else { return nil }
                copy.values[i] = c
            }
            guard let n = arena.allocate(1) else { return fail(.outOfMemory) }
            arena.words[n] = Arena.header(arena.maps.count, .map, arena.typeIndex(h))
            arena.maps.append(copy)
            return Int128(n)
        case .structure(let s):
            let fields = module.structs[Int(s)].fields
            guard let n = allocate(1 + fields.count) else { return nil }
            arena.words[n] = Arena.header(fields.count, .structure, Int(s))
            for (i, f) in fields.enumerated() {
                guard let c = copyValue(arena.words[h + 1 + i], type: module.types[Int(f.type)]) else { return nil }
                arena.words[n + 1 + i] = c
            }
            return Int128(n)
        }
    }
}
