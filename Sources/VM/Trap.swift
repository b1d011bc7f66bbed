import Bytecode

/// Why a run stopped abnormally. Every trap reverts the call: the host discards its writes.
public enum TrapReason: Hashable, Sendable {
    case outOfGas
    case overflow
    case divisionByZero
    case indexOutOfRange
    case callDepthExceeded
    case stackOverflow
    case outOfMemory
    case assertionFailed
    case insufficientBalance
    case writeInView
    /// `revert("...")`, `require` or a callee's revert passed up.
    case revert(String)
    /// A value that cannot be what its type says: a corrupt state entry or a host returning a value of
    /// the wrong type.
    case invalidValue(String)
    /// Arguments that do not match the function's parameters, or an unknown function.
    case badCall(String)

    /// The fixed message a trap reverts with (LANGUAGE.md: "A trap reverts the call with a fixed
    /// message").
    public var message: String {
        switch self {
        case .outOfGas: "out of gas"
        case .overflow: "overflow"
        case .divisionByZero: "division by zero"
        case .indexOutOfRange: "index out of range"
        case .callDepthExceeded: "call depth exceeded"
        case .stackOverflow: "stack overflow"
        case .outOfMemory: "out of memory"
        case .assertionFailed: "assertion failed"
        case .insufficientBalance: "insufficient balance"
        case .writeInView: "state write in a view call"
        case .revert(let m): m
        case .invalidValue(let m): "invalid value: \(m)"
        case .badCall(let m): m
        }
    }
}

/// A trap with where it happened: function, bytecode offset, and the source position when the module
/// has a source map.
public struct Trap: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: TrapReason
    public var function: String?
    public var offset: Int?
    public var position: SourcePosition?

    public init(_ reason: TrapReason, function: String? = nil, offset: Int? = nil, position: SourcePosition? = nil) {
        self.reason = reason
        self.function = function
        self.offset = offset
        self.position = position
    }

    public var message: String { reason.message }

    public var description: String {
        var where_ = ""
        if let position { where_ = " at \(position)" }
        else if let function, let offset { where_ = " in '\(function)' at offset \(offset)" }
        return "\(reason.message)\(where_)"
    }
}
