import Bytecode
import Compiler
import Diagnostics
import Testing
import Verifier
import VM

/// Every statement and expression form compiles, verifies and computes what LANGUAGE.md says.
@Suite struct LanguageTests {
    @Test(arguments: [
        ("return 7 / 2", "3"), ("return -7 / 2", "-3"), ("return -7 % 3", "-1"), ("return 7 % -3", "1"),
        ("return 2 + 3 * 4 - 1", "13"), ("return (2 + 3) * 4", "20"),
        ("var x = 5\nreturn -x", "-5"),
        ("return 170141183460469231731687303715884105727", "170141183460469231731687303715884105727"),
        ("return 10_000_000_000_000_000_000", "10000000000000000000"),
        ("var x = 170141183460469231731687303715884105727\nreturn x + 1", "trap: overflow"),
        ("var z = 0\nreturn 1 / z", "trap: division by zero"),
        ("var z = 0\nreturn 1 % z", "trap: division by zero"),
        // Int128.min is a literal; a folded constant computes what the same code computes at run time.
        ("return -170141183460469231731687303715884105728", "-170141183460469231731687303715884105728"),
        ("return -170141183460469231731687303715884105728 % -1", "0"),
        ("var m = -170141183460469231731687303715884105728\nreturn m % -1", "0"),
        ("var m = -170141183460469231731687303715884105728\nreturn m / -1", "trap: overflow"),
    ])
    func integerArithmetic(body: String, expected: String) {
        #expect(evaluate(body) == expected)
    }

    @Test(arguments: [
        ("return 1.5 + 0.25", "dec(1750000000000000000)"), ("return 0.1 * 3.0", "dec(300000000000000000)"),
        ("return dec(1) / 3.0", "dec(333333333333333333)"), ("var d = dec(7)\nreturn -d", "dec(-7000000000000000000)"),
        ("return dec(2)", "dec(2000000000000000000)"),
    ])
    func decimalArithmetic(body: String, expected: String) {
        #expect(evaluate(body, returns: "Dec") == expected)
    }

    @Test func conversions() {
        #expect(evaluate("var d = 2.75\nreturn int(d)") == "2")
        #expect(evaluate("var d = -2.75\nreturn int(d)") == "-2")
        #expect(evaluate("var i = 3\nreturn int(dec(i) * 1.5)") == "4")
        #expect(evaluate("var i = 42\nreturn string(i)", returns: "String") == "\"42\"")
    }

    @Test(arguments: [
        ("return 1 < 2 && 2 < 3", "true"), ("return 1 > 2 || 2 >= 3", "false"), ("return !(1 == 1)", "false"),
        ("var t = true\nvar f = false\nreturn t && !f", "true"), ("var a = 1\nreturn a != 1 || a <= 1", "true"),
        ("var f = false\nreturn f == false", "true"), ("return \"ab\" == \"a\" + \"b\"", "true"),
        ("var s = \"x\"\nreturn s != \"x\"", "false"),
    ])
    func booleansAndComparisons(body: String, expected: String) {
        #expect(evaluate(body, returns: "Bool") == expected)
    }

    @Test func shortCircuitSkipsTheRightSide() {
        // The right side would trap if it ran.
        #expect(evaluate("var z = 0\nreturn z != 0 && 1 / z == 1", returns: "Bool") == "false")
        #expect(evaluate("var z = 0\nreturn z == 0 || 1 / z == 1", returns: "Bool") == "true")
        #expect(evaluate("var z = 0\nvar r = 0\nif z != 0 && 1 / z == 1 { r = 1 }\nreturn r") == "0")
    }

    @Test func controlFlow() {
        let body = """
            var x = 0
            var i = 0
            while i < 10 {
                i += 1
                if i % 2 == 0 { continue }
                if i > 7 { break }
                x += i
            }
            if x > 100 { return 0 } else if x == 16 { return 1 } else { return 2 }
            """
        #expect(evaluate(body) == "1")
        #expect(evaluate("var n = 0\nwhile true {\n n += 1\n if n == 5 { return n }\n}") == "5")
        #expect(evaluate("var s = 0\nfor i in 0..5 { s += i }\nfor i in 3..3 { s += 100 }\nreturn s") == "10")
        #expect(evaluate("var s = 0\nvar n = 4\nfor i in 0..n {\n n = 2\n s += 1\n}\nreturn s") == "4")
        #expect(
            evaluate("var s = 0\nfor i in 0..10 {\n if i == 3 { continue }\n if i == 6 { break }\n s += i\n}\nreturn s")
                == "12")
    }

    @Test func compoundAssignment() {
        #expect(evaluate("var x = 10\nx += 5\nx -= 3\nx *= 2\nx /= 4\nreturn x") == "6")
        #expect(evaluate("var s = \"a\"\ns += \"b\"\nreturn s", returns: "String") == "\"ab\"")
    }

    @Test func lists() {
        #expect(
            evaluate("var xs = [1, 2, 3]\nxs.push(4)\nxs[0] = 10\nxs[1] += 5\nreturn xs", returns: "List<Int>")
                == "[10, 7, 3, 4]")
        #expect(
            evaluate("var xs: List<Int> = []\nxs.push(1)\nxs.push(2)\nlet p = xs.pop()\nreturn p * 10 + len(xs)")
                == "21")
        #expect(evaluate("var xs = [5, 6]\nvar s = 0\nfor x in xs { s += x }\nreturn s") == "11")
        #expect(evaluate("var xs = [5, 6]\nreturn xs[2]") == "trap: index out of range")
        #expect(evaluate("var xs: List<Int>\nreturn len(xs)") == "0")
        #expect(
            evaluate(
                "var big = [\(Array(0..<100).map(String.init).joined(separator: ", "))]\nreturn big[99] + len(big)")
                == "199")
    }

    @Test func maps() {
        let body = """
            var m: Map<String, Int>
            m["b"] = 2
            m["a"] = 1
            m["c"] = 3
            m["a"] += 10
            remove(m, "c")
            var keys = ""
            var sum = 0
            for k, v in m {
                keys += k
                sum += v
            }
            if has(m, "c") || !has(m, "a") { return -1 }
            return sum * 100 + len(m) + m["zzz"]
            """
        #expect(evaluate(body) == "1302")
        #expect(
            evaluate(
                "var m: Map<Int, Int>\nm[3] = 1\nm[-1] = 2\nvar order = 0\n"
                    + "for k, v in m { order = order * 10 + v }\nreturn order"
            )
                == "21")
    }

    @Test func changesThroughMapEntriesStick() {
        let declarations = "struct Box { items: Map<Int, List<Int>>, n: Int }"
        let body = """
            var m: Map<String, List<Int>>
            m["a"].push(1)
            m["a"].push(2)
            m["b"].push(3)
            let popped = m["a"].pop()
            var b: Box
            b.items[7].push(70)
            b.items[7][0] += 1
            var ps: Map<Int, Box>
            ps[1].n += 5
            ps[1].items[2].push(9)
            return len(m["a"]) * 100000 + len(m["b"]) * 10000 + popped * 1000 + b.items[7][0] + ps[1].n
                + len(ps[1].items[2]) * 1000000
            """
        #expect(evaluate(body, declarations: declarations) == "1112076")
    }

    @Test func structsAndValueSemantics() {
        let declarations = """
            struct Point { x: Int, y: Int }
            struct Line { a: Point, b: Point, tags: List<Int> }
            """
        #expect(
            evaluate(
                "var p = Point { x: 1, y: 2 }\np.x = 5\np.y += 1\nreturn p.x * 10 + p.y", declarations: declarations)
                == "53")
        let copies = """
            var a = Point { x: 1, y: 2 }
            var b = a
            b.x = 100
            var xs = [1, 2]
            var ys = xs
            ys.push(3)
            var l = Line { a: a, b: b, tags: xs }
            l.a.x = 7
            l.tags.push(9)
            return a.x * 1000 + b.x + len(xs) * 10 + len(l.tags) + l.a.x * 100000
            """
        #expect(evaluate(copies, declarations: declarations) == "701123")
        #expect(evaluate("var l: Line\nreturn l.b.y + len(l.tags)", declarations: declarations) == "0")
    }

    @Test func stringsBytesHashes() {
        #expect(evaluate("return len(\"héllo\")") == "6")
        #expect(evaluate("let h = sha256(\"abc\")\nreturn h == sha256(\"ab\" + \"c\")", returns: "Bool") == "true")
        #expect(evaluate("let b = bytes(\"AB\")\nreturn b[1] + len(b)") == "68")
        #expect(
            evaluate("var z = #0x\(String(repeating: "00", count: 32))\nreturn z == sha256(\"\")", returns: "Bool")
                == "false")
    }

    @Test func privateFunctionsAndRecursion() {
        let declarations = """
            fn fact(n: Int) -> Int {
                if n <= 1 { return 1 }
                return n * fact(n - 1)
            }
            fn bump(xs: List<Int>) -> Int {
                var ys = xs
                ys.push(1)
                return len(ys)
            }
            """
        #expect(evaluate("return fact(10)", declarations: declarations) == "3628800")
        #expect(evaluate("var xs = [1]\nlet n = bump(xs)\nreturn n * 10 + len(xs)", declarations: declarations) == "21")
    }

    @Test func constantsFold() throws {
        let module = try #require(
            compileModule(
                """
                contract C
                const A: Int = 6
                const B: Int = A * 7
                const NAME: String = "x" + "y"
                pub fn f() -> Int { return B + 1 }
                pub fn g() -> String { return NAME }
                """))
        let code = try Instruction.decodeAll(module.functions[0].code).map(\.opcode)
        #expect(code == [.pushInt, .ret])
        #expect(run(Program(try Verifier.verify(module)), "g").values == [.string("xy")])
    }

    @Test func requireRevertAssert() {
        #expect(evaluate("var x = 1\nrequire(x == 2, \"x must be 2\")\nreturn x") == "trap: x must be 2")
        #expect(evaluate("var x = 2\nrequire(x == 2, \"x must be 2\")\nreturn x") == "2")
        #expect(evaluate("var x = 1\nif x == 1 { revert(\"no \" + \"way\") }\nreturn x") == "trap: no way")
        #expect(evaluate("var x = 1\nassert(x == 2)\nreturn x") == "trap: assertion failed")
        #expect(evaluate("var x = 1\nassert_eq(x, 1)\nassert_eq(\"a\", \"a\")\nreturn x") == "1")
    }

    @Test func worldBuiltins() throws {
        let program = try #require(
            compileProgram(
                """
                contract W
                event Sent(to: Address, amount: Int)
                pub fn f(to: Address) -> Int {
                    require(caller == origin, "direct")
                    require(self != caller, "self")
                    transfer(to, 40)
                    emit Sent(to, 40)
                    require(gas_left() > 0, "gas")
                    return balance(self) * 1000 + value * 100 + block.height * 10 + block.time
                }
                """))
        var host = MemoryHost(
            context: CallContext(
                caller: [UInt8](repeating: 1, count: 32), origin: [UInt8](repeating: 1, count: 32),
                selfAddress: [UInt8](repeating: 2, count: 32), value: 3, blockHeight: 4, blockTime: 5))
        host.balances[host.context.selfAddress] = 100
        let to = [UInt8](repeating: 9, count: 32)
        #expect(run(program, "f", [.address(to)], host: &host).values == [.int(60_345)])
        #expect(host.balances[to] == 40)
        #expect(host.events.first?.values == [.address(to), .int(40)])
        host.balances[host.context.selfAddress] = 1
        #expect(run(program, "f", [.address(to)], host: &host).trap?.message == "insufficient balance")
    }
}
