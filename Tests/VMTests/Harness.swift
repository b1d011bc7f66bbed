import Bytecode
import Testing
import Verifier
@testable import VM

/// What one run produced: the result and the host after it.
struct Run {
    var result: ExecutionResult
    var host: MemoryHost

    var values: [Value]? { result.values }
    var reason: TrapReason? { result.trap?.reason }
    var gas: Int64 { result.gasUsed }
}

/// An address of 32 equal bytes.
func address(_ byte: UInt8) -> [UInt8] { [UInt8](repeating: byte, count: 32) }

/// Opcodes whose cost can exceed their base gas although the table does not flag them `dynamicGas`:
/// `push_const` of a blob constant allocates it on first use, `caller`/`origin`/`self` allocate the
/// address, `slist_len` pays per byte read. (Reported: the table's flag is narrower than the charging.)
let unflaggedDynamicOpcodes: Set<Opcode> = []

/// Runs `function` of `source` three ways on copies of `host`: fused, unfused, and unfused with a
/// `RecordingTracer`. Expects the same results, trap reason, gas and host effects every way, and that
/// a run with scalar arguments touching no dynamically priced opcode costs exactly the table's base gas
/// of the traced steps.
/// Returns the unfused run.
func run(
    _ source: String, _ function: String = "f", _ args: [Value] = [], gas: Int64 = 10_000_000,
    host: MemoryHost = MemoryHost(), readOnly: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
) throws -> Run {
    let module = try Assembler.assemble(source)
    let verified = try Verifier.verify(module)
    func once(fuse: Bool) -> Run {
        var h = host
        let r = Interpreter.call(
            Program(verified, fuse: fuse), function: function, args: args, host: &h, gasLimit: gas,
            readOnly: readOnly)
        return Run(result: r, host: h)
    }
    let plain = once(fuse: false)
    let fused = once(fuse: true)
    #expect(fused.values == plain.values, "fused and unfused results differ", sourceLocation: sourceLocation)
    #expect(fused.reason == plain.reason, "fused and unfused traps differ", sourceLocation: sourceLocation)
    #expect(fused.gas == plain.gas, "fused and unfused gas differ", sourceLocation: sourceLocation)
    #expect(sameEffects(fused.host, plain.host), "fused and unfused host effects differ",
            sourceLocation: sourceLocation)

    guard let index = module.functionIndex(named: function) else { return plain }
    var traced = host
    var tracer = RecordingTracer()
    let t = Interpreter.call(
        Program(verified, fuse: false), function: index, args: args, host: &traced, gasLimit: gas, readOnly: readOnly,
        tracer: &tracer)
    #expect(t.values == plain.values && t.trap?.reason == plain.reason && t.gasUsed == plain.gas,
            "traced run differs", sourceLocation: sourceLocation)
    // Base gas of every step, plus zeroing the entry frame's declared locals (`call` steps are flagged
    // dynamic: they add the callee's frame).
    let base = tracer.steps.reduce(Int64(0)) { $0 + Int64($1.opcode.info.gas) } + frameGas(module.functions[index])
    let heapArgument = args.contains {
        switch $0 {
        case .int, .dec, .bool: false
        default: true  // allocated in the arena before the run, and charged
        }
    }
    let dynamic = heapArgument || tracer.steps.contains {
        $0.opcode.info.flags.contains(.dynamicGas) || unflaggedDynamicOpcodes.contains($0.opcode)
    }
    if plain.reason != .outOfGas && !tracer.truncated {
        if dynamic {
            #expect(plain.gas >= base, "gas below the base gas of the executed steps", sourceLocation: sourceLocation)
        } else {
            #expect(plain.gas == base, "gas differs from the base gas of the executed steps",
                    sourceLocation: sourceLocation)
        }
    }
    return plain
}

/// True when two hosts hold the same storage, balances and events.
func sameEffects(_ a: MemoryHost, _ b: MemoryHost) -> Bool {
    a.keys == b.keys && a.values == b.values && a.balances == b.balances
        && a.events.map(\.name) == b.events.map(\.name) && a.events.map(\.values) == b.events.map(\.values)
}

/// A function `f() -> T` whose body is `body` (one instruction per line) followed by `ret`.
func fn(_ result: String, _ body: String, locals: String = "") -> String {
    """
    .fn public f() -> \(result)
    \(locals)
    \(body)
        ret
    """
}

/// The result of `f() -> T` with `body`, or the trap reason.
func eval(_ result: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
    try run(fn(result, body), sourceLocation: sourceLocation)
}

/// Gas for zeroing `f`'s declared locals on entry (Docs/gas.md: 1 per 8 locals, rounded up).
func frameGas(_ f: Function) -> Int64 {
    Int64((f.locals.count + 7) / 8) * GasSchedule.perEightLocals
}

/// Sum of the table's base gas over the instructions of `function` in `source`, plus its entry frame
/// (for straight-line code).
func baseGas(_ source: String, function: String = "f") throws -> Int64 {
    let module = try Assembler.assemble(source)
    let f = module.functions[module.functionIndex(named: function) ?? 0]
    return try Instruction.decodeAll(f.code).reduce(0) { $0 + Int64($1.opcode.info.gas) } + frameGas(f)
}

/// The byte offset of the `n`-th instruction (0-based) of `function` in `source`.
func offset(ofInstruction n: Int, in source: String, function: String = "f") throws -> Int {
    let module = try Assembler.assemble(source)
    let f = module.functions[module.functionIndex(named: function) ?? 0]
    return try Instruction.decodeAll(f.code)[n].offset
}

