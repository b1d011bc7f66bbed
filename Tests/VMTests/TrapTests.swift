import Bytecode
import Testing
import Verifier
@testable import VM

// Where traps happen (function, offset, source position), limits, and what a trap leaves behind.

private let nested = """
    .fn public f(a: int, b: int) -> int
        local_get a
        local_get b
        call g
        ret
    .fn private g(x: int, y: int) -> int
        push_int 1
        pop
        local_get x
        local_get y
        div_int
        ret
    """

@Test func trapsCarryTheFunctionAndBytecodeOffset() throws {
    let r = try run(nested, "f", [.int(1), .int(0)])
    #expect(r.reason == .divisionByZero)
    #expect(r.result.trap?.function == "g")
    #expect(r.result.trap?.offset == (try offset(ofInstruction: 4, in: nested, function: "g")))
    #expect(r.result.trap?.position == nil)
    #expect(r.result.trap?.description == "division by zero in 'g' at offset \(r.result.trap?.offset ?? -1)")
}

@Test()
func fusedTrapsReportTheOffsetAndPositionOfTheTrappingInstruction() throws {
    // local_get a, push_int 0, div_int fuse into one divLI: unfused the trap is at div_int (offset 12, line
    // 3); fused it is reported at local_get (offset 0, line 1), so the position points at the wrong line.
    let source = """
        .fn public f(a: int) -> int
        .loc "d.dn" 1 1
            local_get a
        .loc "d.dn" 2 1
            push_int 0
        .loc "d.dn" 3 1
            div_int
            ret
        """
    let verified = try Verifier.verify(try Assembler.assemble(source))
    var host = MemoryHost()
    let plain = Interpreter.call(Program(verified, fuse: false), function: "f", args: [.int(1)], host: &host,
                                 gasLimit: 1000)
    let fused = Interpreter.call(Program(verified, fuse: true), function: "f", args: [.int(1)], host: &host,
                                 gasLimit: 1000)
    #expect(plain.trap?.offset == (try offset(ofInstruction: 2, in: source)))
    #expect(plain.trap?.position == SourcePosition(file: "d.dn", line: 3, column: 1))
    #expect(fused.trap?.offset == plain.trap?.offset)
    #expect(fused.trap?.position == plain.trap?.position)
}

@Test func trapsCarryTheSourcePositionFromLocDirectives() throws {
    let source = """
        .fn public f(a: int) -> int
        .loc "pay.dn" 3 5
            local_get a
            push_int 1
        .loc "pay.dn" 4 9
            add_int
        .loc "pay.dn" 5 1
            ret
        """
    let r = try run(source, "f", [.int(.max)])
    #expect(r.reason == .overflow)
    #expect(r.result.trap?.position == SourcePosition(file: "pay.dn", line: 4, column: 9))
    #expect(r.result.trap?.description == "overflow at pay.dn:4:9")
    #expect(r.result.trap?.offset == (try offset(ofInstruction: 2, in: source)))
}

@Test func deepRecursionTrapsWithCallDepthExceeded() throws {
    let source = """
        .fn public f(n: int) -> int
            local_get n
            push_int 1
            add_int
            call f
            ret
        """
    let r = try run(source, "f", [.int(0)])
    #expect(r.reason == .callDepthExceeded)
    #expect(r.result.trap?.function == "f")
}

@Test func recursionThatStaysUnderTheDepthLimitReturns() throws {
    // f(n) recurses n times: the entry frame plus n calls. Limits.maxCallDepth frames fit, one more does not.
    let source = """
        .fn public f(n: int) -> int
            local_get n
            push_int 0
            eq_int
            jump_if done
            local_get n
            push_int 1
            sub_int
            call f
            push_int 1
            add_int
            ret
        done:
            push_int 0
            ret
        """
    let deepest = Int128(Limits.maxCallDepth - 1)
    #expect(try run(source, "f", [.int(deepest)]).values == [.int(deepest)])
    #expect(try run(source, "f", [.int(deepest + 1)]).reason == .callDepthExceeded)
}

@Test func recursionWithLargeFramesTrapsWithStackOverflow() throws {
    // 4000 locals per frame exhaust the value stack long before the call depth limit.
    let locals = (0..<4000).map { "    .local l\($0): int" }.joined(separator: "\n")
    let source = ".fn public f() -> int\n\(locals)\n    call f\n    ret"
    let r = try run(source)
    #expect(r.reason == .stackOverflow)
}

@Test func aHugeAllocationRunsOutOfMemoryCleanly() throws {
    // Doubling a string 30 times would need 1 GiB; the arena stops at Limits.maxArenaWords.
    let source = """
        .fn public f() -> int
            .local s: string
            .local i: int
            push_const "0123456789abcdef"
            local_set s
        loop:
            local_get s
            local_get s
            concat
            local_set s
            local_get i
            push_int 1
            add_int
            local_tee i
            push_int 30
            lt_int
            jump_if loop
            local_get s
            blob_len
            ret
        """
    var host = MemoryHost()
    let r = Interpreter.call(try program(source, fuse: false), function: "f", args: [], host: &host, gasLimit: 1 << 40)
    #expect(r.trap?.reason == .outOfMemory)
    #expect(r.gasUsed < 1 << 40)
}

@Test func aHugeListRunsOutOfGasWithAnOrdinaryLimit() throws {
    let source = """
        .fn public f() -> int
            .local l: list<int>
            list_new list<int>
            local_set l
        loop:
            local_get l
            push_int 7
            list_push
            jump loop
        """
    var host = MemoryHost()
    for fuse in [false, true] {
        let r = Interpreter.call(try program(source, fuse: fuse), function: "f", args: [], host: &host,
                                 gasLimit: 1_000_000)
        #expect(r.trap?.reason == .outOfGas)
        #expect(r.gasUsed == 1_000_000)
    }
}

@Test func aTrapLeavesAValueHostAsItWas() throws {
    // "Every trap reverts the call: the host discards its writes." MemoryHost is a value, so the VM must
    // not hand back the copy it wrote to.
    let source = """
        .state n: int
        .event E(x: int)
        .fn public f()
            push_int 1
            sstore n
            push_int 2
            emit E
            push_const "stop"
            revert
        """
    var host = MemoryHost()
    host.balances[address(2)] = 5
    let r = Interpreter.call(try program(source), function: "f", args: [], host: &host, gasLimit: 100_000)
    #expect(r.trap?.reason == .revert("stop"))
    #expect(host.keys.isEmpty)
    #expect(host.events.isEmpty)
}

@Test func badCallsAreReportedNotCrashed() throws {
    var host = MemoryHost()
    let p = try program(".fn public f(a: int) -> int\n    local_get a\n    ret")
    let unknown = Interpreter.call(p, function: "nope", args: [], host: &host, gasLimit: 100)
    #expect(unknown.trap?.reason == .badCall("unknown function 'nope'"))
    let arity = Interpreter.call(p, function: "f", args: [], host: &host, gasLimit: 100)
    #expect(arity.trap?.reason == .badCall("'f' takes 1 argument but 0 were given"))
    let type = Interpreter.call(p, function: "f", args: [.string("x")], host: &host, gasLimit: 100)
    #expect(type.trap?.reason.message.hasPrefix("argument 1 of 'f'") == true)
    #expect(type.gasUsed == 0)
}
