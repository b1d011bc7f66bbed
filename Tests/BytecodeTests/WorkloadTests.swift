import Foundation
import Testing

@testable import Bytecode

/// A deliberately tiny, slow evaluator for the few opcodes the bench workloads use, so their checksums can be
/// checked here before the real VM exists. Not a model of the VM: no gas, no verification.
struct TinyEvaluator {
    enum Slot: Equatable {
        case int(Int128)
        case bool(Bool)
        case list(Int)
    }

    struct Failure: Error {
        var message: String
    }

    let module: Module
    var lists: [[Int128]] = []
    /// Contract storage: state-map entries by (variable, key); missing entries read as 0.
    var storage: [[Int128]: Int128] = [:]

    init(_ module: Module) { self.module = module }

    mutating func call(_ name: String, _ args: [Int128]) throws -> Int128 {
        guard let fi = module.functionIndex(named: name) else { throw Failure(message: "no function \(name)") }
        let results = try run(fi, args.map { .int($0) })
        guard case .int(let v)? = results.first else { throw Failure(message: "no int result") }
        return v
    }

    private mutating func run(_ fi: Int, _ args: [Slot]) throws -> [Slot] {
        let f = module.functions[fi]
        var locals = args + [Slot](repeating: .int(0), count: f.locals.count)
        var stack: [Slot] = []
        var pc = 0
        func int() throws -> Int128 {
            guard case .int(let v)? = stack.popLast() else { throw Failure(message: "expected an int at \(pc)") }
            return v
        }
        func bool() throws -> Bool {
            guard case .bool(let v)? = stack.popLast() else { throw Failure(message: "expected a bool at \(pc)") }
            return v
        }
        func list() throws -> Int {
            guard case .list(let v)? = stack.popLast() else { throw Failure(message: "expected a list at \(pc)") }
            return v
        }
        while true {
            let inst = try Instruction.decode(f.code, at: pc)
            pc += inst.size
            let imm = inst.immediates.first.map { Int($0) } ?? 0
            switch inst.opcode {
            case .pushInt: stack.append(.int(Int128(inst.immediates[0])))
            case .localGet: stack.append(locals[imm])
            case .localSet: locals[imm] = stack.removeLast()
            case .localTee: locals[imm] = stack[stack.count - 1]
            case .addInt:
                let b = try int(), a = try int()
                stack.append(.int(a + b))
            case .subInt:
                let b = try int(), a = try int()
                stack.append(.int(a - b))
            case .mulInt:
                let b = try int(), a = try int()
                stack.append(.int(a * b))
            case .divInt:
                let b = try int(), a = try int()
                stack.append(.int(a / b))
            case .modInt:
                let b = try int(), a = try int()
                stack.append(.int(a % b))
            case .ltInt:
                let b = try int(), a = try int()
                stack.append(.bool(a < b))
            case .jump: pc = imm
            case .jumpIf: if try bool() { pc = imm }
            case .jumpUnless: if try !bool() { pc = imm }
            case .call:
                let callee = module.functions[imm]
                let n = callee.params.count
                let args = Array(stack.suffix(n))
                stack.removeLast(n)
                stack += try run(imm, args)
            case .ret:
                return Array(stack.suffix(f.results.count))
            case .listNew:
                lists.append([])
                stack.append(.list(lists.count - 1))
            case .listPush:
                let v = try int(), l = try list()
                lists[l].append(v)
            case .listGet:
                let i = try int(), l = try list()
                stack.append(.int(lists[l][Int(i)]))
            case .listSet:
                let v = try int(), i = try int(), l = try list()
                lists[l][Int(i)] = v
            case .smapGet:
                let k = try int()
                stack.append(.int(storage[[Int128(imm), k]] ?? 0))
            case .smapSet:
                let v = try int(), k = try int()
                storage[[Int128(imm), k]] = v
            default:
                throw Failure(message: "TinyEvaluator does not know '\(inst.opcode.info.mnemonic)'")
            }
        }
    }
}

@Suite struct WorkloadTests {
    func load(_ name: String) throws -> Module {
        let url = packageRoot.appendingPathComponent("Examples/bench/\(name)")
        return try Assembler.assemble(try String(contentsOf: url, encoding: .utf8), fileName: name)
    }

    @Test func w1HasTheReferenceChecksum() throws {
        let m = try load("w1.dna")
        #expect(m.functions.map(\.name) == ["w1"])
        #expect(m.functions[0].kind == .public)
        var e = TinyEvaluator(m)
        #expect(try e.call("w1", [1]) == 1_838_009_971)
    }

    @Test func w2HasTheReferenceChecksum() throws {
        let m = try load("w2.dna")
        #expect(m.functions.map(\.name) == ["w2"])
        #expect(m.state.map(\.name) == ["balances"])
        var e = TinyEvaluator(m)
        #expect(try e.call("w2", [1]) == 1_838_009_971)
        var e3 = TinyEvaluator(m)
        #expect(try e3.call("w2", [3]) == 1_219_062_622)
    }

    @Test func w3HasTheReferenceChecksum() throws {
        let m = try load("w3.dna")
        var e = TinyEvaluator(m)
        #expect(try e.call("fib", [15]) == 610)
        #expect(m.functions[0].maxStack == 3)
    }

    @Test func w4HasTheReferenceChecksum() throws {
        let m = try load("w4.dna")
        var e = TinyEvaluator(m)
        #expect(try e.call("w4", [10_000]) == 4_803_349_563)
    }
}
