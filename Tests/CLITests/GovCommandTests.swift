import Bytecode
import Chain
import Foundation
import StateStore
import Testing

@testable import CLI

/// `datanet gov` and `datanet explain` on a SQLite chain directory: the rule upgrade of Examples/rule_upgrade driven
/// through the commands, `gov simulate` writing nothing (same state root before and after), and the explanations.
@Suite struct GovCommandTests {
    let dir: String

    init() throws {
        dir = temporaryDirectory().appendingPathComponent("chain").path
    }

    @discardableResult
    func run(_ args: String...) -> Captured {
        datanet(args + ["--dir", dir])
    }

    /// The contract a deploy created.
    func deployed(_ result: Captured) throws -> String {
        let line = try #require(result.out.split(separator: "\n").first { $0.hasPrefix("  contract ") }, "\(result)")
        return String(line.split(separator: " ").last ?? "")
    }

    /// The JSON object a command printed.
    static func object(_ result: Captured) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(result.out.utf8))
        return try #require(parsed as? [String: Any], "\(result)")
    }

    func root() throws -> [UInt8] {
        try SQLiteStore(path: dir + "/chain.sqlite").stateRoot
    }

    static let v1 = repositoryRoot.appendingPathComponent("Examples/rule_upgrade/royalty_v1.dn").path
    static let v2 = repositoryRoot.appendingPathComponent("Examples/rule_upgrade/royalty_v2.dn").path
    static let governance = repositoryRoot.appendingPathComponent("Contracts/governance.dn").path
    static let a = "#0x00000000000000000000000000000000000000000000000000000000000000a1"
    static let b = "#0x00000000000000000000000000000000000000000000000000000000000000b2"

    /// Governance (quorum 100, 50%, 3 blocks of voting, 2 of timelock) and royalty v1 under it, two contributions
    /// (ben's rated 300), a model, and two recorded usages.
    func setUp() throws -> (gov: String, royalty: String) {
        for name in ["oracle", "owner", "ann", "ben"] { #expect(run("keys", "new", name).status == 0) }
        #expect(run("chain", "init").status == 0)
        let gov = try deployed(run("deploy", Self.governance, "100", "5000", "3", "2", "--from", "alice"))
        let royalty = try deployed(run(
            "deploy", Self.v1, "@" + gov, "@oracle", "--from", "alice", "--authority", gov))
        #expect(run("call", royalty, "contribute(\(Self.a))", "--from", "ann").status == 0)
        #expect(run("call", royalty, "contribute(\(Self.b))", "--from", "ben").status == 0)
        #expect(run("call", royalty, "rate(\(Self.b), 300)", "--from", "oracle").status == 0)
        #expect(run("call", royalty, "register_model(7)", "--from", "owner").status == 0)
        for weights in ["[1, 3]", "[2, 1]"] {
            let usage = run("call", royalty, "record_usage(1, [\(Self.a), \(Self.b)], \(weights))", "--value", "1000",
                "--from", "oracle")
            #expect(usage.status == 0, "\(usage)")
        }
        return (gov, royalty)
    }

    @Test func proposeSimulateVoteExecuteAndExplain() throws {
        let (gov, royalty) = try setUp()

        let refused = run("upgrade", royalty, Self.v2, "--from", "carol")
        #expect(refused.status == 1)
        #expect(refused.err.contains("transaction rejected: only the upgrade authority \(gov)"))

        #expect(run("call", gov, "lock()", "--value", "500", "--from", "bob").status == 0)
        let proposed = run(
            "gov", "propose", "upgrade", royalty, Self.v2, "quality-boosted", "--gov", gov, "--from", "bob")
        #expect(proposed.status == 0, "\(proposed)")
        #expect(proposed.out.contains("returned    1 : Int"))

        // The simulation replays both usages under v1 and v2 and writes nothing.
        let before = try root()
        let simulated = run("gov", "simulate", "1", "--gov", gov)
        #expect(simulated.status == 0, "\(simulated)")
        #expect(try root() == before)
        #expect(simulated.out.contains("rule now       \"pro-rata v1\""))
        #expect(simulated.out.contains("rule proposed  \"quality-boosted v2 (minimum payout)\""))
        #expect(simulated.out.contains("replaying the last 2 usages"))
        // ann: v1 175 + 467 = 642; v2 (10 each, then 680 by weight x quality) 78 + 282 = 360.
        let ann = try #require(simulated.out.split(separator: "\n").first { $0.contains("(ann)") })
        #expect(ann.split(separator: " ").suffix(4) == ["contributor", "642", "360", "-282"])
        let ben = try #require(simulated.out.split(separator: "\n").first { $0.contains("(ben)") })
        #expect(ben.split(separator: " ").suffix(4) == ["contributor", "758", "1040", "+282"])
        let total = try #require(simulated.out.split(separator: "\n").first { $0.hasPrefix("total") })
        #expect(total.split(separator: " ") == ["total", "2000", "2000", "0"])
        #expect(simulated.out.contains("(governance)"))
        #expect(simulated.out.contains("nothing written: state root \(Hex.prefixed(before)) unchanged"))
        let last = run("gov", "simulate", "1", "--gov", gov, "--last", "1")
        #expect(last.out.contains("replaying the last 1 usage "))
        let json = try Self.object(run("gov", "simulate", "1", "--gov", gov, "--json"))
        #expect(json["rule_proposed"] as? String == "quality-boosted v2 (minimum payout)")
        #expect(json["usages"] as? Int == 2)
        let payouts = try #require(json["payouts"] as? [String: Any])
        let totals = try #require(payouts["total"] as? [String: Any])
        #expect(totals["now"] as? Int == 2000 && totals["proposed"] as? Int == 2000)
        #expect(totals["difference"] as? Int == 0)
        let rows = try #require(payouts["rows"] as? [[String: Any]])
        #expect(rows.first?["now"] as? Int == 642 && rows.first?["proposed"] as? Int == 360)
        #expect(try root() == before)

        // Vote, show, wait (5 blocks of transfers), execute: the upgrade is installed in the same command.
        #expect(run("gov", "vote", "1", "yes", "--gov", gov, "--from", "bob").status == 0)
        let active = run("gov", "show", "1", "--gov", gov)
        #expect(active.out.contains("  state        active"))
        #expect(active.out.contains("  action       upgrade \(royalty)"))
        #expect(active.out.contains("votes        yes 500, no 0, 1 voter; quorum 100, approval 50.00%"))
        #expect(active.out.contains("  description  quality-boosted"))
        let shown = try Self.object(run("gov", "show", "1", "--gov", gov, "--json"))
        #expect(shown["state"] as? String == "active")
        #expect(shown["yes"] as? Int == 500)
        #expect(shown["target"] as? String == royalty)
        #expect(shown["module_name"] as? String == "Royalty")
        let early = run("gov", "execute", "1", "--gov", gov, "--from", "carol")
        #expect(early.status == 1)
        #expect(early.out.contains("reverted: voting has not ended"))
        for _ in 0..<4 { #expect(run("transfer", "@carol", "1", "--from", "alice").status == 0) }
        #expect(run("gov", "show", "1", "--gov", gov).out.contains("  state        executable"))
        let executed = run("gov", "execute", "1", "--gov", gov, "--from", "carol")
        #expect(executed.status == 0, "\(executed)")
        #expect(executed.out.contains("function    execute"))
        #expect(executed.out.contains("installing the approved module"))
        #expect(executed.out.contains("function    migrate"))
        let history = run("chain", "history", royalty)
        #expect(history.out.contains("version 2, policy compatible, authority \(gov)"))
        #expect(history.out.split(separator: "\n").count == 4)

        // The next usage pays by v2; explain traces ann's three payments to their usages and rules.
        #expect(run("call", royalty, "record_usage(1, [\(Self.a), \(Self.b)], [1, 3])", "--value", "1000",
            "--from", "oracle").status == 0)
        let explained = run("explain", "@ann", "--contract", royalty)
        #expect(explained.status == 0, "\(explained)")
        #expect(explained.out.contains("payment 1 of 3: 175 to "))
        #expect(explained.out.contains("payment 2 of 3: 467 to "))
        #expect(explained.out.contains("payment 3 of 3: 78 to "))
        #expect(explained.out.contains("rule          \"pro-rata v1\", rule_version 1 (contract version 1"))
        #expect(explained.out.contains(
            "rule          \"quality-boosted v2 (minimum payout)\", rule_version 2 (contract version 2"))
        #expect(explained.out.contains("usage         #2: model 1, datanet 7, fee 1000"))
        #expect(explained.out.contains("contributors' pool 700 = fee 1000 - model_owner 200 - treasury 100"))
        #expect(explained.out.contains("pool 700 x weight 1 / total weight 4 = 175 (exact)"))
        #expect(explained.out.contains(
            "pool 700 x weight 2 / total weight 3 = 466 remainder 2/3 (largest-remainder +1) = 467"))
        #expect(explained.out.contains("pool 700 x weight 100 / total weight 1000 = 70; paid 78 = 70 + 8 by the rule"))
        #expect(explained.out.contains("3 payments, 720 in total"))
        #expect(explained.out.contains("owed now (not yet withdrawn): 720"))
        let traced = try Self.object(run("explain", "@ann", "--contract", royalty, "--json"))
        #expect(traced["total"] as? Int == 720)
        #expect(traced["owed"] as? Int == 720)
        let payments = try #require(traced["payments"] as? [[String: Any]])
        #expect(payments.map { $0["amount"] as? Int } == [175, 467, 78])
        #expect(payments.map { $0["rule"] as? String }
            == ["pro-rata v1", "pro-rata v1", "quality-boosted v2 (minimum payout)"])
        #expect(payments.map { $0["contract_version"] as? Int } == [1, 1, 2])
        let owner = run("explain", "@owner")
        #expect(owner.out.contains("model_owner share 200 of fee 1000 = 2000 bps"))
        #expect(run("explain", "@carol").out.contains("no payments (Paid events) to "))
    }

    @Test func mistakesAreReported() throws {
        let (gov, royalty) = try setUp()
        #expect(run("gov", "show", "1").status == 2)
        #expect(run("gov", "shwo", "1", "--gov", gov).err.contains("did you mean 'show'?"))
        #expect(run("gov", "show", "1", "--gov", royalty).err.contains("is not a governance contract"))
        #expect(run("gov", "show", "9", "--gov", gov).err.contains("no such proposal"))
        #expect(run("call", gov, "lock()", "--value", "500", "--from", "bob").status == 0)
        #expect(run("gov", "list", "--gov", gov).out == "no proposals yet\n")
        let param = run("gov", "propose", "param", royalty, "owner_bps", "3000", "--gov", gov, "--from", "bob")
        #expect(param.status == 0, "\(param)")
        let listed = run("gov", "list", "--gov", gov).out.split(separator: "\n")
        #expect(listed.count == 2)
        #expect(listed.first?.split(separator: " ") == ["id", "state", "action", "yes", "no", "target", "description"])
        #expect(listed.last?.split(separator: " ") == ["1", "active", "param", "0", "0", Substring(royalty)])
        let listedJSON = try JSONSerialization.jsonObject(
            with: Data(run("gov", "list", "--gov", gov, "--json").out.utf8))
        #expect((listedJSON as? [[String: Any]])?.first?["action"] as? String == "param")
        #expect(run("gov", "show", "1", "--gov", gov).out.contains("  parameter    owner_bps = 3000"))
        let simulated = run("gov", "simulate", "1", "--gov", gov)
        #expect(simulated.status == 1)
        #expect(simulated.err.contains("proposal 1 is not an upgrade"))
        let spend = run("gov", "propose", "spend", "@carol", "0", "--gov", gov, "--from", "bob")
        #expect(spend.err.contains("the amount must be a positive integer"))
        #expect(run("gov", "vote", "1", "maybe", "--gov", gov, "--from", "bob").status == 2)
        #expect(run("explain", "@nobody").err.contains("no key named 'nobody' in "))
    }

    /// The system contracts (Contracts/registry.dn, staking.dn, royalty.dn) under governance: explain reads their
    /// Paid events, simulate replays their usage, and an upgrade whose schema does not fit is reported as rejected.
    @Test func worksOnTheSystemRoyaltyContract() throws {
        for name in ["oracle", "owner", "ann", "ben"] { #expect(run("keys", "new", name).status == 0) }
        #expect(run("chain", "init").status == 0)
        let contracts = repositoryRoot.appendingPathComponent("Contracts").path
        let gov = try deployed(run("deploy", Self.governance, "100", "5000", "3", "2", "--from", "alice"))
        let registry = try deployed(run("deploy", contracts + "/registry.dn", "@" + gov, "--from", "alice",
            "--authority", gov))
        let staking = try deployed(run("deploy", contracts + "/staking.dn", "@" + gov, "@" + registry,
            "--from", "alice", "--authority", gov))
        let royalty = try deployed(run("deploy", contracts + "/royalty.dn", "@" + gov, "@" + registry,
            "@" + staking, "@oracle", "--from", "alice", "--authority", gov))
        let created = run("call", registry, "create_datanet(\"urdu\", [], 6000, 2000, 1000, 1000)", "--from", "owner")
        #expect(created.status == 0, "\(created)")
        #expect(run("call", registry, "submit(1, \(Self.a), \"corrections\")", "--from", "ann").status == 0)
        #expect(run("call", registry, "submit(1, \(Self.b), \"flags\")", "--from", "ben").status == 0)
        #expect(run("call", royalty, "register_model([1])", "--from", "owner").status == 0)
        let usage = run("call", royalty, "record_usage(1, [\(Self.a), \(Self.b)], [2, 1])", "--value", "1000",
            "--from", "oracle")
        #expect(usage.status == 0, "\(usage)")

        let explained = run("explain", "@ann", "--contract", royalty)
        #expect(explained.status == 0, "\(explained)")
        #expect(explained.out.contains("payment 1 of 1: 400 to "))
        #expect(explained.out.contains("rule          \"pro-rata v1\", rule_version 1 (contract version 1"))
        #expect(explained.out.contains("contributors' pool 600 = fee 1000 - model_owner 200 - treasury 200"))
        #expect(explained.out.contains("pool 600 x weight 20000 / total weight 30000 = 400 (exact)"))

        #expect(run("call", gov, "lock()", "--value", "500", "--from", "bob").status == 0)
        let same = run("gov", "propose", "upgrade", royalty, contracts + "/royalty.dn", "--gov", gov, "--from", "bob")
        #expect(same.status == 0, "\(same)")
        let before = try root()
        let simulated = run("gov", "simulate", "1", "--gov", gov)
        #expect(simulated.status == 0, "\(simulated)")
        #expect(try root() == before)
        let total = try #require(simulated.out.split(separator: "\n").first { $0.hasPrefix("total") })
        #expect(total.split(separator: " ") == ["total", "1000", "1000", "0"])

        let other = run("gov", "propose", "upgrade", royalty, Self.v2, "--gov", gov, "--from", "bob")
        #expect(other.status == 0, "\(other)")
        let rejected = run("gov", "simulate", "2", "--gov", gov)
        #expect(rejected.status == 1)
        #expect(rejected.err.contains("the proposed upgrade would be rejected: incompatible upgrade: "), "\(rejected)")
    }
}
