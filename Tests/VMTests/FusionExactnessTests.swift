import Bytecode
import Testing
import Verifier
@testable import VM

/// Superinstructions and metering by runs must be invisible: for every gas limit from 0 to the full cost,
/// fused and unfused code metered by runs agree with unfused code metered step by step on results, trap
/// reason, trap location and gas used.
private let programs: [(name: String, source: String, args: [[Value]])] = [
    ("mul_div_l", """
        .module m
        .fn public f(a: int, b: int, c: int) -> int
            local_get a
            local_get b
            push_int 1
            add_int
            mul_int
            local_get c
            div_int
            ret
        """, [[.int(6), .int(7), .int(4)], [.int(6), .int(7), .int(0)], [.int(Int128.max), .int(2), .int(1)],
              [.int(Int128.min), .int(0), .int(-1)]]),
    ("inc_local and add_set_ll", """
        .module m
        .fn public f(a: int, b: int) -> int
            local_get a
            push_int 1
            add_int
            local_set a
            local_get a
            local_get b
            add_int
            local_set a
            local_get a
            ret
        """, [[.int(1), .int(2)], [.int(Int128.max), .int(0)], [.int(Int128.max - 1), .int(1)]]),
    ("add_to_local", """
        .module m
        .fn public f(x: int, y: int) -> int
            .local acc: int
            local_get x
            local_set acc
            local_get acc
            local_get y
            local_get y
            mul_int
            local_get x
            mod_int
            add_int
            local_set acc
            local_get acc
            ret
        """, [[.int(5), .int(3)], [.int(Int128.max), .int(3)], [.int(1), .int(Int128.max)]]),
    ("binary forms and branches", """
        .module m
        .fn public f(n: int, d: int) -> int
            .local i: int
            .local acc: int
            jump test
        body:
            local_get i
            push_int 1000003
            mod_int
            local_get d
            div_int
            push_int 3
            mul_int
            local_set acc
            local_get i
            local_get d
            sub_int
            local_get acc
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
        """, [[.int(4), .int(2)], [.int(3), .int(0)], [.int(2), .int(-1)]]),
    ("split between fused steps", """
        .module m
        .fn public f(a: int, w: list<int>) -> int
            .local parts: list<int>
            local_get a
            push_int 1
            add_int
            local_get w
            split
            local_set parts
            local_get parts
            push_int 0
            list_get
            local_get a
            mul_int
            ret
        """, [[.int(9), .list([.int(1), .int(2)])], [.int(-5), .list([.int(1)])], [.int(4), .list([])],
              [.int(0), .list([.int(0), .int(-1)])], [.int(Int128.max), .list([.int(1), .int(1)])],
              [.int(1 << 100), .list([.int(3), .int(1)])]]),
]

/// Runs `f` of `source` fused and unfused, metered by runs, and unfused metered step by step (the
/// reference), with every argument set at every gas limit from 0 to the full cost (+2), expecting identical
/// results, gas, trap reasons and trap offsets; and that the lowering really produced `fusedOp` (otherwise
/// the test would prove nothing).
@discardableResult
private func expectIndistinguishable(
    _ name: String, _ source: String, _ argSets: [[Value]], fusedOp: String
) throws -> Program {
    let verified = try Verifier.verify(try Assembler.assemble(source))
    let fused = Program(verified, fuse: true), plain = Program(verified, fuse: false)
    let reference = Program(verified, fuse: false, meteredByRuns: false)
    #expect(fused.listing.contains(fusedOp), "\(name): '\(fusedOp)' was not fused")
    for args in argSets {
        let full = call(reference, "f", args)
        for limit in 0...(full.gasUsed + 2) {
            let b = call(reference, "f", args, gas: limit)
            for (a, how) in [(call(fused, "f", args, gas: limit), "fused"), (call(plain, "f", args, gas: limit), "unfused")] {
                #expect(a.values == b.values, "\(name) \(how) \(args) limit \(limit)")
                #expect(a.gasUsed == b.gasUsed, "\(name) \(how) \(args) limit \(limit): gas \(a.gasUsed) vs \(b.gasUsed)")
                #expect(a.trap?.reason == b.trap?.reason, "\(name) \(how) \(args) limit \(limit)")
                #expect(a.trap?.offset == b.trap?.offset, "\(name) \(how) \(args) limit \(limit): trap offset")
            }
        }
    }
    return fused
}

private let storePrograms: [(name: String, source: String, args: [[Value]])] = [
    ("tee_list_set", """
        .module m
        .fn public f(i: int, v: int) -> int
            .local xs: list<int>
            .local x: int
            push_int 0
            push_int 0
            list_lit list<int> 2
            local_set xs
            local_get xs
            local_get i
            local_get v
            local_tee x
            list_set
            local_get x
            ret
        """, [[.int(1), .int(7)], [.int(2), .int(7)], [.int(-1), .int(7)]]),
]

@Test(arguments: storePrograms.indices)
func theFusedTeeAndListSetIsIndistinguishableAtEveryGasLimit(index: Int) throws {
    let (name, source, argSets) = storePrograms[index]
    let fused = try expectIndistinguishable(name, source, argSets, fusedOp: "teeListSet")
    #expect(call(fused, "f", [.int(2), .int(7)]).trap?.reason == .indexOutOfRange)
}

private let loopPrograms: [(name: String, source: String, args: [[Value]])] = [
    ("inc_branch (a counted loop's back edge)", """
        .module m
        .fn public f(i: int, n: int) -> int
            .local acc: int
            jump test
        body:
            local_get acc
            push_int 1
            add_int
            local_set acc
            local_get i
            push_int 1
            add_int
            local_set i
        test:
            local_get i
            local_get n
            le_int
            jump_if body
            local_get acc
            ret
        """, [[.int(0), .int(4)], [.int(Int128.max - 2), .int(Int128.max)], [.int(5), .int(1)]]),
    ("inc_branch_lt (the < specialisation)", """
        .module m
        .fn public f(i: int, n: int) -> int
            .local acc: int
            jump test
        body:
            local_get acc
            push_int 1
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
        """, [[.int(0), .int(4)], [.int(5), .int(1)]]),
]

@Test(arguments: loopPrograms.indices)
func theFusedLoopBackEdgeIsIndistinguishableAtEveryGasLimit(index: Int) throws {
    let (name, source, argSets) = loopPrograms[index]
    let fused = try expectIndistinguishable(name, source, argSets, fusedOp: "incBranch")
    if index == 0 {  // the overflowing run really overflows in the increment
        #expect(call(fused, "f", [.int(Int128.max - 2), .int(Int128.max)]).trap?.reason == .overflow)
    }
}

@Test(arguments: programs.indices)
func fusedAndUnfusedRunsAreIndistinguishableAtEveryGasLimit(index: Int) throws {
    let (name, source, argSets) = programs[index]
    let expected = ["mul_div_l": "mulDivL", "inc_local and add_set_ll": "incLocal", "add_to_local": "addToLocal",
                    "binary forms and branches": "branch", "split between fused steps": "addLI"]
    _ = try expectIndistinguishable(name, source, argSets, fusedOp: expected[name] ?? "")
}

/// Runs that end in a call, a return, a list push that grows the list (dynamic gas), `gas_left` and a
/// blob constant; traps inside runs (overflow, index, division by zero) give back the rest of the run.
private let runPrograms: [(name: String, source: String, args: [[Value]])] = [
    ("calls, pushes, gas_left", """
        .module m
        .fn public f(n: int, d: int) -> int
            .local xs: list<int>
            .local i: int
            list_new list<int>
            local_set xs
            jump test
        body:
            local_get xs
            local_get i
            call sq
            list_push
            local_get i
            push_int 1
            add_int
            local_set i
        test:
            local_get i
            local_get n
            lt_int
            jump_if body
            push_const "done"
            blob_len
            local_get xs
            local_get n
            push_int 1
            sub_int
            list_get
            add_int
            push_int 100
            local_get d
            div_int
            add_int
            gas_left
            push_int 0
            mul_int
            add_int
            ret
        .fn private sq(x: int) -> int
            local_get x
            local_get x
            mul_int
            push_int 1
            add_int
            ret
        """, [[.int(6), .int(3)], [.int(5), .int(0)], [.int(0), .int(1)], [.int(3), .int(-1)]]),
    ("overflow inside a run", """
        .module m
        .fn public f(a: int, b: int) -> int
            .local c: int
            local_get a
            local_get b
            add_int
            local_set c
            local_get c
            push_int 2
            mul_int
            local_get a
            sub_int
            ret
        """, [[.int(1), .int(2)], [.int(Int128.max), .int(1)], [.int(Int128.max / 2 + 1), .int(0)],
              [.int(Int128.min), .int(0)]]),
]

@Test(arguments: runPrograms.indices)
func meteringByRunsIsIndistinguishableAtEveryGasLimit(index: Int) throws {
    let (name, source, argSets) = runPrograms[index]
    try expectIndistinguishable(name, source, argSets, fusedOp: ["call", "mulLI"][index])
}

/// The superinstructions of the second round (conditional return, `a * b % k`, `x * (i + k)`, a list store
/// from three locals, magic-number division as its own ops): each against per-step unfused code at every
/// gas limit, with arguments that take the fast path, the general path and every trap.
private let secondRoundPrograms: [(name: String, source: String, fusedOp: String, args: [[Value]])] = [
    ("branch_li_else_ret (if n < 2 { return n }) with recursion", """
        .module m
        .fn public f(n: int) -> int
            local_get n
            push_int 2
            lt_int
            jump_unless more
            local_get n
            ret
        more:
            local_get n
            push_int 1
            sub_int
            call f
            local_get n
            push_int 2
            sub_int
            call f
            add_int
            ret
        """, "branchLtLIRet", [[.int(0)], [.int(1)], [.int(5)], [.int(-3)]]),
    ("branch_li_else_ret returning another local, jump_if form", """
        .module m
        .fn public f(n: int, r: int) -> int
            local_get n
            push_int -7
            ge_int
            jump_if big
            local_get r
            ret
        big:
            local_get n
            local_get r
            add_int
            ret
        """, "branchLtLIRet", [[.int(-8), .int(3)], [.int(-7), .int(3)], [.int(Int128.max), .int(1)]]),
    ("mul_ll_mod_i (acc += i * i % k)", """
        .module m
        .fn public f(x: int, y: int) -> int
            .local acc: int
            local_get acc
            local_get x
            local_get y
            mul_int
            push_int 1000003
            mod_int
            add_int
            local_set acc
            local_get acc
            ret
        """, "accMulLLModI", [[.int(12345), .int(678)], [.int(-12345), .int(678)], [.int(Int128.max), .int(2)],
                          [.int(1 << 62), .int(4)], [.int(1 << 70), .int(3)], [.int(Int128.min), .int(-1)]]),
    ("mul_l_add_li (rs += x * (i + 1))", """
        .module m
        .fn public f(x: int, i: int) -> int
            .local rs: int
            local_get rs
            local_get x
            local_get i
            push_int 1
            add_int
            mul_int
            add_int
            local_set rs
            local_get rs
            ret
        """, "accMulLAddLI", [[.int(7), .int(9)], [.int(7), .int(Int128.max)], [.int(Int128.max), .int(1)],
                          [.int(-3), .int(-1)], [.int(1 << 100), .int(1 << 20)]]),
    ("mul_ll_mod_i and mul_l_add_li without an accumulator", """
        .module m
        .fn public f(x: int, y: int) -> int
            local_get x
            local_get y
            mul_int
            push_int 97
            mod_int
            local_get x
            local_get y
            push_int -3
            add_int
            mul_int
            sub_int
            ret
        """, "mulLLModI", [[.int(12345), .int(678)], [.int(-5), .int(4)], [.int(Int128.max), .int(2)],
                          [.int(2), .int(Int128.min + 1)], [.int(1 << 70), .int(1 << 60)]]),
    ("accumulators that overflow the sum", """
        .module m
        .fn public f(acc: int, x: int, i: int) -> int
            local_get acc
            local_get x
            local_get i
            push_int 1
            add_int
            mul_int
            add_int
            local_set acc
            local_get acc
            local_get x
            local_get x
            mul_int
            push_int 1000003
            mod_int
            add_int
            local_set acc
            local_get acc
            ret
        """, "accMul", [[.int(Int128.max - 10), .int(2), .int(3)], [.int(Int128.max - 6), .int(2), .int(2)],
                       [.int(Int128.max - 6), .int(2000), .int(0)], [.int(5), .int(1 << 64), .int(1 << 64)],
                       [.int(-4), .int(3), .int(-1)], [.int(0), .int(2), .int(Int128.max)]]),
    ("mul_div_l_set (let x = p * w / s)", """
        .module m
        .fn public f(p: int, w: int, s: int) -> int
            .local x: int
            local_get p
            local_get w
            swap
            mul_int
            local_get s
            div_int
            local_set x
            local_get x
            push_int 1
            add_int
            ret
        """, "mulDivLSet", [[.int(1_000_000), .int(7), .int(3)], [.int(5), .int(7), .int(0)],
                          [.int(Int128.max), .int(2), .int(1)], [.int(Int128.min), .int(1), .int(-1)],
                          [.int(Int128.max), .int(1), .int(1)]]),
    ("list_set_lll (xs[i] = v)", """
        .module m
        .fn public f(i: int, v: int) -> int
            .local xs: list<int>
            push_int 0
            push_int 0
            list_lit list<int> 2
            local_set xs
            local_get xs
            local_get i
            local_get v
            list_set
            local_get xs
            push_int 1
            list_get
            ret
        """, "listSetLLL", [[.int(1), .int(7)], [.int(0), .int(7)], [.int(2), .int(7)], [.int(-1), .int(7)]]),
    ("magic division and remainder ops", """
        .module m
        .fn public f(x: int) -> int
            local_get x
            push_int 7
            div_int
            local_get x
            push_int 1000
            mod_int
            add_int
            push_int 13
            mod_int
            push_int 3
            div_int
            ret
        """, "Magic", [[.int(123_456_789)], [.int(-123_456_789)], [.int(Int128(Int64.max))],
                       [.int(Int128(Int64.max) + 1)], [.int(Int128.min)], [.int(Int128.max)], [.int(0)]]),
]

@Test(arguments: secondRoundPrograms.indices)
func secondRoundSuperinstructionsAreIndistinguishableAtEveryGasLimit(index: Int) throws {
    let (name, source, fusedOp, argSets) = secondRoundPrograms[index]
    try expectIndistinguishable(name, source, argSets, fusedOp: fusedOp)
}

@Test func secondRoundSuperinstructionsComputeWhatTheSourceSays() throws {
    func run(_ index: Int, _ args: [Value]) throws -> ExecutionResult {
        let (_, source, _, _) = secondRoundPrograms[index]
        return call(Program(try Verifier.verify(try Assembler.assemble(source))), "f", args)
    }
    #expect(try run(0, [.int(10)]).values == [.int(55)])  // fib(10)
    #expect(try run(1, [.int(-8), .int(3)]).values == [.int(3)])
    #expect(try run(1, [.int(-7), .int(3)]).values == [.int(-4)])
    #expect(try run(2, [.int(12345), .int(678)]).values == [.int(12345 * 678 % 1_000_003)])
    #expect(try run(2, [.int(-12345), .int(678)]).values == [.int(-(12345 * 678 % 1_000_003))])
    #expect(try run(2, [.int(Int128.max), .int(2)]).trap?.reason == .overflow)
    #expect(try run(3, [.int(7), .int(9)]).values == [.int(70)])
    #expect(try run(3, [.int(7), .int(Int128.max)]).trap?.reason == .overflow)
    #expect(try run(3, [.int(Int128.max), .int(1)]).trap?.reason == .overflow)
    #expect(try run(4, [.int(12345), .int(678)]).values == [.int(12345 * 678 % 97 - 12345 * 675)])
    #expect(try run(5, [.int(10), .int(2), .int(3)]).values == [.int(10 + 8 + 4)])
    #expect(try run(5, [.int(Int128.max - 6), .int(2), .int(2)]).trap?.reason == .overflow)
    #expect(try run(6, [.int(1_000_000), .int(7), .int(3)]).values == [.int(2_333_334)])
    #expect(try run(6, [.int(5), .int(7), .int(0)]).trap?.reason == .divisionByZero)
    #expect(try run(7, [.int(1), .int(7)]).values == [.int(7)])
    #expect(try run(7, [.int(2), .int(7)]).trap?.reason == .indexOutOfRange)
    let x: Int128 = -123_456_789
    #expect(try run(8, [.int(x)]).values == [.int((x / 7 + x % 1000) % 13 / 3)])
}

/// `call` carries its callee's facts (entry, parameters, locals, stack need) in the instruction: a callee
/// with declared locals is entered with them zeroed, and the stack limit still traps.
@Test func callsWithCalleeFactsInTheInstructionZeroLocalsAndCheckTheStack() throws {
    let source = """
        .module m
        .fn public f(n: int) -> int
            local_get n
            push_int 3
            call g
            ret
        .fn private g(a: int, b: int) -> int
            .local t: int
            .local u: int
            local_get t
            local_get u
            add_int
            local_get a
            add_int
            local_get b
            mul_int
            local_get a
            local_set t
            ret
        .fn public deep(n: int) -> int
            local_get n
            push_int 1
            add_int
            call deep
            ret
        """
    let program = Program(try Verifier.verify(try Assembler.assemble(source)))
    #expect(call(program, "f", [.int(5)]).values == [.int(15)])
    let deep = call(program, "deep", [.int(0)])
    #expect(deep.trap?.reason == .callDepthExceeded)
    try expectIndistinguishable("call facts", source, [[.int(5)], [.int(Int128.max)]], fusedOp: "call")
}

@Test func theListElementOperandIsIndistinguishableAtEveryGasLimit() throws {
    let source = """
        .module m
        .fn public f(p: int, i: int) -> int
            .local w: list<int>
            push_int 3
            push_int 5
            list_lit list<int> 2
            local_set w
            local_get p
            local_get w
            local_get i
            list_get
            mul_int
            ret
        """
    let fused = try expectIndistinguishable(
        "get_list_get_lll", source, [[.int(7), .int(1)], [.int(7), .int(2)], [.int(7), .int(-1)], [.int(Int128.max), .int(0)]],
        fusedOp: "getListGetLLL")
    #expect(call(fused, "f", [.int(7), .int(1)]).values == [.int(35)])
    #expect(call(fused, "f", [.int(7), .int(2)]).trap?.reason == .indexOutOfRange)
}

@Test func theProportionalShareIsIndistinguishableAtEveryGasLimit() throws {
    let source = """
        .module m
        .fn public f(p: int, i: int, s: int) -> int
            .local w: list<int>
            .local x: int
            push_int 3
            push_int -5
            list_lit list<int> 2
            local_set w
            local_get p
            local_get w
            local_get i
            list_get
            mul_int
            local_get s
            div_int
            local_set x
            local_get x
            ret
        """
    let args: [[Value]] = [
        [.int(1_000_000), .int(0), .int(7)], [.int(1_000_000), .int(1), .int(7)], [.int(9), .int(2), .int(7)],
        [.int(9), .int(-1), .int(0)], [.int(9), .int(0), .int(0)], [.int(Int128.max), .int(0), .int(1)],
        [.int(Int128.min / 3), .int(0), .int(-1)], [.int(1 << 80), .int(1), .int(3)],
    ]
    let fused = try expectIndistinguishable("mul_list_get_div_l_set", source, args, fusedOp: "mulListGetDivLSet")
    #expect(call(fused, "f", [.int(1_000_000), .int(1), .int(7)]).values == [.int(-714_285)])
    #expect(call(fused, "f", [.int(9), .int(0), .int(0)]).trap?.reason == .divisionByZero)
    #expect(call(fused, "f", [.int(9), .int(2), .int(7)]).trap?.reason == .indexOutOfRange)
    #expect(call(fused, "f", [.int(Int128.max), .int(0), .int(1)]).trap?.reason == .overflow)
}

/// `xs[j] = x = a * ws[i] / d` in one instruction, and the conditional return whose `local_get; ret` is the
/// branch's target (the hand-written forms of W1 and W3).
private let storeAndReturnPrograms: [(name: String, source: String, fusedOp: String, args: [[Value]])] = [
    ("mul_list_get_div_l_tee_list_set", """
        .module m
        .fn public f(p: int, i: int, s: int, j: int) -> int
            .local w: list<int>
            .local out: list<int>
            .local x: int
            push_int 3
            push_int -5
            list_lit list<int> 2
            local_set w
            push_int 0
            push_int 0
            list_lit list<int> 2
            local_set out
            local_get out
            local_get j
            push_int 0
            add_int
            local_get p
            local_get w
            local_get i
            list_get
            mul_int
            local_get s
            div_int
            local_tee x
            list_set
            local_get out
            push_int 1
            list_get
            local_get x
            add_int
            ret
        """, "mulListGetDivLTeeListSet", [
            [.int(1_000_000), .int(1), .int(7), .int(1)], [.int(1_000_000), .int(0), .int(7), .int(0)],
            [.int(9), .int(2), .int(7), .int(0)], [.int(9), .int(0), .int(0), .int(0)],
            [.int(Int128.max), .int(0), .int(1), .int(0)], [.int(Int128.min / 3), .int(0), .int(-1), .int(0)],
            [.int(9), .int(0), .int(7), .int(2)], [.int(9), .int(0), .int(7), .int(-1)],
        ]),
    ("list_set_share_ll (every operand a local)", """
        .module m
        .fn public f(p: int, w0: int, i: int, s: int, j: int) -> int
            .local w: list<int>
            .local out: list<int>
            .local x: int
            local_get w0
            push_int -5
            list_lit list<int> 2
            local_set w
            push_int 0
            push_int 0
            list_lit list<int> 2
            local_set out
            local_get out
            local_get j
            local_get p
            local_get w
            local_get i
            list_get
            mul_int
            local_get s
            div_int
            local_tee x
            list_set
            local_get out
            push_int 1
            list_get
            local_get x
            add_int
            ret
        """, "listSetShareLL", [
            [.int(1_000_000), .int(3), .int(0), .int(7), .int(1)],
            [.int(3_037_000_499), .int(3_037_000_499), .int(0), .int(7), .int(0)],  // product just below 2^63
            [.int(3_037_000_500), .int(3_037_000_500), .int(0), .int(7), .int(0)],  // just above: the general path
            [.int(Int128(Int64.max)), .int(2), .int(0), .int(3), .int(1)],  // overflows 64 bits, not 128
            [.int(Int128(Int64.min)), .int(1), .int(0), .int(-1), .int(1)],  // 2^63: fits 128 bits
            [.int(Int128.min), .int(1), .int(0), .int(-1), .int(0)],  // the division overflows
            [.int(1 << 64), .int(1 << 64), .int(0), .int(1), .int(0)],  // the multiply overflows 128 bits
            [.int(9), .int(3), .int(0), .int(0), .int(0)],  // division by zero
            [.int(9), .int(3), .int(0), .int(1 << 63), .int(0)],  // a divisor of 2^63
            [.int(9), .int(Int128(Int64.max)), .int(1), .int(7), .int(1)],  // a negative weight
            [.int(9), .int(3), .int(2), .int(7), .int(0)], [.int(9), .int(3), .int(-1), .int(7), .int(0)],
            [.int(9), .int(3), .int(1 << 64), .int(7), .int(0)],  // list_get's index out of range
            [.int(9), .int(3), .int(0), .int(7), .int(2)], [.int(9), .int(3), .int(0), .int(7), .int(-1)],
            [.int(9), .int(3), .int(0), .int(7), .int(1 << 64)],  // list_set's index out of range
        ]),
    ("branch_li_ret (the return after the body)", """
        .module m
        .fn public f(n: int) -> int
            local_get n
            push_int 2
            lt_int
            jump_if base
            local_get n
            push_int 1
            sub_int
            call f
            local_get n
            push_int 2
            sub_int
            call f
            add_int
            ret
        base:
            local_get n
            ret
        """, "branchLtLIRet", [[.int(0)], [.int(1)], [.int(6)], [.int(-2)]]),
]

@Test(arguments: storeAndReturnPrograms.indices)
func storeAndReturnSuperinstructionsAreIndistinguishableAtEveryGasLimit(index: Int) throws {
    let (name, source, fusedOp, argSets) = storeAndReturnPrograms[index]
    let fused = try expectIndistinguishable(name, source, argSets, fusedOp: fusedOp)
    if index == 0 {
        #expect(call(fused, "f", [.int(1_000_000), .int(1), .int(7), .int(1)]).values == [.int(-714_285 * 2)])
        #expect(call(fused, "f", [.int(9), .int(0), .int(7), .int(2)]).trap?.reason == .indexOutOfRange)
    } else if index == 1 {
        #expect(call(fused, "f", [.int(1_000_000), .int(3), .int(0), .int(7), .int(1)]).values == [.int(428_571 * 2)])
        #expect(call(fused, "f", [.int(3_037_000_500), .int(3_037_000_500), .int(0), .int(7), .int(0)]).values
            == [.int(1_317_624_576_714_321_428)])
        #expect(call(fused, "f", [.int(9), .int(3), .int(0), .int(0), .int(0)]).trap?.reason == .divisionByZero)
        #expect(call(fused, "f", [.int(1 << 64), .int(1 << 64), .int(0), .int(1), .int(0)]).trap?.reason == .overflow)
        #expect(call(fused, "f", [.int(9), .int(3), .int(0), .int(7), .int(2)]).trap?.reason == .indexOutOfRange)
    } else {
        #expect(call(fused, "f", [.int(10)]).values == [.int(55)])
    }
}

/// The third round's call and return forms: the conditional return whose test is `<` (inline, not decoded),
/// a `branch_li_else_ret` that skips only the return lowered as a conditional return, `sub_li` running the
/// `call` after it and `add_int` the `ret` after it in one step (the call and return stay for jumps into
/// them). Each against per-step unfused code at every gas limit, with traps in every part.
private let callAndReturnPrograms: [(name: String, source: String, fusedOp: String, args: [[Value]])] = [
    ("branch_li_else_ret whose target is not the next instruction", """
        .module m
        .fn public f(n: int, r: int) -> int
            local_get n
            push_int 2
            lt_int
            jump_unless more
            local_get n
            ret
        big:
            local_get r
            ret
        more:
            local_get n
            push_int 100
            gt_int
            jump_if big
            local_get n
            local_get r
            add_int
            ret
        """, "branchLIElseRet", [[.int(0), .int(5)], [.int(1), .int(5)], [.int(2), .int(5)], [.int(101), .int(5)],
                              [.int(-3), .int(5)], [.int(99), .int(Int128.max)]]),
    ("a conditional return on <= (skipping only the return)", """
        .module m
        .fn public f(n: int, r: int) -> int
            local_get n
            push_int 3
            gt_int
            jump_if more
            local_get r
            ret
        more:
            local_get n
            local_get r
            mul_int
            ret
        """, "branchLIRet", [[.int(3), .int(7)], [.int(4), .int(7)], [.int(Int128.min), .int(7)],
                          [.int(Int128.max), .int(2)]]),
    ("a conditional return on >= (after the body)", """
        .module m
        .fn public f(n: int, r: int) -> int
            local_get n
            push_int -5
            ge_int
            jump_if done
            local_get n
            local_get r
            add_int
            ret
        done:
            local_get r
            ret
        """, "branchLIRet", [[.int(-5), .int(7)], [.int(-6), .int(7)], [.int(-6), .int(Int128.min)]]),
    ("sub_li_call (f(n - k)), the call also a jump target", """
        .module m
        .fn public f(n: int) -> int
            local_get n
            local_get n
            push_int 0
            lt_int
            jump_if direct
            pop
            local_get n
            push_int -1
            sub_int
        direct:
            call g
            ret
        .fn private g(x: int) -> int
            .local t: int
            local_get x
            push_int 2
            mul_int
            ret
        """, "subLICall", [[.int(5)], [.int(-3)], [.int(0)], [.int(Int128.max)], [.int(Int128.max / 2)],
                        [.int(Int128.min)]]),
    ("add_ret (return f(a) + g(b)), the ret also a jump target", """
        .module m
        .fn public f(a: int, b: int) -> int
            local_get a
            local_get b
            push_int 0
            lt_int
            jump_if out
            local_get b
            call g
            add_int
        out:
            ret
        .fn private g(x: int) -> int
            local_get x
            push_int 1
            add_int
            ret
        """, "addRet", [[.int(5), .int(3)], [.int(5), .int(-1)], [.int(Int128.max), .int(0)], [.int(1), .int(Int128.max)],
                     [.int(Int128.max - 3), .int(3)]]),
]

@Test(arguments: callAndReturnPrograms.indices)
func callAndReturnFormsAreIndistinguishableAtEveryGasLimit(index: Int) throws {
    let (name, source, fusedOp, argSets) = callAndReturnPrograms[index]
    let fused = try expectIndistinguishable(name, source, argSets, fusedOp: fusedOp)
    let results: [[Value]: ExecutionResult] = Dictionary(
        argSets.map { ($0, call(fused, "f", $0)) }, uniquingKeysWith: { a, _ in a })
    switch index {
    case 0:
        #expect(results[[.int(1), .int(5)]]?.values == [.int(1)])
        #expect(results[[.int(2), .int(5)]]?.values == [.int(7)])
        #expect(results[[.int(101), .int(5)]]?.values == [.int(5)])
        #expect(results[[.int(99), .int(Int128.max)]]?.trap?.reason == .overflow)
    case 1:
        #expect(results[[.int(3), .int(7)]]?.values == [.int(7)])
        #expect(results[[.int(4), .int(7)]]?.values == [.int(28)])
        #expect(results[[.int(Int128.max), .int(2)]]?.trap?.reason == .overflow)
    case 2:
        #expect(results[[.int(-5), .int(7)]]?.values == [.int(7)])
        #expect(results[[.int(-6), .int(7)]]?.values == [.int(1)])
        #expect(results[[.int(-6), .int(Int128.min)]]?.trap?.reason == .overflow)
    case 3:
        #expect(results[[.int(5)]]?.values == [.int(12)])
        #expect(results[[.int(-3)]]?.values == [.int(-6)])
        #expect(results[[.int(Int128.max)]]?.trap?.reason == .overflow)  // in the sub, before the call
        #expect(results[[.int(Int128.max / 2)]]?.trap?.reason == .overflow)  // in the callee
    default:
        #expect(results[[.int(5), .int(3)]]?.values == [.int(9)])
        #expect(results[[.int(5), .int(-1)]]?.values == [.int(5)])
        #expect(results[[.int(1), .int(Int128.max)]]?.trap?.reason == .overflow)  // in the callee
        #expect(results[[.int(Int128.max - 3), .int(3)]]?.trap?.reason == .overflow)  // in the add
    }
}

/// Recursive fib as assembled (`Examples/bench/w3.dna`) and as compiled: both lower to the `<` conditional
/// return, `sub_li_call` and `add_ret`; a recursion without a base case exceeds the call depth inside a
/// `sub_li_call` exactly as the unfused code does, with the same gas.
@Test func recursionUsesTheCallAndReturnFormsAndTrapsAtTheSameDepth() throws {
    let source = """
        .module m
        .fn public fib(n: int) -> int
            local_get n
            push_int 2
            lt_int
            jump_if base
            local_get n
            push_int 1
            sub_int
            call fib
            local_get n
            push_int 2
            sub_int
            call fib
            add_int
            ret
        base:
            local_get n
            ret
        .fn public deep(n: int) -> int
            local_get n
            push_int 1
            sub_int
            call deep
            ret
        """
    let verified = try Verifier.verify(try Assembler.assemble(source))
    let fused = Program(verified), reference = Program(verified, fuse: false, meteredByRuns: false)
    for op in ["branchLtLIRet", "subLICall", "addRet"] { #expect(fused.listing.contains(op), "\(op)") }
    #expect(call(fused, "fib", [.int(15)]).values == [.int(610)])
    #expect(call(fused, "fib", [.int(15)]).gasUsed == call(reference, "fib", [.int(15)]).gasUsed)
    let full = call(reference, "deep", [.int(0)])
    #expect(full.trap?.reason == .callDepthExceeded)
    for limit in [full.gasUsed - 25, full.gasUsed - 1, full.gasUsed, full.gasUsed + 1, 1 << 40] {
        let a = call(fused, "deep", [.int(0)], gas: limit), b = call(reference, "deep", [.int(0)], gas: limit)
        #expect(a.trap?.reason == b.trap?.reason, "limit \(limit)")
        #expect(a.trap?.offset == b.trap?.offset, "limit \(limit)")
        #expect(a.gasUsed == b.gasUsed, "limit \(limit)")
    }
}
