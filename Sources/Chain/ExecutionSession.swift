import Bytecode
import StateStore
import VM

/// The shared state of one transaction's execution: the overlay, the contract call stack, the event log and
/// the first store failure. Every `ChainHost` of the transaction (one per running contract) points at it.
final class ExecutionSession {
    let state: WorldState
    let programs: ProgramCache
    /// The transaction's signer.
    let origin: [UInt8]
    let blockHeight: UInt64
    let blockTime: UInt64
    /// Contracts running, outermost first (re-entrance check and depth limit).
    private(set) var callStack: [[UInt8]] = []
    /// Events of calls that have not reverted, in emission order.
    var events: [EventRecord] = []
    /// The first store or decoding failure; the block is abandoned when set.
    private(set) var failure: ChainError?

    init(state: WorldState, programs: ProgramCache, origin: [UInt8], blockHeight: UInt64, blockTime: UInt64) {
        self.state = state
        self.programs = programs
        self.origin = origin
        self.blockHeight = blockHeight
        self.blockTime = blockTime
    }

    /// Records a failure that is nobody's transaction's fault (the first one wins).
    func fail(_ error: any Error) {
        if failure == nil { failure = ChainError.wrap(error) }
    }

    /// The program of the contract recorded as `record`.
    func program(_ record: ContractRecord) throws -> Program {
        try programs.program(id: record.codeID) { try state.moduleBytes(record.codeID) }
    }

    /// The result of one contract invocation.
    struct Invocation {
        var outcome: Result<[Value], Trap>
        var gasUsed: Int64
        var moduleID: [UInt8]
        var module: Module?
    }

    /// Calls `function` of `contract` from `caller` with `value` tokens, in a checkpoint that is reverted (with
    /// the call's events) when the call traps. `kinds` are the function kinds callable this way.
    func invoke(
        contract: [UInt8], function: String, args: [Value], value: Int128, caller: [UInt8], gasLimit: Int64,
        readOnly: Bool, kinds: [FunctionKind] = [.public, .view]
    ) -> Invocation {
        var tracer = NoTracer()
        return invoke(
            contract: contract, function: function, args: args, value: value, caller: caller, gasLimit: gasLimit,
            readOnly: readOnly, kinds: kinds, tracer: &tracer)
    }

    /// `invoke` reporting every step of the outermost call to `tracer` (calls into other contracts run untraced).
    func invoke<T: Tracer>(
        contract: [UInt8], function: String, args: [Value], value: Int128, caller: [UInt8], gasLimit: Int64,
        readOnly: Bool, kinds: [FunctionKind] = [.public, .view], tracer: inout T
    ) -> Invocation {
        func reverted(_ message: String, _ module: Module? = nil, _ id: [UInt8] = []) -> Invocation {
            Invocation(outcome: .failure(Trap(.revert(message))), gasUsed: 0, moduleID: id, module: module)
        }
        guard callStack.count < Limits.maxContractCallDepth else {
            return reverted(TrapReason.callDepthExceeded.message)
        }
        guard !callStack.contains(contract) else { return reverted("reentrant call") }
        let record: ContractRecord
        let program: Program
        do {
            guard let found = try state.contract(contract) else {
                return reverted("no contract at \(Hex.prefixed(contract))")
            }
            record = found
            program = try self.program(found)
        } catch {
            fail(error)
            return reverted("state store failure")
        }
        let module = program.module
        guard let index = module.functionIndex(named: function), kinds.contains(module.functions[index].kind) else {
            return reverted("unknown function '\(function)'", module, record.codeID)
        }
        let checkpoint = state.overlay.checkpoint()
        let eventMark = events.count
        do {
            guard try state.move(value, from: caller, to: contract) else {
                try state.overlay.revert(to: checkpoint)
                return reverted(TrapReason.insufficientBalance.message, module, record.codeID)
            }
        } catch {
            fail(error)
            return reverted("state store failure")
        }
        callStack.append(contract)
        let context = CallContext(
            caller: caller, origin: origin, selfAddress: contract, value: value, blockHeight: Int128(blockHeight),
            blockTime: Int128(blockTime))
        var host = ChainHost(session: self, context: context, module: module, moduleID: record.codeID)
        let result = Interpreter.call(
            program, function: index, args: args, host: &host, gasLimit: gasLimit, readOnly: readOnly, tracer: &tracer)
        callStack.removeLast()
        do {
            if case .failure = result.outcome {
                try state.overlay.revert(to: checkpoint)
                events.removeSubrange(eventMark...)
            } else {
                try state.overlay.commit(checkpoint)
            }
        } catch {
            fail(error)
        }
        return Invocation(outcome: result.outcome, gasUsed: result.gasUsed, moduleID: record.codeID, module: module)
    }
}
