// The REPL's `:commands`.
import Bytecode
import Chain
import Compiler
import Diagnostics
import Foundation

extension ReplSession {
    /// One command: its name, the arguments it takes, what it does and an example.
    public struct CommandHelp: Sendable {
        public var name: String
        public var arguments: String
        public var summary: String
        public var example: String
    }

    /// Every command, in the order `:help` lists them.
    public static let commands: [CommandHelp] = [
        CommandHelp(name: "load", arguments: "FILE [as NAME] [(INIT ARGS)]",
            summary: "compile a contract and deploy it as the current account; NAME (default: the file's name) is its handle",
            example: ":load Examples/royalty/royalty_split.dn as r (@alice)"),
        CommandHelp(name: "attach", arguments: "0xADDRESS [as NAME]",
            summary: "take a handle on a contract already on the chain (with --chain DIR)",
            example: ":attach 0x5f3a… as r"),
        CommandHelp(name: "call", arguments: "NAME.FN(ARGS)",
            summary: "call a loaded contract's function as a transaction (the same as typing the call)",
            example: ":call r.distribute(1000)"),
        CommandHelp(name: "state", arguments: "NAME", summary: "a loaded contract's state variables and maps",
            example: ":state r"),
        CommandHelp(name: "accounts", arguments: "", summary: "the named accounts and contracts with their balances",
            example: ":accounts"),
        CommandHelp(name: "send", arguments: "TO AMOUNT",
            summary: "move native tokens from the current account to an account or a loaded contract",
            example: ":send r 5000"),
        CommandHelp(name: "as", arguments: "ACCOUNT", summary: "send later transactions from ACCOUNT",
            example: ":as bob"),
        CommandHelp(name: "advance", arguments: "N", summary: "add N empty blocks (one second apart)",
            example: ":advance 10"),
        CommandHelp(name: "table", arguments: "FORMULA... [--pool N] [--csv] [--from FILE.csv]...",
            summary: "a payout table: a row per recipient, a column per formula and input set, totals and remainder",
            example: ":table pro_rata boosted --pool 1000"),
        CommandHelp(name: "check", arguments: "FORMULA [--cases N]",
            summary: "try a payout formula on generated inputs; report the smallest input breaking a property",
            example: ":check pro_rata"),
        CommandHelp(name: "gas", arguments: "[INPUT]",
            summary: "the last input's gas by function and source line (with INPUT: run it first, then break it down)",
            example: ":gas pro_rata(1000, [3, 1])"),
        CommandHelp(name: "trace", arguments: "[INPUT]",
            summary: "the last call's instructions beside its source lines (with INPUT: run it first)",
            example: ":trace"),
        CommandHelp(name: "bindings", arguments: "", summary: "the session's bindings and declarations",
            example: ":bindings"),
        CommandHelp(name: "reset", arguments: "", summary: "forget everything: bindings, declarations, contracts, chain",
            example: ":reset"),
        CommandHelp(name: "help", arguments: "", summary: "this list", example: ":help"),
        CommandHelp(name: "quit", arguments: "", summary: "leave (Ctrl-D does too)", example: ":quit"),
    ]

    /// Runs a `:command`; returns true for `:quit`.
    func command(_ text: String) -> Bool {
        let body = text.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let rest = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        switch name {
        case "quit", "q", "exit": return true
        case "help", "h", "?": help()
        case "load": load(rest)
        case "attach": attach(rest)
        case "call":
            inputCount += 1
            run(SourceFile(path: "[\(inputCount)]", text: rest))
        case "state": state(rest)
        case "accounts": accountsCommand()
        case "as": setCaller(rest)
        case "send": send(rest)
        case "advance": advance(rest)
        case "table": table(rest)
        case "check": check(rest)
        case "gas": if runFirst(rest) { gasCommand() }
        case "trace": if runFirst(rest) { traceCommand() }
        case "bindings", "env": bindingsCommand()
        case "reset": reset()
        default:
            var message = "unknown command ':\(name)'"
            if let s = EditDistance.suggestion(for: name, among: Self.commands.map(\.name)) {
                message += "; did you mean ':\(s)'?"
            }
            fail(message + " (':help' lists them)")
        }
        return false
    }

    /// `:gas INPUT` and `:trace INPUT` run INPUT as an ordinary input first. True when there is a run to inspect:
    /// the input's, or with no INPUT the last one; false when INPUT did not compile (its errors are printed, and
    /// the last run stays what it was).
    func runFirst(_ text: String) -> Bool {
        guard !text.isEmpty else { return true }
        let previous = last
        last = nil
        inputCount += 1
        run(SourceFile(path: "[\(inputCount)]", text: text))
        guard last != nil else {
            last = previous
            return false
        }
        return true
    }

    func help() {
        say("Type an expression, a statement (let x = ..., var y = ...), or a declaration (fn, struct, const,")
        say("interface, event, use). Bindings persist; each input shows its value, type and gas.")
        say("Inputs continue over several lines while a bracket is open.")
        say("")
        for c in Self.commands {
            say("  :\(c.name)" + (c.arguments.isEmpty ? "" : " \(c.arguments)"))
            say("      \(c.summary)")
            say("      e.g. \(c.example)")
        }
    }

    func reset() {
        do {
            chain = try makeChain()
        } catch {
            fail("cannot start a new chain: \(error)")
            return
        }
        declarations = []
        bindings = []
        contracts = []
        caller = accountNames.contains("alice") ? "alice" : (accountNames.first ?? "alice")
        chain.gasLimit = UInt64(Self.gasLimit)
        last = nil
        seenAccounts = []
        say("session reset")
    }

    func setCaller(_ text: String) {
        let name = text.hasPrefix("@") ? String(text.dropFirst()) : text
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
            !(name.first?.isNumber ?? true)
        else {
            fail(":as needs an account name, e.g. ':as bob'")
            return
        }
        caller = name
        if !accountNames.contains(name) { seenAccounts.insert(name) }
        say("transactions now come from @\(name)")
    }

    func send(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count == 2, let amount = Int128(parts[1].replacingOccurrences(of: "_", with: "")), amount >= 0
        else {
            fail(":send needs a recipient and an amount, e.g. ':send r 5000' or ':send @bob 10'")
            return
        }
        let to: [UInt8]
        if let c = contracts.first(where: { $0.handle == parts[0] }) {
            to = c.address
        } else if parts[0].hasPrefix("@"), let address = try? chain.address(of: String(parts[0].dropFirst())) {
            to = address
            let name = String(parts[0].dropFirst())
            if !accountNames.contains(name) { seenAccounts.insert(name) }
        } else {
            fail("'\(parts[0])' is neither a loaded contract nor an account like @bob")
            return
        }
        do {
            switch try chain.send(from: caller, to: to, amount: amount) {
            case .failure(let rejection): fail("the transfer was rejected: \(rejection)")
            case .success(let receipt):
                if receipt.status == .success {
                    say("sent \(amount) from @\(caller) to \(parts[0])  (gas \(receipt.gasUsed))")
                } else {
                    fail("the transfer reverted: \(receipt.revertMessage)")
                }
            }
        } catch {
            fail("chain failure: \(error)")
        }
    }

    func advance(_ text: String) {
        guard let n = Int(text), n >= 0, n <= 1_000_000 else {
            fail(":advance needs a block count from 0 to 1000000, e.g. ':advance 10'")
            return
        }
        do {
            try chain.advance(blocks: n)
            say("height \(try chain.chain.head().header.height), time \(try chain.chain.head().header.time)")
        } catch {
            fail("cannot advance: \(error)")
        }
    }

    func accountsCommand() {
        var rows: [[String]] = []
        for name in accountNames + seenAccounts.sorted() {
            guard let address = try? chain.address(of: name), let balance = try? chain.balance(of: address) else {
                continue
            }
            rows.append(["@" + name + (name == caller ? " *" : ""), String(balance)])
        }
        for c in contracts {
            let balance = (try? chain.balance(of: c.address)) ?? 0
            rows.append([c.handle + " (\(c.module.name))", String(balance)])
        }
        for line in Self.grid(header: ["account", "balance"], rows: rows, rightAligned: [1]) { say(line) }
        say("* sends transactions (':as NAME' to change)")
    }

    func bindingsCommand() {
        if bindings.isEmpty && declarations.isEmpty { say("(nothing yet)") }
        for decl in declarations { say(decl.key) }
        for b in bindings {
            say("\(b.isMutable ? "var" : "let") \(b.name): \(b.type) = \(describe(b.value, typeName: b.type))")
        }
    }

    // MARK: - :load

    func load(_ text: String) {
        // FILE [as NAME] [(ARGS)]
        var rest = Substring(text)
        let path = String(rest.prefix { !$0.isWhitespace && $0 != "(" })
        rest = rest.dropFirst(path.count).drop { $0.isWhitespace }
        guard !path.isEmpty else {
            fail(":load needs a contract file, e.g. ':load Examples/counter.dn'")
            return
        }
        var handle = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if rest.hasPrefix("as ") {
            rest = rest.dropFirst(3).drop { $0.isWhitespace }
            handle = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            rest = rest.dropFirst(handle.count).drop { $0.isWhitespace }
        }
        guard let first = handle.first, first.isLetter || first == "_",
            handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else {
            fail("'\(handle)' cannot name a contract handle; use ':load FILE as NAME'")
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("cannot read '\(path)'")
            return
        }
        let compiled = Compiler.compile(
            SourceFile(path: path, bytes: [UInt8](data)),
            options: CompileOptions(libraries: LibraryResolver(stdlibDirectory: stdlibDirectory)))
        guard let module = compiled.module else {
            report(compiled.diagnostics)
            return
        }
        if compiled.diagnostics.contains(where: { $0.severity == .warning }) { report(compiled.diagnostics) }
        // Init arguments, written like a call's: `(@alice, 5)`.
        var values: [Value] = []
        let argumentText = rest.trimmingCharacters(in: .whitespaces)
        let params = module.functions.first { $0.kind == .`init` }?.params ?? []
        if !argumentText.isEmpty || !params.isEmpty {
            inputCount += 1
            let file = SourceFile(path: "[\(inputCount)]", text: "__init" + (argumentText.isEmpty ? "()" : argumentText))
            let (expr, exprTree, diagnostics) = Parser.parseExpression(file)
            if !diagnostics.isEmpty {
                report(diagnostics)
                return
            }
            guard case .call(_, let list) = exprTree[expr].kind else {
                fail("write init arguments in parentheses, e.g. ':load \(path) (@alice)'")
                return
            }
            self.tree = exprTree
            let arguments = Array(exprTree[list])
            guard arguments.count == params.count else {
                fail("'init' of \(module.name) " + Messages.takesArguments(expected: params.count, found: arguments.count))
                return
            }
            let types = params.map { TypeNames.name(module.types[Int($0)], in: module) }
            guard let evaluated = evaluate(arguments, as: types, file: file) else { return }
            values = evaluated
        }
        let snapshot = chain.snapshot()
        do {
            switch try chain.deploy(module, args: values, from: caller) {
            case .failure(let rejection):
                fail("deploy rejected: \(rejection)")
                rollback(snapshot)
            case .success(let receipt):
                guard receipt.status == .success else {
                    var message = "init reverted: \"\(receipt.revertMessage)\""
                    if !receipt.revertPosition.isEmpty { message += " at \(receipt.revertPosition)" }
                    fail(message)
                    rollback(snapshot)
                    return
                }
                contracts.removeAll { $0.handle == handle }
                contracts.append(LoadedContract(handle: handle, path: path, module: module, address: receipt.contract))
                bindings.removeAll { $0.name == handle }
                bindings.append(Binding(name: handle, isMutable: false, type: module.name, value: .address(receipt.contract)))
                printEvents(receipt)
                let functions = module.functions.filter { $0.kind == .public || $0.kind == .view }.map(\.name)
                say("\(handle) = \(module.name) at @0x\(Hex.encode(receipt.contract))  (gas \(receipt.gasUsed))")
                say("functions: " + functions.joined(separator: ", "))
            }
        } catch {
            fail("chain failure: \(error)")
            rollback(snapshot)
        }
    }

    func attach(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard parts.count == 1 || (parts.count == 3 && parts[1] == "as"),
            let address = Hex.decode32(parts[0].hasPrefix("@") ? String(parts[0].dropFirst()) : parts[0])
        else {
            return fail(":attach needs a contract address, e.g. ':attach 0x…(64 hex digits) as r'")
        }
        guard let module = try? chain.chain.module(at: address) else {
            return fail("no contract at \(parts[0])")
        }
        let handle = parts.count == 3 ? parts[2] : module.name.lowercased()
        guard let first = handle.first, first.isLetter || first == "_",
            handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return fail("'\(handle)' cannot name a contract handle") }
        contracts.removeAll { $0.handle == handle }
        contracts.append(LoadedContract(handle: handle, path: "", module: module, address: address))
        bindings.removeAll { $0.name == handle }
        bindings.append(Binding(name: handle, isMutable: false, type: module.name, value: .address(address)))
        let functions = module.functions.filter { $0.kind == .public || $0.kind == .view }.map(\.name)
        say("\(handle) = \(module.name) at @0x\(Hex.encode(address))")
        say("functions: " + functions.joined(separator: ", "))
    }

    // MARK: - Tables

    /// Text table lines: a header, a rule, the rows; `rightAligned` column indices are padded on the left.
    static func grid(header: [String], rows: [[String]], rightAligned: Set<Int>) -> [String] {
        // Columns as wide as the header's: a row's extra cells are not shown.
        let widths = TextTable.widths([header] + rows.map { Array($0.prefix(header.count)) })
        func line(_ row: [String]) -> String { TextTable.line(row, widths: widths, rightAligned: rightAligned) }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return [line(header), rule] + rows.map(line)
    }
}

extension ReplSession {
    /// Whole words that complete `word`: `:commands`, bindings, declarations, builtins, and `handle.function` of a
    /// loaded contract. Sorted, each starting with `word`.
    public func completions(_ word: String) -> [String] {
        var candidates: [String] = []
        if word.hasPrefix(":") {
            candidates = Self.commands.map { ":" + $0.name }
        } else if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot])
            if let c = contract(named: base) {
                candidates = c.module.functions.filter { $0.kind == .public || $0.kind == .view }.map {
                    base + "." + $0.name
                }
            } else if declarations.contains(where: { $0.key == "use std.\(base)" }),
                let library = LibraryResolver(stdlibDirectory: stdlibDirectory).standard(base)
            {
                // The library's functions, read from its source.
                for item in Parser.parseInteractive(library).0 {
                    if case .declaration(let d) = item, case .function(let f) = d.kind {
                        candidates.append(base + "." + f.name.name)
                    }
                }
            }
        } else {
            candidates = bindings.map(\.name) + declarations.compactMap { d in
                d.key.split(separator: " ").last.map(String.init)
            } + ["let", "var", "fn", "struct", "const", "interface", "event", "use", "if", "else", "for", "while",
                 "return", "caller", "balance", "block", "len", "require", "transfer"]
        }
        return Array(Set(candidates.filter { $0.hasPrefix(word) && $0 != word })).sorted()
    }
}
