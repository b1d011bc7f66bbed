import Bytecode
import Compiler
import Diagnostics
import Foundation
import Tooling
import Verifier

/// `datanet build` and `datanet check`: compile `.dn` sources.
enum CompileCommands {
    static let build = Command(
        name: "build", summary: "compile a .dn contract or library into verified bytecode (.dnb)",
        usage: "datanet build FILE.dn [-o OUT.dnb]",
        examples: ["datanet build Examples/royalty/royalty_split.dn -o royalty.dnb"],
        spec: .init(valued: ["-o", "--output"])
    ) { args, console in
        guard args.positional.count == 1 else { return usage(console, "build needs one .dn file") }
        let path = args.positional[0]
        guard path.hasSuffix(".dn") else { return usage(console, "build compiles .dn files; use 'asm' for .dna") }
        let data: Data
        do throws(ModuleLoader.LoadError) { data = try ModuleLoader.read(path) } catch {
            console.report(error)
            return ExitCode.failure
        }
        let result = SourceCompilation.compile(path: path, data: data)
        if !result.diagnostics.isEmpty { console.err(SourceCompilation.render(result.diagnostics, console: console)) }
        guard let module = result.module else { return ExitCode.failure }
        do throws(ModuleLoader.LoadError) { _ = try ModuleLoader.verify(module, path: path) } catch {
            console.report(error)
            return ExitCode.failure
        }
        let bytes = ModuleCodec.encode(module)
        let out = args.flags["-o"] ?? args.flags["--output"] ?? AsmCommands.replacingExtension(path, with: "dnb")
        do throws(ModuleLoader.LoadError) { try ModuleLoader.write(bytes, to: out) } catch {
            console.report(error)
            return ExitCode.failure
        }
        console.out("wrote \(out): \(bytes.count) bytes, module id 0x\(Hex.encode(ModuleCodec.id(of: bytes)))")
        return ExitCode.ok
    }

    static let check = Command(
        name: "check", summary: "type-check .dn files (contracts, libraries, tests; a directory: every .dn under it)",
        usage: "datanet check FILE.dn|DIR... [--json]",
        examples: [
            "datanet check Examples/royalty/royalty_split.dn", "datanet check Contracts/ Stdlib/",
            "datanet check a.dn b.dn --json",
        ],
        spec: .init(switches: ["--json"])
    ) { args, console in
        guard !args.positional.isEmpty else { return usage(console, "check needs at least one .dn file") }
        var all: [Diagnostic] = []
        var failed = false
        var paths: [String] = []
        for path in args.positional {
            if let found = SourceTree.files(inDirectory: path, suffix: ".dn") {
                if found.isEmpty {
                    console.error("no .dn files under '\(path)'")
                    failed = true
                }
                paths += found
            } else {
                paths.append(path)
            }
        }
        let tests = TestRunner(stdlibDirectory: SourceCompilation.stdlibDirectory())
        for path in paths {
            let data: Data
            do throws(ModuleLoader.LoadError) { data = try ModuleLoader.read(path) } catch {
                console.report(error)
                failed = true
                continue
            }
            // A test or scenario file is checked as `datanet test` loads it, without running it.
            if let found = tests.check(path: path, bytes: [UInt8](data)) {
                all += found
                failed = failed || found.contains { $0.severity == .error }
                continue
            }
            let result = SourceCompilation.compile(path: path, data: data)
            all += result.diagnostics
            failed = failed || result.hasErrors
        }
        if args.switches.contains("--json") {
            console.out(DiagnosticJSON.render(all))
        } else if !all.isEmpty {
            console.err(SourceCompilation.render(all, console: console))
        }
        if !args.switches.contains("--json") {
            let errors = all.filter { $0.severity == .error }.count,
                warnings = all.filter { $0.severity == .warning }.count
            if errors + warnings > 0 {
                console.err("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
            }
        }
        return failed ? ExitCode.failure : ExitCode.ok
    }
}
