import Bytecode

/// The chain's starting point: the genesis block's time and the funded accounts.
///
/// Encoding: version (1) ‖ time (LEB128) ‖ count (LEB128) ‖ per account, sorted by address: address (32) ‖
/// balance (16 bytes little-endian).
public struct Genesis: Hashable, Sendable {
    /// One funded account.
    public struct Allocation: Hashable, Sendable {
        public var address: [UInt8]
        public var balance: Int128

        /// An allocation of `balance` to `address`.
        public init(address: [UInt8], balance: Int128) {
            self.address = address
            self.balance = balance
        }
    }

    /// Time of the genesis block.
    public var time: UInt64
    /// Funded accounts, sorted by address, addresses unique.
    public private(set) var allocations: [Allocation]

    /// A genesis; allocations are sorted by address, and repeated addresses add up (saturating).
    public init(time: UInt64, allocations: [Allocation]) {
        self.time = time
        var merged: [Allocation] = []
        for allocation in allocations.sorted(by: { $0.address.lexicographicallyPrecedes($1.address) }) {
            if let last = merged.last, last.address == allocation.address {
                let (sum, overflow) = last.balance.addingReportingOverflow(allocation.balance)
                merged[merged.count - 1].balance = overflow ? Int128.max : sum
            } else {
                merged.append(allocation)
            }
        }
        self.allocations = merged
    }

    /// The canonical encoding.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        w.writeU8(1)
        w.writeULEB(time)
        w.writeCount(allocations.count)
        for allocation in allocations {
            w.writeRaw(allocation.address)
            w.writeI128(allocation.balance)
        }
        return w.bytes
    }

    /// Decodes `encoded`.
    public init(decoding bytes: [UInt8]) throws(ChainError) {
        var r = ByteReader(bytes)
        var allocations: [Allocation] = []
        var time: UInt64 = 0
        do throws(ByteReader.Failure) {
            guard try r.readU8("version") == 1 else { throw ByteReader.Failure("unsupported version", offset: 0) }
            time = try r.readULEB("time", max: UInt64.max)
            let count = try r.readCount("account count", max: Int(Int32.max), minEntrySize: 48)
            for _ in 0..<count {
                let address = try r.readRaw(32, "address")
                let balance = try r.readI128("balance")
                guard balance >= 0 else { throw ByteReader.Failure("negative balance", offset: r.offset) }
                allocations.append(Allocation(address: address, balance: balance))
            }
        } catch {
            throw .malformed("genesis: \(error.message)")
        }
        guard r.isAtEnd else { throw .malformed("genesis: trailing bytes") }
        self.init(time: time, allocations: allocations)
        guard self.allocations.count == allocations.count else { throw .malformed("genesis: repeated address") }
    }
}
