import Bytecode
import Testing
@testable import VM

// The world through the host: call context, balances, transfers, events and cross-contract calls.

private func context() -> CallContext {
    CallContext(caller: address(0xCA), origin: address(0x0A), selfAddress: address(0x5E), value: 77,
                blockHeight: 1234, blockTime: 1_700_000_000)
}

@Test func contextOpcodesReadTheCallContext() throws {
    let r = try run(fn("(address, address, address, int, int, int)", """
            caller
            origin
            self
            value
            block_height
            block_time
        """), host: MemoryHost(context: context()))
    #expect(r.values == [
        .address(address(0xCA)), .address(address(0x0A)), .address(address(0x5E)), .int(77), .int(1234),
        .int(1_700_000_000),
    ])
}

@Test func gasLeftIsWhatRemainsAfterItsOwnCost() throws {
    let source = fn("int", "    push_int 1\n    pop\n    gas_left")
    let limit: Int64 = 1000
    let r = try run(source, gas: limit)
    let before = Int64(Opcode.pushInt.info.gas + Opcode.pop.info.gas + Opcode.gasLeft.info.gas)
    #expect(r.values == [.int(Int128(limit - before))])
    #expect(r.gas == (try baseGas(source)))
}

private let bank = """
    .fn public balanceOf(a: address) -> int
        local_get a
        balance
        ret
    .fn public pay(to: address, amount: int)
        local_get to
        local_get amount
        transfer
        ret
    """

@Test func balanceReadsTheHostsBalances() throws {
    var host = MemoryHost(context: context())
    host.balances[address(3)] = 500
    #expect(try run(bank, "balanceOf", [.address(address(3))], host: host).values == [.int(500)])
    #expect(try run(bank, "balanceOf", [.address(address(4))], host: host).values == [.int(0)])
}

@Test func transferMovesTokensFromTheContract() throws {
    var host = MemoryHost(context: context())
    host.balances[address(0x5E)] = 100
    let r = try run(bank, "pay", [.address(address(9)), .int(60)], host: host)
    #expect(r.values == [])
    #expect(r.host.balances[address(0x5E)] == 40)
    #expect(r.host.balances[address(9)] == 60)
}

@Test func transferTrapsOnInsufficientBalanceNegativeAmountsAndReadOnlyCalls() throws {
    var host = MemoryHost(context: context())
    host.balances[address(0x5E)] = 100
    #expect(try run(bank, "pay", [.address(address(9)), .int(101)], host: host).reason == .insufficientBalance)
    #expect(try run(bank, "pay", [.address(address(9)), .int(-1)], host: host).reason == .revert("negative transfer"))
    let view = try run(bank, "pay", [.address(address(9)), .int(1)], host: host, readOnly: true)
    #expect(view.reason == .writeInView)
    #expect(view.host.balances[address(0x5E)] == 100)
    #expect(try run(bank, "pay", [.address(address(9)), .int(100)], host: host).reason == nil)
}

@Test func emitRecordsTypedValuesAndChargesPerByte() throws {
    let source = """
        .event Paid(to: address, amount: int, memo: string)
        .event Ping()
        .fn public f(to: address)
            local_get to
            push_int 300
            push_const "thanks"
            emit Paid
            emit Ping
            ret
        """
    let r = try run(source, "f", [.address(address(4))])
    #expect(r.host.events.map(\.name) == ["Paid", "Ping"])
    #expect(r.host.events.first?.values == [.address(address(4)), .int(300), .string("thanks")])
    #expect(r.host.events.last?.values == [])
    // Logged bytes: 32 (address) + 1 + 2 (int 300) + 1 + 6 (string) = 42, at perByteLogged each.
    let allocations = Int64(Arena.blobWords(32) + Arena.blobWords(6)) * GasSchedule.perWordAllocated
    #expect(r.gas == (try baseGas(source)) + allocations + 42 * GasSchedule.perByteLogged)
    #expect(try run(source, "f", [.address(address(4))], readOnly: true).reason == .writeInView)
}

// MARK: - cross-contract calls

private let caller = """
    .extern quote(int, string) -> (int, string)
    .extern view peek(int) -> int
    .fn public callQuote(target: address, v: int, n: int) -> (int, string)
        local_get target
        local_get v
        local_get n
        push_const "q"
        call_ext quote
        ret
    .fn public tryQuote(target: address, n: int) -> (int, string, bool)
        local_get target
        push_int 0
        local_get n
        push_const "q"
        try_call_ext quote
        ret
    .fn view callPeek(target: address, v: int) -> int
        local_get target
        local_get v
        push_int 5
        call_ext peek
        ret
    """

@Test func callExtPassesArgumentsAndValueAndReturnsResults() throws {
    var host = MemoryHost(context: context())
    host.onCall = { contract, function, args, value in
        guard contract == address(8), function == "quote", args == [.int(21), .string("q")], value == 3 else {
            return .reverted("unexpected call", gasUsed: 0)
        }
        return .returned([.int(42), .string("ok")], gasUsed: 250)
    }
    let r = try run(caller, "callQuote", [.address(address(8)), .int(3), .int(21)], host: host)
    #expect(r.values == [.int(42), .string("ok")])
    // Arguments encode to 1 + 1 (int 21) + 1 + 1 (string "q") = 4 bytes; the callee's 250 gas is charged.
    let words = Arena.blobWords(32) + Arena.blobWords(1) + Arena.blobWords(2)
    let allocations = Int64(words) * GasSchedule.perWordAllocated
    let base = try baseGas(caller, function: "callQuote")
    #expect(r.gas == base + allocations + 4 * GasSchedule.perByteCalled + 250)
}

@Test func callExtPropagatesTheCalleesRevertMessage() throws {
    var host = MemoryHost(context: context())
    host.onCall = { _, _, _, _ in .reverted("price too low", gasUsed: 10) }
    let r = try run(caller, "callQuote", [.address(address(8)), .int(0), .int(1)], host: host)
    #expect(r.reason == .revert("price too low"))
    #expect(r.result.trap?.function == "callQuote")
}

@Test func tryCallExtYieldsResultsAndTrueOrZeroResultsAndFalse() throws {
    var host = MemoryHost(context: context())
    host.onCall = { _, _, args, _ in
        args.first == .int(1) ? .returned([.int(9), .string("yes")], gasUsed: 0) : .reverted("no", gasUsed: 0)
    }
    #expect(try run(caller, "tryQuote", [.address(address(8)), .int(1)], host: host).values
        == [.int(9), .string("yes"), .bool(true)])
    #expect(try run(caller, "tryQuote", [.address(address(8)), .int(2)], host: host).values
        == [.int(0), .string(""), .bool(false)])
}

@Test func callExtTrapsWhenTheHostReturnsTheWrongShape() throws {
    var host = MemoryHost(context: context())
    host.onCall = { _, _, _, _ in .returned([.int(1)], gasUsed: 0) }
    #expect(try run(caller, "callQuote", [.address(address(8)), .int(0), .int(1)], host: host).reason
        == .invalidValue("wrong number of results"))
    host.onCall = { _, _, _, _ in .returned([.string("x"), .string("y")], gasUsed: 0) }
    let r = try run(caller, "tryQuote", [.address(address(8)), .int(1)], host: host)
    #expect(r.reason.map { if case .invalidValue = $0 { true } else { false } } == true)
}

@Test func callExtChargesTheCalleesGasAndRunsOutWhenItExceedsTheLimit() throws {
    var host = MemoryHost(context: context())
    host.onCall = { _, _, _, _ in .returned([.int(1), .string("")], gasUsed: 1_000_000) }
    let r = try run(caller, "callQuote", [.address(address(8)), .int(0), .int(1)], gas: 100_000, host: host)
    #expect(r.reason == .outOfGas)
    #expect(r.gas == 100_000)
}

@Test func readOnlyCallsMayOnlyCallViewExternsWithoutValue() throws {
    var host = MemoryHost(context: context())
    host.onCall = { _, function, _, _ in
        function == "peek" ? .returned([.int(6)], gasUsed: 0) : .returned([.int(1), .string("")], gasUsed: 0)
    }
    #expect(try run(caller, "callPeek", [.address(address(8)), .int(0)], host: host).values == [.int(6)])
    #expect(try run(caller, "callPeek", [.address(address(8)), .int(1)], host: host).reason == .writeInView)
    #expect(try run(caller, "callQuote", [.address(address(8)), .int(0), .int(1)], host: host, readOnly: true).reason
        == .writeInView)
    #expect(try run(caller, "tryQuote", [.address(address(8)), .int(1)], host: host, readOnly: true).reason
        == .writeInView)
}

@Test func negativeCallValueReverts() throws {
    var host = MemoryHost(context: context())
    host.onCall = { _, _, _, _ in .returned([.int(1), .string("")], gasUsed: 0) }
    #expect(try run(caller, "callQuote", [.address(address(8)), .int(-1), .int(1)], host: host).reason
        == .revert("negative call value"))
}
