import Bytecode
import Chain
import Foundation
import Tooling
import VM

/// `datanet deploy`, `call`, `query` and `upgrade`: sign a transaction with a keystore key, execute it as a block
/// of its own on the chain in `--dir`, and print the receipt (or run a view function without a transaction).
enum TransactionCommands {
    static let txFlags = ["--dir", "--from", "--gas-limit", "--gas-price"]

    static let deploy = Command(
        name: "deploy", summary: "deploy a contract (signs, submits, mines one block, prints the receipt)",
        usage: "datanet deploy FILE.dn|FILE.dna|FILE.dnb [INIT ARGS...|--init 'init(args)'] --from KEY "
            + "[--policy compatible|additive|immutable] [--authority 0x…] [--gas-limit N] [--gas-price N] [--dir D] [--json]",
        examples: [
            "datanet deploy counter.dna 5 --from alice",
            "datanet deploy split.dnb '@alice' --from alice --policy additive",
            "datanet deploy Examples/royalty/royalty_split.dn --init 'init(@alice)' --from alice",
        ],
        spec: .init(valued: txFlags + ["--policy", "--authority", "--init"], switches: ["--json"])
    ) { args, console in
        guard let file = args.positional.first else { return usage(console, "deploy needs a module file") }
        return run(args, console) { session throws(CLIFailure) in
            let module = try load(file)
            let given = args.positional.dropFirst()
            let initFunction = module.functions.first { $0.kind == .`init` }
                ?? Function(name: "init", kind: .`init`, params: [], results: [], locals: [], maxStack: 0, code: [])
            // init's arguments after the file (`5 @alice`, or `'init(5, @alice)'` as one), or `--init` as in `run`.
            var initText = "init(" + given.joined(separator: ", ") + ")"
            if let flag = args.flags["--init"] {
                guard given.isEmpty else {
                    throw CLIFailure("init's arguments are given twice: after the module file and with --init")
                }
                initText = flag.hasPrefix("init(") ? flag : "init(\(flag))"
            } else if given.count == 1, given[given.startIndex].hasPrefix("init(") {
                initText = given[given.startIndex]
            }
            let encoded: [UInt8]
            do throws(CLIFailure) {
                encoded = try session.arguments(initText, of: initFunction, in: module)
            } catch where given.count < initFunction.params.count && args.flags["--init"] == nil {
                throw CLIFailure(error.message + "; write init's arguments after the module file, e.g. 'datanet deploy "
                    + "\(file) \(initFunction.params.map { _ in "ARG" }.joined(separator: " ")) --from KEY'")
            }
            let policy = try policyFlag(args, default: .compatible)
            guard var authority = session.sender?.address else { throw CLIFailure("deploy needs --from KEY") }
            if let text = args.flags["--authority"] {
                do throws(CLIFailure) { authority = try session.resolve(text) } catch {
                    throw CLIFailure("--authority: " + error.message)
                }
            }
            return .deploy(module: ModuleCodec.encode(module), args: encoded, authority: authority, policy: policy)
        }
    }

    static let call = Command(
        name: "call", summary: "call a contract function in a transaction (signs, submits, mines one block)",
        usage: "datanet call 0xCONTRACT 'fn(args)' --from KEY [--value N] [--gas-limit N] [--gas-price N] [--dir D] [--json]",
        examples: [
            "datanet call 0x… 'set_share(@0x…, 5)' --from alice",
            "datanet call 0x… 'deposit()' --from bob --value 100",
        ],
        spec: .init(valued: txFlags + ["--value"], switches: ["--json"])
    ) { args, console in
        guard args.positional.count == 2 else { return usage(console, "call needs a contract address and 'fn(args)'") }
        return run(args, console) { session throws(CLIFailure) in
            let contract = try session.contract(args.positional[0])
            let (function, encoded) = try session.call(args.positional[1], on: contract)
            let value: Int64
            do throws(Arguments.UsageError) { value = try args.integer("--value", default: 0) } catch {
                throw CLIFailure(error.message)
            }
            return .call(contract: contract, function: function, args: encoded, value: Int128(value))
        }
    }

    static let transfer = Command(
        name: "transfer", summary: "send native tokens to an account or contract (signs, submits, mines one block)",
        usage: "datanet transfer 0xADDRESS|@NAME AMOUNT --from KEY [--gas-limit N] [--gas-price N] [--dir D] [--json]",
        examples: ["datanet transfer @bob 1000 --from alice", "datanet transfer 0x… 5 --from bob"],
        spec: .init(valued: txFlags, switches: ["--json"])
    ) { args, console in
        guard args.positional.count == 2 else { return usage(console, "transfer needs a recipient and an amount") }
        return run(args, console) { session throws(CLIFailure) in
            let to = try session.resolve(args.positional[0])
            guard let amount = Int128(args.positional[1].filter { $0 != "_" }), amount >= 0 else {
                throw CLIFailure("the amount must be a non-negative integer, not '\(args.positional[1])'")
            }
            return .transfer(to: to, amount: amount)
        }
    }

    static let upgrade = Command(
        name: "upgrade", summary: "replace a contract's code, keeping its address and state (runs migrate)",
        usage: "datanet upgrade 0xCONTRACT FILE.dn|FILE.dna|FILE.dnb --from KEY [--policy P] [--gas-limit N] [--gas-price N] "
            + "[--dir D] [--json]",
        examples: [
            "datanet upgrade 0x… counter_v2.dna --from alice",
            "datanet upgrade 0x… v3.dna --from alice --policy immutable",
        ],
        spec: .init(valued: txFlags + ["--policy"], switches: ["--json"])
    ) { args, console in
        guard args.positional.count == 2 else {
            return usage(console, "upgrade needs a contract address and a module file")
        }
        return run(args, console) { session throws(CLIFailure) in
            let contract = try session.contract(args.positional[0])
            let module = try load(args.positional[1])
            let current: UpgradePolicy
            do {
                current = try session.chain.contract(contract)?.policy ?? .compatible
            } catch {
                throw CLIFailure("\(error)")
            }
            return .upgrade(
                contract: contract, module: ModuleCodec.encode(module), policy: try policyFlag(args, default: current))
        }
    }

    static let query = Command(
        name: "query", summary: "run a view function on the latest state (no transaction, nothing written)",
        usage: "datanet query 0xCONTRACT 'fn(args)' [--from KEY] [--gas-limit N] [--dir D] [--json]",
        examples: ["datanet query 0x… 'share_of(@0x…)'", "datanet query 0x… get", "datanet query 0x… mine --from bob"],
        spec: .init(valued: ["--dir", "--gas-limit", "--from"], switches: ["--json"])
    ) { args, console in
        guard args.positional.count == 2 else { return usage(console, "query needs a contract address and 'fn(args)'") }
        let directory = ChainDirectory(args)
        do throws(CLIFailure) {
            let chain = try directory.open()
            let keystore = try directory.keystore()
            var caller = [UInt8](repeating: 0, count: 32)
            if let name = args.flags["--from"] {
                caller = try keystore.require(name).address
            }
            let session = Session(chain: chain, keystore: keystore, sender: nil)
            let contract = try session.contract(args.positional[0])
            let syntax = try session.parse(args.positional[1])
            let (function, _) = try session.call(args.positional[1], on: contract)
            guard let module = try? chain.module(at: contract), let index = module.functionIndex(named: function) else {
                throw CLIFailure("no function '\(function)'")
            }
            let target = module.functions[index]
            let values = try CallArguments.values(syntax.arguments, of: target, in: module, account: session.account)
            let gasLimit: Int64
            do throws(Arguments.UsageError) { gasLimit = try args.integer("--gas-limit", default: 10_000_000) } catch {
                throw CLIFailure(error.message)
            }
            let result: Chain.QueryResult
            do {
                result = try chain.query(
                    contract, function: function, args: values, caller: caller, gasLimit: gasLimit)
            } catch {
                throw CLIFailure("\(error)")
            }
            let types = target.results.map { TypeNames.name(module.types[Int($0)], in: module) }
            let printer = ChainPrinter(chain: chain, console: console, keystore: session.keystore)
            let status = RunCommand.report(
                result.outcome, types: types, gasUsed: result.gasUsed, json: args.switches.contains("--json"),
                console: console, naming: printer.accountName)
            if case .failure(let trap) = result.outcome, trap.reason == .writeInView, target.kind != .view,
                !args.switches.contains("--json")
            {
                console.note("'\(function)' is not a view function and writes state: send it as a transaction, "
                    + "datanet call \(args.positional[0]) '\(args.positional[1])' --from KEY")
            }
            return status
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
    }

    // MARK: - Shared

    /// What a transaction command needs while building its payload.
    struct Session {
        let chain: Chain
        let keystore: Keystore
        let sender: Keystore.Key?

        /// An address written as `0x…`, `@0x…` or `@name` / `name` of a keystore key, or why `text` is neither.
        func resolve(_ text: String) throws(CLIFailure) -> [UInt8] { try keystore.address(of: text) }

        func contract(_ text: String) throws(CLIFailure) -> [UInt8] {
            guard let address = Hex.decode32(text) else {
                throw CLIFailure("'\(text)' is not a contract address (0x and 64 hex digits)")
            }
            return address
        }

        /// Parses `fn(args)`; `@name` arguments stand for keystore keys (`account`).
        func parse(_ text: String) throws(CLIFailure) -> CallSyntax {
            do throws(CallSyntax.ParseError) {
                return try CallSyntax.parse(text)
            } catch {
                throw CLIFailure(error.explained(in: text, label: "in the call"))
            }
        }

        /// The function name and ABI-encoded arguments of `text` for the contract at `contract`.
        func call(_ text: String, on contract: [UInt8]) throws(CLIFailure) -> (String, [UInt8]) {
            let syntax = try parse(text)
            let module: Module
            do {
                guard let found = try chain.module(at: contract) else {
                    throw CLIFailure("no contract at \(Hex.prefixed(contract))")
                }
                module = found
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure("\(error)")
            }
            guard let index = module.functionIndex(named: syntax.function),
                [.public, .view].contains(module.functions[index].kind)
            else {
                let names = module.functions.filter { $0.kind == .public || $0.kind == .view }.map(\.name)
                let headline = "no public function '\(syntax.function)' in \(module.name) at \(Hex.prefixed(contract))"
                if module.state.contains(where: { $0.name == syntax.function }) {
                    var entry = syntax.function
                    if let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close {
                        let key = text[text.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
                        if !key.isEmpty { entry += "[\(key)]" }
                    }
                    throw CLIFailure(headline + "; '\(syntax.function)' is a state variable, read (with a proof) by: "
                        + "datanet chain prove \(Hex.prefixed(contract)) '\(entry)'")
                }
                throw CLIFailure(headline + suggestionOrList(syntax.function, among: names, listing: "public functions"))
            }
            let encoded = try arguments(text, of: module.functions[index], in: module)
            return (syntax.function, encoded)
        }

        /// The arguments of `text` (a call) converted to `function`'s parameter types and encoded.
        func arguments(_ text: String, of function: Function, in module: Module) throws(CLIFailure) -> [UInt8] {
            let values = try CallArguments.values(try parse(text).arguments, of: function, in: module, account: account)
            do {
                return try ValueCodec.encodeSequence(
                    values, as: function.params.map { module.types[Int($0)] }, in: module)
            } catch {
                throw CLIFailure("arguments of '\(function.name)': \(error)")
            }
        }

        /// The address of keystore key `name`, for an `@name` argument.
        func account(_ name: String) throws(ArgumentError) -> [UInt8] {
            do throws(CLIFailure) { return try keystore.require(name).address } catch {
                throw ArgumentError(message: error.message)
            }
        }
    }

    /// Opens the chain, builds the payload with `build`, signs it with `--from`, submits it as one block and
    /// prints the receipt. Exit 0 on success, 1 on a rejection or a revert.
    static func run(
        _ args: Arguments, _ console: Console,
        build: (Session) throws(CLIFailure) -> Transaction.Payload
    ) -> Int32 {
        let directory = ChainDirectory(args)
        do throws(CLIFailure) {
            let chain = try directory.open()
            let keystore = try directory.keystore()
            guard let name = args.flags["--from"] else { throw CLIFailure("a transaction needs --from KEY") }
            let sender = try keystore.require(name)
            let session = Session(chain: chain, keystore: keystore, sender: sender)
            let payload = try build(session)
            let gasLimit: Int64
            let gasPrice: Int64
            do throws(Arguments.UsageError) {
                gasLimit = try args.integer("--gas-limit", default: 10_000_000)
                gasPrice = try args.integer("--gas-price", default: 1)
            } catch {
                throw CLIFailure(error.message)
            }
            do {
                let nonce = try chain.account(sender.address).nonce
                let tx = try Transaction(
                    sender: sender.key.publicKey, nonce: nonce, gasLimit: UInt64(gasLimit), gasPrice: UInt64(gasPrice),
                    payload: payload
                ).signed(with: sender.key)
                let now = UInt64(max(0, Date().timeIntervalSince1970))
                switch try chain.submit(tx, time: now) {
                case .failure(let rejection):
                    console.error("transaction rejected: \(rejection)")
                    return ExitCode.failure
                case .success(let (block, receipt)):
                    let printer = ChainPrinter(chain: chain, console: console, keystore: keystore)
                    guard args.switches.contains("--json") else {
                        return printer.print(receipt, hash: tx.hash, height: block.header.height, index: 0)
                    }
                    console.out(printer.json(receipt, hash: tx.hash, height: block.header.height, index: 0).text)
                    return receipt.status == .success ? ExitCode.ok : ExitCode.failure
                }
            } catch {
                throw CLIFailure("\(error)")
            }
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
    }

    static func load(_ path: String) throws(CLIFailure) -> Module {
        do throws(ModuleLoader.LoadError) {
            return try ModuleLoader.load(path)
        } catch {
            throw CLIFailure((error.location.map { "\($0): " } ?? "") + error.message)
        }
    }

    static func policyFlag(_ args: Arguments, default value: UpgradePolicy) throws(CLIFailure) -> UpgradePolicy {
        guard let text = args.flags["--policy"] else { return value }
        guard let policy = UpgradePolicy(name: text) else {
            throw CLIFailure("--policy is compatible, additive or immutable, not '\(text)'")
        }
        return policy
    }
}
