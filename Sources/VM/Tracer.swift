import Bytecode

/// One executed instruction, as trace mode reports it (before the instruction runs).
public struct TraceStep: Hashable, Sendable {
    /// Call depth within this run (0 for the entry function).
    public var depth: Int
    public var function: Int
    /// Byte offset of the instruction in the function's code.
    public var offset: Int
    public var opcode: Opcode
    /// Gas left before the instruction is charged.
    public var gasLeft: Int64
    /// The operand on top of the stack, if the stack above the locals is not empty.
    public var stackTop: Int128?
}

/// Receives every step of a traced run. With `NoTracer` (whose `isEnabled` is false) the run is
/// untraced and the loop tests one local flag per step.
public protocol Tracer {
    static var isEnabled: Bool { get }
    mutating func step(_ step: TraceStep)
}

/// The tracer that records nothing.
public struct NoTracer: Tracer {
    public static var isEnabled: Bool { false }
    public init() {}
    @inline(__always) public mutating func step(_ step: TraceStep) {}
}

/// A tracer that keeps every step (bounded, for debuggers and the REPL).
public struct RecordingTracer: Tracer {
    public static var isEnabled: Bool { true }
    public private(set) var steps: [TraceStep] = []
    public let limit: Int
    public private(set) var truncated = false

    public init(limit: Int = 1_000_000) { self.limit = limit }

    public mutating func step(_ step: TraceStep) {
        if steps.count < limit { steps.append(step) } else { truncated = true }
    }
}

/// Whether a run is traced, fixed at compile time so the untraced loop has no per-step test.
protocol TraceMode { static var on: Bool { get } }
enum Traced: TraceMode { static var on: Bool { true } }
enum Untraced: TraceMode { static var on: Bool { false } }
