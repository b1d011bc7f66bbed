// The records of structs, events, state variables and interfaces, as the checker sees them.
import Bytecode
import Diagnostics

/// A struct declaration.
struct StructSymbol {
    let name: String
    let index: Int
    var fields: [(name: String, type: SemaType)]
    let range: SourceRange

    func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// An event declaration.
struct EventSymbol {
    let name: String
    let index: Int
    var fields: [(name: String, type: SemaType)]
}

/// A state variable. A class: the checker looks one up for every use of a state variable, and a reference
/// is cheaper to hand out than a copy of five fields (the name, type and initializer each retained).
final class StateSymbol {
    let name: String
    let index: Int
    let type: SemaType
    let initializer: Expr?
    let range: SourceRange

    init(name: String, index: Int, type: SemaType, initializer: Expr?, range: SourceRange) {
        self.name = name
        self.index = index
        self.type = type
        self.initializer = initializer
        self.range = range
    }
}

/// One function of an interface.
struct InterfaceFunction {
    let name: String
    let params: [(name: String, type: SemaType)]
    let result: SemaType
    let isView: Bool
}

/// An `interface` declaration.
struct InterfaceSymbol {
    let name: String
    var functions: [String: InterfaceFunction]
    var order: [String]
}
