import Bytecode

/// A module that passed verification. Only the verifier makes these, so holding one is proof that its
/// code is safe to run without per-instruction checks (see Docs/bytecode.md, "What verification
/// guarantees").
public struct VerifiedModule: Sendable {
    public let module: Module

    init(module: Module) {
        self.module = module
    }
}

/// Why a module was rejected.
public struct VerificationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The function, when the problem is inside one.
    public var function: Int?
    /// The byte offset in that function's code.
    public var offset: Int?

    public init(_ message: String, function: Int? = nil, offset: Int? = nil) {
        self.message = message
        self.function = function
        self.offset = offset
    }

    public var description: String {
        var s = ""
        if let function { s += "function \(function)" }
        if let offset { s += (s.isEmpty ? "" : ", ") + "offset \(offset)" }
        return s.isEmpty ? message : "\(s): \(message)"
    }
}

public enum Verifier {
    /// Checks `module`. PLACEHOLDER: the real passes are being written; this accepts everything.
    public static func verify(_ module: Module) throws(VerificationError) -> VerifiedModule {
        VerifiedModule(module: module)
    }
}
