import Bytecode
import Compiler
import Testing
import VM

/// A function whose code outgrows the code buffer's first allocation (1 KiB) still has every jump resolved,
/// including the loop's backward jump written after the growth, and the functions compiled after it in the same
/// (reused) buffer are right too.
@Test func functionLongerThanTheFirstCodeAllocationRuns() {
    let steps = (0..<200).map { "        s += (i + \($0)) % 7" }.joined(separator: "\n")
    let text = """
        contract Long
        pub fn long(n: Int) -> Int {
            var s = 0
            for i in 0..n {
        \(steps)
                if s > 1_000_000 { break }
            }
            return s
        }
        pub fn short(a: Int) -> Int {
            return a * 2 + 1
        }
        """
    guard let module = compileModule(text) else { return }
    let long = module.functions.first { $0.name == "long" }
    #expect((long?.code.count ?? 0) > 2048)
    guard let program = compileProgram(text) else { return }
    var expected: Int128 = 0
    for i in 0..<3 {
        for step in 0..<200 { expected += Int128((i + step) % 7) }
    }
    #expect(run(program, "long", [.int(3)]).values == [.int(expected)])
    #expect(run(program, "short", [.int(20)]).values == [.int(41)])
}

/// One compiler object compiles every function of a module in turn: a function's code, locals and stack size do
/// not depend on what was compiled before it (loops, labels, temporaries, shadowed names, unreachable code).
@Test func functionCodeDoesNotDependOnTheFunctionsBeforeIt() {
    let last = """
        pub fn g(a: Int, b: Int) -> Int {
            var x = a * 37 + b
            for i in 0..b { x += i }
            if x > 10 { return x }
            return b
        }
        """
    let alone = "contract C\n" + last
    let after = """
        contract C
        state total: Int
        pub fn f(xs: List<Int>) -> Int {
            var s = 0
            for x in xs {
                let y = x * 2
                if y > 10 { continue }
                s += y
                while s > 100 { s -= 1 }
            }
            total = total + s
            return s
            let unreachable = 1
        }
        """ + "\n" + last
    guard let one = compileModule(alone), let two = compileModule(after) else { return }
    let g1 = one.functions.first { $0.name == "g" }, g2 = two.functions.first { $0.name == "g" }
    #expect(g1 != nil && g1?.code == g2?.code)
    #expect(g1?.locals == g2?.locals && g1?.maxStack == g2?.maxStack)
}
