import Bytecode
import Testing

@testable import Verifier

/// One line of hand-written code: an instruction, a label, or a branch to a label.
enum Asm {
    case op(Opcode, [Int64])
    case label(String)
    case branch(Opcode, String)

    static func op(_ opcode: Opcode, _ immediates: Int64...) -> Asm { .op(opcode, immediates) }
}

/// Encodes `items`, resolving labels to byte offsets. Unknown labels become offset 0.
func assemble(_ items: [Asm]) -> [UInt8] {
    var labels: [String: Int64] = [:]
    var offset = 0
    for item in items {
        switch item {
        case .op(let opcode, _), .branch(let opcode, _): offset += opcode.info.size
        case .label(let name): labels[name] = Int64(offset)
        }
    }
    var out: [UInt8] = []
    for item in items {
        switch item {
        case .op(let opcode, let immediates):
            Instruction(offset: out.count, opcode: opcode, immediates: immediates).encode(into: &out)
        case .branch(let opcode, let label):
            Instruction(offset: out.count, opcode: opcode, immediates: [labels[label] ?? 0]).encode(into: &out)
        case .label:
            break
        }
    }
    return out
}

/// Type indices of `Fixture.types`.
enum T {
    static let int: UInt16 = 0
    static let dec: UInt16 = 1
    static let bool: UInt16 = 2
    static let address: UInt16 = 3
    static let hash: UInt16 = 4
    static let string: UInt16 = 5
    static let bytes: UInt16 = 6
    static let listInt: UInt16 = 7
    static let mapStringInt: UInt16 = 8
    static let point: UInt16 = 9
    static let listPoint: UInt16 = 10
}

/// Constant indices of `Fixture.constants`.
enum K {
    static let int: Int64 = 0
    static let string: Int64 = 1
    static let dec: Int64 = 2
    static let address: Int64 = 3
    static let hash: Int64 = 4
    static let bytes: Int64 = 5
}

/// A small module with one of everything; tests replace its functions or tables.
enum Fixture {
    static let types: [TypeDesc] = [
        .int, .dec, .bool, .address, .hash, .string, .bytes, .list(elem: 0), .map(key: 5, value: 0), .structure(0),
        .list(elem: 9),
    ]
    static let constants: [Constant] = [
        .int(5), .string(Array("hi".utf8)), .dec(decScale), .address([UInt8](repeating: 1, count: 32)),
        .hash([UInt8](repeating: 2, count: 32)), .bytes([1, 2, 3]),
    ]
    /// `Point { x: int, y: int }`.
    static let structs = [StructDecl(name: "Point", fields: [Field(name: "x", type: 0), Field(name: "y", type: 0)])]
    /// `counter: int`, `balances: map<string, int>`, `log: list<int>`, `owner: address`.
    static let state = [
        Field(name: "counter", type: T.int), Field(name: "balances", type: T.mapStringInt),
        Field(name: "log", type: T.listInt), Field(name: "owner", type: T.address),
    ]
    static let events = [
        EventDecl(name: "Moved", fields: [Field(name: "who", type: T.address), Field(name: "amount", type: T.int)])
    ]
    /// `peek(address) -> int` (view), `poke(int)` (writes).
    static let externs = [
        ExternDecl(name: "peek", params: [T.address], results: [T.int], isView: true),
        ExternDecl(name: "poke", params: [T.int], results: [], isView: false),
    ]

    static func module(_ functions: [Function]) -> Module {
        Module(
            name: "fixture", types: types, constants: constants, structs: structs, state: state, events: events,
            externs: externs, functions: functions)
    }

    /// A module with one function `f` built from `code`.
    static func module(
        kind: FunctionKind = .public, params: [UInt16] = [], results: [UInt16] = [], locals: [UInt16] = [],
        maxStack: UInt16 = 8, _ code: [Asm]
    ) -> Module {
        module([fn("f", kind: kind, params: params, results: results, locals: locals, maxStack: maxStack, code)])
    }
}

func fn(
    _ name: String, kind: FunctionKind = .public, params: [UInt16] = [], results: [UInt16] = [],
    locals: [UInt16] = [], maxStack: UInt16 = 8, _ code: [Asm]
) -> Function {
    Function(
        name: name, kind: kind, params: params, results: results, locals: locals, maxStack: maxStack,
        code: assemble(code))
}

/// The error `verify` throws, or `nil` when it accepts.
func verificationError(_ module: Module) -> VerificationError? {
    do {
        _ = try Verifier.verify(module)
        return nil
    } catch {
        return error
    }
}

/// Helpers on the random tests' generator (Bytecode's SplitMix64).
extension SplitMix64 {

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}
