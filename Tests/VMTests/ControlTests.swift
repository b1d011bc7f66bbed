import Bytecode
import Testing
@testable import VM

// Branches, loops, internal calls, returns, revert and assert_fail.

@Test func jumpIfLoopsUntilTheConditionFails() throws {
    // sum of 1 ... n with a bottom-tested loop
    let source = """
        .fn public f(n: int) -> int
            .local i: int
            .local acc: int
            jump test
        body:
            local_get i
            push_int 1
            add_int
            local_set i
            local_get acc
            local_get i
            add_int
            local_set acc
        test:
            local_get i
            local_get n
            lt_int
            jump_if body
            local_get acc
            ret
        """
    #expect(try run(source, "f", [.int(10)]).values == [.int(55)])
    #expect(try run(source, "f", [.int(0)]).values == [.int(0)])
}

@Test func jumpUnlessBranchesOnFalse() throws {
    let source = """
        .fn public f(c: bool) -> int
            local_get c
            jump_unless no
            push_int 1
            ret
        no:
            push_int 2
            ret
        """
    #expect(try run(source, "f", [.bool(true)]).values == [.int(1)])
    #expect(try run(source, "f", [.bool(false)]).values == [.int(2)])
}

@Test func jumpSkipsCode() throws {
    #expect(try eval("int", "    push_int 1\n    jump end\n    pop\n    push_int 2\nend:").values == [.int(1)])
}

@Test func callPassesArgumentsAndReturnsSeveralResults() throws {
    let source = """
        .fn public f(a: int, b: int) -> (int, int)
            .local spare: int
            push_int 100
            local_set spare
            local_get a
            local_get b
            call divmod
            ret
        .fn private divmod(x: int, y: int) -> (int, int)
            .local q: int
            local_get x
            local_get y
            div_int
            local_set q
            local_get q
            local_get x
            local_get q
            local_get y
            mul_int
            sub_int
            ret
        """
    #expect(try run(source, "f", [.int(17), .int(5)]).values == [.int(3), .int(2)])
    #expect(try run(source, "f", [.int(-17), .int(5)]).values == [.int(-3), .int(-2)])
    #expect(try run(source, "f", [.int(1), .int(0)]).result.trap?.function == "divmod")
}

@Test func calleeLocalsStartAtZeroAndCallerStateSurvives() throws {
    let source = """
        .fn public f() -> (int, int)
            .local keep: int
            push_int 7
            local_set keep
            call g
            call g
            add_int
            local_get keep
            ret
        .fn private g() -> int
            .local x: int
            local_get x
            push_int 1
            add_int
            local_tee x
            ret
        """
    // Each call's x starts at 0, so each returns 1.
    #expect(try run(source).values == [.int(2), .int(7)])
}

@Test func recursiveCallsComputeFibonacci() throws {
    let source = """
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
        """
    #expect(try run(source, "fib", [.int(20)]).values == [.int(6765)])
}

@Test func revertCarriesItsMessage() throws {
    let r = try eval("int", "    push_const \"not allowed\"\n    revert")
    #expect(r.reason == .revert("not allowed"))
    #expect(r.result.trap?.message == "not allowed")
}

@Test func assertFailTrapsWithAssertionFailed() throws {
    let r = try eval("int", "    assert_fail")
    #expect(r.reason == .assertionFailed)
    #expect(r.result.trap?.message == "assertion failed")
    #expect(r.gas == Int64(Opcode.assertFail.info.gas))
}
