import Bytecode
import Tooling
import VM

/// A call's argument literals as values of a function's parameter types: one conversion for `run --call`,
/// `run --init`, `deploy`, `call` and `query`. The messages name the function and its parameter types, since a
/// module keeps types but not parameter names. `account` gives the address of an account name (`@alice`).
enum CallArguments {
    static func values(
        _ literals: [CallSyntax.Literal], of function: Function, in module: Module,
        account: (String) throws(ArgumentError) -> [UInt8]
    ) throws(CLIFailure) -> [Value] {
        let types = function.params.map { module.types[Int($0)] }
        guard literals.count == types.count else {
            let given = literals.count
            let expected = types.isEmpty
                ? "no arguments" : "\(plural(types.count, "argument")) (\(typeList(types, in: module)))"
            throw CLIFailure("'\(function.name)' takes \(expected) but \(given) \(given == 1 ? "was" : "were") given")
        }
        var values: [Value] = []
        for (i, literal) in literals.enumerated() {
            do throws(ArgumentError) {
                values.append(try literal.value(as: types[i], in: module, account: account))
            } catch {
                throw CLIFailure("argument \(i + 1) of '\(function.name)': \(error.message)")
            }
        }
        return values
    }

    static func typeList(_ types: [TypeDesc], in module: Module) -> String {
        types.map { TypeNames.name($0, in: module) }.joined(separator: ", ")
    }
}
