import Bytecode
import Testing
@testable import VM

// Gas: base gas from the table, dynamic costs on top, out of gas at the exact boundary, fused = unfused.

private let straightLine = fn("int", """
        push_int 6
        push_int 7
        mul_int
        push_int 5
        div_int
        push_int 3
        mod_int
        neg_int
        push_true
        not
        pop
        push_const 1.5d
        push_const 2d
        mul_dec
        dec_to_int
        add_int
    """)

@Test func straightLineCodeCostsTheSumOfItsBaseGas() throws {
    let r = try run(straightLine)
    // 42 / 5 = 8; 8 % 3 = 2; -2; 1.5 * 2 = 3; -2 + 3 = 1
    #expect(r.values == [.int(1)])
    #expect(r.gas == (try baseGas(straightLine)))
    #expect(r.gas == Int64([
        Opcode.pushInt, .pushInt, .mulInt, .pushInt, .divInt, .pushInt, .modInt, .negInt, .pushTrue, .not, .pop,
        .pushConst, .pushConst, .mulDec, .decToInt, .addInt, .ret,
    ].reduce(0) { $0 + Int($1.info.gas) }))
}

@Test func everyLimitBelowTheCostRunsOutAndTheCostItselfSucceeds() throws {
    let programs: [(String, String, [Value])] = [
        (straightLine, "f", []),
        (fn("string", "    push_const \"abc\"\n    push_const \"defgh\"\n    concat\n    dup\n    concat\n"
            + "    sha256\n    pop\n    push_int -42\n    int_to_string"), "f", []),
        (".state s: map<int, string>\n" + fn("bool", """
                push_int 3
                push_const "value"
                smap_set s
                push_int 3
                smap_has s
            """), "f", []),
        (fn("int", "    list_new list<int>\n    local_tee l\n"
            + String(repeating: "    dup\n    push_int 9\n    list_push\n", count: 6) + "    list_len",
            locals: "    .local l: list<int>"), "f", []),
    ]
    for (source, function, args) in programs {
        let cost = try run(source, function, args).gas
        #expect(cost > 0)
        for limit in [0, 1, cost / 2, cost - 1] {
            let r = try run(source, function, args, gas: limit)
            #expect(r.reason == .outOfGas, "limit \(limit) of \(cost)")
            #expect(r.gas == limit, "out of gas consumes the whole limit")
        }
        let exact = try run(source, function, args, gas: cost)
        #expect(exact.reason == nil && exact.gas == cost)
    }
}

@Test func theExactBoundaryHoldsForEveryLimitOfALoop() throws {
    // A fusable loop: each limit from 0 to the cost gives the same outcome fused and unfused (checked by
    // `run`), out of gas below the cost and success at it.
    let source = """
        .fn public f(n: int) -> int
            .local i: int
            .local acc: int
            jump test
        body:
            local_get acc
            local_get i
            local_get i
            mul_int
            push_int 7
            mod_int
            add_int
            local_set acc
            local_get i
            push_int 1
            add_int
            local_set i
        test:
            local_get i
            local_get n
            lt_int
            jump_if body
            local_get acc
            ret
        """
    let cost = try run(source, "f", [.int(6)]).gas
    for limit in 0...cost {
        let r = try run(source, "f", [.int(6)], gas: limit)
        #expect(limit == cost ? r.values == [.int(0 + 1 + 4 + 2 + 2 + 4)] : r.reason == .outOfGas, "limit \(limit)")
    }
}

@Test func outOfGasInAnArgumentConsumesTheWholeLimit() throws {
    let source = ".fn public f(s: string) -> int\n    push_int 1\n    ret"
    let r = try run(source, "f", [.string(String(repeating: "a", count: 100))], gas: 3)
    #expect(r.reason == .outOfGas)
    #expect(r.gas == 3)
}

@Test func negativeLimitsBehaveAsZero() throws {
    var host = MemoryHost()
    let r = Interpreter.call(try program(straightLine), function: "f", args: [], host: &host, gasLimit: -5)
    #expect(r.trap?.reason == .outOfGas)
    #expect(r.gasUsed == 0)
}

@Test func mapOperationsChargeSearchStepsAndKeyChunks() throws {
    // On an empty map, map_set makes no search step, touches 1 chunk of the 16-byte int key and allocates
    // 3 + 1 words; map_get then makes 1 step and touches 1 chunk.
    let source = fn("int", """
            map_new map<int, int>
            local_tee m
            push_int 1
            push_int 2
            map_set
            local_get m
            push_int 1
            map_get
        """, locals: "    .local m: map<int, int>")
    let mapNew = GasSchedule.perWordAllocated
    let set = GasSchedule.perMapStep * (0 + 1) + GasSchedule.perWordAllocated * (3 + 1)
    let get = GasSchedule.perMapStep * (1 + 1)
    let r = try run(source)
    #expect(r.values == [.int(2)])
    #expect(r.gas == (try baseGas(source)) + mapNew + set + get)
}

@Test func structNewAndZeroValuesChargeTheirWords() throws {
    let source = ".struct P(a: int, b: int, c: int)\n"
        + fn("P", "    push_int 1\n    push_int 2\n    push_int 3\n    struct_new P")
    #expect(try run(source).gas == (try baseGas(source)) + 4 * GasSchedule.perWordAllocated)
}

@Test func intToStringChargesItsBlob() throws {
    // "-1234567890123456789" is 20 bytes: 1 + 2 words.
    let source = fn("string", "    push_int -1234567890123456789\n    int_to_string")
    let r = try run(source)
    #expect(r.values == [.string("-1234567890123456789")])
    #expect(r.gas == (try baseGas(source)) + 3 * GasSchedule.perWordAllocated)
}

@Test func sameProgramSameGasTwice() throws {
    let source = fn("int", "    push_int 3\n    push_int 4\n    call g", locals: "") + """

        .fn private g(a: int, b: int) -> int
            local_get a
            local_get b
            mul_int
            ret
        """
    let first = try run(source)
    let second = try run(source)
    #expect(first.values == [.int(12)] && first.values == second.values && first.gas == second.gas)
}
