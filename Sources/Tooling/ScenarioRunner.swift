// `datanet scenario`: the `scenario` blocks of a test file, run in order on one chain that stays behind.
//
// A scenario is written in the test language (deploy, as, send, with_value, advance, note, assertions) but,
// unlike a test, it runs on a chain the caller provides — in `datanet scenario`, a SQLite chain in a
// directory — and every block continues the chain the previous one left. Its transactions are real: a
// reverted call inside `expect_revert` stays on the chain as a failed transaction (nothing is rolled back,
// because a persistent store has no snapshots), exactly as it would on a live network.
import Chain
import Compiler
import struct Compiler.Block
import Diagnostics
import Foundation

/// What running a scenario file did.
public struct ScenarioResult: Sendable {
    /// Errors that kept the file from running (parse and name errors, no scenario in it).
    public var diagnostics: [Diagnostic]
    /// The titles of the scenario blocks that completed, in order.
    public var completed: [String]
    /// The first failure, with its source position; nil when every block completed.
    public var failure: String?
    /// Gas used by every transaction the scenario made.
    public var gas: UInt64
    /// The named accounts by address (every `@name` in the file).
    public var names: [[UInt8]: String]
}

extension TestRunner {
    /// Runs every `scenario` block of the file at `path` (contents `bytes`), in source order, on the chain
    /// `makeChain` builds for the file's named accounts; stops at the first failure.
    public func runScenarios(
        path: String, bytes: [UInt8], makeChain: (_ accounts: [String]) throws -> LocalChain
    ) -> ScenarioResult {
        var result = ScenarioResult(diagnostics: [], completed: [], failure: nil, gas: 0, names: [:])
        let ast: SourceFileAST
        switch load(path: path, bytes: bytes) {
        case .success(let loaded): ast = loaded
        case .failure(let errors):
            result.diagnostics = errors.items
            return result
        }
        let blocks = ast.declarations.compactMap { decl -> (String, Block)? in
            if case .scenario(let name, _, let body) = decl.kind { return (name, body) }
            return nil
        }
        guard !blocks.isEmpty else {
            result.diagnostics = [.error("this file has no scenario blocks", at: SourceRange.point(ast.file, 0),
                hint: "a scenario is written 'scenario \"title\" { … }' with the statements of a test")]
            return result
        }
        let accounts = Self.accountNames(in: bytes)
        let chain: LocalChain
        do {
            chain = try makeChain(accounts)
        } catch {
            result.failure = "cannot start the chain: \(error)"
            return result
        }
        let session = TestSession(runner: self, ast: ast, accounts: accounts, chain: chain)
        result.diagnostics = session.preludeErrors()
        if !result.diagnostics.isEmpty { return result }
        result.names = session.names
        for (name, body) in blocks {
            if let failure = session.run(body) {
                result.failure = failure
                break
            }
            result.completed.append(name)
        }
        result.gas = session.gasUsed
        return result
    }
}
