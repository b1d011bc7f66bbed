// One compiled file (the contract, or a library it uses) and its own names.
import Diagnostics

/// A contract or library file: its own consts, functions and the libraries it uses.
final class Unit {
    let file: SourceFile
    let name: String
    let isLibrary: Bool
    // Read for most names a function body uses; never accessed overlappingly, so unchecked.
    @exclusivity(unchecked) var consts: [String: ConstSymbol] = [:]
    @exclusivity(unchecked) var functions: [String: FunctionSymbol] = [:]
    var functionOrder: [FunctionSymbol] = []
    /// Libraries by the qualifier used to call them (`math` for `use std.math`).
    var libraries: [String: Unit] = [:]

    init(file: SourceFile, name: String, isLibrary: Bool) {
        self.file = file
        self.name = name
        self.isLibrary = isLibrary
    }
}
