import Bytecode
import Compiler
import Diagnostics
import Foundation

/// Compiling `.dn` files for the commands: where the standard library is, and how diagnostics print.
enum SourceCompilation {
    /// The `Stdlib/` directory: `$DATANET_STDLIB`, else the nearest `Stdlib/` above the working directory
    /// or above the executable.
    static func stdlibDirectory() -> String? {
        if let env = ProcessInfo.processInfo.environment["DATANET_STDLIB"], !env.isEmpty { return env }
        let starts = [
            FileManager.default.currentDirectoryPath,
            CommandLine.arguments.first.map {
                URL(fileURLWithPath: $0).deletingLastPathComponent().path
            } ?? "",
        ]
        for start in starts where !start.isEmpty {
            var url = URL(fileURLWithPath: start)
            for _ in 0..<8 {
                let candidate = url.appendingPathComponent("Stdlib")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                    isDirectory.boolValue
                {
                    return candidate.path
                }
                url.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// Compiles the file at `path` (already read as `data`).
    static func compile(path: String, data: Data) -> CompileResult {
        let file = SourceFile(path: path, bytes: [UInt8](data))
        return Compiler.compile(
            file, options: CompileOptions(libraries: LibraryResolver(stdlibDirectory: stdlibDirectory())))
    }

    /// The diagnostics as text for `console` (coloured on a terminal).
    static func render(_ diagnostics: [Diagnostic], console: Console) -> String {
        var text = DiagnosticRenderer(colored: console.color).render(diagnostics)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
