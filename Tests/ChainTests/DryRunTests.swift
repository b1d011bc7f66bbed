import Bytecode
import Chain
import Crypto
import Foundation
import StateStore
import Testing

/// `Chain.simulate(_:)`: a sequence of transactions run on one discarded overlay of the latest state, each seeing
/// the ones before; an upgrade runs without its authority's approval; nothing is written.
@Suite struct DryRunTests {
    @Test func aSequenceSeesItsOwnWritesAndLeavesNothingBehind() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(5)])
        let root = t.store.stateRoot
        let height = t.store.height
        let bump = Transaction.Payload.call(
            contract: counter, function: "bump", args: try t.encode(counter, "bump", [.int(3)]), value: 0)
        let results = try t.chain.simulate([
            Chain.Step(bump, from: try t.address("bob")), Chain.Step(bump, from: try t.address("carol")),
        ])
        let receipts = try results.map { try $0.get() }
        #expect(receipts.map(\.status) == [.success, .success])
        #expect(receipts[1].events.count == 1)
        #expect(try t.chain.fields(of: receipts[1].events[0])?.map(\.value)
            == [.address(try t.address("carol")), .int(11)])
        #expect(t.store.stateRoot == root)
        #expect(t.store.height == height)
        #expect(try t.queryInt(counter, "get") == 5)
        #expect(try t.chain.account(try t.address("bob")).nonce == 0)
    }

    @Test func anUpgradeRunsWithoutApprovalAndTheCallsSeeTheNewCode() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(5)])
        let root = t.store.stateRoot
        let v2 = try moduleBytes("counter_v2")
        let bump = Transaction.Payload.call(
            contract: counter, function: "bump", args: try t.encode(counter, "bump", [.int(3)]), value: 0)
        let stranger = try t.address("bob")
        // A real upgrade by bob is refused: alice is the authority.
        #expect(try t.submit(try t.sign("bob", .upgrade(contract: counter, module: v2, policy: .compatible),
            gasLimit: 10_000_000)).rejection == .unauthorized(authority: try t.address("alice")))
        let results = try t.chain.simulate([
            Chain.Step(.upgrade(contract: counter, module: v2, policy: .compatible), from: stranger),
            Chain.Step(bump, from: stranger),
        ])
        let upgrade = try results[0].get()
        #expect(upgrade.status == .success)
        #expect(upgrade.function == "upgrade_from")
        #expect(upgrade.moduleID == ModuleCodec.id(of: v2))
        let called = try results[1].get()
        #expect(called.moduleID == ModuleCodec.id(of: v2))
        #expect(t.store.stateRoot == root)
        #expect(try t.chain.contract(counter)?.version == 1)
        // The other checks of an upgrade still apply: an incompatible schema is rejected.
        let bad = try t.chain.simulate([
            Chain.Step(.upgrade(contract: counter, module: try moduleBytes("counter_bad_schema"),
                policy: .compatible), from: stranger),
        ])
        guard case .failure(.incompatibleSchema) = bad[0] else {
            Issue.record("expected an incompatible schema, got \(bad[0])")
            return
        }
    }

    @Test func theValueSentIsCreditedToTheSenderFirst() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(0)])
        let pauper = SHA256.hash(Array("an account with nothing".utf8))
        let deposit = Transaction.Payload.call(contract: counter, function: "deposit", args: [], value: 5_000)
        let results = try t.chain.simulate([Chain.Step(deposit, from: pauper)])
        #expect(try results[0].get().status == .success)
        #expect(try t.chain.account(pauper).balance == 0)
        #expect(try t.chain.account(counter).balance == 0)
        let transfer = try t.chain.simulate([Chain.Step(.transfer(to: counter, amount: 7), from: pauper)])
        #expect(try transfer[0].get().status == .success)
        #expect(try t.chain.account(counter).balance == 0)
    }
}
