import Bytecode
import Chain
import Foundation
import StateStore
import Tooling

/// `datanet scenario FILE|DIR [--dir D]`: run a scenario file's `scenario` blocks on a fresh SQLite chain in a
/// directory, print its notes, the payout table and the state root, and leave the chain there to inspect.
enum ScenarioCommand {
    /// The file a scenario directory holds.
    static let fileName = "scenario.dn"
    /// Marks a directory as made by this command, so running again may replace it.
    static let marker = "SCENARIO"

    static let command = Command(
        name: "scenario",
        summary: "run a scenario on a fresh SQLite chain and print who was paid what and why",
        usage: "datanet scenario FILE.dn|DIR [--dir D]",
        examples: [
            "datanet scenario Examples/urdu_tutoring",
            "datanet scenario Examples/urdu_tutoring --dir /tmp/urdu && datanet chain events --dir /tmp/urdu",
        ],
        spec: .init(valued: ["--dir"])
    ) { args, console in
        guard args.positional.count == 1, let given = args.positional.first else {
            return usage(console, "scenario needs one scenario file or a directory holding \(fileName)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: given, isDirectory: &isDirectory) else {
            console.error("cannot read '\(given)': no such file or directory")
            return ExitCode.failure
        }
        let path = isDirectory.boolValue ? (given as NSString).appendingPathComponent(fileName) : given
        let data: Data
        do throws(ModuleLoader.LoadError) { data = try ModuleLoader.read(path) } catch {
            console.report(error)
            return ExitCode.failure
        }
        let stem = isDirectory.boolValue
            ? URL(fileURLWithPath: given).standardizedFileURL.lastPathComponent
            : URL(fileURLWithPath: given).deletingPathExtension().lastPathComponent
        let directory = ChainDirectory(path: args.flags["--dir"] ?? ".datanet-scenarios/\(stem)")
        do throws(CLIFailure) {
            try prepare(directory)
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }

        let runner = TestRunner(stdlibDirectory: SourceCompilation.stdlibDirectory())
        runner.onNote = { console.out("• " + $0) }
        var genesis: Genesis?
        var opened: LocalChain?
        let result = runner.runScenarios(path: path, bytes: [UInt8](data)) { accounts in
            let local = try LocalChain(
                accounts: accounts, startBalance: testStartBalance, store: try SQLiteStore(path: directory.databasePath))
            genesis = try local.chain.genesis()
            opened = local
            return local
        }
        if !result.diagnostics.isEmpty {
            console.err(SourceCompilation.render(result.diagnostics, console: console))
            return ExitCode.failure
        }
        do throws(CLIFailure) {
            if let genesis { try directory.writeGenesis(genesis) }
            var keystore = try directory.keystore()
            for name in result.names.values.sorted() where keystore.key(name) == nil {
                guard let key = try? LocalChain.key(for: name) else {
                    throw CLIFailure("cannot derive the key of @\(name)")
                }
                try keystore.add(name, key: key)
            }
        } catch {
            console.error(error.message)
            return ExitCode.failure
        }
        guard let local = opened else {
            console.error(result.failure ?? "the scenario did not start a chain")
            return ExitCode.failure
        }
        if let failure = result.failure {
            console.error(failure, at: nil)
            console.note("the chain up to the failure is in '\(directory.path)'")
            return ExitCode.failure
        }
        let names = result.names
        func name(_ address: [UInt8]) -> String {
            if let n = names[address] { return "@" + n }
            let short = Hex.prefixed(Array(address.prefix(4))) + "…"
            if let module = try? local.chain.module(at: address) { return "\(module.name) \(short)" }
            return short
        }
        console.out("")
        do {
            let report = try PayoutReport(chain: local.chain)
            for line in report.render(naming: name) { console.out(line) }
            let head = try local.chain.head()
            let contracts = try deployed(on: local.chain, upTo: head.header.height)
            if !contracts.isEmpty {
                console.out("")
                console.out("Contracts")
                let width = contracts.map(\.name.count).max() ?? 0
                for c in contracts {
                    console.out("  " + c.name + String(repeating: " ", count: width - c.name.count) + "  "
                        + Hex.prefixed(c.address))
                }
            }
            console.out("")
            console.out("\(plural(result.completed.count, "scenario")) ran: \(head.header.height) blocks, "
                + "\(TextTable.grouped(result.gas)) gas")
            console.out("state root \(Hex.prefixed(head.header.stateRoot))")
            console.out("chain kept in '\(directory.path)'; try:")
            if let top = report.totals(naming: name).first(where: { $0.recipient.hasPrefix("@") }) {
                console.out("  datanet explain \(top.recipient) --dir \(directory.path)")
            }
            console.out("  datanet chain events --dir \(directory.path)")
        } catch {
            console.error("cannot read the chain back: \(error)")
            return ExitCode.failure
        }
        return ExitCode.ok
    }

    /// The contracts deployed successfully on `chain`, in block order, with their module names.
    static func deployed(on chain: Chain, upTo head: UInt64) throws -> [(name: String, address: [UInt8])] {
        var found: [(name: String, address: [UInt8])] = []
        var height: UInt64 = 1
        while height <= head {
            guard let block = try chain.block(at: height) else { break }
            let receipts = try chain.receipts(at: height)
            for (tx, receipt) in zip(block.transactions, receipts) where receipt.status == .success {
                guard case .deploy = tx.transaction.payload else { continue }
                let name = (try? chain.module(at: receipt.contract))?.map(\.name) ?? "contract"
                found.append((name, receipt.contract))
            }
            height += 1
        }
        return found
    }

    /// Makes `directory` ready for a fresh chain: creates it, or empties one this command made before;
    /// refuses any other non-empty directory, so a real chain is never overwritten.
    static func prepare(_ directory: ChainDirectory) throws(CLIFailure) {
        let fm = FileManager.default
        let markerPath = (directory.path as NSString).appendingPathComponent(marker)
        if let entries = try? fm.contentsOfDirectory(atPath: directory.path), !entries.isEmpty {
            guard fm.fileExists(atPath: markerPath) else {
                throw CLIFailure("'\(directory.path)' is not empty and was not made by 'datanet scenario'; "
                    + "choose another --dir")
            }
            for entry in entries.sorted() {
                do {
                    try fm.removeItem(atPath: (directory.path as NSString).appendingPathComponent(entry))
                } catch {
                    throw CLIFailure("cannot clear '\(directory.path)': \(error)")
                }
            }
        }
        do {
            try fm.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        } catch {
            throw CLIFailure("cannot create '\(directory.path)': \(error)")
        }
        guard fm.createFile(atPath: markerPath,
            contents: Data("made by 'datanet scenario'; running it again replaces this directory\n".utf8))
        else { throw CLIFailure("cannot write '\(markerPath)'") }
    }
}
