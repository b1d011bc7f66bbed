// A function the compiler emits: its signature, body and what the view check needs.
import Bytecode
import Diagnostics

/// A function with a body: of the contract, of a library, or the generated `init`.
final class FunctionSymbol {
    let name: String
    /// The name in the module: `name` for contract functions, `lib.name` for library functions.
    let moduleName: String
    let kind: FunctionKind
    var params: [Param] = []
    var result: SemaType = .void
    let body: Block?
    let range: SourceRange
    let nameRange: SourceRange
    unowned let unit: Unit
    /// Index in the module's function table, once scheduled.
    var index: Int?
    /// The first state write in the body itself (for `view` checks).
    var firstWrite: SourceRange?
    /// Functions of this module it calls, with the call's range. Unowned: a recursive function calls itself, and
    /// a strong reference would keep every symbol (and its syntax tree) alive forever — the REPL and a node
    /// compile many modules in one process (fuzz-compile's leak check found it).
    var callees: [Callee] = []

    /// A parameter, resolved. A struct rather than a tuple: an array of tuples is copied and freed through the
    /// runtime's generic tuple witnesses, element by element.
    struct Param {
        let name: String
        let type: SemaType
        let range: SourceRange
    }

    /// A call from this function: whom, and where.
    struct Callee {
        unowned let symbol: FunctionSymbol
        let range: SourceRange
    }
    /// State initializers run before the body (`init` only).
    var stateInitializers: [StateSymbol] = []

    init(
        name: String, moduleName: String, kind: FunctionKind, body: Block?, range: SourceRange, nameRange: SourceRange,
        unit: Unit
    ) {
        self.name = name
        self.moduleName = moduleName
        self.kind = kind
        self.body = body
        self.range = range
        self.nameRange = nameRange
        self.unit = unit
    }
}
