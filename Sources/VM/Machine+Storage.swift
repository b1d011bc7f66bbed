import Bytecode

/// Storage, events and cross-contract calls: the instructions that go through the host.
///
/// Storage keys (relative to the contract; the host adds the contract's address):
///
///     scalar or struct state variable   [var index, 2 bytes big-endian]
///     map entry                         [var index] ++ KeyEncoding(key)
///     list length                       [var index]
///     list element i                    [var index] ++ KeyEncoding(int i)
///
/// Values are `ValueCodec` bytes. A missing entry reads as the zero value of its type.
extension Machine {
    mutating func storageStep(_ ins: Instr, sp: UnsafeMutablePointer<Int128>) -> UnsafeMutablePointer<Int128>? {
        // entries of cached maps first: a small function for the common case, everything else out of line
        // (`a` is a state variable's index only for the map instructions: an event's for `emit`, an extern's for calls)
        let v = Int(ins.a)
        switch ins.op {
        case .smapGet, .smapHas:
            if cachedValues[v] != .none {
                guard let s = cachedGet(v, sp[-1], has: ins.op == .smapHas) else { return nil }
                sp[-1] = s
                return sp
            }
        case .smapSet:
            if cachedValues[v] != .none {
                guard cachedWrite(v, sp[-2], value: sp[-1], exists: true) else { return nil }
                return sp - 2
            }
        case .smapRemove:
            if cachedValues[v] != .none {
                guard cachedWrite(v, sp[-1], value: 0, exists: false) else { return nil }
                return sp - 1
            }
        default:
            break
        }
        return uncachedStorageStep(ins, sp: sp)
    }

    /// `storageStep` of everything but cached map entries.
    @inline(never)
    mutating func uncachedStorageStep(_ ins: Instr, sp: UnsafeMutablePointer<Int128>) -> UnsafeMutablePointer<Int128>? {
        let v = Int(ins.a)
        switch ins.op {
        case .sload:
            guard let s = load(prefix(v), type: module.state[v].type, variable: v) else { return nil }
            sp.pointee = s
            return sp + 1
        case .sstore:
            guard store(prefix(v), sp[-1], type: module.state[v].type) else { return nil }
            return sp - 1
        case .smapGet, .smapHas:
            guard case .map(let k, let t) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a map")) }
            let key = prefix(v) + keyBytes(sp[-1], kind: module.types[Int(k)])
            if ins.op == .smapHas {
                let stored = host.storageRead(key)
                guard charge(GasSchedule.cost(key.count + (stored?.count ?? 0), GasSchedule.perByteRead)) else { return nil }
                sp[-1] = stored == nil ? 0 : 1
            } else {
                guard let s = load(key, type: t, variable: v) else { return nil }
                sp[-1] = s
            }
            return sp
        case .smapSet:
            guard case .map(let k, let t) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a map")) }
            let key = prefix(v) + keyBytes(sp[-2], kind: module.types[Int(k)])
            guard store(key, sp[-1], type: t) else { return nil }
            return sp - 2
        case .smapRemove:
            guard case .map(let k, _) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a map")) }
            let key = prefix(v) + keyBytes(sp[-1], kind: module.types[Int(k)])
            guard delete(key) else { return nil }
            return sp - 1
        case .smapFirst, .smapNext:
            flushStorage()
            guard case .map(let k, _) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a map")) }
            let keyType = module.types[Int(k)]
            let base = ins.op == .smapFirst ? sp : sp - 1
            let after = ins.op == .smapFirst ? nil : prefix(v) + keyBytes(sp[-1], kind: keyType)
            let next = host.storageNext(prefix: prefix(v), after: after)
            guard charge(GasSchedule.cost((after?.count ?? 2) + (next?.count ?? 0), GasSchedule.perByteRead)) else { return nil }
            if let next {
                guard let key = KeyEncoding.decode(Array(next.dropFirst(2)), as: keyType) else {
                    return fail(.invalidValue("corrupt key of '\(module.state[v].name)'"))
                }
                guard let s = slot(of: key, typeIndex: Int(k)) else { return nil }
                base[0] = s
                base[1] = 1
            } else {
                guard let z = zero(type: Int(k)) else { return nil }
                base[0] = z
                base[1] = 0
            }
            return base + 2
        case .slistLen:
            guard let n = listLength(v) else { return nil }
            sp.pointee = n
            return sp + 1
        case .slistGet:
            guard case .list(let t) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a list")) }
            guard let n = listLength(v) else { return nil }
            guard sp[-1] >= 0 && sp[-1] < n else { return fail(.indexOutOfRange) }
            guard let s = load(elementKey(v, sp[-1]), type: t, variable: v) else { return nil }
            sp[-1] = s
            return sp
        case .slistSet:
            guard case .list(let t) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a list")) }
            guard let n = listLength(v) else { return nil }
            guard sp[-2] >= 0 && sp[-2] < n else { return fail(.indexOutOfRange) }
            guard store(elementKey(v, sp[-2]), sp[-1], type: t) else { return nil }
            return sp - 2
        case .slistPush:
            guard case .list(let t) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a list")) }
            guard let n = listLength(v) else { return nil }
            guard store(elementKey(v, n), sp[-1], type: t), storeLength(v, n + 1) else { return nil }
            return sp - 1
        case .slistPop:
            guard case .list(let t) = module.types[Int(module.state[v].type)] else { return fail(.invalidValue("not a list")) }
            guard let n = listLength(v) else { return nil }
            guard n > 0 else { return fail(.indexOutOfRange) }
            guard let s = load(elementKey(v, n - 1), type: t, variable: v) else { return nil }
            guard delete(elementKey(v, n - 1)), storeLength(v, n - 1) else { return nil }
            sp.pointee = s
            return sp + 1
        case .emit:
            return emit(event: Int(ins.a), sp: sp)
        case .callExt, .tryCallExt:
            return callExternal(Int(ins.a), sp: sp, trying: ins.op == .tryCallExt)
        default:
            return fail(.badCall("unknown instruction"))
        }
    }

    // MARK: - Cached map entries (StorageCache.swift)

    /// The stored bytes' count of a cached entry (0 when absent), as `ValueCodec` would encode it.
    @inline(__always) func cachedLength(_ item: StorageCache.Item, _ kind: CachedValue) -> Int {
        guard item.exists else { return 0 }
        return kind == .bool ? 1 : ScalarCodec.numberLength(item.value)
    }

    /// `smap_get` (or `smap_has`) of entry `key` of cached variable `v`: charged as `load` would.
    mutating func cachedGet(_ v: Int, _ key: Int128, has: Bool) -> Int128? {
        let kind = cachedValues[v]
        switch storageCache.find(v, key) {
        case .item(let index):
            let item = storageCache.items[index]
            guard charge(GasSchedule.cost(18 + cachedLength(item, kind), GasSchedule.perByteRead)) else { return nil }
            if has { return item.exists ? 1 : 0 }
            return item.value
        case .emptySlot(let slot):
            return cachedMiss(v, key, has: has, kind: kind, slot: slot)
        }
    }

    /// `cachedGet` of an entry the cache does not hold (out of line, so the hit stays a small function): reads
    /// the host, charges, inserts the entry at `slot` (where `StorageCache.find` stopped).
    @inline(never)
    mutating func cachedMiss(_ v: Int, _ key: Int128, has: Bool, kind: CachedValue, slot: Int) -> Int128? {
        var slot = slot
        let stored = ScalarCodec.withIntKey(variable: v, key, after: hostKeyPrefix()) {
            host.storageRead(absolute: $0)
        }
        guard charge(GasSchedule.cost(18 + (stored?.count ?? 0), GasSchedule.perByteRead)) else { return nil }
        var value: Int128 = 0
        if let stored {
            let decoded: Int128?
            if kind == .bool {
                decoded = stored == [0] ? 0 : stored == [1] ? 1 : nil
            } else {
                decoded = ScalarCodec.decodeNumber(stored)
            }
            guard let decoded else {
                // not canonical: has only asks whether it is there; get reports it as `load` does
                if has { return 1 }
                return fail(.invalidValue("corrupt state entry of '\(module.state[v].name)'"))
            }
            value = decoded
        }
        if storageCache.isFull {
            flushStorage()
            storageCache.removeAll()
            slot = -1
        }
        _ = storageCache.insert(
            .init(key: key, variable: v, value: value, exists: stored != nil, dirty: false), at: slot)
        if has { return stored != nil ? 1 : 0 }
        return value
    }

    /// `smap_set` (`exists`) or `smap_remove` of entry `key` of cached variable `v`: charged as `store` and
    /// `delete` would; the host sees the write at the next flush.
    mutating func cachedWrite(_ v: Int, _ key: Int128, value: Int128, exists: Bool) -> Bool {
        guard !readOnly else { return failed(.writeInView) }
        let length = exists ? (cachedValues[v] == .bool ? 1 : ScalarCodec.numberLength(value)) : 0
        guard charge(GasSchedule.cost(18 + length, GasSchedule.perByteWritten)) else { return false }
        let stored = cachedValues[v] == .bool ? (value != 0 ? 1 : 0) : value
        switch storageCache.find(v, key) {
        case .item(let index):
            storageCache.update(index, value: stored, exists: exists)
        case .emptySlot(var slot):
            if storageCache.isFull {
                flushStorage()
                storageCache.removeAll()
                slot = -1
            }
            _ = storageCache.insert(
                .init(key: key, variable: v, value: stored, exists: exists, dirty: true), at: slot)
        }
        return true
    }

    /// `Host.storageKeyPrefix`, asked once per run.
    mutating func hostKeyPrefix() -> [UInt8] {
        if let known = storageCache.hostPrefix { return known }
        let prefix = host.storageKeyPrefix
        storageCache.hostPrefix = prefix
        return prefix
    }

    /// Hands the cached writes to the host, in first-touch order, each key and value built in one stack buffer.
    /// `Interpreter.call` calls it when the run returns; scans call it first.
    mutating func flushStorage() {
        guard storageCache.hasDirty else { return }
        host.storageWillWrite(count: storageCache.dirtyCount)
        let prefix = hostKeyPrefix()
        let keyLength = prefix.count + ScalarCodec.intKeyLength
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: keyLength + ScalarCodec.maxNumberLength) { buffer in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            prefix.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[..<prefix.count]).copyMemory(from: $0) }
            let key = UnsafeRawBufferPointer(rebasing: raw[..<keyLength])
            let valueSpace = UnsafeMutableRawBufferPointer(rebasing: raw[keyLength...])
            for item in storageCache.items where item.dirty {
                ScalarCodec.writeIntKey(
                    variable: item.variable, item.key, to: UnsafeMutableRawBufferPointer(rebasing: raw[prefix.count...]))
                guard item.exists else {
                    host.storageWrite(absolute: key, nil)
                    continue
                }
                let length: Int
                if cachedValues[item.variable] == .bool {
                    valueSpace[0] = item.value != 0 ? 1 : 0
                    length = 1
                } else {
                    length = ScalarCodec.writeNumber(item.value, to: valueSpace)
                }
                host.storageWrite(absolute: key, UnsafeRawBufferPointer(rebasing: valueSpace[..<length]))
            }
        }
        storageCache.markClean()
    }

    // MARK: - Keys

    func prefix(_ variable: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: variable >> 8), UInt8(truncatingIfNeeded: variable)] }

    func elementKey(_ variable: Int, _ index: Int128) -> [UInt8] {
        prefix(variable) + (KeyEncoding.encode(.int(index)) ?? [])
    }

    // MARK: - Reads and writes, charged per byte

    /// Reads `key` as a value of `module.types[type]` (zero when absent) into the arena.
    mutating func load(_ key: [UInt8], type: UInt16, variable: Int) -> Int128? {
        let stored = host.storageRead(key)
        guard charge(GasSchedule.cost(key.count + (stored?.count ?? 0), GasSchedule.perByteRead)) else { return nil }
        guard let stored else { return zero(type: Int(type)) }
        guard let value = try? ValueCodec.decode(stored, as: module.types[Int(type)], in: module) else {
            return fail(.invalidValue("corrupt state entry of '\(module.state[variable].name)'"))
        }
        return slot(of: value, typeIndex: Int(type))
    }

    mutating func store(_ key: [UInt8], _ slot: Int128, type: UInt16) -> Bool {
        guard !readOnly else { return failed(.writeInView) }
        let value = value(of: slot, type: module.types[Int(type)])
        guard let bytes = try? ValueCodec.encode(value, as: module.types[Int(type)], in: module) else {
            return failed(.invalidValue("unencodable value"))
        }
        guard charge(GasSchedule.cost(key.count + bytes.count, GasSchedule.perByteWritten)) else { return false }
        host.storageWrite(key, bytes)
        return true
    }

    mutating func delete(_ key: [UInt8]) -> Bool {
        guard !readOnly else { return failed(.writeInView) }
        guard charge(GasSchedule.cost(key.count, GasSchedule.perByteWritten)) else { return false }
        host.storageWrite(key, nil)
        return true
    }

    /// The stored length of state list `variable` (0 when absent).
    mutating func listLength(_ variable: Int) -> Int128? {
        let key = prefix(variable)
        let stored = host.storageRead(key)
        guard charge(GasSchedule.cost(key.count + (stored?.count ?? 0), GasSchedule.perByteRead)) else { return nil }
        guard let stored else { return 0 }
        guard case .int(let n)? = try? ValueCodec.decode(stored, as: .int, in: module), n >= 0 else {
            return fail(.invalidValue("corrupt length of '\(module.state[variable].name)'"))
        }
        return n
    }

    mutating func storeLength(_ variable: Int, _ n: Int128) -> Bool {
        guard !readOnly else { return failed(.writeInView) }
        if n == 0 { return delete(prefix(variable)) }
        guard let bytes = try? ValueCodec.encode(.int(n), as: .int, in: module) else { return failed(.overflow) }
        guard charge(GasSchedule.cost(2 + bytes.count, GasSchedule.perByteWritten)) else { return false }
        host.storageWrite(prefix(variable), bytes)
        return true
    }

    mutating func failed(_ reason: TrapReason) -> Bool {
        pendingTrap = reason
        return false
    }

    // MARK: - Events and calls

    mutating func emit(event index: Int, sp: UnsafeMutablePointer<Int128>) -> UnsafeMutablePointer<Int128>? {
        guard !readOnly else { return fail(.writeInView) }
        let decl = module.events[index]
        let base = sp - decl.fields.count
        let values = decl.fields.enumerated().map { value(of: base[$0.offset], type: module.types[Int($0.element.type)]) }
        let types = decl.fields.map { module.types[Int($0.type)] }
        let size = (try? ValueCodec.encodeSequence(values, as: types, in: module).count) ?? 0
        guard charge(GasSchedule.cost(size, GasSchedule.perByteLogged)) else { return nil }
        host.emit(event: decl, values: values)
        return base
    }

    mutating func callExternal(_ index: Int, sp: UnsafeMutablePointer<Int128>, trying: Bool) -> UnsafeMutablePointer<Int128>? {
        let ext = module.externs[index]
        let base = sp - (2 + ext.params.count)
        let target = arena.blobArray(Int(truncatingIfNeeded: base[0]))
        let amount = base[1]
        let types = ext.params.map { module.types[Int($0)] }
        let args = types.enumerated().map { value(of: base[2 + $0.offset], type: $0.element) }
        let size = (try? ValueCodec.encodeSequence(args, as: types, in: module).count) ?? 0
        guard charge(GasSchedule.cost(size, GasSchedule.perByteCalled)) else { return nil }
        if readOnly && (!ext.isView || amount != 0) { return fail(.writeInView) }
        guard amount >= 0 else { return fail(.revert("negative call value")) }
        let outcome = host.call(
            contract: target, function: ext.name, args: args, value: amount, gasLimit: gas,
            readOnly: readOnly || ext.isView)
        switch outcome {
        case .returned(let results, let used):
            guard charge(max(0, used)) else { return nil }
            guard results.count == ext.results.count else { return fail(.invalidValue("wrong number of results")) }
            for (i, r) in results.enumerated() {
                guard let s = slot(of: r, typeIndex: Int(ext.results[i])) else { return nil }
                base[i] = s
            }
            if trying { base[results.count] = 1 }
            return base + results.count + (trying ? 1 : 0)
        case .reverted(let message, let used):
            guard charge(max(0, used)) else { return nil }
            guard trying else { return fail(.revert(message)) }
            for (i, t) in ext.results.enumerated() {
                guard let z = zero(type: Int(t)) else { return nil }
                base[i] = z
            }
            base[ext.results.count] = 0
            return base + ext.results.count + 1
        }
    }
}
