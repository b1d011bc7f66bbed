import Bytecode

/// What a call produced and what it cost.
public struct ExecutionResult: Sendable {
    /// The function's results, or the trap that reverted the call.
    public var outcome: Result<[Value], Trap>
    /// Gas consumed; the whole limit when the call ran out of gas.
    public var gasUsed: Int64

    /// The results, when the call returned.
    public var values: [Value]? { try? outcome.get() }
    /// The trap, when the call reverted.
    public var trap: Trap? {
        if case .failure(let t) = outcome { return t }
        return nil
    }
}

/// Entry point of the VM: runs one function of a lowered program against a host.
public enum Interpreter {
    /// Calls `function` (by name) with `args`. A `view` function always runs read-only.
    public static func call<H: Host>(
        _ program: Program, function name: String, args: [Value], host: inout H, gasLimit: Int64,
        readOnly: Bool = false
    ) -> ExecutionResult {
        guard let index = program.module.functionIndex(named: name) else {
            return ExecutionResult(outcome: .failure(Trap(.badCall("unknown function '\(name)'"))), gasUsed: 0)
        }
        var tracer = NoTracer()
        return call(program, function: index, args: args, host: &host, gasLimit: gasLimit, readOnly: readOnly, tracer: &tracer)
    }

    /// Calls function `index` with `args`, reporting every step to `tracer`.
    public static func call<H: Host, T: Tracer>(
        _ program: Program, function index: Int, args: [Value], host: inout H, gasLimit: Int64, readOnly: Bool,
        tracer: inout T
    ) -> ExecutionResult {
        call(program, function: index, args: args, host: &host, gasLimit: gasLimit, readOnly: readOnly, tracer: &tracer,
             cacheStorage: true)
    }

    /// `cacheStorage: false` runs without the storage cache (StorageCache.swift), for tests that compare the two.
    static func call<H: Host, T: Tracer>(
        _ program: Program, function index: Int, args: [Value], host: inout H, gasLimit: Int64, readOnly: Bool,
        tracer: inout T, cacheStorage: Bool
    ) -> ExecutionResult {
        let module = program.module
        guard index >= 0 && index < module.functions.count else {
            return ExecutionResult(outcome: .failure(Trap(.badCall("unknown function"))), gasUsed: 0)
        }
        let function = module.functions[index]
        guard function.kind != .private else {
            return ExecutionResult(
                outcome: .failure(Trap(.badCall("'\(function.name)' is private and cannot be called from outside"))),
                gasUsed: 0)
        }
        // Trace mode shows every bytecode step: superinstructions are lowered away first.
        if T.isEnabled && program.fused {
            return call(
                Program(program.verified, fuse: false), function: index, args: args, host: &host, gasLimit: gasLimit,
                readOnly: readOnly, tracer: &tracer, cacheStorage: cacheStorage)
        }
        guard args.count == function.params.count else {
            let message = "'\(function.name)' takes \(function.params.count) argument\(function.params.count == 1 ? "" : "s") but \(args.count) \(args.count == 1 ? "was" : "were") given"
            return ExecutionResult(outcome: .failure(Trap(.badCall(message))), gasUsed: 0)
        }
        let limit = max(0, gasLimit)
        var machine = Machine(
            program: program, host: host, tracer: T.isEnabled ? tracer : nil, gas: limit,
            readOnly: readOnly || function.kind == .view, cacheStorage: cacheStorage)
        // A trap reverts the call: a value-type host is handed back only when the call returns, so its
        // writes, transfers and events during a trapped call are discarded.
        var returned = false
        defer {
            if returned, let h = machine.host as? H { host = h }
            if let t = machine.tracer as? T { tracer = t }
            machine.release()
        }
        for (i, arg) in args.enumerated() {
            guard let s = machine.slot(of: arg, typeIndex: Int(function.params[i])) else {
                let reason = machine.pendingTrap ?? .outOfGas
                let trap = reason == .outOfGas ? Trap(.outOfGas) : Trap(.badCall("argument \(i + 1) of '\(function.name)': \(reason.message)"))
                return ExecutionResult(outcome: .failure(trap), gasUsed: reason == .outOfGas ? limit : limit - machine.gas)
            }
            machine.stack[i] = s
        }
        if let trap = T.isEnabled ? machine.run(entry: index, mode: Traced.self) : machine.run(entry: index, mode: Untraced.self) {
            let used = trap.reason == .outOfGas ? limit : limit - machine.gas
            return ExecutionResult(outcome: .failure(trap), gasUsed: used)
        }
        machine.flushStorage()
        returned = true
        let results = function.results.enumerated().map { machine.value(of: machine.stack[$0.offset], type: module.types[Int($0.element)]) }
        return ExecutionResult(outcome: .success(results), gasUsed: limit - machine.gas)
    }
}
