import Bytecode
import Chain
import Crypto
import Foundation
import StateStore
import Testing
import VM

@testable import CLI

/// The community changes the royalty rule, end to end on a local chain: governance and royalty v1 deployed
/// (governance the upgrade authority), a usage paid pro rata, the v2 upgrade proposed, voted, timelocked,
/// executed and installed; the next usage pays by the v2 rule, the state survives, the history shows both
/// versions, and an upgrade without governance is rejected with the authority reason.
@Suite struct RuleUpgradeTests {
    static func module(_ relative: String) throws -> Module {
        try ModuleLoader.load(repositoryRoot.appendingPathComponent(relative).path)
    }

    /// The contract created by a successful deploy, or a failed expectation.
    static func created(_ result: Result<Receipt, Rejection>) throws -> [UInt8] {
        let receipt = try result.get()
        try #require(receipt.status == .success, "\(receipt.revertMessage)")
        return receipt.contract
    }

    /// The single result of a successful call.
    static func value(_ chain: LocalChain, _ result: Result<Receipt, Rejection>) throws -> Value? {
        let receipt = try result.get()
        try #require(receipt.status == .success, "\(receipt.revertMessage) at \(receipt.revertPosition)")
        return try chain.results(of: receipt).first
    }

    static func int(_ chain: LocalChain, _ contract: [UInt8], _ function: String, _ args: [Value]) throws -> Int128 {
        guard case .int(let n) = try value(chain, chain.call(contract, function, args: args, from: "alice")) else {
            Issue.record("\(function) returned no Int")
            return -1
        }
        return n
    }

    /// The Paid events of a receipt as (to, role, weight, amount), in order.
    static func paid(_ chain: LocalChain, _ receipt: Receipt) throws -> [([UInt8], String, Int128, Int128)] {
        var out: [([UInt8], String, Int128, Int128)] = []
        for event in receipt.events where event.name == "Paid" {
            let module = try #require(try chain.chain.module(id: event.moduleID))
            let fields = try #require(Chain.fields(of: event, in: module))
            guard case .address(let to) = fields[1].value, case .string(let role) = fields[2].value,
                case .int(let weight) = fields[4].value, case .int(let amount) = fields[5].value
            else {
                Issue.record("Paid has unexpected fields")
                return []
            }
            out.append((to, role, weight, amount))
        }
        return out
    }

    @Test func governanceUpgradesTheRoyaltyRule() throws {
        let names = ["alice", "oracle", "owner", "ann", "ben", "bob", "carol", "mallory"]
        let chain = try LocalChain(accounts: names, startBalance: 1_000_000_000)
        let governance = try Self.module("Contracts/governance.dn")
        let v1 = try Self.module("Examples/rule_upgrade/royalty_v1.dn")
        let v2 = try Self.module("Examples/rule_upgrade/royalty_v2.dn")
        let v2Bytes = ModuleCodec.encode(v2)

        // Quorum 100, approval 50%, votes for 3 blocks, then 2 blocks of timelock.
        let gov = try Self.created(chain.deploy(
            governance, args: [.int(100), .int(5_000), .int(3), .int(2)], from: "alice"))
        let royalty = try Self.created(chain.deploy(
            v1, args: [.address(gov), .address(try chain.address(of: "oracle"))], from: "alice", authority: gov))
        #expect(try chain.chain.contract(royalty)?.authority == gov)

        let first = SHA256.hash(Array("ann's corrections".utf8))
        let second = SHA256.hash(Array("ben's corrections".utf8))
        _ = try Self.value(chain, chain.call(royalty, "contribute", args: [.hash(first)], from: "ann"))
        _ = try Self.value(chain, chain.call(royalty, "contribute", args: [.hash(second)], from: "ben"))
        _ = try Self.value(chain, chain.call(royalty, "rate", args: [.hash(second), .int(300)], from: "oracle"))
        let model = try Self.value(chain, chain.call(royalty, "register_model", args: [.int(7)], from: "owner"))
        #expect(model == .int(1))

        let usage: [Value] = [.int(1), .list([.hash(first), .hash(second)]), .list([.int(1), .int(3)])]
        let ann = try chain.address(of: "ann"), ben = try chain.address(of: "ben")
        let owner = try chain.address(of: "owner")

        // v1: owner 20%, treasury 10%, the 700 left pro rata 1:3.
        let before = try chain.call(royalty, "record_usage", args: usage, from: "oracle", value: 1_000).get()
        #expect(before.status == .success, "\(before.revertMessage)")
        let v1Paid = try Self.paid(chain, before)
        #expect(v1Paid.map(\.3) == [175, 525, 200, 100])
        #expect(v1Paid.map(\.1) == ["contributor", "contributor", "model_owner", "treasury"])
        #expect(v1Paid.map(\.0) == [ann, ben, owner, gov])
        #expect(try chain.balance(of: gov) == 100)

        // Without governance the upgrade is refused, naming the authority.
        let direct = try chain.submit(
            .upgrade(contract: royalty, module: v2Bytes, policy: .compatible), from: "mallory")
        #expect(direct.rejection == .unauthorized(authority: gov))
        #expect(direct.rejection.map { "\($0)" }?.contains("only the upgrade authority") == true)

        // Propose, vote, wait out the vote and the timelock, execute.
        _ = try Self.value(chain, chain.call(gov, "lock", args: [], from: "bob", value: 500))
        let id = try Self.value(chain, chain.call(
            gov, "propose_upgrade", args: [.address(royalty), .bytes(v2Bytes), .string("quality-boosted v2")],
            from: "bob"))
        #expect(id == .int(1))
        #expect(try Self.value(chain, chain.call(gov, "proposal_code_hash", args: [.int(1)], from: "alice"))
            == .hash(ModuleCodec.id(of: v2Bytes)))
        _ = try Self.value(chain, chain.call(gov, "vote", args: [.int(1), .bool(true)], from: "bob"))
        // Approved by the vote but not executed yet: still refused.
        let early = try chain.submit(.upgrade(contract: royalty, module: v2Bytes, policy: .compatible), from: "carol")
        #expect(early.rejection == .unauthorized(authority: gov))
        let tooSoon = try chain.call(gov, "execute", args: [.int(1)], from: "carol").get()
        #expect(tooSoon.revertMessage == "voting has not ended")
        try chain.advance(blocks: 5)
        _ = try Self.value(chain, chain.call(gov, "execute", args: [.int(1)], from: "carol"))

        // Anyone may now install exactly the approved module; a different one is still refused.
        let other = try chain.submit(
            .upgrade(contract: royalty, module: ModuleCodec.encode(v1), policy: .compatible), from: "carol")
        #expect(other.rejection == .unauthorized(authority: gov))
        let installed = try chain.submit(
            .upgrade(contract: royalty, module: v2Bytes, policy: .compatible), from: "carol").get()
        #expect(installed.status == .success, "\(installed.revertMessage)")
        #expect(installed.function == "migrate")

        let history = try chain.chain.history(royalty)
        #expect(history.map(\.version) == [1, 2])
        #expect(history.map(\.codeID) == [ModuleCodec.id(of: ModuleCodec.encode(v1)), ModuleCodec.id(of: v2Bytes)])
        #expect(try Self.int(chain, royalty, "param", [.string("min_payout")]) == 10)
        let rule = try Self.value(chain, chain.call(royalty, "rule", args: [], from: "alice"))
        #expect(rule == .string("quality-boosted v2 (minimum payout)"))

        // v2 pays the same usage differently: 10 each first, then 680 by weight x quality (100 : 900).
        let after = try chain.call(royalty, "record_usage", args: usage, from: "oracle", value: 1_000).get()
        #expect(after.status == .success, "\(after.revertMessage)")
        let v2Paid = try Self.paid(chain, after)
        #expect(v2Paid.map(\.3) == [78, 622, 200, 100])
        #expect(v2Paid.map(\.2) == [100, 900, 0, 0])
        #expect(v2Paid.map(\.3).reduce(0, +) == 1_000)

        // State survived the upgrade: owed balances accumulate across versions, contributions and counters stay.
        #expect(try Self.int(chain, royalty, "owed", [.address(ann)]) == 175 + 78)
        #expect(try Self.int(chain, royalty, "owed", [.address(ben)]) == 525 + 622)
        #expect(try Self.int(chain, royalty, "owed", [.address(owner)]) == 400)
        #expect(try Self.int(chain, royalty, "usages", []) == 2)
        let usageEvent = try #require(after.events.first { $0.name == "Usage" })
        let usageModule = try #require(try chain.chain.module(id: usageEvent.moduleID))
        let usageFields = try #require(Chain.fields(of: usageEvent, in: usageModule))
        #expect(usageFields.map(\.name) == ["usage", "model", "datanet", "fee", "rule_version"])
        #expect(usageFields.map(\.value) == [.int(2), .int(1), .int(7), .int(1_000), .int(2)])
        let withdrawn = try Self.value(chain, chain.call(royalty, "withdraw", args: [], from: "ben"))
        #expect(withdrawn == .int(1_147))
        #expect(try chain.balance(of: ben) == 1_000_000_000 + 1_147)

        // The history, upgrade included, replays to the same state root.
        #expect(try chain.chain.replay(into: MemoryStore()) == chain.chain.store.height)
    }
}

extension Result {
    /// The failure, if any.
    var rejection: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
