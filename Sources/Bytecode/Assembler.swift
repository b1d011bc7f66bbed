// The text assembler: `.dna` files to modules. The syntax is documented in Docs/bytecode.md, "Assembly
// language". Assembly runs in two steps: `AssemblyParser` reads lines into declarations (collecting every
// name first, so names may be used before their declaration), then `AssemblyBuilder` resolves names,
// interns types and constants, lays out code, resolves labels and computes `max_stack`.

/// Assembles text into a module.
public enum Assembler {
    /// Assembles `source`. Errors carry `fileName`, a 1-based line and column and a message; no input traps.
    public static func assemble(_ source: String, fileName: String = "<input>") throws(AssemblyError) -> Module {
        var parser = AssemblyParser(fileName: fileName)
        try parser.parse(source)
        var builder = AssemblyBuilder(parsed: parser.result, fileName: fileName)
        return try builder.build()
    }
}
