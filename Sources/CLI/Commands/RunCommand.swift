import Bytecode
import Chain
import Compiler
import Diagnostics
import Tooling
import Verifier
import VM

/// `datanet run FILE --call 'fn(args)'`: one call on a fresh in-memory host.
enum RunCommand {
    static let command = Command(
        name: "run",
        summary: "call a function of a module on a fresh in-memory host; print the result, events and gas",
        usage: "datanet run FILE.dn|FILE.dna|FILE.dnb --call 'fn(args)' [--init 'init(args)'] [--from NAME] [--value N]"
            + " [--gas-limit N] [--trace] [--json]",
        examples: [
            "datanet run Examples/bench/w4.dna --call 'w4(1000)'",
            "datanet run Examples/bench/w3.dna --call 'fib(10)' --trace",
            "datanet run Examples/royalty/royalty_split.dn --init 'init(@alice)' --call 'set_share(@bob, 5)' --from alice",
            "datanet run Examples/bench/w4.dn --call 'w4(10)' --json",
        ],
        spec: .init(valued: ["--call", "--gas-limit", "--init", "--from", "--value"], switches: ["--trace", "--json"])
    ) { args, console in
        guard args.positional.count == 1 else { return usage(console, "run needs one module file") }
        guard let callText = args.flags["--call"] else { return usage(console, "run needs --call 'fn(args)'") }
        let path = args.positional[0]
        let gasLimit: Int64
        let value: Int64
        do throws(Arguments.UsageError) {
            gasLimit = try args.integer("--gas-limit", default: 10_000_000)
            value = try args.integer("--value", default: 0)
        } catch {
            return usage(console, error.message)
        }
        let verified: VerifiedModule
        do throws(ModuleLoader.LoadError) {
            verified = try ModuleLoader.verify(try ModuleLoader.load(path), path: path)
        } catch {
            console.report(error)
            return ExitCode.failure
        }
        let module = verified.module
        let call: CallSyntax
        do throws(CallSyntax.ParseError) { call = try CallSyntax.parse(callText) } catch {
            console.error(error.explained(in: callText, label: "in --call"))
            return ExitCode.usage
        }
        guard let index = module.functionIndex(named: call.function),
            [.public, .view].contains(module.functions[index].kind)
        else {
            let names = module.functions.filter { $0.kind == .public || $0.kind == .view }.map(\.name)
            console.error("no public function '\(call.function)' in module '\(module.name)'"
                + suggestionOrList(call.function, among: names, listing: "public functions"))
            return ExitCode.failure
        }
        // The local accounts named in the arguments and --from, to print their addresses back as `@name`.
        let named = NamedAccounts()
        let account = { (name: String) throws(ArgumentError) -> [UInt8] in try named.resolve(name) }
        let values: [Value]
        do throws(CLIFailure) {
            values = try CallArguments.values(
                call.arguments, of: module.functions[index], in: module, account: account)
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
        var initValues: [Value] = []
        if let initText = args.flags["--init"] {
            guard let setup = module.functions.firstIndex(where: { $0.kind == .`init` }) else {
                console.error("module '\(module.name)' has no init function")
                return ExitCode.failure
            }
            let written = initText.hasPrefix("init(") ? initText : "init(\(initText))"
            do throws(CallSyntax.ParseError) {
                let parsed = try CallSyntax.parse(written)
                do throws(CLIFailure) {
                    initValues = try CallArguments.values(
                        parsed.arguments, of: module.functions[setup], in: module, account: account)
                } catch {
                    console.error("in --init, " + error.message)
                    return ExitCode.failure
                }
            } catch {
                console.error(error.explained(in: written, label: "in --init"))
                return ExitCode.usage
            }
        }
        if args.flags["--init"] == nil, let setup = module.functions.firstIndex(where: { $0.kind == .`init` }),
            case let params = module.functions[setup].params, !params.isEmpty
        {
            // Running without it leaves the state as init would not: say so before a call trips over it.
            let types = params.map { Int($0) < module.types.count ? TypeNames.name(module.types[Int($0)], in: module) : "?" }
            console.warning("init(\(types.joined(separator: ", "))) was not run: it takes "
                + "\(params.count == 1 ? "an argument" : "\(params.count) arguments"); give "
                + "\(params.count == 1 ? "it" : "them") with --init, e.g. --init '\(types.map(Self.example).joined(separator: ", "))'")
        }
        var sender = MemoryHost().context.caller
        if let from = args.flags["--from"] {
            let name = from.hasPrefix("@") ? String(from.dropFirst()) : from
            if let address = Hex.decode32(name) {
                sender = address
            } else {
                do throws(ArgumentError) { sender = try named.resolve(name) } catch {
                    console.error("in --from, " + error.message)
                    return ExitCode.failure
                }
            }
        }
        return execute(
            verified, function: index, values: values, gasLimit: gasLimit, trace: args.switches.contains("--trace"),
            console: console, initValues: initValues, sender: sender, value: Int128(value),
            json: args.switches.contains("--json"),
            naming: named.name,
            source: { position in
                LibraryResolver(stdlibDirectory: SourceCompilation.stdlibDirectory())
                    .file(ofSourceMapName: position.file, main: path)
            })
    }

    /// `@name` in `--call` and `--init`, and `--from name`: the address of the local account `name`, as in
    /// `datanet test`. Without `--from` the sender is 0x01…01.
    static func localAccount(_ name: String) throws(ArgumentError) -> [UInt8] {
        guard Keystore.isAccountName(name) else {
            throw ArgumentError(message: "'\(name)' is neither an account name (letters, digits and '_') nor an address "
                + "(0x and 64 hex digits)")
        }
        do { return try LocalChain.address(of: name) } catch {
            throw ArgumentError(message: "no local account '\(name)': \(error)")
        }
    }

    /// The local accounts a command line named, by address (looked up, never iterated).
    final class NamedAccounts {
        private var names: [[UInt8]: String] = [:]

        /// The address of local account `name` (`localAccount`), remembered.
        func resolve(_ name: String) throws(ArgumentError) -> [UInt8] {
            let address = try RunCommand.localAccount(name)
            names[address] = name
            return address
        }

        /// `@name` of an address named on the command line, if it was.
        func name(_ address: [UInt8]) -> String? { names[address].map { "@" + $0 } }
    }

    /// A literal of a type, for the example in a hint.
    static func example(_ type: String) -> String {
        switch type {
        case "Int": return "1"
        case "Dec": return "1.0"
        case "Bool": return "true"
        case "Address": return "@alice"
        case "Hash": return "#0x" + String(repeating: "0", count: 64)
        case "String": return "\"text\""
        case "Bytes": return "0x00"
        default: return type.hasPrefix("List<") ? "[]" : "…"
        }
    }

    static func execute(
        _ verified: VerifiedModule, function index: Int, values: [Value], gasLimit: Int64, trace: Bool,
        console: Console, initValues: [Value] = [], sender: [UInt8], value: Int128 = 0, json: Bool = false,
        naming: @escaping ([UInt8]) -> String? = { _ in nil }, source: ((SourcePosition) -> SourceFile?)? = nil
    ) -> Int32 {
        let module = verified.module
        var host = MemoryHost()
        host.context.caller = sender  // of `init` and of the call
        host.context.origin = sender
        // A fresh deployment: `init` runs first (with `--init` arguments, or when it takes none).
        if let setup = module.functions.firstIndex(where: { $0.kind == .`init` }), setup != index,
            module.functions[setup].params.count == initValues.count
        {
            var none = NoTracer()
            let deployed = Interpreter.call(
                Program(verified), function: setup, args: initValues, host: &host, gasLimit: gasLimit, readOnly: false,
                tracer: &none)
            if let trap = deployed.trap {
                revert(trap, prefix: "init reverted", console: console, source: source)
                return ExitCode.failure
            }
        }
        // The call's `value` arrives with it: the contract, fresh and so holding nothing before, holds it while
        // the call runs, as on a chain.
        if value > 0 {
            host.context.value = value
            host.balances[host.context.selfAddress] = value
        }
        let result: ExecutionResult
        if trace {
            var tracer = RecordingTracer(limit: 100_000)
            result = Interpreter.call(
                Program(verified, fuse: false), function: index, args: values, host: &host, gasLimit: gasLimit,
                readOnly: false, tracer: &tracer)
            for s in tracer.steps {
                let indent = String(repeating: "  ", count: s.depth)
                let top = s.stackTop.map { " top=\($0)" } ?? ""
                console.out("\(indent)\(module.functions[s.function].name)+\(s.offset) \(s.opcode.info.mnemonic) gas=\(s.gasLeft)\(top)")
            }
            if tracer.truncated { console.note("trace truncated at \(tracer.limit) steps") }
        } else {
            var tracer = NoTracer()
            result = Interpreter.call(
                Program(verified), function: index, args: values, host: &host, gasLimit: gasLimit, readOnly: false,
                tracer: &tracer)
        }
        // Named accounts as `@name` for people; --json keeps the addresses.
        let shown: ([UInt8]) -> String? = json ? { _ in nil } : naming
        let events = host.events.map {
            "\($0.name)(" + $0.values.map { TypeNames.literal($0, naming: shown) }.joined(separator: ", ") + ")"
        }
        let types = module.functions[index].results.map { TypeNames.name(module.types[Int($0)], in: module) }
        return report(
            result.outcome, types: types, gasUsed: result.gasUsed, events: events, json: json, console: console,
            source: source, naming: shown)
    }

    /// `path:line:col: error: PREFIX: message` for a trap, with the source line and a caret under the place when
    /// `source` finds the file the position names.
    static func revert(
        _ trap: Trap, prefix: String, console: Console, source: ((SourcePosition) -> SourceFile?)?
    ) {
        let message = "\(prefix): \(trap.message)"
        if let position = trap.position, let file = source?(position),
            let offset = file.offset(line: position.line, column: position.column)
        {
            let renderer = DiagnosticRenderer(colored: console.color)
            var text = renderer.render(.error(message, at: SourceRange.point(file, offset)))
            if text.hasSuffix("\n") { text.removeLast() }
            console.err(text)
        } else {
            console.error(message, at: trap.position?.description)
        }
    }

    /// Prints a call's events, its results as `value : Type` and the gas used, or the revert with its position;
    /// with `json`, one object with the same facts. Exit 1 when the call reverted.
    static func report(
        _ outcome: Result<[Value], Trap>, types: [String], gasUsed: Int64, events: [String] = [], json: Bool,
        console: Console, source: ((SourcePosition) -> SourceFile?)? = nil, naming: ([UInt8]) -> String? = { _ in nil }
    ) -> Int32 {
        if json {
            var fields: [String: JSONValue] = ["gas_used": .int(gasUsed), "events": .array(events.map(JSONValue.string))]
            switch outcome {
            case .success(let results):
                fields["results"] = .array(zip(results, types).map {
                    .object(["value": .string(TypeNames.literal($0)), "type": .string($1)])
                })
            case .failure(let trap):
                fields["revert"] = .object([
                    "message": .string(trap.message), "position": trap.position.map { .string($0.description) } ?? .null,
                    "function": trap.function.map(JSONValue.string) ?? .null,
                    "offset": trap.offset.map { .int($0) } ?? .null,
                ])
            }
            console.out(JSONValue.object(fields).text)
            return (try? outcome.get()) == nil ? ExitCode.failure : ExitCode.ok
        }
        for e in events { console.out("event \(e)") }
        switch outcome {
        case .success(let results):
            for (v, t) in zip(results, types) { console.out("\(TypeNames.literal(v, naming: naming)) : \(t)") }
            console.out("gas used: \(gasUsed)")
            return ExitCode.ok
        case .failure(let trap):
            revert(trap, prefix: "reverted", console: console, source: source)
            if trap.position == nil, let f = trap.function, let o = trap.offset { console.note("in '\(f)' at offset \(o)") }
            console.out("gas used: \(gasUsed)")
            return ExitCode.failure
        }
    }
}
