import Bytecode
import Chain
import Testing

@Suite struct CallTests {
    @Test func nestedCallsReachOtherContracts() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(1)])
        let relay = try t.deploy("relay")
        let receipt = try t.call(relay, "call_bump", [.address(counter), .int(4)])
        #expect(receipt.status == .success)
        #expect(try t.results(receipt) == [.int(5)])
        // The event names the contract that emitted it and the relay as the caller.
        #expect(receipt.events.map(\.contract) == [counter])
    }

    @Test func aCaughtRevertUndoesOnlyTheCalleesWrites() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(1)])
        let relay = try t.deploy("relay")
        let receipt = try t.call(relay, "try_fail", [.address(counter)])
        #expect(receipt.status == .success)
        #expect(try t.results(receipt) == [.int(1)])
        #expect(try t.queryInt(counter, "get") == 1)
        #expect(try t.queryInt(relay, "get_mark") == 1)
    }

    @Test func anUncaughtRevertUndoesTheWholeCall() throws {
        let t = try TestChain()
        let counter = try t.deploy("counter", args: [.int(1)])
        let relay = try t.deploy("relay")
        let receipt = try t.call(relay, "fail_through", [.address(counter)])
        #expect(receipt.status == .reverted)
        #expect(receipt.revertMessage == "nope")
        #expect(try t.queryInt(counter, "get") == 1)
        #expect(try t.queryInt(relay, "get_mark") == 0)
    }

    @Test func reentranceRevertsWithReentrantCall() throws {
        let t = try TestChain()
        let a = try t.deploy("relay")
        let b = try t.deploy("relay")
        let once = try t.call(a, "relay", [.address(b), .int(1)])
        #expect(once.status == .success)
        #expect(try t.queryInt(a, "get_mark") == 1)
        #expect(try t.queryInt(b, "get_mark") == 1)
        let back = try t.call(a, "relay", [.address(b), .int(2)])
        #expect(back.status == .reverted)
        #expect(back.revertMessage == "reentrant call")
        #expect(try t.queryInt(a, "get_mark") == 1)
        #expect(try t.queryInt(b, "get_mark") == 1)
    }

    @Test func aCallToNoContractReverts() throws {
        let t = try TestChain()
        let relay = try t.deploy("relay")
        let receipt = try t.call(relay, "call_bump", [.address(try t.address("bob")), .int(1)])
        #expect(receipt.status == .reverted)
        #expect(receipt.revertMessage.hasPrefix("no contract at 0x"))
    }
}

@Suite struct NestingTests {
    /// Deploys `count` distinct `nest` contracts.
    func links(_ t: TestChain, _ count: Int) throws -> [[UInt8]] {
        try (0..<count).map { _ in try t.deploy("nest") }
    }

    @Test(arguments: 0..<6)
    func aRevertAtEachDepthUndoesThatLevelAndBelowOnly(failAt: Int) throws {
        let t = try TestChain()
        let chain = try links(t, 5)
        let targets = Value.list(chain.map { .address($0) })
        let receipt = try t.call(chain[0], "step", [targets, .int(0), .int(Int128(failAt))])
        #expect(receipt.status == (failAt == 0 ? .reverted : .success))
        for (depth, link) in chain.enumerated() {
            #expect(try t.queryInt(link, "get_mark") == (depth < failAt ? 1 : 0), "depth \(depth)")
        }
    }

    @Test func theContractCallDepthIsLimited() throws {
        let t = try TestChain()
        let chain = try links(t, 66)
        let within = Value.list(chain.prefix(64).map { .address($0) })
        let ok = try t.call(chain[0], "step_strict", [within, .int(0), .int(-1)], gasLimit: 100_000_000)
        #expect(ok.status == .success)
        #expect(try t.queryInt(chain[63], "get_mark") == 1)
        let beyond = Value.list(chain.map { .address($0) })
        let deep = try t.call(chain[0], "step_strict", [beyond, .int(0), .int(-1)], gasLimit: 100_000_000)
        #expect(deep.status == .reverted)
        #expect(deep.revertMessage == "call depth exceeded")
        #expect(try t.queryInt(chain[64], "get_mark") == 0)
    }
}
