import Bytecode

/// The state of one run: the program, the host, the arena, the value stack and the call frames.
/// `Interpreter.call` creates one per top-level call; the hot loop (`Machine+Run.swift`) keeps `pc`,
/// `sp`, `fp` and gas in locals and syncs `gas` here only around helpers that charge or read it.
///
/// Not generic: the hot loop never calls the host or the tracer (host instructions run out of line and
/// cost hundreds of gas), and a generic machine would run unspecialized when the host type lives in
/// another module. Docs/architecture.md has the measurement behind this choice.
struct Machine {
    struct Frame {
        var returnPC: UnsafePointer<Instr>
        var fp: UnsafeMutablePointer<Int128>
    }

    let program: Program
    var host: any Host
    /// Present only in trace mode.
    var tracer: (any Tracer)?
    var arena = Arena()
    /// Gas left; authoritative only between hot-loop syncs.
    var gas: Int64
    let readOnly: Bool
    /// Set by a helper that fails; the loop turns it into a located `Trap`.
    var pendingTrap: TrapReason?
    /// Arena handles of blob constants, created on first use (0: not yet).
    var constantHandles: [Int]
    /// Entries of the contract's `map<int, int|dec|bool>` state read or written in this run (StorageCache.swift).
    var storageCache = StorageCache()
    /// Per state variable: how its map entries are cached (`CachedValue.none` when they are not).
    let cachedValues: [CachedValue]

    let stack: UnsafeMutablePointer<Int128>
    let stackEnd: UnsafeMutablePointer<Int128>
    let frames: UnsafeMutablePointer<Frame>
    /// The last of `frames`: a call with the next free frame here exceeds `Limits.maxCallDepth`.
    let lastFrame: UnsafeMutablePointer<Frame>

    static var stackSlots: Int { Limits.maxStackSlots }

    init(program: Program, host: any Host, tracer: (any Tracer)?, gas: Int64, readOnly: Bool, cacheStorage: Bool = true) {
        self.program = program
        self.host = host
        self.tracer = tracer
        self.gas = gas
        self.readOnly = readOnly
        self.constantHandles = [Int](repeating: 0, count: program.module.constants.count)
        let module = program.module
        self.cachedValues = module.state.map { variable in
            guard cacheStorage, Int(variable.type) < module.types.count,
                case .map(let k, let v) = module.types[Int(variable.type)],
                Int(k) < module.types.count, Int(v) < module.types.count, module.types[Int(k)] == .int
            else { return .none }
            switch module.types[Int(v)] {
            case .int, .dec: return .number
            case .bool: return .bool
            default: return .none
            }
        }
        stack = .allocate(capacity: Machine.stackSlots)
        stackEnd = stack + Machine.stackSlots
        frames = .allocate(capacity: Limits.maxCallDepth)
        lastFrame = frames + (Limits.maxCallDepth - 1)
    }

    func release() {
        stack.deallocate()
        frames.deallocate()
        arena.release()
    }

    var module: Module { program.module }

    /// Charges `amount` gas; false (and a pending out-of-gas trap) when there is not enough.
    @inline(__always) mutating func charge(_ amount: Int64) -> Bool {
        if amount > gas {
            gas = -1
            pendingTrap = .outOfGas
            return false
        }
        gas -= amount
        return true
    }

    /// Records `reason` and returns nil, for helpers that return an optional.
    mutating func fail<R>(_ reason: TrapReason) -> R? {
        pendingTrap = reason
        return nil
    }

    // MARK: - Allocation, charged per word

    mutating func allocate(_ words: Int) -> Int? {
        guard charge(GasSchedule.cost(words, GasSchedule.perWordAllocated)) else { return nil }
        guard let h = arena.allocate(words) else { return fail(.outOfMemory) }
        return h
    }

    mutating func makeBlob(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard charge(GasSchedule.cost(Arena.blobWords(bytes.count), GasSchedule.perWordAllocated)) else { return nil }
        guard let h = arena.makeBlob(bytes) else { return fail(.outOfMemory) }
        return h
    }

    mutating func makeBlob(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { makeBlob($0) }
    }

    /// The zero value of `module.types[type]` in the arena: 0 for scalars, empty blobs and lists,
    /// 32 zero bytes for addresses and hashes, a struct of zero fields.
    mutating func zero(type: Int) -> Int128? {
        guard type < module.types.count else { return fail(.invalidValue("unknown type")) }
        switch module.types[type] {
        case .int, .dec, .bool: return 0
        case .address, .hash: return makeBlob([UInt8](repeating: 0, count: 32)).map { Int128($0) }
        case .string, .bytes: return makeBlob([]).map { Int128($0) }
        case .list:
            guard charge(GasSchedule.cost(2, GasSchedule.perWordAllocated)) else { return nil }
            guard let h = arena.makeList(type: type, count: 0) else { return fail(.outOfMemory) }
            return Int128(h)
        case .map(let key, let value):
            guard charge(GasSchedule.perWordAllocated) else { return nil }
            guard let h = arena.makeMap(type: type, keyKind: module.types[Int(key)], valueType: Int(value)) else {
                return fail(.outOfMemory)
            }
            return Int128(h)
        case .structure(let s):
            let fields = module.structs[Int(s)].fields
            guard let h = allocate(1 + fields.count) else { return nil }
            arena.words[h] = Arena.header(fields.count, .structure, Int(s))
            for (i, f) in fields.enumerated() {
                guard let z = zero(type: Int(f.type)) else { return nil }
                arena.words[h + 1 + i] = z
            }
            return Int128(h)
        }
    }
}
