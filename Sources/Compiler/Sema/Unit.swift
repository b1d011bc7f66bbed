// One compiled file (the contract, or a library it uses) and its own names.
import Diagnostics

/// A contract or library file: its own consts, functions and the libraries it uses.
final class Unit {
    let file: SourceFile
    /// The file's expressions and statements: every body, const and initializer of this unit is in it.
    let tree: SyntaxTree
    let name: String
    let isLibrary: Bool
    // Read for most names a function body uses; never accessed overlappingly, so unchecked.
    @exclusivity(unchecked) var consts: [String: ConstSymbol] = [:]
    @exclusivity(unchecked) var functions: [String: FunctionSymbol] = [:]
    var functionOrder: [FunctionSymbol] = []
    /// Libraries by the qualifier used to call them (`math` for `use std.math`).
    var libraries: [String: Unit] = [:]
    /// Qualifiers of `use` lines that found nothing (already an error there): their names are not reported again
    /// as unknown in every body that uses them. Only looked up, never iterated.
    var missingLibraries: Set<String> = []

    init(file: SourceFile, tree: SyntaxTree, name: String, isLibrary: Bool) {
        self.file = file
        self.tree = tree
        self.name = name
        self.isLibrary = isLibrary
    }
}
