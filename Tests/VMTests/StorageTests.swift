import Bytecode
import Testing
@testable import VM

// Contract storage through the host: scalar and struct variables, maps, lists, iteration, the key
// layout, zero values, corrupt entries and write protection.

private let contract = """
    .struct Pos(x: int, name: string)
    .state total: int
    .state label: string
    .state pos: Pos
    .state owners: map<int, string>
    .state other: map<int, string>
    .state queue: list<int>
    .state names: map<string, int>

    .fn public setAll(t: int, l: string, p: Pos)
        local_get t
        sstore total
        local_get l
        sstore label
        local_get p
        sstore pos
        ret
    .fn view getAll() -> (int, string, Pos)
        sload total
        sload label
        sload pos
        ret
    .fn public put(k: int, v: string)
        local_get k
        local_get v
        smap_set owners
        ret
    .fn public putOther(k: int, v: string)
        local_get k
        local_get v
        smap_set other
        ret
    .fn view get(k: int) -> (string, bool)
        local_get k
        smap_get owners
        local_get k
        smap_has owners
        ret
    .fn public remove(k: int)
        local_get k
        smap_remove owners
        ret
    .fn view keys() -> list<int>
        .local out: list<int>
        .local k: int
        list_new list<int>
        local_set out
        smap_first owners
        jump_unless done
        local_set k
    loop:
        local_get out
        local_get k
        list_push
        local_get k
        smap_next owners
        jump_unless done
        local_set k
        jump loop
    done:
        pop
        local_get out
        ret
    .fn view nameKeys() -> list<string>
        .local out: list<string>
        .local k: string
        list_new list<string>
        local_set out
        smap_first names
        jump_unless done
        local_set k
    loop:
        local_get out
        local_get k
        list_push
        local_get k
        smap_next names
        jump_unless done
        local_set k
        jump loop
    done:
        pop
        local_get out
        ret
    .fn public putName(k: string)
        local_get k
        push_int 1
        smap_set names
        ret
    .fn public push(v: int)
        local_get v
        slist_push queue
        ret
    .fn public pop() -> int
        slist_pop queue
        ret
    .fn view at(i: int) -> int
        local_get i
        slist_get queue
        ret
    .fn public setAt(i: int, v: int)
        local_get i
        local_get v
        slist_set queue
        ret
    .fn view count() -> int
        slist_len queue
        ret
    """

/// Runs `function` on `host` and keeps the host's new state.
@discardableResult
private func step(_ host: inout MemoryHost, _ function: String, _ args: [Value] = []) throws -> Run {
    let r = try run(contract, function, args, host: host)
    host = r.host
    return r
}

private func encoded(_ v: Value, _ t: TypeDesc) throws -> [UInt8] {
    try ValueCodec.encode(v, as: t, in: try Assembler.assemble(contract))
}

@Test func scalarStringAndStructVariablesRoundTripThroughStorage() throws {
    var host = MemoryHost()
    let p = Value.structure([.int(-4), .string("here")])
    #expect(try step(&host, "setAll", [.int(5), .string("hello"), p]).values == [])
    #expect(try step(&host, "getAll").values == [.int(5), .string("hello"), p])
    // Layout: variable index, 2 bytes big-endian, holding ValueCodec bytes.
    #expect(host.keys == [[0, 0], [0, 1], [0, 2]])
    #expect(host.values == [try encoded(.int(5), .int), try encoded(.string("hello"), .string),
                            try encoded(p, .structure(0))])
}

@Test func absentStateReadsAsZeroValues() throws {
    var host = MemoryHost()
    #expect(try step(&host, "getAll").values == [.int(0), .string(""), .structure([.int(0), .string("")])])
    #expect(try step(&host, "get", [.int(1)]).values == [.string(""), .bool(false)])
    #expect(try step(&host, "count").values == [.int(0)])
    #expect(try step(&host, "keys").values == [.list([])])
    #expect(host.keys.isEmpty)
}

@Test func sstoreAndSloadChargePerByte() throws {
    let source = ".state total: int\n.fn public f()\n    push_int 5\n    sstore total\n    ret\n"
        + ".fn public g() -> int\n    sload total\n    ret"
    var host = MemoryHost()
    let write = try run(source, "f", host: host)
    host = write.host
    // key [0, 0] and value [1, 5]: 4 bytes written at 10 gas each, read at 1 gas each.
    #expect(write.gas == (try baseGas(source, function: "f")) + 4 * GasSchedule.perByteWritten)
    #expect(try run(source, "g", host: host).gas == (try baseGas(source, function: "g")) + 4 * GasSchedule.perByteRead)
    // An absent entry costs only its key.
    #expect(try run(source, "g").gas == (try baseGas(source, function: "g")) + 2 * GasSchedule.perByteRead)
}

@Test func mapEntriesSetGetHasAndRemove() throws {
    var host = MemoryHost()
    try step(&host, "put", [.int(-1), .string("a")])
    try step(&host, "put", [.int(-1), .string("b")])
    #expect(try step(&host, "get", [.int(-1)]).values == [.string("b"), .bool(true)])
    #expect(host.keys == [[0, 3] + (KeyEncoding.encode(.int(-1)) ?? [])])
    try step(&host, "remove", [.int(-1)])
    try step(&host, "remove", [.int(42)])
    #expect(try step(&host, "get", [.int(-1)]).values == [.string(""), .bool(false)])
    #expect(host.keys.isEmpty)
}

@Test func smapFirstAndNextIterateInAscendingKeyOrderWithinOneVariable() throws {
    var host = MemoryHost()
    var rng = SplitMix64(seed: 7)
    var keys: Set<Int128> = [Int128.min, Int128.max, 0, -1]
    while keys.count < 24 { keys.insert(Int128(Int64(bitPattern: rng.next())) * Int128(rng.next() % 1000)) }
    for k in keys.sorted(by: { String($0) < String($1) }) {  // insert in an order unrelated to the key order
        try step(&host, "put", [.int(k), .string("v")])
        try step(&host, "putOther", [.int(k &+ 1), .string("w")])
    }
    #expect(try step(&host, "keys").values == [.list(keys.sorted().map { .int($0) })])
}

@Test func smapIteratesStringKeysByteWise() throws {
    var host = MemoryHost()
    for k in ["pear", "", "apple", "a\u{0}b", "a", "Zed"] { try step(&host, "putName", [.string(k)]) }
    #expect(try step(&host, "nameKeys").values
        == [.list(["", "Zed", "a", "a\u{0}b", "apple", "pear"].map { .string($0) })])
}

@Test func stateListsPushGetSetPopAndLen() throws {
    var host = MemoryHost()
    for v: Int128 in [10, 20, 30] { try step(&host, "push", [.int(v)]) }
    #expect(try step(&host, "count").values == [.int(3)])
    try step(&host, "setAt", [.int(1), .int(-5)])
    #expect(try step(&host, "at", [.int(0)]).values == [.int(10)])
    #expect(try step(&host, "at", [.int(1)]).values == [.int(-5)])
    // Layout: the length at [var], element i at [var] ++ KeyEncoding(int i).
    #expect(host.keys.first == [0, 5])
    #expect(host.keys.dropFirst().map { Array($0.dropFirst(2)) } == (0..<3).map { KeyEncoding.encode(.int($0)) ?? [] })
    #expect(try step(&host, "pop").values == [.int(30)])
    #expect(try step(&host, "pop").values == [.int(-5)])
    #expect(try step(&host, "pop").values == [.int(10)])
    #expect(try step(&host, "count").values == [.int(0)])
    #expect(host.keys.isEmpty)
}

@Test func stateListIndicesOutOfRangeAndEmptyPopTrap() throws {
    var host = MemoryHost()
    #expect(try step(&host, "pop").reason == .indexOutOfRange)
    try step(&host, "push", [.int(1)])
    for i: Int128 in [1, -1, .max, .min] {
        #expect(try step(&host, "at", [.int(i)]).reason == .indexOutOfRange)
        #expect(try step(&host, "setAt", [.int(i), .int(0)]).reason == .indexOutOfRange)
    }
}

@Test func corruptStoredValuesTrapWithInvalidValue() throws {
    // An int whose length byte says 255 bytes follow.
    var host = MemoryHost()
    host.storageWrite([0, 0], [0xFF])
    let r = try step(&host, "getAll")
    #expect(r.reason == .invalidValue("corrupt state entry of 'total'"))
    // A struct with a truncated string.
    host = MemoryHost()
    host.storageWrite([0, 2], [1, 4, 9])
    #expect(try step(&host, "getAll").reason.map { if case .invalidValue = $0 { true } else { false } } == true)
    // A negative list length.
    host = MemoryHost()
    host.storageWrite([0, 5], try encoded(.int(-2), .int))
    #expect(try step(&host, "count").reason == .invalidValue("corrupt length of 'queue'"))
    // A map key that is not a 16-byte int encoding.
    host = MemoryHost()
    host.storageWrite([0, 3, 1, 2, 3], try encoded(.string("x"), .string))
    #expect(try step(&host, "keys").reason == .invalidValue("corrupt key of 'owners'"))
    // A map value of the wrong shape.
    host = MemoryHost()
    host.storageWrite([0, 3] + (KeyEncoding.encode(.int(1)) ?? []), [200])
    #expect(try step(&host, "get", [.int(1)]).reason == .invalidValue("corrupt state entry of 'owners'"))
}

@Test func writesInAViewOrReadOnlyCallTrapAndLeaveStorageAlone() throws {
    let source = """
        .state n: int
        .state m: map<int, int>
        .state l: list<int>
        .fn public sstoreOp()
            push_int 1
            sstore n
            ret
        .fn public smapSetOp()
            push_int 1
            push_int 1
            smap_set m
            ret
        .fn public smapRemoveOp()
            push_int 1
            smap_remove m
            ret
        .fn public slistPushOp()
            push_int 1
            slist_push l
            ret
        .fn public slistSetOp()
            push_int 0
            push_int 2
            slist_set l
            ret
        .fn public slistPopOp() -> int
            slist_pop l
            ret
        """
    var host = MemoryHost()
    host.storageWrite([0, 2], [1, 1])  // length 1
    host.storageWrite([0, 2] + (KeyEncoding.encode(.int(0)) ?? []), [1, 7])
    let before = host
    // (The verifier already rejects `view` functions that can reach a write; at run time any call made
    // with `readOnly: true` is protected.)
    for f in ["sstoreOp", "smapSetOp", "smapRemoveOp", "slistPushOp", "slistSetOp", "slistPopOp"] {
        let r = try run(source, f, host: host, readOnly: true)
        #expect(r.reason == .writeInView, "\(f)")
        #expect(sameEffects(r.host, before), "\(f)")
        #expect(try run(source, f, host: host).reason == nil, "\(f) outside a view")
    }
}

@Test func stateListAndMapOperationsChargePerByte() throws {
    let source = """
        .state l: list<int>
        .state m: map<int, int>
        .fn public push()
            push_int 5
            slist_push l
            ret
        .fn public put()
            push_int 1
            push_int 5
            smap_set m
            ret
        .fn public first() -> (int, bool)
            smap_first m
            ret
        """
    // slist_push on an empty list: read the absent length (2-byte key), write element 0 (2 + 16 key
    // bytes, 2 value bytes) and the new length 1 (2 key bytes, 2 value bytes).
    let push = try run(source, "push")
    let pushDynamic = 2 * GasSchedule.perByteRead + (18 + 2) * GasSchedule.perByteWritten
        + (2 + 2) * GasSchedule.perByteWritten
    #expect(push.gas == (try baseGas(source, function: "push")) + pushDynamic)
    // smap_set: an 18-byte key and a 2-byte value.
    let put = try run(source, "put")
    #expect(put.gas == (try baseGas(source, function: "put")) + 20 * GasSchedule.perByteWritten)
    // smap_first on an empty map reads only the 2-byte prefix and yields (0, false); with an entry it
    // also pays for the 18-byte key found.
    let empty = try run(source, "first")
    #expect(empty.values == [.int(0), .bool(false)])
    #expect(empty.gas == (try baseGas(source, function: "first")) + 2 * GasSchedule.perByteRead)
    let full = try run(source, "first", host: put.host)
    #expect(full.values == [.int(1), .bool(true)])
    #expect(full.gas == empty.gas + 18 * GasSchedule.perByteRead)
}
