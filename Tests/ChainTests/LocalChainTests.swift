import Bytecode
import Chain
import Foundation
import Testing

@Suite struct LocalChainTests {
    @Test func testsRunOnALocalChainWithFreeGas() throws {
        let local = try LocalChain(accounts: ["alice", "bob", "alice"], startBalance: 1_000)
        #expect(local.names == ["alice", "bob"])
        let module = try Assembler.assemble(
            String(contentsOf: fixtures.appendingPathComponent("counter.dna"), encoding: .utf8))
        let deployed = try local.deploy(module, args: [.int(2)], from: "alice").get()
        let counter = deployed.contract
        let receipt = try local.call(counter, "bump", args: [.int(3)], from: "bob").get()
        #expect(try local.results(of: receipt) == [.int(5)])
        #expect(receipt.gasUsed > 0)
        #expect(try local.balance(of: try local.address(of: "bob")) == 1_000)
        _ = try local.send(from: "alice", to: counter, amount: 100).get()
        #expect(try local.balance(of: counter) == 100)
        let before = local.chain.store.height
        try local.advance(blocks: 3)
        #expect(local.chain.store.height == before + 3)
        let reverted = try local.call(counter, "set_then_fail", args: [.int(9)], from: "alice").get()
        #expect(reverted.revertMessage == "nope")
    }

    @Test func aSnapshotUndoesEverythingAfterIt() throws {
        let local = try LocalChain(accounts: ["alice", "bob"], startBalance: 1_000)
        let module = try Assembler.assemble(
            String(contentsOf: fixtures.appendingPathComponent("counter.dna"), encoding: .utf8))
        let counter = try local.deploy(module, args: [.int(1)], from: "alice").get().contract
        let snapshot = local.snapshot()
        let root = local.chain.store.stateRoot
        _ = try local.call(counter, "bump", args: [.int(5)], from: "bob").get()
        _ = try local.send(from: "alice", to: try local.address(of: "bob"), amount: 10).get()
        #expect(local.chain.store.stateRoot != root)
        local.restore(snapshot)
        #expect(local.chain.store.stateRoot == root)
        #expect(try local.balance(of: try local.address(of: "bob")) == 1_000)
        let again = try local.call(counter, "bump", args: [.int(2)], from: "bob").get()
        #expect(try local.results(of: again) == [.int(3)])
        local.restore(snapshot)
        #expect(local.chain.store.height == 1)
    }
}
