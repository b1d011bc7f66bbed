import Bytecode
import Compiler
import Diagnostics
import Verifier
import VM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the fuzz targets do with one input. Any broken invariant is reported and aborts the process,
/// which libFuzzer records as a crash with the input that caused it.
public enum FuzzHarness {
    /// Gas for each call: small, so that loops end quickly.
    public static let gasLimit: Int64 = 100_000

    /// decode -> (round trip check) -> verify -> lower fused and unfused -> call every public and view
    /// function with zero arguments on a fresh `MemoryHost`, comparing the two lowerings.
    public static func runModule(_ bytes: [UInt8]) {
        guard let module = try? ModuleCodec.decode(bytes) else { return }
        let encoded = ModuleCodec.encode(module)
        guard let again = try? ModuleCodec.decode(encoded) else {
            fail("encode of a decoded module does not decode")
        }
        guard again == module else { fail("decode(encode(m)) != m") }
        guard encoded == bytes else { fail("decoded input re-encodes to different bytes (not canonical)") }
        guard let verified = try? Verifier.verify(module) else { return }
        let fused = Program(verified, fuse: true)
        // The reference: unfused and metered step by step (fused code is metered by runs).
        let plain = Program(verified, fuse: false, meteredByRuns: false)
        for (index, function) in module.functions.enumerated() where [.public, .view].contains(function.kind) {
            let args = zeroArguments(function, in: module)
            var hostA = MemoryHost()
            var hostB = MemoryHost()
            var tracerA = NoTracer()
            var tracerB = NoTracer()
            let a = Interpreter.call(
                fused, function: index, args: args, host: &hostA, gasLimit: gasLimit, readOnly: false, tracer: &tracerA)
            let b = Interpreter.call(
                plain, function: index, args: args, host: &hostB, gasLimit: gasLimit, readOnly: false, tracer: &tracerB)
            if a.gasUsed != b.gasUsed {
                fail("fused and unfused gas differ in '\(function.name)': \(a.gasUsed) vs \(b.gasUsed)")
            }
            if !sameOutcome(a.outcome, b.outcome) {
                fail("fused and unfused outcomes differ in '\(function.name)': \(a.outcome) vs \(b.outcome)")
            }
            if a.gasUsed < 0 || a.gasUsed > gasLimit {
                fail("gas used \(a.gasUsed) outside 0...\(gasLimit) in '\(function.name)'")
            }
            if hostA.keys != hostB.keys || hostA.values != hostB.values {
                fail("fused and unfused storage differ after '\(function.name)'")
            }
            if hostA.events.map(\.name) != hostB.events.map(\.name)
                || hostA.events.map(\.values) != hostB.events.map(\.values)
            {
                fail("fused and unfused events differ after '\(function.name)'")
            }
        }
    }

    /// Assembles `bytes` as UTF-8 text; a module that assembles must also encode, decode and round-trip.
    public static func runAssembly(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        guard let module = try? Assembler.assemble(text) else { return }
        let encoded = ModuleCodec.encode(module)
        guard let decoded = try? ModuleCodec.decode(encoded) else { fail("assembled module does not decode") }
        guard decoded == module else { fail("decode(encode(assemble(text))) != assemble(text)") }
        if let verified = try? Verifier.verify(module) {
            let text2 = Disassembler.text(of: verified.module)
            guard let module2 = try? Assembler.assemble(text2) else {
                fail("disassembly of a verified module does not assemble:\n\(text2)")
            }
            guard ModuleCodec.encode(module2) == encoded else { fail("asm(disasm(m)) differs from m") }
        }
    }

    /// Compiles `bytes` as a `.dn` file (any bytes: invalid UTF-8, garbage, deep nesting) and formats it.
    /// The compiler must answer with diagnostics or a module; a module it produces must pass the verifier and
    /// round-trip through the codec, and must run (fused = unfused) like any module. The formatter must refuse
    /// exactly the files with syntax errors, and its output must format to itself and compile to the same bytes.
    public static func runSource(_ bytes: [UInt8]) {
        let file = SourceFile(path: "fuzz.dn", bytes: bytes)
        let compiled = Compiler.compile(file)
        let errors = compiled.diagnostics.contains { $0.severity == .error }
        if let module = compiled.module {
            if errors { fail("the compiler produced a module and reported errors") }
            do {
                _ = try Verifier.verify(module)
            } catch {
                fail("compiled module does not verify: \(error)")
            }
            runModule(ModuleCodec.encode(module))
        } else if !errors {
            fail("the compiler produced neither a module nor an error")
        }
        let formatted = Formatter.format(file)
        guard let out = formatted.bytes else { return }
        let again = Formatter.format(SourceFile(path: "fuzz.dn", bytes: out))
        guard let twice = again.bytes else { fail("formatted output does not format again") }
        guard twice == out else { fail("the formatter is not idempotent") }
        // Formatting keeps every line break and moves tokens within their lines, so the module must be the
        // same but for the source map's columns.
        let recompiled = Compiler.compile(SourceFile(path: "fuzz.dn", bytes: out))
        guard recompiled.module.map(withoutColumns).map(ModuleCodec.encode)
            == compiled.module.map(withoutColumns).map(ModuleCodec.encode)
        else {
            fail("formatting changed what the file compiles to")
        }
    }

    /// `module` with every source-map column set to zero.
    static func withoutColumns(_ module: Module) -> Module {
        var module = module
        if var map = module.sourceMap {
            for i in map.entries.indices { map.entries[i].column = 0 }
            module.sourceMap = map
        }
        return module
    }

    /// Results compare by value; traps by reason (messages are part of the reason), function, offset
    /// and source position: superinstructions must be invisible.
    static func sameOutcome(_ a: Result<[Value], Trap>, _ b: Result<[Value], Trap>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)): x == y
        case (.failure(let x), .failure(let y)): x == y
        default: false
        }
    }

    /// The zero value of every parameter (`zeroValue`; the module is verified, so every type index is in
    /// range and nesting is bounded).
    static func zeroArguments(_ function: Function, in module: Module) -> [Value] {
        function.params.map { zeroValue(of: module.types[Int($0)], in: module) }
    }

    static func fail(_ message: String) -> Never {
        let text = "fuzz invariant broken: \(message)\n"
        let utf8 = Array(text.utf8)
        _ = utf8.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        abort()
    }
}
