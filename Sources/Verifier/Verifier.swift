import Bytecode

/// A module that passed verification. Only the verifier makes these, so holding one is proof that its
/// code is safe to run without per-instruction checks (see Docs/verifier.md).
public struct VerifiedModule: Sendable {
    public let module: Module

    init(module: Module) {
        self.module = module
    }
}

/// Why a module was rejected.
public struct VerificationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, lowercase, e.g. `'add_int' expects int, int but found int, bool`.
    public var message: String
    /// The function's index, when the problem is inside one.
    public var function: Int?
    /// The function's name, when the problem is inside one.
    public var functionName: String?
    /// The byte offset in that function's code.
    public var offset: Int?

    /// Makes an error; `functionName` is for readable descriptions.
    public init(_ message: String, function: Int? = nil, functionName: String? = nil, offset: Int? = nil) {
        self.message = message
        self.function = function
        self.functionName = functionName
        self.offset = offset
    }

    /// `function 'name' offset 12: message`, or less when the error is not inside a function.
    public var description: String {
        var parts: [String] = []
        if let functionName {
            parts.append("function '\(functionName)'")
        } else if let function {
            parts.append("function \(function)")
        }
        if let offset { parts.append("offset \(offset)") }
        return parts.isEmpty ? message : "\(parts.joined(separator: " ")): \(message)"
    }
}

/// Checks modules before they run. The passes run in order, each assuming what the earlier ones proved:
///
/// 1. `StructurePass` — tables, types, names, signatures, limits;
/// 2. `ControlFlowPass` — decoding (once: the later passes read its `ModuleCode`), branch targets, falling
///    off the end (per function);
/// 3. `IndexPass` — every index immediate in range (per function);
/// 4. `PermissionPass` — no calls of `init`/`migrate`, `view` functions never write;
/// 5. `TypeSafetyPass` — typed abstract interpretation of the stack and locals (per function).
///
/// Verification is deterministic and its work is roughly linear in the module's size.
public enum Verifier {
    /// Checks `module` and returns it as a `VerifiedModule`, or the first problem found.
    public static func verify(_ module: Module) throws(VerificationError) -> VerifiedModule {
        let types = try StructurePass(module: module).run()
        var flow = ControlFlowPass(module: module)
        let indices = IndexPass(module: module)
        for index in module.functions.indices {
            try flow.run(function: index)
            try indices.run(function: index, code: flow.code)
        }
        try PermissionPass(module: module, code: flow.code).run()
        var typeSafety = TypeSafetyPass(module: module, types: types, code: flow.code)
        for index in module.functions.indices {
            try typeSafety.run(function: index)
        }
        return VerifiedModule(module: module)
    }
}

extension Array {
    /// Makes the array hold `count` (at least 0) copies of `value`, reusing its storage: the passes' work arrays,
    /// sized anew for each function.
    mutating func refill(_ count: Int, with value: Element) {
        let count = Swift.max(0, count)
        if self.count > count { removeLast(self.count - count) }
        for i in indices { self[i] = value }
        if self.count < count { append(contentsOf: repeatElement(value, count: count - self.count)) }
    }
}
