/// A contract module: everything a chain needs to verify, run, call and upgrade a contract.
///
/// The binary form (`ModuleCodec`) is canonical: `decode(encode(m)) == m` and every module has exactly
/// one encoding, so `id` — the SHA-256 of the bytes — names the code.
public struct Module: Hashable, Sendable {
    /// Binary format version written after the magic.
    public static let formatVersion: UInt16 = 1

    public var name: String
    /// Every type that code, functions, state, events or structs name, by index.
    public var types: [TypeDesc]
    public var constants: [Constant]
    public var structs: [StructDecl]
    /// The state schema: names and types of the contract's state variables, by index.
    public var state: [Field]
    public var events: [EventDecl]
    /// Functions of other contracts this one calls (`call_ext`), by name and signature.
    public var externs: [ExternDecl]
    /// The functions; their `kind`s and signatures are the contract's ABI.
    public var functions: [Function]
    /// Source positions of instructions, when the compiler recorded them.
    public var sourceMap: SourceMap?

    public init(
        name: String, types: [TypeDesc] = [], constants: [Constant] = [], structs: [StructDecl] = [],
        state: [Field] = [], events: [EventDecl] = [], externs: [ExternDecl] = [], functions: [Function] = [],
        sourceMap: SourceMap? = nil
    ) {
        self.name = name
        self.types = types
        self.constants = constants
        self.structs = structs
        self.state = state
        self.events = events
        self.externs = externs
        self.functions = functions
        self.sourceMap = sourceMap
    }

    /// The index of the function called `name`, if any.
    public func functionIndex(named name: String) -> Int? {
        functions.firstIndex { $0.name == name }
    }
}

/// A named, typed slot: a state variable, a struct field or an event field.
public struct Field: Hashable, Sendable {
    public var name: String
    /// Index into `Module.types`.
    public var type: UInt16

    public init(name: String, type: UInt16) {
        self.name = name
        self.type = type
    }
}

public struct StructDecl: Hashable, Sendable {
    public var name: String
    public var fields: [Field]

    public init(name: String, fields: [Field]) {
        self.name = name
        self.fields = fields
    }
}

public struct EventDecl: Hashable, Sendable {
    public var name: String
    public var fields: [Field]

    public init(name: String, fields: [Field]) {
        self.name = name
        self.fields = fields
    }
}

/// A function of another contract, as an `interface` declares it.
public struct ExternDecl: Hashable, Sendable {
    public var name: String
    public var params: [UInt16]
    public var results: [UInt16]
    public var isView: Bool

    public init(name: String, params: [UInt16], results: [UInt16], isView: Bool) {
        self.name = name
        self.params = params
        self.results = results
        self.isView = isView
    }
}

/// Who may call a function and what it may do.
public enum FunctionKind: UInt8, Hashable, Sendable, CaseIterable {
    /// Callable by transactions and other contracts; may write state.
    case `public` = 0
    /// Callable from outside; never writes state (the VM enforces it).
    case view = 1
    /// Callable only from this module's code.
    case `private` = 2
    /// Runs once, at deploy.
    case `init` = 3
    /// Runs once, when an upgrade installs this module; takes the previous version as an `Int`.
    case migrate = 4

    public var name: String {
        switch self {
        case .public: "public"
        case .view: "view"
        case .private: "private"
        case .`init`: "init"
        case .migrate: "migrate"
        }
    }
}

public struct Function: Hashable, Sendable {
    public var name: String
    public var kind: FunctionKind
    /// Parameter types (indices into `Module.types`); parameters are the first locals.
    public var params: [UInt16]
    /// Result types (0 or more values left by `ret`).
    public var results: [UInt16]
    /// Types of the locals after the parameters. Scalars start at zero; compound locals must be
    /// assigned before they are read (the verifier checks it).
    public var locals: [UInt16]
    /// The most operand-stack slots the code uses above its locals; the verifier checks it.
    public var maxStack: UInt16
    public var code: [UInt8]

    public init(
        name: String, kind: FunctionKind, params: [UInt16], results: [UInt16], locals: [UInt16],
        maxStack: UInt16, code: [UInt8]
    ) {
        self.name = name
        self.kind = kind
        self.params = params
        self.results = results
        self.locals = locals
        self.maxStack = maxStack
        self.code = code
    }

    /// Parameters plus declared locals.
    public var localCount: Int { params.count + locals.count }
}

/// A constant-pool entry, pushed by `push_const`.
public enum Constant: Hashable, Sendable {
    case int(Int128)
    /// Fixed-point decimal: the value times 10^18.
    case dec(Int128)
    /// UTF-8 text (the decoder rejects invalid UTF-8).
    case string([UInt8])
    case bytes([UInt8])
    /// Exactly 32 bytes.
    case address([UInt8])
    /// Exactly 32 bytes.
    case hash([UInt8])

    /// The type a `push_const` of this constant pushes.
    public var type: TypeDesc {
        switch self {
        case .int: .int
        case .dec: .dec
        case .string: .string
        case .bytes: .bytes
        case .address: .address
        case .hash: .hash
        }
    }
}

/// Source positions for instructions: `(function, code offset) -> file:line:col`, sorted by
/// function then offset; an instruction maps to the last entry at or before its offset.
public struct SourceMap: Hashable, Sendable {
    public var files: [String]
    public var entries: [SourceMapEntry]

    public init(files: [String], entries: [SourceMapEntry]) {
        self.files = files
        self.entries = entries
    }

    /// The position recorded for `offset` in `function`, if any.
    public func position(function: Int, offset: Int) -> SourcePosition? {
        var lo = 0, hi = entries.count
        while lo < hi {  // first entry greater than (function, offset)
            let mid = (lo + hi) / 2
            let e = entries[mid]
            if (Int(e.function), Int(e.offset)) <= (function, offset) { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let e = entries[lo - 1]
        guard Int(e.function) == function, Int(e.file) < files.count else { return nil }
        return SourcePosition(file: files[Int(e.file)], line: Int(e.line), column: Int(e.column))
    }
}

public struct SourceMapEntry: Hashable, Sendable {
    public var function: UInt16
    public var offset: UInt32
    public var file: UInt16
    public var line: UInt32
    public var column: UInt32

    public init(function: UInt16, offset: UInt32, file: UInt16, line: UInt32, column: UInt32) {
        self.function = function
        self.offset = offset
        self.file = file
        self.line = line
        self.column = column
    }
}

/// A 1-based `file:line:col`.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
