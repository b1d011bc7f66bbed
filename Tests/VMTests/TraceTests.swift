import Bytecode
import Testing
import Verifier
@testable import VM

// Trace mode: one step per executed bytecode instruction, with its opcode, offset, depth and gas left.

private func trace(_ source: String, _ function: String = "f", _ args: [Value] = [], gas: Int64 = 10_000)
    throws -> (RecordingTracer, ExecutionResult)
{
    let module = try Assembler.assemble(source)
    let p = Program(try Verifier.verify(module), fuse: false)
    var host = MemoryHost()
    var tracer = RecordingTracer()
    let r = Interpreter.call(p, function: module.functionIndex(named: function) ?? 0, args: args, host: &host,
                             gasLimit: gas, readOnly: false, tracer: &tracer)
    return (tracer, r)
}

@Test func straightLineTraceHasOneStepPerInstructionWithDecreasingGas() throws {
    let source = fn("int", "    push_int 2\n    push_int 3\n    add_int\n    push_int 4\n    mul_int")
    let (tracer, r) = try trace(source, gas: 500)
    let module = try Assembler.assemble(source)
    let instructions = try Instruction.decodeAll(module.functions[0].code)
    #expect(r.values == [.int(20)])
    #expect(tracer.steps.map(\.opcode) == instructions.map(\.opcode))
    #expect(tracer.steps.map(\.offset) == instructions.map(\.offset))
    #expect(tracer.steps.first?.gasLeft == 500)
    for (step, next) in zip(tracer.steps, tracer.steps.dropFirst()) {
        #expect(next.gasLeft == step.gasLeft - Int64(step.opcode.info.gas))
    }
    // The operand on top before each step: nothing, 2, 3, 5, 4, 20.
    #expect(tracer.steps.map(\.stackTop) == [nil, 2, 3, 5, 4, 20])
    #expect(tracer.steps.allSatisfy { $0.depth == 0 && $0.function == 0 })
}

@Test func traceFollowsLoopsAndCallsWithDepth() throws {
    let source = """
        .fn public f(n: int) -> int
            .local i: int
        loop:
            local_get i
            push_int 1
            add_int
            local_tee i
            local_get n
            lt_int
            jump_if loop
            local_get i
            call g
            ret
        .fn private g(x: int) -> int
            local_get x
            ret
        """
    let (tracer, r) = try trace(source, "f", [.int(3)])
    #expect(r.values == [.int(3)])
    // 3 iterations of 7 instructions, then local_get, call, (g: local_get, ret), ret.
    #expect(tracer.steps.count == 3 * 7 + 5)
    #expect(tracer.steps.map(\.depth).suffix(5) == [0, 0, 1, 1, 0])
    #expect(tracer.steps.map(\.function).suffix(5) == [0, 0, 1, 1, 0])
    #expect(zip(tracer.steps, tracer.steps.dropFirst()).allSatisfy { $0.gasLeft > $1.gasLeft })
    // The steps' base gas plus f's frame (one declared local; g declares none).
    let module = try Assembler.assemble(source)
    let total = tracer.steps.reduce(Int64(0)) { $0 + Int64($1.opcode.info.gas) } + frameGas(module.functions[0])
    #expect(r.gasUsed == total)
}

@Test func traceEndsAtTheTrappingInstruction() throws {
    let (tracer, r) = try trace(fn("int", "    push_int 1\n    push_int 0\n    div_int"))
    #expect(r.trap?.reason == .divisionByZero)
    #expect(tracer.steps.last?.opcode == .divInt)
    #expect(tracer.steps.last?.offset == r.trap?.offset)
}

@Test func recordingTracerStopsAtItsLimit() throws {
    let module = try Assembler.assemble(fn("int", String(repeating: "    nop\n", count: 10) + "    push_int 1"))
    var host = MemoryHost()
    var tracer = RecordingTracer(limit: 4)
    let r = Interpreter.call(Program(try Verifier.verify(module), fuse: false), function: 0, args: [], host: &host,
                             gasLimit: 100, readOnly: false, tracer: &tracer)
    #expect(r.values == [.int(1)])
    #expect(tracer.steps.count == 4)
    #expect(tracer.truncated)
}

@Test()
func tracingAFusedProgramStillShowsEveryBytecodeStep() throws {
    // Program's doc says fusion is off in trace mode, but Interpreter.call traces whatever Program it is
    // given: the fused program's trace skips the instructions folded into superinstructions.
    let source = fn("int", "    push_int 2\n    push_int 3\n    add_int", locals: "")
    let verified = try Verifier.verify(try Assembler.assemble(source))
    func steps(fuse: Bool) -> [TraceStep] {
        var host = MemoryHost()
        var tracer = RecordingTracer()
        _ = Interpreter.call(Program(verified, fuse: fuse), function: 0, args: [], host: &host, gasLimit: 100,
                             readOnly: false, tracer: &tracer)
        return tracer.steps
    }
    #expect(steps(fuse: false).count == 4)
    #expect(steps(fuse: true) == steps(fuse: false))
}
