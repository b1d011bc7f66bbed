import Bytecode
import Testing
@testable import VM

// The storage cache of `map<int, int|dec|bool>` entries (StorageCache.swift): the scalar encodings are
// byte-identical to ValueCodec/KeyEncoding, and runs with and without the cache are indistinguishable
// (results, traps, gas at every limit, the bytes the host ends up with).

private let samples: [Int128] = {
    var out: [Int128] = [0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769,
                         Int128.max, Int128.min, Int128.max - 1, Int128.min + 1, 1_000_000_000_000_000_000]
    for shift in 0..<127 {
        let p = Int128(1) << shift
        out += [p, p - 1, p + 1, -p, -p - 1, -p + 1]
    }
    var x: UInt64 = 0x1234_5678_9abc_def1
    for _ in 0..<2_000 {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        let y = x &* 0x9E37_79B9_7F4A_7C15
        out.append(Int128(bitPattern: UInt128(x) << 64 | UInt128(y)) >> Int128(x % 127))
    }
    return out
}()

@Test func scalarEncodingsMatchValueCodecAndKeyEncoding() throws {
    let module = Module(name: "m")
    for v in samples {
        let bytes = try ValueCodec.encode(.int(v), as: .int, in: module)
        #expect(ScalarCodec.encodeNumber(v) == bytes)
        #expect(ScalarCodec.numberLength(v) == bytes.count)
        #expect(ScalarCodec.decodeNumber(bytes) == v)
        #expect(try ValueCodec.encode(.dec(v), as: .dec, in: module) == bytes)
        for variable in [0, 1, 3, 255, 256, 65535] {
            let key = [UInt8(variable >> 8), UInt8(variable & 0xff)] + (KeyEncoding.encode(.int(v)) ?? [])
            #expect(ScalarCodec.intKey(variable: variable, v) == key)
            #expect(ScalarCodec.intKey(variable: variable, v, after: [4, 9, 9]) == [4, 9, 9] + key)
        }
    }
}

@Test func numberDecodingRefusesWhatValueCodecRefuses() throws {
    let module = Module(name: "m")
    var cases: [[UInt8]] = [[], [1, 0], [2, 0, 5], [2, 0xff, 0x80], [17] + [UInt8](repeating: 1, count: 17), [1], [2, 1],
                            [0, 0], [1, 5, 6]]
    var x: UInt32 = 7
    for _ in 0..<3_000 {
        x = x &* 1_103_515_245 &+ 12_345
        let n = Int(x >> 28)
        cases.append((0..<n).map { i in UInt8(truncatingIfNeeded: (x >> UInt32(i % 24)) &+ UInt32(i)) })
    }
    for bytes in cases {
        let reference: Int128?
        if case .int(let v)? = try? ValueCodec.decode(bytes, as: .int, in: module) { reference = v } else { reference = nil }
        #expect(ScalarCodec.decodeNumber(bytes) == reference, "\(bytes)")
    }
}

private let cachedContract = """
    .state a: map<int, int>
    .state d: map<int, dec>
    .state b: map<int, bool>
    .state s: map<int, string>

    .fn public add(k: int, x: int) -> int
        local_get k
        local_get k
        smap_get a
        local_get x
        add_int
        smap_set a
        local_get k
        smap_get a
        ret
    .fn public setDec(k: int, x: dec)
        local_get k
        local_get x
        smap_set d
        ret
    .fn public flag(k: int, x: bool) -> bool
        local_get k
        smap_has b
        local_get k
        local_get x
        smap_set b
        ret
    .fn public remove(k: int) -> (bool, bool)
        local_get k
        smap_has a
        local_get k
        smap_remove a
        local_get k
        smap_has a
        ret
    .fn public sum() -> int
        .local acc: int
        .local k: int
        smap_first a
        jump_unless done
        local_set k
    loop:
        local_get acc
        local_get k
        smap_get a
        add_int
        local_set acc
        local_get k
        smap_next a
        jump_unless done
        local_set k
        jump loop
    done:
        pop
        local_get acc
        ret
    .fn public mixed(n: int) -> int
        .local i: int
        .local acc: int
    top:
        local_get i
        local_get n
        ge_int
        jump_if out
        local_get i
        push_int 3
        mod_int
        local_get i
        local_get i
        push_int 3
        mod_int
        smap_get a
        local_get i
        mul_int
        add_int
        smap_set a
        local_get i
        push_int 4
        mod_int
        local_get i
        push_int 2
        mod_int
        push_int 0
        eq_int
        smap_set b
        local_get i
        push_int 5
        mod_int
        smap_remove a
        local_get acc
        local_get i
        push_int 3
        mod_int
        smap_get a
        add_int
        local_set acc
        local_get i
        push_int 1
        add_int
        local_set i
        jump top
    out:
        local_get acc
        ret
    .fn view peek(k: int) -> (int, bool)
        local_get k
        smap_get a
        local_get k
        smap_has b
        ret
    """

private func run(
    _ p: Program, _ function: String, _ args: [Value], host: inout MemoryHost, gas: Int64, cache: Bool,
    readOnly: Bool = false
) -> ExecutionResult {
    var tracer = NoTracer()
    guard let index = p.module.functionIndex(named: function) else { return ExecutionResult(outcome: .success([]), gasUsed: -1) }
    return Interpreter.call(
        p, function: index, args: args, host: &host, gasLimit: gas, readOnly: readOnly, tracer: &tracer, cacheStorage: cache)
}

@Test func cachedAndUncachedRunsAreIndistinguishable() throws {
    let p = try program(cachedContract)
    let script: [(String, [Value])] = [
        ("add", [.int(1), .int(5)]), ("add", [.int(1), .int(-5)]), ("add", [.int(2), .int(Int128.max)]),
        ("add", [.int(2), .int(1)]), ("setDec", [.int(-7), .dec(1_500_000_000_000_000_000)]),
        ("setDec", [.int(-7), .dec(0)]), ("flag", [.int(4), .bool(true)]), ("flag", [.int(4), .bool(false)]),
        ("remove", [.int(1)]), ("remove", [.int(9)]), ("mixed", [.int(40)]), ("sum", []), ("peek", [.int(2)]),
        ("peek", [.int(77)]), ("add", [.int(Int128.min), .int(Int128.min)]), ("mixed", [.int(7)]),
        ("sum", []),
    ]
    // the storage before each call; both modes must agree on it after every call
    var host = MemoryHost()
    for (function, args) in script {
        var reference = host
        let full = run(p, function, args, host: &reference, gas: 1 << 40, cache: false)
        let limit = full.gasUsed
        var limits = Set([limit, limit - 1, limit + 1, limit / 2, 1, 0])
        for step in stride(from: Int64(0), to: limit, by: max(1, Int(limit / 97))) { limits.insert(step) }
        for gas in limits.sorted() {
            var withCache = host, without = host
            let rc = run(p, function, args, host: &withCache, gas: gas, cache: true)
            let ru = run(p, function, args, host: &without, gas: gas, cache: false)
            #expect(rc.outcome == ru.outcome, "\(function) \(args) gas \(gas)")
            #expect(rc.gasUsed == ru.gasUsed, "\(function) \(args) gas \(gas)")
            #expect(withCache.keys == without.keys && withCache.values == without.values, "\(function) \(args) gas \(gas)")
        }
        var next = host
        let r = run(p, function, args, host: &next, gas: 1 << 40, cache: true)
        #expect(r.outcome == full.outcome && r.gasUsed == full.gasUsed, "\(function) \(args)")
        #expect(next.keys == reference.keys && next.values == reference.values, "\(function) \(args)")
        host = next
    }
    #expect(!host.keys.isEmpty)
    // read-only: the write traps the same way, after the same reads
    for cache in [true, false] {
        var h = host
        let r = run(p, "add", [.int(77), .int(1)], host: &h, gas: 1 << 30, cache: cache, readOnly: true)
        #expect(r.trap?.reason == .writeInView)
        #expect(h.keys == host.keys && h.values == host.values)
    }
}

@Test func corruptCachedEntriesTrapAsBefore() throws {
    let p = try program(cachedContract)
    for bytes: [UInt8] in [[0xFF], [1, 0], [2, 0, 1], [], [3, 1]] {
        var withCache = MemoryHost(), without = MemoryHost()
        for h in [0, 1] {
            var host = h == 0 ? withCache : without
            host.storageWrite([0, 0] + (KeyEncoding.encode(.int(1)) ?? []), bytes)
            host.storageWrite([0, 2] + (KeyEncoding.encode(.int(1)) ?? []), bytes)
            if h == 0 { withCache = host } else { without = host }
        }
        for (function, args) in [("add", [Value.int(1), .int(1)]), ("remove", [.int(1)]), ("peek", [.int(1)]),
                                 ("flag", [.int(1), .bool(true)]), ("sum", [])] {
            var c = withCache, u = without
            let rc = run(p, function, args, host: &c, gas: 1 << 30, cache: true)
            let ru = run(p, function, args, host: &u, gas: 1 << 30, cache: false)
            #expect(rc.outcome == ru.outcome && rc.gasUsed == ru.gasUsed, "\(function) \(bytes)")
            #expect(c.keys == u.keys && c.values == u.values)
        }
    }
}

/// A host over a `MemoryHost` that implements only the relative storage calls, with an optional key prefix (the
/// cache's borrowed whole keys then reach it through `Host`'s default `absolute` implementations, which drop the
/// prefix), and records the cache's write hints with the writes that followed each.
private struct ForwardingHost: Host {
    var inner = MemoryHost()
    var prefix: [UInt8] = []
    /// (hinted count, writes that followed before the next hint)
    var hints: [(hinted: Int, written: Int)] = []
    var context: CallContext { inner.context }
    var storageKeyPrefix: [UInt8] { prefix }
    mutating func storageWillWrite(count: Int) { hints.append((count, 0)) }
    mutating func storageRead(_ key: [UInt8]) -> [UInt8]? { inner.storageRead(key) }
    mutating func storageWrite(_ key: [UInt8], _ value: [UInt8]?) {
        if !hints.isEmpty { hints[hints.count - 1].written += 1 }
        inner.storageWrite(key, value)
    }
    mutating func storageNext(prefix: [UInt8], after key: [UInt8]?) -> [UInt8]? {
        inner.storageNext(prefix: prefix, after: key)
    }
    mutating func balance(of address: [UInt8]) -> Int128 { 0 }
    mutating func transfer(to address: [UInt8], amount: Int128) -> Bool { false }
    mutating func emit(event: EventDecl, values: [Value]) {}
    mutating func call(
        contract address: [UInt8], function: String, args: [Value], value: Int128, gasLimit: Int64, readOnly: Bool
    ) -> ExternalCallOutcome { .reverted("none", gasUsed: 0) }
}

/// Each flush announces exactly the number of writes it hands the host (entries read but not written are not
/// counted, nor entries written twice twice).
@Test func flushesAnnounceExactlyTheirWriteCount() throws {
    let p = try program(cachedContract)
    var tracer = NoTracer()
    var host = ForwardingHost()
    for (function, args) in [("mixed", [Value.int(40)]), ("add", [.int(1), .int(9)]), ("peek", [.int(2)]),
                             ("sum", []), ("remove", [.int(2)])] {
        host.hints = []
        let index = try #require(p.module.functionIndex(named: function))
        let r = Interpreter.call(p, function: index, args: args, host: &host, gasLimit: 1 << 30, readOnly: false,
                                 tracer: &tracer)
        #expect(r.trap == nil, "\(function)")
        for hint in host.hints { #expect(hint.hinted == hint.written, "\(function)") }
        #expect(host.hints.isEmpty == (function == "peek" || function == "sum"), "\(function)")
    }
    #expect(!host.inner.keys.isEmpty)
}

@Test func defaultAbsoluteStorageCallsDropTheHostsPrefix() throws {
    let p = try program(cachedContract)
    var prefixed = ForwardingHost(prefix: [4, 9, 9])
    var plain = MemoryHost()
    var tracer = NoTracer()
    for (function, args) in [("mixed", [Value.int(40)]), ("setDec", [.int(-7), .dec(5)]), ("flag", [.int(3), .bool(true)]),
                             ("add", [.int(1), .int(9)]), ("remove", [.int(2)]), ("sum", [])] {
        let index = try #require(p.module.functionIndex(named: function))
        let a = Interpreter.call(p, function: index, args: args, host: &prefixed, gasLimit: 1 << 30, readOnly: false,
                                 tracer: &tracer)
        let b = run(p, function, args, host: &plain, gas: 1 << 30, cache: false)
        #expect(a.outcome == b.outcome && a.gasUsed == b.gasUsed, "\(function)")
        #expect(prefixed.inner.keys == plain.keys && prefixed.inner.values == plain.values, "\(function)")
    }
    #expect(!plain.keys.isEmpty)
}
