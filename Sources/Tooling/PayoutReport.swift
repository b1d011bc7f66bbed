// Who was paid what, and why: the `Usage` and `Paid` events of a chain gathered into a table.
//
// The system contracts (Contracts/royalty.dn) announce each usage with `Usage(usage, model, datanet, fee,
// rule_version)` and each credit with `Paid(usage, to, role, contribution, weight, amount)`; this report reads
// any contract's events with those names, so an example's own royalty rule shows up the same way. Only the
// fields `to` and `amount` are required of a `Paid` event; the others are shown when present.
import Bytecode
import Chain

/// Every usage and payment recorded on a chain, in block order.
public struct PayoutReport: Sendable {
    /// One `Paid` event.
    public struct Payment: Sendable, Equatable {
        public var height: UInt64
        public var contract: [UInt8]
        public var usage: Int128?
        public var to: [UInt8]
        public var role: String
        public var contribution: [UInt8]?
        public var weight: Int128?
        public var amount: Int128

        /// A `Paid` event of the Royalty interface, from its fields by name: `to` and `amount` are required;
        /// `usage`, `role`, `contribution` (absent when all zero) and `weight` are read when present.
        public init?(height: UInt64, contract: [UInt8], fields: [(name: String, value: Value)]) {
            var to: [UInt8]?, amount: Int128?
            (self.height, self.contract, self.role) = (height, contract, "")
            for (name, value) in fields {
                switch (name, value) {
                case ("to", .address(let a)): to = a
                case ("amount", .int(let i)): amount = i
                case ("usage", .int(let i)): usage = i
                case ("weight", .int(let i)): weight = i
                case ("role", .string(let s)): role = s
                case ("contribution", .hash(let h)) where h != [UInt8](repeating: 0, count: 32): contribution = h
                default: break
                }
            }
            guard let to, let amount else { return nil }
            (self.to, self.amount) = (to, amount)
        }
    }

    /// One `Usage` event.
    public struct Usage: Sendable, Equatable {
        public var height: UInt64
        public var contract: [UInt8]
        public var usage: Int128
        public var fields: [String: Int128]
    }

    public private(set) var payments: [Payment] = []
    public private(set) var usages: [Usage] = []

    /// Reads the events of every block of `chain` from genesis to its head.
    public init(chain: Chain) throws {
        let head = try chain.head().header.height
        var height: UInt64 = 0
        while height <= head {
            for receipt in try chain.receipts(at: height) where receipt.status == .success {
                for event in receipt.events { add(event, height: height, chain: chain) }
            }
            if height == UInt64.max { break }
            height += 1
        }
    }

    private mutating func add(_ event: EventRecord, height: UInt64, chain: Chain) {
        guard event.name == "Paid" || event.name == "Usage", let fields = chain.fields(of: event) else { return }
        if event.name == "Paid" {
            if let payment = Payment(height: height, contract: event.contract, fields: fields) {
                payments.append(payment)
            }
            return
        }
        var ints: [String: Int128] = [:]
        for case let (name, .int(i)) in fields { ints[name] = i }
        guard let usage = ints["usage"] else { return }
        ints["usage"] = nil
        usages.append(Usage(height: height, contract: event.contract, usage: usage, fields: ints))
    }

    /// The total paid to each recipient (and role), largest first, then by name.
    public func totals(naming name: ([UInt8]) -> String) -> [(recipient: String, role: String, count: Int, total: Int128)] {
        var rows: [String: (recipient: String, role: String, count: Int, total: Int128)] = [:]
        for p in payments {
            let who = name(p.to)
            let key = who + "\u{0}" + p.role
            var row = rows[key] ?? (recipient: who, role: p.role, count: 0, total: 0)
            row.count += 1
            row.total = row.total &+ p.amount
            rows[key] = row
        }
        return rows.values.sorted {
            $0.total != $1.total ? $0.total > $1.total : ($0.recipient, $0.role) < ($1.recipient, $1.role)
        }
    }

    /// The report as text: a table of totals, then each usage with the payments it caused.
    public func render(naming name: ([UInt8]) -> String) -> [String] {
        guard !payments.isEmpty else { return ["no payments recorded (no Paid events on this chain)"] }
        let totals = self.totals(naming: name)
        let roles = totals.contains { !$0.role.isEmpty }
        var table: [[String]] = [roles ? ["recipient", "role", "payments", "total"] : ["recipient", "payments", "total"]]
        var sum: Int128 = 0
        for row in totals {
            table.append((roles ? [row.recipient, row.role] : [row.recipient])
                + [String(row.count), TextTable.grouped(row.total)])
            sum = sum &+ row.total
        }
        table.append((roles ? ["total", ""] : ["total"]) + [String(payments.count), TextTable.grouped(sum)])
        var lines = ["Payouts (\(plural(payments.count, "payment")) for \(plural(usages.count, "usage")))"]
        lines += TextTable.lines(table, rightAligned: roles ? [2, 3] : [1, 2]).map { "  " + $0 }
        guard !usages.isEmpty else { return lines }
        lines.append("")
        lines.append("Why each was paid")
        var byUsage: [Int128: [Payment]] = [:]
        for p in payments { if let u = p.usage { byUsage[u, default: []].append(p) } }
        for usage in usages {
            let described = usage.fields.keys.sorted().map { "\($0) \(TextTable.grouped(usage.fields[$0] ?? 0))" }
            lines.append("  usage \(usage.usage) (block \(usage.height)): " + described.joined(separator: ", "))
            let paid = (byUsage[usage.usage] ?? []).filter { $0.contract == usage.contract }
            var rows: [[String]] = []
            for p in paid {
                var cause = ""
                if let c = p.contribution { cause = "contribution #0x" + Hex.encode(Array(c.prefix(4))) + "…" }
                if let w = p.weight, p.role == "contributor" || p.contribution != nil { cause += " weight \(w)" }
                rows.append([name(p.to), p.role, TextTable.grouped(p.amount), cause])
            }
            lines += TextTable.lines(rows, rightAligned: [2]).map { "    " + $0 }
        }
        return lines
    }

    private func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
