import Bytecode
import Chain
import Testing

@Suite struct UpgradeTests {
    func upgrade(
        _ t: TestChain, _ contract: [UInt8], _ name: String, from: String = "alice",
        policy: UpgradePolicy = .compatible
    ) throws -> Result<Receipt, Rejection> {
        try t.submit(try t.sign(
            from, .upgrade(contract: contract, module: try moduleBytes(name), policy: policy), gasLimit: 10_000_000))
    }

    @Test func anUpgradeKeepsAddressAndStateAndRunsMigrate() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(7)])
        let receipt = try upgrade(t, counter, "counter_v2").get()
        #expect(receipt.status == .success)
        #expect(receipt.function == "upgrade_from")
        #expect(try t.queryInt(counter, "get") == 7)
        #expect(try t.queryInt(counter, "get_extra") == 100)
        let bumped = try t.call(counter, "bump", [.int(1)])
        #expect(try t.results(bumped) == [.int(1_008)])
        let history = try t.chain.history(counter)
        #expect(history.map(\.version) == [1, 2])
        #expect(history.map(\.height) == [1, 2])
        #expect(history.allSatisfy { $0.by == (try? t.address("alice")) })
        #expect(try t.chain.contract(counter)?.version == 2)
    }

    @Test func anIncompatibleSchemaIsRejectedNamingTheField() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(7)])
        let root = t.store.stateRoot
        guard case .failure(.incompatibleSchema(let message)) = try upgrade(t, counter, "counter_bad_schema") else {
            Issue.record("not rejected")
            return
        }
        #expect(message == "state variable 'owner' changes type from Address to String")
        #expect(t.store.stateRoot == root)
    }

    @Test func onlyTheAuthorityMayUpgrade() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(7)])
        let result = try upgrade(t, counter, "counter_v2", from: "bob")
        #expect(result.rejection == .unauthorized(authority: try t.address("alice")))
    }

    @Test func policiesOnlyGetStricter() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(7)], policy: .additive)
        guard case .failure(.policyViolation(let loosen)) = try upgrade(t, counter, "counter_v2", policy: .compatible)
        else {
            Issue.record("loosening accepted")
            return
        }
        #expect(loosen.contains("only get stricter"))
        guard case .failure(.incompatibleSchema(let dropped)) = try upgrade(
            t, counter, "counter_drops_bump", policy: .additive)
        else {
            Issue.record("dropping a function accepted under 'additive'")
            return
        }
        #expect(dropped.contains("function 'bump' is removed"))
        #expect(try upgrade(t, counter, "counter_v2", policy: .immutable).get().status == .success)
        guard case .failure(.policyViolation(let frozen)) = try upgrade(t, counter, "counter_v2", policy: .immutable)
        else {
            Issue.record("immutable contract upgraded")
            return
        }
        #expect(frozen == "the contract is immutable")
    }

    @Test func compatibleAllowsDroppingFunctions() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(7)])
        #expect(try upgrade(t, counter, "counter_drops_bump").get().status == .success)
        let result = try t.submit(try t.sign(
            "alice", .call(contract: counter, function: "bump", args: try t.encode(counter, "bump", []), value: 0)))
        guard case .failure(.unknownFunction) = result else {
            Issue.record("bump still callable")
            return
        }
    }

    @Test func aRevertingMigrateAbortsTheUpgrade() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(7)])
        let receipt = try upgrade(t, counter, "counter_migrate_fails").get()
        #expect(receipt.status == .reverted)
        #expect(receipt.revertMessage == "migration refused")
        #expect(try t.chain.contract(counter)?.version == 1)
        #expect(try t.chain.history(counter).count == 1)
        #expect(try t.queryInt(counter, "get") == 7)
    }
}

extension Result {
    var rejection: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}

@Suite struct GovernanceTests {
    @Test func aContractAuthorityApprovesUpgrades() throws {
        let t = try TestChain()
        let governance = try t.deploy("governance", from: "carol")
        let bytes = try moduleBytes("counter")
        let module = try ModuleCodec.decode(bytes)
        let args = try ValueCodec.encodeSequence(
            [.int(7)], as: [module.types[Int(module.functions[0].params[0])]], in: module)
        let deployed = try t.run(
            "alice", .deploy(module: bytes, args: args, authority: governance, policy: .compatible),
            gasLimit: 10_000_000)
        let counter = deployed.contract
        let v2 = try moduleBytes("counter_v2")
        let upgrade = Transaction.Payload.upgrade(contract: counter, module: v2, policy: .compatible)
        #expect(try t.submit(try t.sign("bob", upgrade, gasLimit: 10_000_000)).rejection
            == .unauthorized(authority: governance))
        let denied = try t.call(governance, "approve", [.hash(ModuleCodec.id(of: v2))], from: "bob")
        #expect(denied.revertMessage == "only the owner approves")
        let approved = try t.call(governance, "approve", [.hash(ModuleCodec.id(of: v2))], from: "carol")
        #expect(approved.status == .success)
        let receipt = try t.submit(try t.sign("bob", upgrade, gasLimit: 10_000_000)).get()
        #expect(receipt.status == .success)
        #expect(try t.chain.contract(counter)?.version == 2)
        #expect(try t.chain.history(counter).last?.by == t.address("bob"))
        // Another module is not approved.
        let other = Transaction.Payload.upgrade(
            contract: counter, module: try moduleBytes("counter_drops_bump"), policy: .compatible)
        #expect(try t.submit(try t.sign("bob", other, gasLimit: 10_000_000)).rejection
            == .unauthorized(authority: governance))
    }
}
