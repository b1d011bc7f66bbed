import Bytecode
import Chain
import Foundation
import Tooling
import VM

/// `datanet gov ACTION`: proposals of the governance contract (Contracts/governance.dn) on the chain in `--dir`:
/// propose, vote, execute (and install an approved upgrade), show, and simulate a rule change on recorded usage.
enum GovCommands {
    static let actions = ["execute", "list", "propose", "show", "simulate", "vote"]
    static let proposalKinds = ["param", "spend", "upgrade"]

    static let command = Command(
        name: "gov", summary: "governance: propose, vote, execute, show and simulate proposals",
        usage: """
            datanet gov propose upgrade 0xCONTRACT FILE [DESCRIPTION] --gov 0xGOV --from KEY
                   datanet gov propose param 0xCONTRACT KEY VALUE [DESCRIPTION] --gov 0xGOV --from KEY
                   datanet gov propose spend 0xTO|@NAME AMOUNT [DESCRIPTION] --gov 0xGOV --from KEY
                   datanet gov vote ID yes|no --gov 0xGOV --from KEY
                   datanet gov execute ID --gov 0xGOV --from KEY
                   datanet gov list --gov 0xGOV
                   datanet gov show ID --gov 0xGOV
                   datanet gov simulate ID --gov 0xGOV [--last N]
            Every action takes --dir D and --json; transactions also take --gas-limit N and --gas-price N.
            'execute' of an upgrade also submits the upgrade transaction with the proposal's code.
            'simulate' replays the last N (default 10) record_usage calls on the proposal's target under the
            current code and under the proposed code, in overlays that are discarded, and compares the payouts.
            """,
        examples: [
            "datanet gov propose upgrade 0x… royalty_v2.dn 'quality-boosted payouts' --gov 0x… --from bob",
            "datanet gov vote 1 yes --gov 0x… --from carol",
            "datanet gov simulate 1 --gov 0x… --last 20",
            "datanet gov execute 1 --gov 0x… --from alice",
        ],
        spec: .init(valued: ["--dir", "--from", "--gas-limit", "--gas-price", "--gov", "--last"], switches: ["--json"])
    ) { args, console in
        guard let action = args.positional.first else {
            return usage(console, "gov needs an action: " + actions.joined(separator: ", "))
        }
        guard actions.contains(action) else {
            return usage(console, "unknown gov action '\(action)'" + suggestion(action, among: actions))
        }
        guard let govText = args.flags["--gov"] else {
            return usage(console, "gov \(action) needs --gov 0xGOVERNANCE (the governance contract's address)")
        }
        guard let gov = Hex.decode32(govText) else {
            return usage(console, "--gov: not a contract address '\(govText)' (0x and 64 hex digits)")
        }
        let rest = Array(args.positional.dropFirst())
        switch action {
        case "propose": return propose(rest, gov: gov, args, console)
        case "vote":
            guard rest.count == 2, let id = Int128(rest[0]), ["yes", "no"].contains(rest[1]) else {
                return usage(console, "gov vote needs a proposal id and yes or no")
            }
            return transact(args, console, gov: gov, function: "vote", [.int(id), .bool(rest[1] == "yes")])
        case "execute":
            guard rest.count == 1, let id = Int128(rest[0]) else {
                return usage(console, "gov execute needs a proposal id")
            }
            return execute(id, gov: gov, args, console)
        case "list":
            guard rest.isEmpty else { return usage(console, "gov list takes no arguments") }
            do throws(CLIFailure) {
                let chain = try ChainDirectory(args).open()
                let governance = try Governance(chain: chain, address: gov)
                return try list(governance, json: args.switches.contains("--json"), console)
            } catch {
                console.error(error.message)
                return ExitCode.failure
            }
        default:
            guard rest.count == 1, let id = Int128(rest[0]) else {
                return usage(console, "gov \(action) needs a proposal id")
            }
            do throws(CLIFailure) {
                let chain = try ChainDirectory(args).open()
                let keystore = try ChainDirectory(args).keystore()
                let governance = try Governance(chain: chain, address: gov)
                if action == "show" {
                    return try show(id, governance, keystore, json: args.switches.contains("--json"), console)
                }
                let last: Int64
                do throws(Arguments.UsageError) { last = try args.integer("--last", default: 10) } catch {
                    return usage(console, error.message)
                }
                return try simulate(
                    id, governance, keystore, last: Int(clamping: last), json: args.switches.contains("--json"),
                    console)
            } catch {
                console.error(error.message)
                return ExitCode.failure
            }
        }
    }

    // MARK: - Transactions

    /// `gov propose upgrade|param|spend …`: a proposal transaction; its receipt returns the proposal id.
    static func propose(_ rest: [String], gov: [UInt8], _ args: Arguments, _ console: Console) -> Int32 {
        guard let kind = rest.first, proposalKinds.contains(kind) else {
            return usage(console, "gov propose needs upgrade, param or spend" + suggestion(rest.first ?? "",
                among: proposalKinds))
        }
        let counts = ["upgrade": 2...3, "param": 3...4, "spend": 2...3]
        guard let range = counts[kind], range.contains(rest.count - 1) else {
            return usage(console, "see 'datanet help gov' for the arguments of gov propose \(kind)")
        }
        let description = rest.count - 1 == range.upperBound ? rest[rest.count - 1] : ""
        return TransactionCommands.run(args, console) { session throws(CLIFailure) in
            let governance = try Governance(chain: session.chain, address: gov)
            switch kind {
            case "upgrade":
                let target = try session.contract(rest[1])
                let code = ModuleCodec.encode(try TransactionCommands.load(rest[2]))
                return try governance.call(
                    "propose_upgrade", [.address(target), .bytes(code), .string(description)])
            case "param":
                let target = try session.resolve(rest[1])
                guard let value = Int128(rest[3].filter { $0 != "_" }) else {
                    throw CLIFailure("the parameter value must be an integer, not '\(rest[3])'")
                }
                return try governance.call(
                    "propose_param", [.address(target), .string(rest[2]), .int(value), .string(description)])
            default:
                let to = try session.resolve(rest[1])
                guard let amount = Int128(rest[2].filter { $0 != "_" }), amount > 0 else {
                    throw CLIFailure("the amount must be a positive integer, not '\(rest[2])'")
                }
                return try governance.call("propose_spend", [.address(to), .int(amount), .string(description)])
            }
        }
    }

    /// A call of `function` on the governance contract, signed by `--from`.
    static func transact(
        _ args: Arguments, _ console: Console, gov: [UInt8], function: String, _ values: [Value]
    ) -> Int32 {
        TransactionCommands.run(args, console) { session throws(CLIFailure) in
            try Governance(chain: session.chain, address: gov).call(function, values)
        }
    }

    /// `gov execute ID`: the execute transaction, then, for an upgrade, the upgrade transaction that installs the
    /// proposal's code (the chain accepts it because governance now approves that module).
    static func execute(_ id: Int128, gov: [UInt8], _ args: Arguments, _ console: Console) -> Int32 {
        let status = transact(args, console, gov: gov, function: "execute", [.int(id)])
        guard status == ExitCode.ok else { return status }
        do throws(CLIFailure) {
            let chain = try ChainDirectory(args).open()
            let governance = try Governance(chain: chain, address: gov)
            guard case .string("upgrade") = try governance.view("proposal_action", [.int(id)]) else {
                return ExitCode.ok
            }
            guard case .address(let target) = try governance.view("proposal_target", [.int(id)]),
                case .bytes(let code) = try governance.view("proposal_code", [.int(id)])
            else { throw CLIFailure("proposal \(id) has no target or code") }
            let policy = try ChainCommands.attempt { try chain.contract(target)?.policy ?? .compatible }
            if !args.switches.contains("--json") {
                console.out("installing the approved module \(Hex.prefixed(ModuleCodec.id(of: code))) "
                    + "on \(Hex.prefixed(target))")
            }
            return TransactionCommands.run(args, console) { _ throws(CLIFailure) in
                .upgrade(contract: target, module: code, policy: policy)
            }
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
    }

    // MARK: - list, show

    /// One line per proposal: id, state, action, target, tallies, description.
    static func list(_ governance: Governance, json: Bool, _ console: Console) throws(CLIFailure) -> Int32 {
        guard case .int(let count) = try governance.view("proposals_made", []) else {
            throw CLIFailure("proposals_made did not return an Int")
        }
        var rows: [JSONValue] = []
        var cells: [[String]] = []
        var id: Int128 = 1
        while id <= count {
            let state = try governance.string("proposal_state", id)
            let action = try governance.string("proposal_action", id)
            let description = try governance.string("proposal_description", id)
            guard case .address(let target) = try governance.view("proposal_target", [.int(id)]),
                case .list(let tally) = try governance.view("proposal_tally", [.int(id)]), tally.count == 5,
                case .int(let yes) = tally[0], case .int(let no) = tally[1]
            else { throw CLIFailure("governance returned an unexpected proposal shape") }
            rows.append(.object([
                "proposal": .int(id), "state": .string(state), "action": .string(action),
                "target": .string(Hex.prefixed(target)), "yes": .int(yes), "no": .int(no),
                "description": .string(description),
            ]))
            cells.append(["\(id)", state, action, "\(yes)", "\(no)", Hex.prefixed(target), description])
            id += 1
        }
        if json {
            console.out(JSONValue.array(rows).text)
            return ExitCode.ok
        }
        guard !cells.isEmpty else {
            console.out("no proposals yet")
            return ExitCode.ok
        }
        let header = ["id", "state", "action", "yes", "no", "target", "description"]
        for line in TextTable.lines([header] + cells, rightAligned: [0, 3, 4]) { console.out(line) }
        return ExitCode.ok
    }

    static func show(_ id: Int128, _ governance: Governance, _ keystore: Keystore, json: Bool, _ console: Console)
        throws(CLIFailure) -> Int32
    {
        let state = try governance.string("proposal_state", id)
        let action = try governance.string("proposal_action", id)
        guard case .address(let target) = try governance.view("proposal_target", [.int(id)]),
            case .address(let author) = try governance.view("proposal_author", [.int(id)]),
            case .list(let tally) = try governance.view("proposal_tally", [.int(id)]),
            case .list(let schedule) = try governance.view("proposal_schedule", [.int(id)]),
            tally.count == 5, schedule.count == 5
        else { throw CLIFailure("governance returned an unexpected proposal shape") }
        let numbers = (tally + schedule).map { value -> Int128 in
            if case .int(let n) = value { return n }
            return 0
        }
        let (yes, no, voters, quorum, threshold) = (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4])
        let (created, end, eta, rule, cap) = (numbers[5], numbers[6], numbers[7], numbers[8], numbers[9])
        let height = governance.chain.store.height
        let description = try governance.string("proposal_description", id)
        let detail: (label: String, text: String, json: [String: JSONValue])
        switch action {
        case "upgrade":
            guard case .bytes(let code) = try governance.view("proposal_code", [.int(id)]) else {
                throw CLIFailure("proposal_code did not return Bytes")
            }
            let moduleID = Hex.prefixed(ModuleCodec.id(of: code))
            let name = (try? ModuleCodec.decode(code))?.name ?? "?"
            detail = ("module", "\(moduleID) ('\(name)', \(code.count) bytes)",
                ["module": .string(moduleID), "module_name": .string(name), "module_bytes": .int(code.count)])
        case "param":
            let key = try governance.string("proposal_key", id), value = try governance.int("proposal_amount", id)
            detail = ("parameter", "\(key) = \(value)", ["key": .string(key), "value": .int(value)])
        default:
            let amount = try governance.int("proposal_amount", id)
            detail = ("amount", "\(amount)", ["amount": .int(amount)])
        }
        let ruleName = rule == 2 ? "quadratic" : rule == 3 ? "capped at \(cap)" : "stake"
        if json {
            var fields: [String: JSONValue] = [
                "proposal": .int(id), "governance": .string(Hex.prefixed(governance.address)), "state": .string(state),
                "height": .int(height), "action": .string(action), "target": .string(Hex.prefixed(target)),
                "author": .string(Hex.prefixed(author)), "description": .string(description), "yes": .int(yes),
                "no": .int(no), "voters": .int(voters), "quorum": .int(quorum), "threshold_bps": .int(threshold),
                "created": .int(created), "end": .int(end), "eta": .int(eta), "voting_rule": .string(ruleName),
            ]
            fields.merge(detail.json) { a, _ in a }
            console.out(JSONValue.object(fields).text)
            return ExitCode.ok
        }
        console.out("proposal \(id) of governance \(Hex.prefixed(governance.address))")
        console.out("  state        \(state) (chain height \(height))")
        console.out("  action       \(action) \(name(target, keystore))")
        console.out("  " + detail.label.padding(toLength: 13, withPad: " ", startingAt: 0) + detail.text)
        console.out("  author       \(name(author, keystore))")
        if !description.isEmpty { console.out("  description  \(description)") }
        console.out("  votes        yes \(yes), no \(no), \(plural(Int(clamping: voters), "voter")); quorum \(quorum), "
            + "approval \(percent(threshold)) of the votes cast")
        console.out("  schedule     proposed in block \(created), votes until block \(end), executable from block "
            + "\(eta); voting rule: \(ruleName)")
        return ExitCode.ok
    }

    /// A rule's name in quotes, or "(no rule())" when the contract does not name it.
    static func quoted(_ rule: String?) -> String { rule.map { "\"\($0)\"" } ?? "(no rule())" }

    /// "60.00%" for 6000 basis points.
    static func percent(_ bps: Int128) -> String {
        let fraction = String(bps % 100)
        return "\(bps / 100).\(fraction.count == 1 ? "0" + fraction : fraction)%"
    }

    /// `0x…` with the keystore name after it when there is one.
    static func name(_ address: [UInt8], _ keystore: Keystore) -> String {
        let key = keystore.keys.first { $0.address == address }
        return Hex.prefixed(address) + (key.map { " (\($0.name))" } ?? "")
    }

    // MARK: - simulate

    /// Replays the last `last` successful `record_usage` calls on the proposal's target twice, each time in a dry
    /// run over the latest state: under the current code, and after installing the proposed module (migrate
    /// included). Prints the payouts per recipient, the totals and the gas. Nothing is written.
    static func simulate(
        _ id: Int128, _ governance: Governance, _ keystore: Keystore, last: Int, json: Bool, _ console: Console
    ) throws(CLIFailure) -> Int32 {
        let chain = governance.chain
        let rootBefore = chain.store.stateRoot
        guard case .string("upgrade") = try governance.view("proposal_action", [.int(id)]) else {
            throw CLIFailure("proposal \(id) is not an upgrade: only a change of code can be simulated")
        }
        guard case .address(let target) = try governance.view("proposal_target", [.int(id)]),
            case .bytes(let code) = try governance.view("proposal_code", [.int(id)])
        else { throw CLIFailure("proposal \(id) has no target or code") }
        guard let record = try ChainCommands.attempt({ try chain.contract(target) }) else {
            throw CLIFailure("no contract at \(Hex.prefixed(target)), the proposal's target")
        }
        let proposed: Module
        do {
            proposed = try ModuleCodec.decode(code)
        } catch {
            throw CLIFailure("the proposal's code is not a valid module: \(error)")
        }
        let usages = try recordedUsages(on: target, chain: chain, last: last)
        let ruleCall = Chain.Step(
            .call(contract: target, function: "rule", args: [], value: 0), from: governance.address)
        let upgrade = Chain.Step(
            .upgrade(contract: target, module: code, policy: record.policy), from: governance.address)
        let (now, proposal) = try ChainCommands.attempt {
            (try chain.simulate([ruleCall] + usages.map(\.step)),
             try chain.simulate([upgrade, ruleCall] + usages.map(\.step)))
        }
        let installed: Receipt
        switch proposal[0] {
        case .failure(let rejection): throw CLIFailure("the proposed upgrade would be rejected: \(rejection)")
        case .success(let receipt): installed = receipt
        }
        guard installed.status == .success else {
            throw CLIFailure("the proposed upgrade would revert in migrate: \(installed.revertMessage)")
        }
        let proposedID = ModuleCodec.id(of: code)
        let modules = { (id: [UInt8]) -> Module? in id == proposedID ? proposed : try? chain.module(id: id) }

        let ruleNow = ruleName(now[0], modules), ruleProposed = ruleName(proposal[1], modules)
        var table = PayoutTable()
        var notes: [String] = []
        var gasNow: UInt64 = 0, gasProposed: UInt64 = 0
        for (index, usage) in usages.enumerated() {
            for (column, result) in [(0, now[index + 1]), (1, proposal[index + 2])] {
                let which = column == 0 ? "now" : "proposed"
                switch result {
                case .failure(let rejection):
                    notes.append("usage in block \(usage.height): \(which) rejected: \(rejection)")
                case .success(let receipt):
                    if column == 0 { gasNow += receipt.gasUsed } else { gasProposed += receipt.gasUsed }
                    guard receipt.status == .success else {
                        notes.append("usage in block \(usage.height): \(which) reverts: \(receipt.revertMessage)")
                        continue
                    }
                    for event in receipt.events where event.name == "Paid" && event.contract == target {
                        guard let module = modules(event.moduleID),
                            let fields = Chain.fields(of: event, in: module),
                            let payment = PayoutReport.Payment(height: usage.height, contract: event.contract, fields: fields)
                        else { continue }
                        table.add(payment, column: column)
                    }
                }
            }
        }
        let rootAfter = chain.store.stateRoot
        guard rootAfter == rootBefore else {
            console.error("the state root changed during a dry run")
            return ExitCode.failure
        }
        let label = { (address: [UInt8]) -> String in
            address == governance.address ? Hex.prefixed(address) + " (governance)" : name(address, keystore)
        }
        let blocks = usages.map(\.height)
        if json {
            console.out(JSONValue.object([
                "proposal": .int(id), "target": .string(Hex.prefixed(target)),
                "module": .string(Hex.prefixed(proposedID)), "rule_now": ruleNow.map { .string($0) } ?? .null,
                "rule_proposed": ruleProposed.map { .string($0) } ?? .null, "usages": .int(usages.count),
                "blocks": .array(blocks.map { .int($0) }), "notes": .array(notes.map { .string($0) }),
                "payouts": table.json(name: label), "gas": .object([
                    "now": .int(gasNow), "proposed": .int(gasProposed), "migrate": .int(installed.gasUsed),
                ]), "state_root": .string(Hex.prefixed(rootAfter)),
            ]).text)
            return ExitCode.ok
        }
        console.out("proposal \(id): upgrade \(name(target, keystore)) to module \(Hex.prefixed(proposedID))")
        console.out("  rule now       \(quoted(ruleNow))")
        console.out("  rule proposed  \(quoted(ruleProposed))")
        guard !usages.isEmpty else {
            console.out("no recorded record_usage calls on \(Hex.prefixed(target)) to replay")
            return ExitCode.ok
        }
        console.out("replaying the last \(plural(usages.count, "usage")) (record_usage, blocks "
            + "\(blocks.first ?? 0)–\(blocks.last ?? 0)) in dry runs over the state at height \(chain.store.height)")
        for note in notes { console.out("  " + note) }
        console.out("")
        for line in table.lines(name: label) { console.out(line) }
        console.out("")
        console.out("gas            now \(gasNow), proposed \(gasProposed) (+ \(installed.gasUsed) for the upgrade's "
            + "migrate, once)")
        console.out("nothing written: state root \(Hex.prefixed(rootAfter)) unchanged")
        return ExitCode.ok
    }

    /// A recorded `record_usage` call: its block and the step that replays it.
    struct RecordedUsage {
        var height: UInt64
        var step: Chain.Step
    }

    /// The last `last` successful `record_usage` transactions on `target`, oldest first.
    static func recordedUsages(on target: [UInt8], chain: Chain, last: Int) throws(CLIFailure) -> [RecordedUsage] {
        var found: [RecordedUsage] = []
        var height = chain.store.height
        while height > 0, found.count < last {
            guard let block = try ChainCommands.attempt({ try chain.block(at: height) }) else { break }
            let receipts = try ChainCommands.attempt { try chain.receipts(at: height) }
            for (index, signed) in block.transactions.enumerated().reversed() where found.count < last {
                guard index < receipts.count, receipts[index].status == .success,
                    case .call(let contract, "record_usage", _, _) = signed.transaction.payload, contract == target
                else { continue }
                let step = Chain.Step(signed.transaction.payload, from: signed.transaction.senderAddress)
                found.append(RecordedUsage(height: height, step: step))
            }
            height -= 1
        }
        return found.reversed()
    }

    /// The String a `rule()` dry call returned; nil when the contract has none or it reverted.
    static func ruleName(_ result: Result<Receipt, Rejection>, _ modules: ([UInt8]) -> Module?) -> String? {
        guard case .success(let receipt) = result else { return nil }
        guard receipt.status == .success, let module = modules(receipt.moduleID),
            let index = module.functionIndex(named: "rule"),
            let values = try? ValueCodec.decodeSequence(
                receipt.returnData, as: module.functions[index].results.map { module.types[Int($0)] }, in: module),
            case .string(let name)? = values.first
        else { return nil }
        return name
    }
}

/// Payouts per recipient in two columns (now, proposed), in order of first appearance.
struct PayoutTable {
    private var rows: [(to: [UInt8], roles: [String], amounts: [Int128])] = []

    mutating func add(_ payment: PayoutReport.Payment, column: Int) {
        let index: Int
        if let found = rows.firstIndex(where: { $0.to == payment.to }) {
            index = found
        } else {
            rows.append((payment.to, [], [0, 0]))
            index = rows.count - 1
        }
        if !rows[index].roles.contains(payment.role) { rows[index].roles.append(payment.role) }
        rows[index].amounts[column] = rows[index].amounts[column] &+ payment.amount
    }

    /// The table: recipient, role, now, proposed, difference; then the totals.
    func lines(name: ([UInt8]) -> String) -> [String] {
        var cells = [["recipient", "role", "now", "proposed", "difference"]]
        var total: [Int128] = [0, 0]
        for row in rows {
            let difference = row.amounts[1] &- row.amounts[0]
            cells.append([name(row.to), row.roles.joined(separator: ", "), "\(row.amounts[0])", "\(row.amounts[1])",
                signed(difference)])
            total[0] = total[0] &+ row.amounts[0]
            total[1] = total[1] &+ row.amounts[1]
        }
        cells.append(["total", "", "\(total[0])", "\(total[1])", signed(total[1] &- total[0])])
        return TextTable.lines(cells, rightAligned: [2, 3, 4])
    }

    /// The rows and the totals as `--json` prints them.
    func json(name: ([UInt8]) -> String) -> JSONValue {
        var total: [Int128] = [0, 0]
        var items: [JSONValue] = []
        for row in rows {
            total[0] = total[0] &+ row.amounts[0]
            total[1] = total[1] &+ row.amounts[1]
            items.append(.object([
                "recipient": .string(Hex.prefixed(row.to)), "label": .string(name(row.to)),
                "roles": .array(row.roles.map { .string($0) }), "now": .int(row.amounts[0]),
                "proposed": .int(row.amounts[1]), "difference": .int(row.amounts[1] &- row.amounts[0]),
            ]))
        }
        return .object([
            "rows": .array(items),
            "total": .object([
                "now": .int(total[0]), "proposed": .int(total[1]), "difference": .int(total[1] &- total[0]),
            ]),
        ])
    }

    private func signed(_ n: Int128) -> String { n > 0 ? "+\(n)" : "\(n)" }
}

/// The governance contract at an address: its views and the payloads of calls to it.
struct Governance {
    let chain: Chain
    let address: [UInt8]
    let module: Module

    init(chain: Chain, address: [UInt8]) throws(CLIFailure) {
        guard let module = try ChainCommands.attempt({ try chain.module(at: address) }) else {
            throw CLIFailure("no contract at \(Hex.prefixed(address)) (--gov)")
        }
        guard module.functionIndex(named: "approve_upgrade") != nil,
            module.functionIndex(named: "proposal_state") != nil
        else {
            throw CLIFailure("the contract at \(Hex.prefixed(address)) ('\(module.name)') is not a governance "
                + "contract: it has no approve_upgrade and proposal_state")
        }
        self.chain = chain
        self.address = address
        self.module = module
    }

    /// The payload of a call of `function` with `values`.
    func call(_ function: String, _ values: [Value]) throws(CLIFailure) -> Transaction.Payload {
        guard let index = module.functionIndex(named: function) else {
            throw CLIFailure("governance has no function '\(function)'")
        }
        let types = module.functions[index].params.map { module.types[Int($0)] }
        do {
            let args = try ValueCodec.encodeSequence(values, as: types, in: module)
            return .call(contract: address, function: function, args: args, value: 0)
        } catch {
            throw CLIFailure("arguments of '\(function)': \(error)")
        }
    }

    /// The single result of view `function`; a revert (such as "no such proposal") is the failure's message.
    func view(_ function: String, _ values: [Value]) throws(CLIFailure) -> Value {
        _ = try call(function, values)  // the arguments match the parameters' types
        let result = try ChainCommands.attempt { try chain.query(address, function: function, args: values) }
        switch result.outcome {
        case .success(let values):
            guard let first = values.first else { throw CLIFailure("'\(function)' returned nothing") }
            return first
        case .failure(let trap):
            throw CLIFailure("\(function): \(trap.message)")
        }
    }

    func string(_ function: String, _ id: Int128) throws(CLIFailure) -> String {
        guard case .string(let s) = try view(function, [.int(id)]) else {
            throw CLIFailure("'\(function)' did not return a String")
        }
        return s
    }

    func int(_ function: String, _ id: Int128) throws(CLIFailure) -> Int128 {
        guard case .int(let n) = try view(function, [.int(id)]) else {
            throw CLIFailure("'\(function)' did not return an Int")
        }
        return n
    }
}
