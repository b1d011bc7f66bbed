import Bytecode
import Crypto
import Foundation
import Tooling
import Verifier
import VM

/// `datanet asm`, `datanet disasm`, `datanet verify`.
enum AsmCommands {
    static let asm = Command(
        name: "asm", summary: "assemble a .dna file into verified bytecode (.dnb)",
        usage: "datanet asm FILE.dna [-o OUT.dnb]",
        examples: ["datanet asm Examples/bench/w4.dna -o w4.dnb"],
        spec: .init(valued: ["-o", "--output"])
    ) { args, console in
        guard args.positional.count == 1 else { return usage(console, "asm needs one .dna file") }
        let path = args.positional[0]
        do throws(ModuleLoader.LoadError) {
            let module = try ModuleLoader.load(path)
            _ = try ModuleLoader.verify(module, path: path)
            let bytes = ModuleCodec.encode(module)
            let out = args.flags["-o"] ?? args.flags["--output"] ?? replacingExtension(path, with: "dnb")
            try ModuleLoader.write(bytes, to: out)
            console.out("wrote \(out): \(bytes.count) bytes, module id 0x\(Hex.encode(ModuleCodec.id(of: bytes)))")
            return ExitCode.ok
        } catch {
            console.report(error)
            return ExitCode.failure
        }
    }

    static let disasm = Command(
        name: "disasm", summary: "print a module as assembly text",
        usage: "datanet disasm FILE.dn|FILE.dnb|FILE.dna [--lowered]",
        examples: ["datanet disasm w4.dnb", "datanet disasm Examples/bench/w4.dna --lowered", "datanet disasm Examples/bench/w1.dn"],
        spec: .init(switches: ["--lowered"])
    ) { args, console in
        guard args.positional.count == 1 else { return usage(console, "disasm needs one file") }
        do throws(ModuleLoader.LoadError) {
            let module = try ModuleLoader.load(args.positional[0])
            if args.switches.contains("--lowered") {
                // The interpreter's view: superinstructions and resolved jumps.
                console.out(Program(try ModuleLoader.verify(module, path: args.positional[0])).listing)
                return ExitCode.ok
            }
            if args.positional[0].hasSuffix(".dn") {
                // bytecode beside the source lines
                console.out(SourceListing.text(of: module, compiledFrom: args.positional[0]))
                return ExitCode.ok
            }
            console.out(Disassembler.text(of: module))
            return ExitCode.ok
        } catch {
            console.report(error)
            return ExitCode.failure
        }
    }

    static let verify = Command(
        name: "verify", summary: "check a module with the bytecode verifier",
        usage: "datanet verify FILE.dnb|FILE.dna|FILE.dn [--json]",
        examples: ["datanet verify w4.dnb", "datanet verify w4.dnb --json"],
        spec: .init(switches: ["--json"])
    ) { args, console in
        guard args.positional.count == 1 else { return usage(console, "verify needs one file") }
        let path = args.positional[0]
        let json = args.switches.contains("--json")
        do throws(ModuleLoader.LoadError) {
            let module = try ModuleLoader.load(path)
            _ = try ModuleLoader.verify(module, path: path)
            let id = Hex.prefixed(ModuleCodec.id(of: ModuleCodec.encode(module)))
            if json {
                console.out(JSONValue.object([
                    "ok": .bool(true), "module": .string(module.name), "functions": .int(module.functions.count),
                    "id": .string(id),
                ]).text)
            } else {
                console.out("ok: module '\(module.name)', \(module.functions.count) functions, id \(id)")
            }
            return ExitCode.ok
        } catch {
            guard json else {
                console.report(error)
                return ExitCode.failure
            }
            var fields: [String: JSONValue] = ["ok": .bool(false), "error": .string(error.verification?.message ?? error.message)]
            if let reason = error.verification {
                fields["function"] = reason.function.map { .int($0) } ?? .null
                fields["function_name"] = reason.functionName.map { .string($0) } ?? .null
                fields["offset"] = reason.offset.map { .int($0) } ?? .null
            } else if let rendered = error.rendered {
                fields["diagnostics"] = .string(rendered)
            }
            console.out(JSONValue.object(fields).text)
            return ExitCode.failure
        }
    }

    static func replacingExtension(_ path: String, with ext: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().appendingPathExtension(ext).relativePath
    }
}

func usage(_ console: Console, _ message: String) -> Int32 {
    console.error(message)
    return ExitCode.usage
}
