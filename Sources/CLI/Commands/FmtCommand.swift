import Compiler
import Diagnostics
import Foundation
import Tooling

/// `datanet fmt FILE|DIR|-...`: formats `.dn` files canonically, in place, or checks that they are.
enum FmtCommand {
    static let command = Command(
        name: "fmt", summary: "format .dn files canonically (comments kept); --check lists the files that would change",
        usage: "datanet fmt FILE.dn|DIR|-... [--check]",
        examples: [
            "datanet fmt Examples/royalty/royalty_split.dn",
            "datanet fmt --check Examples/     # exit 1 and list each file that is not formatted",
            "datanet fmt - < draft.dn          # read standard input, print the formatted source",
        ],
        spec: .init(switches: ["--check"])
    ) { args, console in
        guard !args.positional.isEmpty else { return usage(console, "fmt needs a .dn file, a directory or '-'") }
        let check = args.switches.contains("--check")
        var files: [String] = []
        for path in args.positional {
            if path != "-", let found = SourceTree.files(inDirectory: path, suffix: ".dn") {
                if found.isEmpty { console.note("no .dn files under \(path)") }
                files += found
            } else {
                files.append(path)
            }
        }
        var failed = false
        var unformatted: [String] = []
        for path in files {
            let bytes: [UInt8]
            if path == "-" {
                bytes = console.input()
            } else {
                do throws(ModuleLoader.LoadError) { bytes = [UInt8](try ModuleLoader.read(path)) } catch {
                    console.report(error)
                    failed = true
                    continue
                }
            }
            let name = path == "-" ? "<stdin>" : path
            let result = Formatter.format(SourceFile(path: name, bytes: bytes))
            guard let formatted = result.bytes else {
                console.err(SourceCompilation.render(result.diagnostics, console: console))
                console.note("\(name) is not formatted: it has syntax errors (nothing was written)")
                failed = true
                continue
            }
            if check {
                if result.changed { unformatted.append(name) }
            } else if path == "-" {
                var text = String(decoding: formatted, as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                if !formatted.isEmpty { console.out(text) }
            } else if result.changed {
                do {
                    try Data(formatted).write(to: URL(fileURLWithPath: path), options: .atomic)
                    console.out("formatted \(path)")
                } catch {
                    console.error("cannot write '\(path)': \(error.localizedDescription)")
                    failed = true
                }
            }
        }
        if !unformatted.isEmpty {
            for name in unformatted { console.out(name) }
            console.error("\(plural(unformatted.count, "file")) would be reformatted; run 'datanet fmt' on "
                + (unformatted.count == 1 ? "it" : "them"))
            return ExitCode.failure
        }
        return failed ? ExitCode.failure : ExitCode.ok
    }
}
