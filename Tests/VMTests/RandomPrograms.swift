import Bytecode

/// The seeded generator of the random tests (Bytecode's SplitMix64).
typealias SeededGenerator = SplitMix64

/// Random programs that always verify: straight-line Int, Dec, Bool, String, list and map code written
/// as assembly, generated with an abstract stack of types so every instruction gets the operands it
/// needs. Values can still trap (overflow, division by zero, index out of range): that is the point.
struct RandomPrograms {
    /// The value types the generator tracks on its abstract stack.
    enum Kind: CaseIterable {
        case int, dec, bool, string, hash, list

        var typeName: String {
            switch self {
            case .int: "int"
            case .dec: "dec"
            case .bool: "bool"
            case .string: "string"
            case .hash: "hash"
            case .list: "list<int>"
            }
        }
    }

    /// One generated function: its signature and its body lines.
    struct FunctionText {
        var name: String
        var kind: String
        var params: [Kind]
        var results: [Kind]
        var body: [String]

        var text: String {
            let ps = params.enumerated().map { "p\($0.offset): \($0.element.typeName)" }.joined(separator: ", ")
            let names = results.map(\.typeName)
            let rs = names.count == 1 ? names[0] : "(" + names.joined(separator: ", ") + ")"
            let header = ".fn \(kind) \(name)(\(ps)) -> \(rs)"
            let locals = [
                "    .local xs: list<int>", "    .local mp: map<int, int>", "    .local t1: int", "    .local t2: int",
            ]
            return ([header] + locals + body.map { "    " + $0 }).joined(separator: "\n")
        }
    }

    var rng: SeededGenerator
    private var stack: [Kind] = []
    private var body: [String] = []

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }

    /// A module of 1 to 4 functions; later ones may call earlier ones.
    mutating func moduleText() -> (text: String, functions: [FunctionText]) {
        var functions: [FunctionText] = []
        for i in 0..<int(1...4) {
            functions.append(function(name: "f\(i)", callable: functions))
        }
        let text = ".module random\n\n" + functions.map(\.text).joined(separator: "\n\n") + "\n"
        return (text, functions)
    }

    /// The functions a test may call from outside.
    static func entryPoints(_ functions: [FunctionText]) -> [FunctionText] {
        functions.filter { $0.kind != "private" }
    }

    mutating func function(name: String, callable: [FunctionText]) -> FunctionText {
        let params = (0..<int(0...4)).map { _ in pick([Kind.int, .int, .dec, .bool, .string]) }
        stack = []
        body = ["list_new list<int>", "local_set xs", "map_new map<int, int>", "local_set mp"]
        for _ in 0..<int(1...40) {
            step(params: params, callable: callable)
            while stack.count > 8 { emit("pop", pops: 1) }
        }
        if stack.isEmpty { emit("push_int \(int(-9...9))", pushes: [.int]) }
        body.append("ret")
        let kind = pick(["public", "public", "view", "private"])
        return FunctionText(name: name, kind: kind, params: params, results: stack, body: body)
    }

    private mutating func emit(_ line: String, pops: Int = 0, pushes: [Kind] = []) {
        body.append(contentsOf: line.split(separator: ";").map { String($0.drop { $0 == " " }) })
        stack.removeLast(pops)
        stack.append(contentsOf: pushes)
    }

    private func top(_ kinds: Kind...) -> Bool { top(kinds: kinds) }

    // MARK: - One random step

    private mutating func step(params: [Kind], callable: [FunctionText]) {
        switch int(0...19) {
        case 0...3: pushSomething(params: params)
        case 4...6 where top(.int, .int):
            let op = pick(["add_int", "sub_int", "mul_int", "div_int", "mod_int"])
            emit(op, pops: 2, pushes: [.int])
        case 7 where top(.int, .int):
            emit(pick(["eq_int", "ne_int", "lt_int", "le_int", "gt_int", "ge_int"]), pops: 2, pushes: [.bool])
        case 8 where top(.int):
            switch int(0...5) {
            case 0: emit("neg_int", pops: 1, pushes: [.int])
            case 1: emit("int_to_dec", pops: 1, pushes: [.dec])
            case 2: emit("int_to_string", pops: 1, pushes: [.string])
            case 3: emit("local_get xs; swap; list_push", pops: 1)
            case 4: emit("local_get xs; swap; list_get", pops: 1, pushes: [.int])
            default:
                if chance(50) {
                    emit("local_get mp; swap; map_get", pops: 1, pushes: [.int])
                } else {
                    emit("local_get mp; swap; map_has", pops: 1, pushes: [.bool])
                }
            }
        case 9 where top(.int, .int):
            emit("local_set t1; local_set t2; local_get mp; local_get t2; local_get t1; map_set", pops: 2)
        case 10 where top(.dec, .dec):
            if chance(70) {
                emit(pick(["add_dec", "sub_dec", "mul_dec", "div_dec"]), pops: 2, pushes: [.dec])
            } else {
                emit(pick(["eq_dec", "ne_dec", "lt_dec", "le_dec", "gt_dec", "ge_dec"]), pops: 2, pushes: [.bool])
            }
        case 11 where top(.dec):
            if chance(50) {
                emit("neg_dec", pops: 1, pushes: [.dec])
            } else {
                emit("dec_to_int", pops: 1, pushes: [.int])
            }
        case 12 where top(.bool, .bool):
            emit(pick(["and", "or", "eq_bool", "ne_bool"]), pops: 2, pushes: [.bool])
        case 13 where top(.bool):
            emit("not", pops: 1, pushes: [.bool])
        case 14 where top(.string, .string):
            if chance(50) {
                emit("concat", pops: 2, pushes: [.string])
            } else {
                emit("eq_blob", pops: 2, pushes: [.bool])
            }
        case 15 where top(.string):
            if chance(50) {
                emit("blob_len", pops: 1, pushes: [.int])
            } else {
                emit("sha256", pops: 1, pushes: [.hash])
            }
        case 16 where top(.hash, .hash):
            emit(pick(["eq_blob", "ne_blob"]), pops: 2, pushes: [.bool])
        case 17 where !stack.isEmpty:
            let kind = stack[stack.count - 1]
            switch int(0...2) {
            case 0: emit("dup", pops: 1, pushes: [kind, kind])
            case 1: emit("pop", pops: 1)
            default:
                if stack.count >= 2 {
                    let below = stack[stack.count - 2]
                    emit("swap", pops: 2, pushes: [kind, below])
                }
            }
        case 18:
            let candidates = callable.filter { top(kinds: $0.params) }
            if let f = candidates.isEmpty ? nil : pick(candidates) {
                emit("call \(f.name)", pops: f.params.count, pushes: f.results)
            }
        default:
            switch int(0...4) {
            case 0: emit("local_get xs; list_len", pushes: [.int])
            case 1: emit("local_get mp; map_len", pushes: [.int])
            case 2: emit("local_get xs", pushes: [.list])
            case 3:
                // Non-negative weights, so it rarely traps (all three zero with a non-zero amount).
                let (amount, a, b, c) = (int(0...1000), int(0...9), int(0...9), int(0...9))
                emit("push_int \(amount); push_int \(a); push_int \(b); push_int \(c); list_lit list<int> 3; split",
                     pushes: [.list])
            default: emit("gas_left", pushes: [.int])
            }
        }
    }

    private func top(kinds: [Kind]) -> Bool {
        stack.count >= kinds.count && Array(stack.suffix(kinds.count)) == kinds
    }

    private mutating func pushSomething(params: [Kind]) {
        if !params.isEmpty && chance(40) {
            let i = int(0...params.count - 1)
            emit("local_get p\(i)", pushes: [params[i]])
            return
        }
        switch int(0...9) {
        case 0...3: emit("push_int \(int(-20...20))", pushes: [.int])
        case 4: emit("push_int \(pick([Int64.max, Int64.min, 1 << 40, -(1 << 33)]))", pushes: [.int])
        case 5:
            let big = pick([
                "170141183460469231731687303715884105727", "-170141183460469231731687303715884105728",
                "99999999999999999999",
            ])
            emit("push_const \(big)", pushes: [.int])
        case 6: emit("push_const \(int(-50...50)).\(int(0...99))d", pushes: [.dec])
        case 7: emit(chance(50) ? "push_true" : "push_false", pushes: [.bool])
        default: emit("push_const \"\(pick(["", "a", "hello", "é", "x y"]))\"", pushes: [.string])
        }
    }

    // MARK: - Arguments

    /// Random arguments for `params`, as values and as `--call` text.
    mutating func arguments(_ params: [Kind]) -> (values: [Value], text: [String]) {
        var values: [Value] = []
        var text: [String] = []
        for p in params {
            switch p {
            case .int:
                let v = int(-1000...1000)
                values.append(.int(Int128(v)))
                text.append(String(v))
            case .dec:
                let cents = int(-100_000...100_000)
                values.append(.dec(Int128(cents) * 10_000_000_000_000_000))
                let sign = cents < 0 ? "-" : ""
                let frac = abs(cents) % 100
                text.append("\(sign)\(abs(cents) / 100).\(frac < 10 ? "0" : "")\(frac)")
            case .bool:
                let b = chance(50)
                values.append(.bool(b))
                text.append(b ? "true" : "false")
            default:
                let s = pick(["", "a", "zz", "hello world"])
                values.append(.string(s))
                text.append("\"\(s)\"")
            }
        }
        return (values, text)
    }
}
