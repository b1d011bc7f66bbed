import Bytecode
import Chain
import Foundation
import Tooling
import Verifier
import VM

/// `datanet explain ADDRESS`: every payment (Paid event of the Royalty interface) that reached an address, with its
/// chain of causes: the usage, the contribution and its weight, the rule and its version, and the arithmetic.
enum ExplainCommand {
    static let command = Command(
        name: "explain", summary: "trace each royalty payment to an address back to the usage and rule that caused it",
        usage: "datanet explain 0xADDRESS|@NAME [--contract 0xCONTRACT] [--dir D] [--json]",
        examples: ["datanet explain @ann", "datanet explain 0x… --contract 0x…"],
        spec: .init(valued: ["--dir", "--contract"], switches: ["--json"])
    ) { args, console in
        guard args.positional.count == 1 else { return usage(console, "explain needs one address or key name") }
        let directory = ChainDirectory(args)
        do throws(CLIFailure) {
            let chain = try directory.open()
            let keystore = try directory.keystore()
            let session = TransactionCommands.Session(chain: chain, keystore: keystore, sender: nil)
            let address = try session.resolve(args.positional[0])
            var filter: [UInt8]?
            if let text = args.flags["--contract"] {
                guard let contract = Hex.decode32(text) else {
                    throw CLIFailure("--contract: not an address '\(text)'")
                }
                filter = contract
            }
            return try explain(
                address, contract: filter, chain: chain, keystore: keystore, json: args.switches.contains("--json"),
                console)
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
    }

    /// One payment and what caused it, gathered from one receipt.
    struct Traced {
        var height: UInt64
        var transaction: [UInt8]
        var contract: [UInt8]
        var moduleID: [UInt8]
        var payment: PayoutReport.Payment
        /// The Usage event's fields by name, when the receipt has one for the payment's usage.
        var usage: [String: Int128]
        /// Every Paid event of the same usage, in order.
        var siblings: [PayoutReport.Payment]
    }

    static func explain(
        _ address: [UInt8], contract filter: [UInt8]?, chain: Chain, keystore: Keystore, json: Bool,
        _ console: Console
    ) throws(CLIFailure) -> Int32 {
        let printer = ChainPrinter(chain: chain, console: console)
        var traced: [Traced] = []
        var height: UInt64 = 1
        while height <= chain.store.height {
            guard let block = try ChainCommands.attempt({ try chain.block(at: height) }) else { break }
            let receipts = try ChainCommands.attempt { try chain.receipts(at: height) }
            for (index, receipt) in receipts.enumerated() where index < block.transactions.count {
                traced += trace(receipt, to: address, contract: filter, printer: printer).map {
                    var t = $0
                    t.height = height
                    t.transaction = block.transactions[index].hash
                    return t
                }
            }
            guard height < UInt64.max else { break }
            height += 1
        }
        let who = GovCommands.name(address, keystore)
        var owedNow: Int128?
        if let contract = filter, let owed = try? chain.query(contract, function: "owed", args: [.address(address)]),
            case .success(let values) = owed.outcome, case .int(let amount)? = values.first
        {
            owedNow = amount
        }
        var rules: [[UInt8]: String?] = [:]
        var explained: [Explained] = []
        for t in traced {
            if rules[t.moduleID] == nil { rules[t.moduleID] = .some(ruleName(chain, t.moduleID)) }
            let version = (try? chain.history(t.contract))?.last { $0.height <= t.height }?.version
            explained.append(Explained(traced: t, rule: rules[t.moduleID] ?? nil, version: version,
                arithmetic: arithmetic(t)))
        }
        let total = traced.reduce(Int128(0)) { $0 &+ $1.payment.amount }
        if json {
            console.out(JSONValue.object([
                "address": .string(Hex.prefixed(address)), "payments": .array(explained.map(\.json)),
                "total": .int(total), "owed": owedNow.map { .int($0) } ?? .null,
            ]).text)
            return ExitCode.ok
        }
        guard !traced.isEmpty else {
            console.out("no payments (Paid events) to \(who)"
                + (filter.map { " from \(Hex.prefixed($0))" } ?? ""))
            return ExitCode.ok
        }
        for (n, e) in explained.enumerated() {
            let t = e.traced, p = t.payment
            console.out("payment \(n + 1) of \(traced.count): \(p.amount) to \(who) as \(p.role), block \(t.height), "
                + "transaction \(Hex.prefixed(t.transaction))")
            if let usage = t.usage["usage"] {
                console.out("  usage         #\(usage): model \(t.usage["model"].map(String.init) ?? "?"), datanet "
                    + "\(t.usage["datanet"].map(String.init) ?? "?"), fee \(t.usage["fee"].map(String.init) ?? "?") "
                    + "paid to \(Hex.prefixed(t.contract))")
            } else {
                console.out("  usage         #\(p.usage ?? 0) (no Usage event in this transaction)")
            }
            console.out("  rule          \(GovCommands.quoted(e.rule)), rule_version "
                + "\(t.usage["rule_version"].map(String.init) ?? "?") (contract version "
                + "\(e.version.map(String.init) ?? "?"), module \(Hex.prefixed(t.moduleID)))")
            if p.role == "contributor" {
                console.out("  contribution  \(p.contribution.map(Hex.prefixed) ?? "none"), attribution weight \(p.weight ?? 0)")
            }
            for (i, line) in e.arithmetic.enumerated() {
                console.out((i == 0 ? "  arithmetic    " : String(repeating: " ", count: 16)) + line)
            }
        }
        console.out("")
        console.out("\(plural(traced.count, "payment")), \(total) in total")
        if let owedNow { console.out("owed now (not yet withdrawn): \(owedNow)") }
        return ExitCode.ok
    }

    /// A traced payment with its rule's name, the contract version at its block and the arithmetic lines.
    struct Explained {
        var traced: Traced
        var rule: String?
        var version: UInt64?
        var arithmetic: [String]

        var json: JSONValue {
            let p = traced.payment
            var fields: [String: JSONValue] = [
                "block": .int(traced.height), "transaction": .string(Hex.prefixed(traced.transaction)),
                "contract": .string(Hex.prefixed(traced.contract)), "module": .string(Hex.prefixed(traced.moduleID)),
                "amount": .int(p.amount), "role": .string(p.role),
                "usage_event": .object(traced.usage.mapValues { .int($0) }),
                "rule": rule.map { .string($0) } ?? .null, "contract_version": version.map { .int($0) } ?? .null,
                "arithmetic": .array(arithmetic.map { .string($0) }),
            ]
            fields["contribution"] = p.contribution.map { .string(Hex.prefixed($0)) } ?? .null
            fields["weight"] = p.weight.map { .int($0) } ?? .null
            fields["usage"] = p.usage.map { .int($0) } ?? .null
            return .object(fields)
        }
    }

    /// The payments in `receipt` to `address`, each with its Usage event and the other payments of its usage.
    static func trace(
        _ receipt: Receipt, to address: [UInt8], contract filter: [UInt8]?, printer: ChainPrinter
    ) -> [Traced] {
        var usages: [String: [String: Int128]] = [:]
        var payments: [(event: EventRecord, payment: PayoutReport.Payment)] = []
        for event in receipt.events where filter == nil || filter == event.contract {
            guard event.name == "Usage" || event.name == "Paid", let fields = printer.chain.fields(of: event) else {
                continue
            }
            if event.name == "Usage" {
                var values: [String: Int128] = [:]
                for (name, value) in fields { if case .int(let n) = value { values[name] = n } }
                if let usage = values["usage"] { usages[Hex.encode(event.contract) + ":\(usage)"] = values }
            } else if let payment = PayoutReport.Payment(height: 0, contract: event.contract, fields: fields),
                payment.usage != nil
            {
                payments.append((event, payment))
            }
        }
        return payments.filter { $0.payment.to == address }.map { event, payment in
            let key = Hex.encode(event.contract) + ":\(payment.usage ?? 0)"
            let siblings = payments.filter { $0.event.contract == event.contract && $0.payment.usage == payment.usage }
            return Traced(
                height: 0, transaction: [], contract: event.contract, moduleID: event.moduleID, payment: payment,
                usage: usages[key] ?? [:], siblings: siblings.map(\.payment))
        }
    }

    /// How the amount follows from the usage: the contributors' pool and the pro-rata share of this weight (with
    /// the largest-remainder unit or the rule's adjustment), or the share of the fee for the other roles.
    static func arithmetic(_ t: Traced) -> [String] {
        let p = t.payment
        let contributors = t.siblings.filter { $0.role == "contributor" }
        let pool = contributors.reduce(Int128(0)) { $0 &+ $1.amount }
        var lines: [String] = []
        if let fee = t.usage["fee"] {
            let others = t.siblings.filter { $0.role != "contributor" }
            lines.append("contributors' pool \(pool) = fee \(fee)"
                + others.map { " - \($0.role) \($0.amount)" }.joined())
            if p.role != "contributor", fee > 0 {
                let (scaled, overflow) = p.amount.multipliedReportingOverflow(by: 10_000)
                if !overflow { lines.append("\(p.role) share \(p.amount) of fee \(fee) = \(scaled / fee) bps") }
            }
        }
        guard p.role == "contributor" else { return lines }
        let total = contributors.reduce(Int128(0)) { $0 &+ ($1.weight ?? 0) }
        let (product, overflow) = pool.multipliedReportingOverflow(by: p.weight ?? 0)
        guard total > 0, !overflow else { return lines }
        let floor = product / total, remainder = product % total
        var line = "pool \(pool) x weight \(p.weight ?? 0) / total weight \(total) = \(floor)"
        if remainder != 0 { line += " remainder \(remainder)/\(total)" }
        switch p.amount &- floor {
        case 0: line += remainder == 0 ? " (exact)" : " (rounded down)"
        case 1 where remainder != 0: line += " (largest-remainder +1) = \(p.amount)"
        case let extra: line += "; paid \(p.amount) = \(floor) \(extra > 0 ? "+" : "-") \(extra.magnitude) by the rule"
        }
        lines.append(line)
        return lines
    }

    /// The rule's name (nil when the module has no `rule()`): its `rule()` view run on an empty in-memory host (a
    /// rule's name is a constant of its code, so the version that paid names itself even after an upgrade).
    static func ruleName(_ chain: Chain, _ moduleID: [UInt8]) -> String? {
        guard let module = try? chain.module(id: moduleID), module.functionIndex(named: "rule") != nil,
            let verified = try? Verifier.verify(module)
        else { return nil }
        var host = MemoryHost()
        let result = Interpreter.call(
            Program(verified), function: "rule", args: [], host: &host, gasLimit: 1_000_000, readOnly: true)
        guard case .success(let values) = result.outcome, case .string(let name)? = values.first else { return nil }
        return name
    }
}
