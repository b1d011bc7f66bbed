import Bytecode
import Chain
import Crypto
import StateStore
import Testing
import VM

@Suite struct TransactionTests {
    @Test func transferMovesTokensAdvancesTheNonceAndBurnsTheFee() throws {
        let t = try TestChain()
        let bob = try t.address("bob")
        let receipt = try t.run("alice", .transfer(to: bob, amount: 500), gasPrice: 2)
        #expect(receipt.status == .success)
        #expect(receipt.gasUsed == IntrinsicGas.base)
        #expect(try t.balance("bob") == TestChain.startBalance + 500)
        #expect(try t.balance("alice") == TestChain.startBalance - 500 - 2 * Int128(IntrinsicGas.base))
        #expect(try t.chain.account(try t.address("alice")).nonce == 1)
        #expect(t.store.height == 1)
        try t.run("alice", .transfer(to: bob, amount: 1))
        #expect(try t.chain.account(try t.address("alice")).nonce == 2)
    }

    @Test func transfersToSelfOrOfNothingPayOnlyTheFee() throws {
        let t = try TestChain()
        let alice = try t.address("alice")
        let receipt = try t.run("alice", .transfer(to: alice, amount: 300), gasPrice: 3)
        #expect(receipt.status == .success)
        #expect(try t.balance("alice") == TestChain.startBalance - 3 * Int128(IntrinsicGas.base))
        #expect(try t.chain.account(alice).nonce == 1)
        let fresh = SHA256.hash([7])
        try t.run("alice", .transfer(to: fresh, amount: 0), gasPrice: 1)
        #expect(try t.chain.account(fresh) == Account())
        #expect(try t.balance("alice") == TestChain.startBalance - 4 * Int128(IntrinsicGas.base))
        #expect(try t.chain.account(alice).nonce == 2)
        try t.run("alice", .transfer(to: fresh, amount: 5), gasPrice: 0)
        #expect(try t.chain.account(fresh) == Account(balance: 5))
        #expect(try t.balance("alice") == TestChain.startBalance - 4 * Int128(IntrinsicGas.base) - 5)
        #expect(try t.chain.account(alice).nonce == 3)
    }

    @Test func transactionsRoundTripThroughTheirEncoding() throws {
        let t = try TestChain()
        let payloads: [Transaction.Payload] = [
            .transfer(to: try t.address("bob"), amount: 7),
            .deploy(module: [1, 2, 3], args: [4], authority: try t.address("alice"), policy: .additive),
            .call(contract: try t.address("carol"), function: "f", args: [9], value: 3),
            .upgrade(contract: try t.address("carol"), module: [5], policy: .immutable),
        ]
        for payload in payloads {
            let signed = try t.sign("alice", payload)
            let decoded = try SignedTransaction(decoding: signed.encoded)
            #expect(decoded == signed)
            #expect(decoded.hasValidSignature)
            #expect(throws: ChainError.self) { try SignedTransaction(decoding: signed.encoded + [0]) }
            #expect(throws: ChainError.self) { try SignedTransaction(decoding: Array(signed.encoded.dropLast())) }
        }
    }

    @Test func everyRejectionLeavesTheStateUntouched() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(5)])
        let bob = try t.address("bob")
        let before = (t.store.stateRoot, t.store.height, try t.balance("alice"))
        var bad = try t.sign("alice", .transfer(to: bob, amount: 1))
        bad.signature[0] ^= 1
        let module = try moduleBytes("counter")
        let cases: [(SignedTransaction, (Rejection) -> Bool)] = [
            (bad, { $0 == .badSignature }),
            (try t.sign("alice", .transfer(to: bob, amount: 1), nonce: 7), {
                $0 == .wrongNonce(expected: 1, got: 7)
            }),
            (try t.sign("alice", .transfer(to: bob, amount: 1), gasLimit: 10), {
                $0 == .gasLimitTooLow(required: IntrinsicGas.base, given: 10)
            }),
            (try t.sign("alice", .transfer(to: bob, amount: TestChain.startBalance)), {
                if case .insufficientBalance = $0 { return true } else { return false }
            }),
            (try t.sign("alice", .call(contract: bob, function: "bump", args: [], value: 0)), {
                $0 == .unknownContract(bob)
            }),
            (try t.sign("alice", .call(contract: counter, function: "bumpp", args: [], value: 0)), {
                if case .unknownFunction(let m) = $0 { return m.contains("no function 'bumpp'") } else { return false }
            }),
            (try t.sign("alice", .call(contract: counter, function: "setup", args: [0], value: 0)), {
                if case .unknownFunction(let m) = $0 { return m.contains("is init") } else { return false }
            }),
            (try t.sign("alice", .call(contract: counter, function: "bump", args: [], value: 0)), {
                if case .badArguments(let m) = $0 { return m.hasPrefix("'bump' takes 1 argument: ") } else { return false }
            }),
            (try t.sign("alice", .call(contract: counter, function: "get", args: [], value: 5)), {
                if case .badArguments(let m) = $0 { return m.contains("cannot receive value") } else { return false }
            }),
            (try t.sign("alice", .deploy(module: [1, 2, 3], args: [], authority: bob, policy: .compatible)), {
                if case .malformedModule = $0 { return true } else { return false }
            }),
            (try t.sign("alice", .deploy(module: module, args: [0xff], authority: bob, policy: .compatible)), {
                if case .badArguments = $0 { return true } else { return false }
            }),
            (try t.sign("alice", .deploy(
                module: ModuleCodec.encode(try unverifiable()), args: [], authority: bob, policy: .compatible)), {
                if case .unverifiableModule = $0 { return true } else { return false }
            }),
        ]
        for (tx, matches) in cases {
            let result = try t.submit(tx)
            guard case .failure(let reason) = result else {
                Issue.record("accepted: \(tx.transaction.payload.kindName)")
                continue
            }
            #expect(matches(reason), "unexpected rejection: \(reason)")
            #expect(t.store.stateRoot == before.0)
            #expect(t.store.height == before.1)
            #expect(try t.balance("alice") == before.2)
        }
    }

    @Test func gasUsedTimesPriceIsCharged() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(1)])
        let start = try t.balance("alice")
        let receipt = try t.run(
            "alice",
            .call(contract: counter, function: "bump", args: try t.encode(counter, "bump", [.int(2)]), value: 0),
            gasPrice: 3)
        #expect(receipt.status == .success)
        #expect(try t.results(receipt) == [.int(3)])
        #expect(try t.balance("alice") == start - 3 * Int128(receipt.gasUsed))
    }

    @Test func valueMovesWithTheCallAndBackOnRevert() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(1)])
        let receipt = try t.call(counter, "deposit", value: 250)
        #expect(try t.results(receipt) == [.int(250)])
        #expect(try t.chain.account(counter).balance == 250)
        let failed = try t.call(counter, "set_then_fail", [.int(3)], value: 100)
        #expect(failed.status == .reverted)
        #expect(failed.revertPosition == "counter.dn:21:5")
        #expect(failed.revertLocation.hasPrefix("set_then_fail+"))
        #expect(try t.chain.account(counter).balance == 250)
        let paid = try t.call(counter, "pay", [.address(try t.address("carol")), .int(50)])
        #expect(paid.status == .success)
        #expect(try t.balance("carol") == TestChain.startBalance + 50)
        let overdrawn = try t.call(counter, "pay", [.address(try t.address("carol")), .int(1_000)])
        #expect(overdrawn.revertMessage == "insufficient balance")
    }

    @Test func outOfGasConsumesTheLimitAndReverts() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(1)])
        let start = try t.balance("alice")
        let receipt = try t.call(counter, "spin", gasLimit: 50_000)
        #expect(receipt.status == .reverted)
        #expect(receipt.revertMessage == "out of gas")
        #expect(receipt.gasUsed == 50_000)
        #expect(try t.balance("alice") == start - 50_000)
        #expect(try t.queryInt(counter, "get") == 1)
    }

    @Test func eventsCarryContractNameAndTypedFields() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(10)])
        let receipt = try t.call(counter, "bump", [.int(5)], from: "bob")
        #expect(receipt.events.count == 1)
        let event = try #require(receipt.events.first)
        #expect(event.contract == counter)
        #expect(event.name == "Bumped")
        let module = try #require(try t.chain.module(id: event.moduleID))
        let decl = try #require(module.events.first { $0.name == "Bumped" })
        let values = try ValueCodec.decodeSequence(
            event.data, as: decl.fields.map { module.types[Int($0.type)] }, in: module)
        #expect(values == [.address(try t.address("bob")), .int(15)])
        let reverted = try t.call(counter, "set_then_fail", [.int(1)])
        #expect(reverted.events.isEmpty)
    }

    @Test func queriesReadWithoutWriting() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(42)])
        let root = t.store.stateRoot
        #expect(try t.queryInt(counter, "get") == 42)
        let write = try t.chain.query(counter, function: "bump", args: [.int(1)])
        #expect(write.outcome.failureMessage == "state write in a view call")
        #expect(t.store.stateRoot == root)
    }

    @Test func receiptsAndTransactionsAreFoundByHash() throws {
        let t = try TestChain()
        let tx = try t.sign("alice", .transfer(to: try t.address("bob"), amount: 3))
        _ = try t.submit(tx)
        let found = try #require(try t.chain.transaction(tx.hash))
        #expect(found.block.header.height == 1)
        #expect(found.index == 0)
        #expect(found.transaction == tx)
        #expect(found.receipt.status == .success)
    }

    /// A module that decodes but does not verify: `ret` with nothing on the stack for an Int result.
    func unverifiable() throws -> Module {
        try Assembler.assemble(".module bad\n.fn public f() -> int\n    .maxstack 1\n    ret\n")
    }
}

extension Result where Failure == Trap {
    var failureMessage: String? {
        if case .failure(let trap) = self { return trap.message }
        return nil
    }
}
