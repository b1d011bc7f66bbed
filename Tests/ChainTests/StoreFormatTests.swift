import Bytecode
import Crypto
import Foundation
import StateStore
import Testing
@testable import Chain

/// `Fixtures/format2-chain.sqlite` is a chain directory's database made by `datanet chain init`, a deploy and four
/// transfers with the SQLite store of format 2 (every tree row in `nodes` under its nibble key), before format 3.
@Suite struct StoreFormatTests {
    static let format2Root = "61097a0881b7c5f4aaa964c3e1cd1905000503fd805553cec64a2442fe93e383"

    func openedCopy() throws -> (Chain, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("format2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("chain.sqlite").path
        try FileManager.default.copyItem(atPath: fixtures.appendingPathComponent("format2-chain.sqlite").path, toPath: path)
        return (Chain(store: try SQLiteStore(path: path)), path)
    }

    @Test func aFormat2ChainOpensProvesReplaysAndGrows() throws {
        let (chain, path) = try openedCopy()
        #expect(chain.store.height == 5)
        #expect(Hex.encode(chain.store.stateRoot) == Self.format2Root)
        #expect(try chain.replay(into: MemoryStore()) == 5)
        let genesis = try chain.genesis()
        for allocation in genesis.allocations {
            let key = StateLayout.accountKey(allocation.address)
            let (value, proof) = try chain.prove(key: key)
            #expect(value != nil)
            #expect(SparseMerkleTree.verify(proof: proof, root: chain.store.stateRoot, key: key, value: value))
        }
        // A new block on the upgraded file (a fresh key sends nothing at gas price 0: its account appears).
        let key = try Ed25519PrivateKey(seed: SHA256.hash(Array("format 2 test".utf8)))
        let transfer = try Transaction(
            sender: key.publicKey, nonce: 0, gasLimit: 10_000, gasPrice: 0,
            payload: .transfer(to: genesis.allocations[0].address, amount: 0)
        ).signed(with: key)
        let produced = try chain.produce([transfer], time: 2_000_000_000)
        #expect(produced.rejected.isEmpty)
        let reopened = Chain(store: try SQLiteStore(path: path))
        #expect(reopened.store.height == 6)
        // The fixture's transactions by their `"T"` records (written by main before the `"H"` records), the new
        // block's through its hash list.
        var height: UInt64 = 1
        while height <= 6 {
            let block = try #require(try reopened.block(at: height))
            for (index, tx) in block.transactions.enumerated() {
                let located = try #require(try reopened.transaction(tx.hash))
                #expect(located.block.header.height == height)
                #expect(located.index == index)
                #expect(located.transaction == tx)
                #expect(try reopened.store.archived(ArchiveLayout.transactionKey(tx.hash)) != nil || height == 6)
            }
            height += 1
        }
        #expect(try reopened.store.archived(ArchiveLayout.hashesKey(6)) == transfer.hash)
        #expect(reopened.store.stateRoot == produced.block.header.stateRoot)
        #expect(try reopened.replay(into: MemoryStore()) == 6)
        #expect(try reopened.account(SHA256.hash(key.publicKey)).nonce == 1)
    }
}
