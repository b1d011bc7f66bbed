import Bytecode

/// The benchmark workloads as a compiler would emit them (see shared/anchors/README.md), built in Swift
/// so the VM tests do not depend on the assembler.
enum Workloads {
    /// `w4(n)`: acc += (i * i) % 1000003 for i in 0..<n. Locals: n, i, acc.
    static func w4() -> Module {
        var c = CodeBuilder()
        c.jump(.jump, to: "cond")
        c.label("body")
        c(.localGet, 2); c(.localGet, 1); c(.localGet, 1); c(.mulInt); c(.pushInt, 1_000_003); c(.modInt); c(.addInt)
        c(.localSet, 2)
        c(.localGet, 1); c(.pushInt, 1); c(.addInt); c(.localSet, 1)
        c.label("cond")
        c(.localGet, 1); c(.localGet, 0); c(.ltInt); c.jump(.jumpIf, to: "body")
        c(.localGet, 2); c(.ret)
        return Module(name: "W4", types: [.int], functions: [
            Function(name: "w4", kind: .public, params: [0], results: [0], locals: [0, 0], maxStack: 4, code: c.bytes)
        ])
    }

    /// `fib(n)`, recursive.
    static func fib() -> Module {
        var c = CodeBuilder()
        c(.localGet, 0); c(.pushInt, 2); c(.ltInt); c.jump(.jumpUnless, to: "rec")
        c(.localGet, 0); c(.ret)
        c.label("rec")
        c(.localGet, 0); c(.pushInt, 1); c(.subInt); c(.call, 0)
        c(.localGet, 0); c(.pushInt, 2); c(.subInt); c(.call, 0)
        c(.addInt); c(.ret)
        return Module(name: "W3", types: [.int], functions: [
            Function(name: "fib", kind: .public, params: [0], results: [0], locals: [], maxStack: 2, code: c.bytes)
        ])
    }
}
