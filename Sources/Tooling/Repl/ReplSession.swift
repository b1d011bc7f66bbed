// `datanet repl`: the session engine. Every input runs as compiled VM code on the session's `LocalChain`:
//
// - declarations (`fn`, `struct`, `const`, `interface`, `event`, `use`) are kept, in order, and go into every
//   later input's synthetic contract;
// - statements and expressions become the body of `pub fn __input(...)` in that contract. The bindings the input
//   reads are its parameters (passed their stored values), so reading one costs what reading a parameter costs;
//   the value of a final expression is the function's result. When the input makes or changes bindings the
//   function returns a struct holding them as well;
// - the contract is deployed as the current account and `__input` is run on the latest state. An input that can
//   have effects (it emits, transfers or calls a contract) is a real transaction; any other input is a dry run on
//   the chain's state and leaves no block behind. A trap leaves the chain as it was before the input.
//
// The gas printed is the VM gas of `__input`'s call: exactly what the same code costs in a contract function.
import Bytecode
import Chain
import Compiler
import Diagnostics
import Foundation
import VM

/// One line of REPL output.
public struct ReplLine: Hashable, Sendable {
    /// Output (`false`) or an error message or diagnostic (`true`).
    public var isError: Bool
    public var text: String
}

/// A REPL session: declarations, bindings, loaded contracts and the chain they run on.
public final class ReplSession {
    /// The syntax tree of the input being run: every `Expr` and `Stmt` the session handles is one of its nodes.
    var tree = SyntaxTree()
    /// The accounts funded at the start of a session.
    public static let accounts = ["alice", "bob", "carol", "dave", "erin"]
    /// Gas limit of every input.
    public static let gasLimit: Int64 = 100_000_000

    struct Declaration {
        /// `fn f`, `struct S`, ... (`use std.math` for a use line): a later declaration with the same key replaces it.
        var key: String
        var file: SourceFile
        var range: Range<Int>
    }

    struct Binding {
        var name: String
        var isMutable: Bool
        /// The type as written in source (`List<Int>`, an interface name for a contract handle).
        var type: String
        var value: Value
    }

    struct LoadedContract {
        var handle: String
        var path: String
        var module: Module
        var address: [UInt8]
    }

    let stdlibDirectory: String?
    let colored: Bool
    /// The accounts that sign (`:accounts` lists them).
    let accountNames: [String]
    let makeChain: () throws -> LocalChain
    /// The chain on disk that kept blocks are written to (`--chain DIR --write`).
    let persistent: Chain?
    var chain: LocalChain
    var declarations: [Declaration] = []
    var bindings: [Binding] = []
    var contracts: [LoadedContract] = []
    var caller: String
    var inputCount = 0
    var output: [ReplLine] = []
    /// The last input that ran code: its module and the call, for `:gas` and `:trace`.
    var last: LastRun?
    /// Extra funded names seen in inputs (`@name`), for `:accounts`.
    var seenAccounts: Set<String> = []

    struct LastRun {
        var module: Module
        var function: String
        var args: [Value]
        var source: SyntheticSource?
        /// The chain before the input, to run it again traced.
        var before: LocalChain.Snapshot?
        /// The called contract; nil when `module` is the input's synthetic contract, deployed first.
        var contract: [UInt8]?
        var caller: String
    }

    /// A fresh session on a new in-memory chain; `stdlibDirectory` is where `use std.NAME` finds the standard
    /// library.
    public convenience init(stdlibDirectory: String?, colored: Bool = false) throws {
        try self.init(
            stdlibDirectory: stdlibDirectory, colored: colored, accounts: Self.accounts,
            chain: {
                let chain = try LocalChain(accounts: ReplSession.accounts, startBalance: testStartBalance)
                chain.gasLimit = UInt64(ReplSession.gasLimit)
                return chain
            }, writingTo: nil)
    }

    /// A session on the chain `makeChain` gives (again on `:reset`), whose named `accounts` sign. With `persistent`
    /// (the chain `makeChain` copies), every block the session keeps is applied to it as well (`--write`).
    public init(
        stdlibDirectory: String?, colored: Bool, accounts: [String], chain makeChain: @escaping () throws -> LocalChain,
        writingTo persistent: Chain?
    ) throws {
        self.stdlibDirectory = stdlibDirectory
        self.colored = colored
        self.accountNames = accounts
        self.makeChain = makeChain
        self.persistent = persistent
        chain = try makeChain()
        chain.gasLimit = UInt64(Self.gasLimit)
        caller = accounts.contains("alice") ? "alice" : (accounts.first ?? "alice")
    }

    /// With `--write`: applies the blocks the session kept since the last call to the persistent chain. Both start
    /// from the same state, so each block re-executes to the same receipts and roots (`Chain.apply` checks them).
    func persist() {
        guard let persistent else { return }
        do {
            let target = try chain.chain.head().header.height
            while persistent.store.height < target {
                let height = persistent.store.height + 1
                guard let block = try chain.chain.block(at: height) else { break }
                try persistent.apply(block, recorded: try chain.chain.receipts(at: height))
            }
        } catch {
            fail("could not write to the chain: \(error); the session no longer matches it (':reset' reloads it)")
        }
    }

    /// Puts the chain back as it was at `snapshot` (the session's chain is in memory, so there always is one).
    func rollback(_ snapshot: LocalChain.Snapshot?) {
        if let snapshot { chain.restore(snapshot) }
    }

    // MARK: - Output

    func say(_ text: String) { output.append(ReplLine(isError: false, text: text)) }

    func fail(_ text: String) { output.append(ReplLine(isError: true, text: "error: " + text)) }

    func report(_ diagnostics: [Diagnostic]) {
        var text = DiagnosticRenderer(colored: colored).render(diagnostics)
        while text.hasSuffix("\n") { text.removeLast() }
        if !text.isEmpty { output.append(ReplLine(isError: true, text: text)) }
    }

    // MARK: - Input

    /// Whether `text` is unfinished (a bracket still open, or it ends in an operator): read another line.
    public static func isIncomplete(_ text: String) -> Bool {
        if text.trimmingCharacters(in: .whitespaces).hasPrefix(":") { return false }
        return Parser.isIncompleteInput(SourceFile(path: "input", text: text))
    }

    /// Runs one input (a command, declarations, statements or an expression) and returns what it printed.
    /// `quit` is set when the input was `:quit`.
    public func submit(_ text: String) -> (lines: [ReplLine], quit: Bool) {
        output = []
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return ([], false) }
        var quit = false
        if trimmed.hasPrefix(":") {
            quit = command(trimmed)
        } else {
            inputCount += 1
            run(SourceFile(path: "[\(inputCount)]", text: text))
        }
        persist()
        return (output, quit)
    }

    // MARK: - Inputs

    func run(_ file: SourceFile) {
        let (items, tree, parseDiagnostics) = Parser.parseInteractive(file)
        self.tree = tree
        if parseDiagnostics.contains(where: { $0.severity == .error }) {
            report(parseDiagnostics)
            return
        }
        for name in TestRunner.accountNames(in: file.bytes) where !accountNames.contains(name) {
            seenAccounts.insert(name)
        }
        var newDeclarations: [Declaration] = []
        var statements: [Stmt] = []
        for item in items {
            switch item {
            case .declaration(let decl):
                guard let key = declarationKey(decl) else { return }
                newDeclarations.append(Declaration(key: key, file: file, range: decl.range.start..<decl.range.end))
            case .statement(let stmt):
                statements.append(stmt)
            }
        }
        let saved = declarations
        for decl in newDeclarations {
            declarations.removeAll { $0.key == decl.key }
            declarations.append(decl)
        }
        if statements.isEmpty {
            let unit = SyntheticInput(file: file, statements: [], blanked: [])
            guard compile(unit, final: .none, outputs: []) != nil else {
                declarations = saved
                return
            }
            for decl in newDeclarations { say("defined \(decl.key)") }
            return
        }
        for decl in newDeclarations { say("defined \(decl.key)") }
        if statements.count == 1, let call = directCall(statements[0]) {
            runDirectCall(call, file: file, statement: statements[0])
            return
        }
        runStatements(SyntheticInput(file: file, statements: statements, blanked: blank(file, except: statements)))
    }

    /// `fn f`, `struct S`, ...; nil (after reporting) for declarations that belong in a contract file.
    func declarationKey(_ decl: Decl) -> String? {
        switch decl.kind {
        case .function(let f): return "fn \(f.name.name)"
        case .structure(let name, _): return "struct \(name.name)"
        case .constant(let name, _, _): return "const \(name.name)"
        case .interface(let name, _): return "interface \(name.name)"
        case .event(let name, _): return "event \(name.name)"
        case .use(let target):
            switch target {
            case .library(let path): return "use " + path.map(\.name).joined(separator: ".")
            case .file(let path, _): return "use \"\(path)\""
            }
        case .state, .initializer, .migration:
            report([.error("state, 'init' and 'migrate' belong in a contract file", at: decl.range,
                hint: "write the contract in a file and ':load' it")])
            return nil
        case .test:
            report([.error("test blocks belong in a test file", at: decl.range, hint: "run them with 'datanet test'")])
            return nil
        case .scenario:
            report([.error("scenario blocks belong in a scenario file", at: decl.range,
                hint: "run them with 'datanet scenario'")])
            return nil
        }
    }

    /// The input's bytes with everything outside `statements` blanked (newlines kept), so positions stay put.
    func blank(_ file: SourceFile, except statements: [Stmt]) -> [UInt8] {
        var bytes = file.bytes
        var keep = [Bool](repeating: false, count: bytes.count)
        for s in statements {
            let lower = max(0, min(tree[s].range.start, bytes.count))
            for i in lower..<max(lower, min(tree[s].range.end, bytes.count)) { keep[i] = true }
        }
        for i in bytes.indices where !keep[i] && bytes[i] != UInt8(ascii: "\n") && bytes[i] != UInt8(ascii: " ") {
            // Comments between statements are kept out too; they cannot change the meaning.
            bytes[i] = UInt8(ascii: " ")
        }
        return bytes
    }

    // MARK: - Synthetic contracts

    /// The statements of one input, ready to be placed in `__input`.
    struct SyntheticInput {
        var file: SourceFile
        var statements: [Stmt]
        var blanked: [UInt8]
    }

    /// What becomes of the input's final expression.
    enum Final {
        case none
        /// `let NAME = expr`.
        case bind(String, Expr)
        /// `return expr`.
        case returned(Expr)
    }

    /// A compiled synthetic contract with the source it came from.
    struct Compiled {
        var module: Module
        var source: SyntheticSource
        var parameters: [Binding]
    }

    /// Builds and compiles the synthetic contract for `input`. `outputs` are `(name, type)` of the bindings the
    /// function returns in `__Out` (with `__value` first when `valueType` is set); `returnType` is used when there
    /// are no outputs. Reports diagnostics (mapped into the input) and returns nil on errors.
    func compile(
        _ input: SyntheticInput, final: Final, outputs: [(name: String, type: String)], valueType: String? = nil,
        returnType: String? = nil, extraBody: String = "", reportWarnings: Bool = true, quiet: Bool = false
    ) -> Compiled? {
        var source = prelude()
        let declaredNames = Set(input.statements.compactMap { stmt -> String? in
            if case .binding(let b) = tree[stmt].kind { return tree[b].name.name }
            return nil
        })
        let mentioned = SyntheticCode.mentionedNames(input.file)
        let parameters = bindings.filter { mentioned.contains($0.name) && !declaredNames.contains($0.name) }
        let mutated = SyntheticCode.mutatedNames(input.file)
        if !outputs.isEmpty {
            source.glue("struct __Out {")
            var fields: [String] = []
            if let valueType { fields.append("__value: \(valueType)") }
            fields += outputs.map { "\($0.name): \($0.type)" }
            source.glue(" " + fields.joined(separator: ", ") + " }\n")
        }
        // A binding the input changes comes in as `__in_NAME` and is rebound as written (`var`, or `let` so that
        // changing it gets the compiler's message about `let`); the others are plain parameters.
        let params = parameters.map { b in (mutated.contains(b.name) ? "__in_" : "") + "\(b.name): \(b.type)" }
        var signature = "pub fn __input(" + params.joined(separator: ", ") + ")"
        if !outputs.isEmpty {
            signature += " -> __Out"
        } else if let returnType {
            signature += " -> \(returnType)"
        }
        source.glue(signature + " {\n")
        for b in parameters where mutated.contains(b.name) {
            source.glue("\(b.isMutable ? "var" : "let") \(b.name) = __in_\(b.name)\n")
        }
        let bytes = input.blanked
        switch final {
        case .none:
            if !bytes.isEmpty { source.copy(bytes, standingFor: input.file, at: 0) }
        case .bind(_, let e), .returned(let e):
            let split = min(tree[e].range.start, bytes.count)
            source.copy(Array(bytes[0..<split]), standingFor: input.file, at: 0)
            if case .bind(let name, _) = final { source.glue("let \(name) = ") } else { source.glue("return ") }
            source.copy(Array(bytes[split...]), standingFor: input.file, at: split)
        }
        source.glue("\n" + extraBody)
        if !outputs.isEmpty {
            var fields: [String] = []
            if valueType != nil { fields.append("__value: __value") }
            fields += outputs.map { "\($0.name): \($0.name)" }
            source.glue("return __Out { " + fields.joined(separator: ", ") + " }\n")
        }
        source.glue("}\n")
        guard let module = compileSource(source, quiet: quiet, warnings: reportWarnings) else { return nil }
        return Compiled(module: module, source: source, parameters: parameters)
    }

    /// The start of every synthetic contract: its header, the session's `use` lines and declarations, and an
    /// interface for each loaded contract.
    func prelude() -> SyntheticSource {
        var source = SyntheticSource()
        source.glue("contract Repl\n")
        for decl in declarations where decl.key.hasPrefix("use ") {
            source.copy(decl.file, decl.range)
            source.glue("\n")
        }
        for decl in declarations where !decl.key.hasPrefix("use ") {
            source.copy(decl.file, decl.range)
            source.glue("\n")
        }
        for contract in contracts { source.glue(interfaceText(contract.module)) }
        return source
    }

    /// Compiles a synthetic contract (named accounts resolved); reports its diagnostics mapped into the inputs,
    /// unless `quiet`. Nil when it has errors.
    func compileSource(_ source: SyntheticSource, quiet: Bool = false, warnings: Bool = true) -> Module? {
        let result = SyntheticCode.compile(source, stdlibDirectory: stdlibDirectory, chain: chain)
        if !quiet {
            report(result.diagnostics.compactMap { d -> Diagnostic? in
                if d.severity != .error && !warnings { return nil }
                return (source.map(d) ?? (d.severity == .error ? d : nil)).map(explainingBindings)
            })
        }
        return result.module
    }

    /// The types a `const` can have.
    static let constantTypes: Set<String> = ["Int", "Dec", "Bool", "Address", "Hash", "String"]

    /// A session binding is unknown only where bindings are not passed in: inside a declaration (`fn`), which sees
    /// its parameters, constants and state, as in a contract. Says so instead of suggesting another name.
    func explainingBindings(_ d: Diagnostic) -> Diagnostic {
        let prefix = "cannot find '", suffix = "' in scope"
        guard d.message.hasPrefix(prefix), d.message.hasSuffix(suffix) else { return d }
        let name = String(d.message.dropFirst(prefix.count).dropLast(suffix.count))
        guard let binding = bindings.first(where: { $0.name == name }) else { return d }
        var explained = d
        explained.hint = "'\(name)' is a binding of this session, and a fn sees only its parameters, constants and "
            + "state: pass it in as a parameter"
            + (binding.isMutable || !Self.constantTypes.contains(binding.type) ? "" : ", or declare it 'const \(name) = …'")
        explained.fixIt = nil
        return explained
    }

    /// `interface NAME { ... }` for a loaded contract's public and view functions (those whose types the session
    /// can name).
    func interfaceText(_ module: Module) -> String {
        var lines = ["interface \(module.name) {"]
        for f in module.functions where f.kind == .public || f.kind == .view {
            let types = (f.params + f.results).map { Int($0) < module.types.count ? module.types[Int($0)] : .int }
            if types.contains(where: { if case .structure = $0 { return true } else { return false } }) { continue }
            var params: [String] = []
            for (i, t) in f.params.enumerated() {
                params.append("a\(i): \(TypeNames.name(module.types[Int(t)], in: module))")
            }
            var line = "    " + (f.kind == .view ? "view fn " : "fn ") + f.name + "(" + params.joined(separator: ", ") + ")"
            if let r = f.results.first { line += " -> " + TypeNames.name(module.types[Int(r)], in: module) }
            lines.append(line)
        }
        return (lines + ["}", ""]).joined(separator: "\n")
    }

    // MARK: - Running statements

    func runStatements(_ input: SyntheticInput) {
        var finalExpr: Expr?
        if let last = input.statements.last, case .expression(let e) = tree[last].kind { finalExpr = e }
        var newBindings: [(name: String, isMutable: Bool, initializer: Expr?)] = []
        for stmt in input.statements {
            if case .binding(let ref) = tree[stmt].kind {
                let b = tree[ref]
                newBindings.removeAll { $0.name == b.name.name }
                newBindings.append((b.name.name, b.isMutable, b.initializer))
            }
        }
        let mutated = SyntheticCode.mutatedNames(input.file)
        let changed = bindings.filter { b in
            b.isMutable && mutated.contains(b.name) && !newBindings.contains { $0.name == b.name }
        }
        // Probe: compile once to learn the types of the final expression and of new bindings.
        var valueType: String?
        var newTypes: [String] = []
        if finalExpr != nil || !newBindings.isEmpty {
            let probes = newBindings.enumerated().map { "let __probe_\($0.offset) = \($0.element.name)\n" }.joined()
            var probed: Compiled?
            if let e = finalExpr {
                probed = compile(input, final: .bind("__probe_value", e), outputs: [], extraBody: probes, quiet: true)
            }
            if probed == nil {
                // Without a value (a call that returns nothing), or with errors: those are the user's to see.
                guard let plain = compile(input, final: .none, outputs: [], extraBody: probes, reportWarnings: false)
                else { return }
                probed = plain
                finalExpr = nil
            }
            let count = newBindings.count + (finalExpr == nil ? 0 : 1)
            guard let probed, let names = SyntheticCode.lastLocalTypes(probed.module, function: "__input", count: count)
            else { return }
            if finalExpr != nil { valueType = interfaceType(of: finalExpr) ?? names[0] }
            newTypes = zip(newBindings, names.suffix(newBindings.count)).map { interfaceType(of: $0.0.initializer) ?? $0.1 }
        }
        let outputs = zip(newBindings, newTypes).map { ($0.0.name, $0.1) } + changed.map { ($0.name, $0.type) }
        let final: Final
        if let e = finalExpr {
            final = outputs.isEmpty ? .returned(e) : .bind("__value", e)
        } else {
            final = .none
        }
        guard let compiled = compile(
            input, final: final, outputs: outputs, valueType: outputs.isEmpty ? nil : valueType,
            returnType: outputs.isEmpty ? valueType : nil)
        else { return }
        guard let results = execute(compiled) else { return }
        // Results: the value, or `__Out { __value?, outputs... }`.
        guard let result = results.values.first else {
            say("(gas \(results.gas))")
            return
        }
        if outputs.isEmpty {
            say("\(describe(result, typeName: valueType ?? "")) : \(valueType ?? "?")  (gas \(results.gas))")
            return
        }
        guard case .structure(var fields) = result else { return }
        var lines: [String] = []
        if let valueType, !fields.isEmpty {
            let v = fields.removeFirst()
            lines.append("\(describe(v, typeName: valueType)) : \(valueType)")
        }
        for (field, (name, type)) in zip(fields, outputs) {
            let isMutable = newBindings.first { $0.name == name }?.isMutable
                ?? bindings.first { $0.name == name }?.isMutable ?? false
            bindings.removeAll { $0.name == name }
            bindings.append(Binding(name: name, isMutable: isMutable, type: type, value: field))
            if newBindings.contains(where: { $0.name == name }) {
                lines.append("\(name) = \(describe(field, typeName: type)) : \(type)")
            }
        }
        if lines.count == 1 {
            say(lines[0] + "  (gas \(results.gas))")
        } else {
            for line in lines { say(line) }
            say("(gas \(results.gas))")
        }
    }

    /// The interface type of `e` when it is `Iface(address)` for a known interface, or a binding of interface type.
    func interfaceType(of e: Expr?) -> String? {
        guard let e else { return nil }
        switch tree[e].kind {
        case .call(let callee, let arguments) where arguments.count == 1:
            guard let name = tree.name(callee) else { return nil }
            if declarations.contains(where: { $0.key == "interface \(name)" }) { return name }
            if contracts.contains(where: { $0.module.name == name }) { return name }
            return nil
        case .name(let ref):
            let name = tree.text(ref)
            guard let b = bindings.first(where: { $0.name == name }), isInterface(b.type) else { return nil }
            return b.type
        default:
            return nil
        }
    }

    func isInterface(_ type: String) -> Bool {
        declarations.contains { $0.key == "interface \(type)" } || contracts.contains { $0.module.name == type }
    }

    /// What running a synthetic contract gave: results (empty for none) and the VM gas of the call.
    struct Ran {
        var values: [Value]
        var gas: Int64
    }

    /// Deploys `compiled` and runs `__input` with the parameters' values; prints events and traps. Effects are
    /// kept only when the code can have effects and the call succeeded.
    func execute(_ compiled: Compiled, function: String = "__input", args explicit: [Value]? = nil) -> Ran? {
        let module = compiled.module
        let args = explicit ?? compiled.parameters.map(\.value)
        let snapshot = chain.snapshot()
        last = LastRun(
            module: module, function: function, args: args, source: compiled.source, before: snapshot, contract: nil,
            caller: caller)
        let deployed: Receipt
        do {
            switch try chain.deploy(module, args: [], from: caller) {
            case .failure(let rejection):
                fail("the input was rejected: \(rejection)")
                rollback(snapshot)
                return nil
            case .success(let receipt): deployed = receipt
            }
        } catch {
            fail("chain failure: \(error)")
            rollback(snapshot)
            return nil
        }
        guard deployed.status == .success else {
            fail("the input could not be deployed: \(deployed.revertMessage)")
            rollback(snapshot)
            return nil
        }
        let address = deployed.contract
        if !Self.hasEffects(module) {
            defer { rollback(snapshot) }
            do {
                let run = try chain.chain.simulate(
                    address, function: function, args: args, caller: try chain.address(of: caller),
                    gasLimit: Self.gasLimit)
                switch run.outcome {
                case .success(let values): return Ran(values: values, gas: run.gasUsed)
                case .failure(let trap):
                    reportTrap(trap.message, position: trap.position.map { "\($0.file):\($0.line):\($0.column)" },
                        source: compiled.source, gas: run.gasUsed)
                    return nil
                }
            } catch {
                fail("chain failure: \(error)")
                return nil
            }
        }
        do {
            switch try chain.call(address, function, args: args, from: caller) {
            case .failure(let rejection):
                fail("the input was rejected: \(rejection)")
                rollback(snapshot)
                return nil
            case .success(let receipt):
                let gas = Int64(clamping: receipt.gasUsed) - Int64(clamping: intrinsic(module, function, args, address))
                guard receipt.status == .success else {
                    reportTrap(receipt.revertMessage, position: receipt.revertPosition.isEmpty ? nil : receipt.revertPosition,
                        source: compiled.source, gas: gas)
                    rollback(snapshot)
                    return nil
                }
                printEvents(receipt)
                return Ran(values: try chain.results(of: receipt), gas: gas)
            }
        } catch {
            fail("chain failure: \(error)")
            rollback(snapshot)
            return nil
        }
    }

    /// The intrinsic gas of calling `function` with `args` (what the receipt adds to the VM's gas).
    func intrinsic(_ module: Module, _ function: String, _ args: [Value], _ address: [UInt8]) -> UInt64 {
        guard let index = module.functionIndex(named: function) else { return 0 }
        let types = module.functions[index].params.map { Int($0) < module.types.count ? module.types[Int($0)] : .int }
        let encoded = (try? ValueCodec.encodeSequence(args, as: types, in: module)) ?? []
        return IntrinsicGas.cost(of: .call(contract: address, function: function, args: encoded, value: 0))
    }

    func reportTrap(_ message: String, position: String?, source: SyntheticSource?, gas: Int64) {
        let text = "reverted: \"\(message)\""
        if let position, let place = source?.location(position) {
            report([.error(text, at: .point(place.file, place.offset))])
        } else if let position, !position.hasPrefix(SyntheticSource.replPath) {
            fail(text + " at " + position)
        } else {
            fail(text)
        }
        say("(gas \(gas); the session is as it was before this input)")
    }

    /// Whether any function of `module` can change the world: emit, transfer or call another contract.
    static func hasEffects(_ module: Module) -> Bool {
        for f in module.functions {
            guard let instructions = try? Instruction.decodeAll(f.code) else { return true }
            if instructions.contains(where: { [.emit, .transfer, .callExt, .tryCallExt].contains($0.opcode) }) {
                return true
            }
        }
        return false
    }

    func printEvents(_ receipt: Receipt) {
        for event in receipt.events {
            guard let module = try? chain.chain.module(id: event.moduleID),
                let decl = module.events.first(where: { $0.name == event.name }),
                let values = try? ValueCodec.decodeSequence(
                    event.data, as: decl.fields.map { Int($0.type) < module.types.count ? module.types[Int($0.type)] : .int },
                    in: module)
            else {
                say("event \(event.name)")
                continue
            }
            say("event \(event.name)(" + values.map { describe($0) }.joined(separator: ", ") + ")")
        }
    }

    // MARK: - Direct contract calls

    struct DirectCall {
        var contract: LoadedContract
        var function: String
        var arguments: [Expr]
        var binding: StmtKind?
    }

    /// `handle.f(args)` or `let x = handle.f(args)` on a loaded contract: a transaction from the current account.
    func directCall(_ stmt: Stmt) -> DirectCall? {
        var e: Expr
        switch tree[stmt].kind {
        case .expression(let x): e = x
        case .binding(let b):
            guard let x = tree[b].initializer else { return nil }
            e = x
        default: return nil
        }
        guard case .call(let callee, let arguments) = tree[e].kind, case .member(let base, let name) = tree[callee].kind,
            case .name(let handle) = tree[base].kind, let contract = contract(named: tree.text(handle))
        else { return nil }
        return DirectCall(
            contract: contract, function: tree.text(name.text), arguments: Array(tree[arguments]),
            binding: tree[stmt].kind)
    }

    /// The loaded contract bound to `handle` (a `:load` name or a binding holding its handle).
    func contract(named handle: String) -> LoadedContract? {
        if let b = bindings.first(where: { $0.name == handle }) {
            guard case .address(let a) = b.value, isInterface(b.type) else { return nil }
            return contracts.first { $0.address == a && $0.module.name == b.type }
        }
        return nil
    }

    func runDirectCall(_ call: DirectCall, file: SourceFile, statement: Stmt) {
        let module = call.contract.module
        guard let index = module.functionIndex(named: call.function),
            [.public, .view].contains(module.functions[index].kind)
        else {
            let names = module.functions.filter { $0.kind == .public || $0.kind == .view }.map(\.name)
            var hint: String?
            if let s = EditDistance.suggestion(for: call.function, among: names) { hint = "did you mean '\(s)'?" }
            report([.error("contract '\(module.name)' has no public function '\(call.function)'",
                at: tree[statement].range, hint: hint)])
            return
        }
        let function = module.functions[index]
        guard function.params.count == call.arguments.count else {
            report([.error(Messages.argumentCount(call.function, expected: function.params.count, found: call.arguments.count),
                at: tree[statement].range)])
            return
        }
        let types = function.params.map { TypeNames.name(module.types[Int($0)], in: module) }
        guard let values = evaluate(call.arguments, as: types, file: file) else { return }
        if function.kind == .view {
            runViewCall(call, module: module, function: function, values: values)
            return
        }
        let snapshot = chain.snapshot()
        let result: Result<Receipt, Rejection>
        do { result = try chain.call(call.contract.address, call.function, args: values, from: caller) } catch {
            fail("chain failure: \(error)")
            rollback(snapshot)
            return
        }
        last = LastRun(
            module: module, function: call.function, args: values, source: nil, before: snapshot,
            contract: call.contract.address, caller: caller)
        switch result {
        case .failure(let rejection):
            fail("the call was rejected: \(rejection)")
            rollback(snapshot)
        case .success(let receipt):
            let intrinsic = intrinsic(module, call.function, values, call.contract.address)
            let gas = "gas \(receipt.gasUsed), of which \(intrinsic) intrinsic"
            guard receipt.status == .success else {
                var text = "reverted: \"\(receipt.revertMessage)\""
                if !receipt.revertPosition.isEmpty { text += " at \(receipt.revertPosition)" }
                fail(text)
                say("(\(gas); the session is as it was before this input)")
                rollback(snapshot)
                return
            }
            printEvents(receipt)
            let results = (try? chain.results(of: receipt)) ?? []
            let resultType = function.results.first.map { TypeNames.name(module.types[Int($0)], in: module) }
            if case .binding(let ref) = call.binding, let value = results.first, let resultType {
                let name = rebind(ref, to: value, type: resultType)
                say("\(name) = \(describe(value, typeName: resultType, module: module)) : \(resultType)  (\(gas))")
            } else if let value = results.first, let resultType {
                say("\(describe(value, typeName: resultType, module: module)) : \(resultType)  (\(gas))")
            } else {
                say("(\(gas))")
            }
        }
    }

    /// Binds the `let` or `var` of a direct call to its result, in place of any binding of that name; returns the
    /// name.
    func rebind(_ ref: BindingRef, to value: Value, type: String) -> String {
        let binding = tree[ref]
        bindings.removeAll { $0.name == binding.name.name }
        bindings.append(Binding(name: binding.name.name, isMutable: binding.isMutable, type: type, value: value))
        return binding.name.name
    }

    /// A `view` function reads and never writes: it runs as a query on the latest state, with no transaction.
    func runViewCall(_ call: DirectCall, module: Module, function: Function, values: [Value]) {
        last = LastRun(
            module: module, function: call.function, args: values, source: nil, before: chain.snapshot(),
            contract: call.contract.address, caller: caller)
        let run: Chain.QueryResult
        do {
            run = try chain.chain.query(
                call.contract.address, function: call.function, args: values, caller: try chain.address(of: caller),
                gasLimit: Self.gasLimit)
        } catch {
            return fail("chain failure: \(error)")
        }
        switch run.outcome {
        case .failure(let trap):
            var text = "reverted: \"\(trap.message)\""
            if let p = trap.position { text += " at \(p.file):\(p.line):\(p.column)" }
            fail(text)
            say("(gas \(run.gasUsed))")
        case .success(let results):
            let resultType = function.results.first.map { TypeNames.name(module.types[Int($0)], in: module) }
            guard let value = results.first, let resultType else { return say("(gas \(run.gasUsed), a view call)") }
            let shown = describe(value, typeName: resultType, module: module)
            if case .binding(let ref) = call.binding {
                let name = rebind(ref, to: value, type: resultType)
                say("\(name) = \(shown) : \(resultType)  (gas \(run.gasUsed), a view call)")
            } else {
                say("\(shown) : \(resultType)  (gas \(run.gasUsed), a view call)")
            }
        }
    }

    /// Evaluates `expressions` of `file` (typed as `types`) in one dry run; nil after reporting errors or a trap.
    func evaluate(_ expressions: [Expr], as types: [String], file: SourceFile) -> [Value]? {
        if expressions.isEmpty { return [] }
        // `return __Args { a0: (e0), ... }` with each argument's text copied from the input.
        var fields = "struct __Args { " + types.enumerated().map { "a\($0.offset): \($0.element)" }.joined(separator: ", ")
        fields += " }\n"
        guard let compiled = compileArguments(expressions, file: file, structText: fields) else { return nil }
        guard let ran = execute(compiled), case .structure(let values)? = ran.values.first else { return nil }
        return values
    }

    /// `pub fn __input(bindings...) -> __Args { return __Args { a0: e0, ... } }` for `evaluate`.
    func compileArguments(_ expressions: [Expr], file: SourceFile, structText: String) -> Compiled? {
        var source = prelude()
        source.glue(structText)
        let mentioned = SyntheticCode.mentionedNames(file)
        let parameters = bindings.filter { mentioned.contains($0.name) }
        source.glue("pub fn __input(" + parameters.map { "\($0.name): \($0.type)" }.joined(separator: ", ")
            + ") -> __Args {\nreturn __Args {")
        for (i, e) in expressions.enumerated() {
            source.glue((i == 0 ? " " : ", ") + "a\(i): ")
            source.copy(file, tree[e].range.start..<tree[e].range.end)
        }
        source.glue(" }\n}\n")
        guard let module = compileSource(source) else { return nil }
        return Compiled(module: module, source: source, parameters: parameters)
    }

    // MARK: - Values

    /// Addresses by account or contract name, for printing `@alice` instead of 64 hex digits.
    func addressName(_ address: [UInt8]) -> String? {
        for name in accountNames + seenAccounts.sorted() where (try? chain.address(of: name)) == address {
            return "@" + name
        }
        return nil
    }

    /// A value as the language writes it, with named accounts as `@name`.
    func describe(_ value: Value, typeName: String = "", module: Module? = nil) -> String {
        switch value {
        case .address(let a):
            if let name = addressName(a) { return name }
            if let c = contracts.first(where: { $0.address == a }) { return "\(c.module.name)(@0x\(Hex.encode(a).prefix(8))…)" }
            return TypeNames.literal(value)
        case .list(let items):
            let element = SyntheticCode.typeArguments(typeName).first ?? ""
            return "[" + items.map { describe($0, typeName: element, module: module) }.joined(separator: ", ") + "]"
        case .map(let entries):
            let arguments = SyntheticCode.typeArguments(typeName)
            let (k, v) = arguments.count == 2 ? (arguments[0], arguments[1]) : ("", "")
            return "{" + entries.map {
                describe($0.key, typeName: k, module: module) + ": " + describe($0.value, typeName: v, module: module)
            }.joined(separator: ", ") + "}"
        case .structure(let fields):
            let decl = (module ?? last?.module)?.structs.first { $0.name == typeName }
            var parts: [String] = []
            for (i, field) in fields.enumerated() {
                let name = decl.flatMap { i < $0.fields.count ? $0.fields[i].name : nil }
                let fieldModule = module ?? last?.module
                let fieldType = decl.flatMap { d -> String? in
                    guard i < d.fields.count, let m = fieldModule, Int(d.fields[i].type) < m.types.count else { return nil }
                    return TypeNames.name(m.types[Int(d.fields[i].type)], in: m)
                } ?? ""
                let text = describe(field, typeName: fieldType, module: module)
                parts.append(name.map { "\($0): \(text)" } ?? text)
            }
            return typeName + " { " + parts.joined(separator: ", ") + " }"
        default:
            return TypeNames.literal(value)
        }
    }
}
