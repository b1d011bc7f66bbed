// What declarations define, as the checker and code generator see them.
import Bytecode
import Diagnostics

/// A compile-time value: a `const`, a literal, or a folded expression over them.
enum ConstValue: Hashable {
    case int(Int128)
    case dec(Int128)
    case bool(Bool)
    case string(String)
    case address([UInt8])
    case hash([UInt8])

    var type: SemaType {
        switch self {
        case .int: .int
        case .dec: .dec
        case .bool: .bool
        case .string: .string
        case .address: .address
        case .hash: .hash
        }
    }
}

/// A `const` declaration; its value is computed on first use (cycles are reported).
final class ConstSymbol {
    let name: String
    let declaredType: TypeSyntax?
    let expr: Expr
    let range: SourceRange
    var value: ConstValue?
    var evaluating = false
    var failed = false

    init(name: String, declaredType: TypeSyntax?, expr: Expr, range: SourceRange) {
        self.name = name
        self.declaredType = declaredType
        self.expr = expr
        self.range = range
    }
}

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

/// A state variable.
struct StateSymbol {
    let name: String
    let index: Int
    let type: SemaType
    let initializer: Expr?
    let range: SourceRange
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

/// A function with a body: of the contract, of a library, or the generated `init`.
final class FunctionSymbol {
    let name: String
    /// The name in the module: `name` for contract functions, `lib.name` for library functions.
    let moduleName: String
    let kind: FunctionKind
    var params: [(name: String, type: SemaType, range: SourceRange)] = []
    var result: SemaType = .void
    let parameterSyntax: [Parameter]
    let returnSyntax: TypeSyntax?
    let body: Block?
    let range: SourceRange
    let nameRange: SourceRange
    unowned let unit: Unit
    /// Index in the module's function table, once scheduled.
    var index: Int?
    /// The first state write in the body itself (for `view` checks).
    var firstWrite: SourceRange?
    /// Functions of this module it calls, with the call's range.
    var callees: [(FunctionSymbol, SourceRange)] = []
    /// State initializers run before the body (`init` only).
    var stateInitializers: [StateSymbol] = []

    init(
        name: String, moduleName: String, kind: FunctionKind, parameterSyntax: [Parameter], returnSyntax: TypeSyntax?,
        body: Block?, range: SourceRange, nameRange: SourceRange, unit: Unit
    ) {
        self.name = name
        self.moduleName = moduleName
        self.kind = kind
        self.parameterSyntax = parameterSyntax
        self.returnSyntax = returnSyntax
        self.body = body
        self.range = range
        self.nameRange = nameRange
        self.unit = unit
    }
}

/// A contract or library file: its own consts, functions and the libraries it uses.
final class Unit {
    let file: SourceFile
    let name: String
    let isLibrary: Bool
    var consts: [String: ConstSymbol] = [:]
    var functions: [String: FunctionSymbol] = [:]
    var functionOrder: [FunctionSymbol] = []
    /// Libraries by the qualifier used to call them (`math` for `use std.math`).
    var libraries: [String: Unit] = [:]

    init(file: SourceFile, name: String, isLibrary: Bool) {
        self.file = file
        self.name = name
        self.isLibrary = isLibrary
    }
}
