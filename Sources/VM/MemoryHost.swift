import Bytecode

/// A self-contained host for tests, benchmarks and `datanet run` on assembly: one contract's storage in
/// an ordered in-memory map, balances, an event log, and cross-contract calls answered by a closure.
public struct MemoryHost: Host {
    public var context: CallContext
    /// Storage of the running contract, sorted by key.
    public private(set) var keys: [[UInt8]] = []
    public private(set) var values: [[UInt8]] = []
    public var balances: [[UInt8]: Int128] = [:]
    public private(set) var events: [(name: String, values: [Value])] = []
    /// Answers `call_ext`; by default every call reverts.
    public var onCall: (_ contract: [UInt8], _ function: String, _ args: [Value], _ value: Int128) -> ExternalCallOutcome = {
        _, _, _, _ in .reverted("no contract at that address", gasUsed: 0)
    }

    public init(context: CallContext = CallContext(
        caller: [UInt8](repeating: 1, count: 32), origin: [UInt8](repeating: 1, count: 32),
        selfAddress: [UInt8](repeating: 2, count: 32)))
    {
        self.context = context
    }

    private func search(_ key: [UInt8]) -> (Int, Bool) {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid].lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < keys.count && keys[lo] == key)
    }

    public mutating func storageRead(_ key: [UInt8]) -> [UInt8]? {
        let (i, found) = search(key)
        return found ? values[i] : nil
    }

    public mutating func storageWrite(_ key: [UInt8], _ value: [UInt8]?) {
        let (i, found) = search(key)
        switch (found, value) {
        case (true, let v?): values[i] = v
        case (true, nil): keys.remove(at: i); values.remove(at: i)
        case (false, let v?): keys.insert(key, at: i); values.insert(v, at: i)
        case (false, nil): break
        }
    }

    public mutating func storageNext(prefix: [UInt8], after key: [UInt8]?) -> [UInt8]? {
        var (i, found) = search(key ?? prefix)
        if found && key != nil { i += 1 }
        guard i < keys.count, keys[i].starts(with: prefix) else { return nil }
        return keys[i]
    }

    public mutating func balance(of address: [UInt8]) -> Int128 { balances[address] ?? 0 }

    public mutating func transfer(to address: [UInt8], amount: Int128) -> Bool {
        let from = context.selfAddress
        let have = balances[from] ?? 0
        guard amount >= 0, have >= amount else { return false }
        if address == from { return true }  // a transfer to itself moves nothing
        let (credited, overflow) = (balances[address] ?? 0).addingReportingOverflow(amount)
        guard !overflow else { return false }
        balances[from] = have - amount
        balances[address] = credited
        return true
    }

    public mutating func emit(event: EventDecl, values: [Value]) {
        events.append((event.name, values))
    }

    public mutating func call(
        contract address: [UInt8], function: String, args: [Value], value: Int128, gasLimit: Int64, readOnly: Bool
    ) -> ExternalCallOutcome {
        onCall(address, function, args, value)
    }
}
