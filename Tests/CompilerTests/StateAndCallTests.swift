import Bytecode
import Compiler
import Diagnostics
import Testing
import Verifier
import VM

/// State variables of every shape, view functions, and calls of other contracts through interfaces.
@Suite struct StateAndCallTests {
    private static let source = """
        contract Store
        struct Entry { owner: Address, weight: Int, tags: List<Int> }
        state count: Int = 3
        state name: String = "store"
        state entry: Entry
        state weights: Map<Int, Int>
        state entries: Map<String, Entry>
        state items: List<Int>

        pub fn fill() {
            count += 1
            name = name + "!"
            entry.weight = 5
            entry.weight *= 3
            entry.tags.push(7)
            weights[2] = 20
            weights[1] += 10
            weights[1] += 1
            entries["a"] = Entry { owner: caller, weight: 1, tags: [] }
            entries["a"].weight += 41
            entries["a"].tags.push(9)
            items.push(4)
            items.push(5)
            items.push(6)
            items[0] += 100
            let last = items.pop()
            items.push(last * 2)
            remove(weights, 99)
        }

        view fn summary() -> Int {
            var s = 0
            for k, v in weights {
                s = s * 100 + k * 10 + v % 10
            }
            var t = 0
            for x in items {
                t += x
            }
            return count * 1_000_000_000 + entry.weight * 10_000_000 + s * 1000 + t + len(items) * 0
        }

        view fn details() -> Int {
            let e = entries["a"]
            return e.weight * 100 + e.tags[0] * 10 + len(entry.tags) + len(name) * 1000
        }

        view fn has_key(k: Int) -> Bool {
            return has(weights, k)
        }
        """

    @Test func stateReadModifyWrite() throws {
        let program = try #require(compileProgram(Self.source))
        var host = MemoryHost()
        #expect(run(program, "init", host: &host).trap == nil)
        #expect(run(program, "fill", host: &host).trap == nil)
        // count 4, entry.weight 15, weights {1: 11, 2: 20} -> s = 0*100+11 -> 111*... , items [104, 5, 12]
        let s = (1 * 10 + 1) * 100 + 2 * 10 + 0
        #expect(
            run(program, "summary", host: &host).values == [.int(Int128(4_000_000_000 + 150_000_000 + s * 1000 + 121))])
        #expect(run(program, "details", host: &host).values == [.int(6000 + 4200 + 90 + 1)])
        #expect(run(program, "has_key", [.int(2)], host: &host).values == [.bool(true)])
        #expect(run(program, "has_key", [.int(3)], host: &host).values == [.bool(false)])
    }

    /// More state variables than the compiler's name map scans (16): past that it finds them through a
    /// dictionary, and every one must still be found, in declaration order, and a duplicate still reported.
    @Test func fortyStateVariablesAreEachFoundInOrder() throws {
        let names = (0..<40).map { "v\($0)" }
        let declarations = names.enumerated().map { "state \($1): Int = \($0)" }.joined(separator: "\n")
        let text = """
            contract Many
            \(declarations)
            pub fn f() -> Int {
                v39 += 1
                v0 = v39 * 2
                v17 = v16 + v18
                return \(names.joined(separator: " + "))
            }
            """
        let module = try #require(compileModule(text))
        #expect(module.state.map(\.name) == names)
        let program = try #require(compileProgram(text))
        var host = MemoryHost()
        #expect(run(program, "init", host: &host).trap == nil)
        // 0 + 1 + ... + 39 = 780; v39 39 -> 40, v0 0 -> 80, v17 17 -> 34.
        #expect(run(program, "f", host: &host).values == [.int(780 + 1 + 80 + 17)])
        let again = Compiler.compile(SourceFile(path: "many.dn", text: text + "\nstate v20: Int\n"))
        #expect(
            summaries(again.diagnostics.filter { $0.severity == .error })
                == ["48:7: state variable 'v20' is already defined"])
    }

    @Test func emptyStateListPopTraps() throws {
        let program = try #require(
            compileProgram(
                """
                contract L
                state xs: List<Int>
                pub fn f() -> Int { return xs.pop() }
                """))
        #expect(run(program, "f").trap != nil)
    }

    @Test func interfacesCallOtherContracts() throws {
        let program = try #require(
            compileProgram(
                """
                contract Caller
                interface Token {
                    fn transfer(to: Address, amount: Int) -> Bool
                    view fn balance_of(who: Address) -> Int
                }
                state failures: Int
                pub fn pay(token: Address, to: Address) -> Int {
                    let t = Token(token)
                    require(t.transfer(to, 10), "transfer failed")
                    try t.transfer(to, 1_000) else {
                        failures += 1
                    }
                    return t.balance_of(to) * 10 + failures
                }
                """))
        var host = MemoryHost()
        host.onCall = { _, function, args, _ in
            switch function {
            case "transfer":
                if args.last == .int(1_000) { return .reverted("too much", gasUsed: 5) }
                return .returned([.bool(true)], gasUsed: 5)
            default: return .returned([.int(7)], gasUsed: 5)
            }
        }
        let token = [UInt8](repeating: 5, count: 32), to = [UInt8](repeating: 6, count: 32)
        #expect(run(program, "pay", [.address(token), .address(to)], host: &host).values == [.int(71)])
        #expect(program.module.externs.map(\.name) == ["transfer", "balance_of"])
    }

    @Test func sourceMapPointsAtTheTrappingLine() throws {
        let program = try #require(
            compileProgram(
                """
                contract T
                pub fn f(a: Int, b: Int) -> Int {
                    let x = a + 1
                    return x / b
                }
                """))
        let trap = try #require(run(program, "f", [.int(1), .int(0)]).trap)
        #expect(trap.message == "division by zero")
        #expect(trap.position?.description == "test.dn:4:14")
    }
}

extension StateAndCallTests {
    @Test func kitchenSinkCompilesAndRuns() throws {
        let text = String(decoding: fixtureBytes("corpus/kitchen_sink.dn"), as: UTF8.self)
        let program = try #require(compileProgram(text))
        var host = MemoryHost()
        host.onCall = { _, _, _, _ in .returned([.bool(true)], gasUsed: 1) }
        #expect(run(program, "init", host: &host).trap == nil)
        let who = [UInt8](repeating: 3, count: 32)
        let result = run(program, "fill", [.address(who), .int(10)], host: &host)
        #expect(result.trap == nil)
        #expect(result.values?.isEmpty == false)
        #expect(run(program, "peek", [.int(3)], host: &host).values == [.int(10 + 10 + 20 + 1)])
        #expect(run(program, "fill", [.address(who), .int(5_000)], host: &host).trap?.message == "too much")
    }
}

extension StateAndCallTests {
    @Test func initialValuesRunBeforeInitAndMigrateRuns() throws {
        let program = try #require(
            compileProgram(
                """
                contract V
                state rate: Int = 500
                state seen: Int
                state version: Int
                init(extra: Int) {
                    seen = rate + extra
                }
                migrate(from_version: Int) {
                    version = from_version + 1
                }
                view fn get() -> Int { return seen * 1000 + version }
                view fn twice() -> Int { return helper() * 2 }
                fn helper() -> Int { return rate }
                """))
        var host = MemoryHost()
        #expect(run(program, "init", [.int(7)], host: &host).trap == nil)
        #expect(run(program, "migrate", [.int(4)], host: &host).trap == nil)
        #expect(run(program, "get", host: &host).values == [.int(507_005)])
        #expect(run(program, "twice", host: &host).values == [.int(1000)])
    }

    @Test func tryOnAFunctionWithoutResults() throws {
        let program = try #require(
            compileProgram(
                """
                contract P
                interface Pinger {
                    fn ping()
                }
                state failures: Int
                pub fn f(target: Address) -> Int {
                    let p = Pinger(target)
                    try p.ping() else {
                        failures += 1
                    }
                    p.ping()
                    return failures
                }
                """))
        var host = MemoryHost()
        host.onCall = { _, _, _, _ in .returned([], gasUsed: 1) }
        #expect(run(program, "f", [.address([UInt8](repeating: 4, count: 32))], host: &host).values == [.int(0)])
        host.onCall = { _, _, _, _ in .reverted("nope", gasUsed: 1) }
        let result = run(program, "f", [.address([UInt8](repeating: 4, count: 32))], host: &host)
        #expect(result.trap?.message.contains("nope") == true)
    }
}
