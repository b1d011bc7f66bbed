import Bytecode
import Chain
import Foundation
import StateStore
import Testing

@Suite struct BlockTests {
    /// A few blocks of transfers, deploys, calls and an upgrade on `t`.
    func buildHistory(_ t: TestChain) throws {
        try t.run("alice", .transfer(to: try t.address("bob"), amount: 1_000))
        let counter = try t.deploy("counter", args: [.int(3)])
        let relay = try t.deploy("relay", from: "bob")
        try t.call(counter, "bump", [.int(2)], from: "carol")
        try t.call(relay, "try_fail", [.address(counter)], from: "bob")
        try t.call(counter, "deposit", value: 77)
        _ = try t.submit(try t.sign(
            "alice", .upgrade(contract: counter, module: try moduleBytes("counter_v2"), policy: .additive),
            gasLimit: 10_000_000))
        try t.call(counter, "spin", gasLimit: 20_000)
        let txs = try ["alice", "bob", "carol"].map {
            try t.sign($0, .transfer(to: try t.address("alice"), amount: 5))
        }
        try t.chain.produce(txs, time: 5_000)
    }

    @Test func memoryAndSQLiteGiveTheSameRoots() throws {
        let memory = try TestChain()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try TestChain(store: try SQLiteStore(path: directory.appendingPathComponent("s.sqlite").path))
        try buildHistory(memory)
        try buildHistory(sqlite)
        #expect(memory.store.height == sqlite.store.height)
        #expect(memory.store.stateRoot == sqlite.store.stateRoot)
        #expect(try memory.chain.head().hash == sqlite.chain.head().hash)
        // Reopening the file gives the same head.
        let reopened = Chain(store: try SQLiteStore(path: directory.appendingPathComponent("s.sqlite").path))
        #expect(try reopened.head().hash == memory.chain.head().hash)
    }

    /// Every transaction of every block is found by its hash, at its block and index, through the blocks' hash
    /// lists (one `"H"` record per block, no `"T"` record per transaction); on a node that applied the blocks too.
    @Test func everyTransactionIsFoundByItsHashInItsBlocksHashList() throws {
        let t = try TestChain()
        try buildHistory(t)
        // More than a page of the search's scan (64 blocks).
        for round in 0..<70 {
            try t.run("carol", .transfer(to: try t.address("bob"), amount: Int128(round + 1)))
        }
        let follower = try TestChain()
        var found = 0
        var height: UInt64 = 1
        while height <= t.store.height {
            let block = try #require(try t.chain.block(at: height))
            try follower.chain.apply(block)
            let list = try #require(try t.store.archived(ArchiveLayout.hashesKey(height)))
            #expect(list == block.transactions.flatMap(\.hash))
            for (index, tx) in block.transactions.enumerated() {
                for chain in [t.chain, follower.chain] {
                    let located = try #require(try chain.transaction(tx.hash))
                    #expect(located.block.header.height == height)
                    #expect(located.index == index)
                    #expect(located.transaction == tx)
                }
                #expect(try t.store.archived(ArchiveLayout.transactionKey(tx.hash)) == nil)
                found += 1
            }
            height += 1
        }
        #expect(found > 75)
        #expect(try t.chain.transaction([UInt8](repeating: 7, count: 32)) == nil)
        #expect(try t.chain.transaction([1, 2, 3]) == nil)
        #expect(try t.store.archived(ArchiveLayout.hashesKey(0)) == nil)
    }

    @Test func replayReproducesEveryRoot() throws {
        let t = try TestChain()
        try buildHistory(t)
        let replayed = try t.chain.replay(into: MemoryStore())
        #expect(replayed == t.store.height)
    }

    @Test func blocksApplyOnAnotherNode() throws {
        let producer = try TestChain()
        try buildHistory(producer)
        let follower = try TestChain()
        var height: UInt64 = 1
        while height <= producer.store.height {
            let block = try #require(try producer.chain.block(at: height))
            try follower.chain.apply(block)
            height += 1
        }
        #expect(follower.store.stateRoot == producer.store.stateRoot)
    }

    @Test func replayNamesATamperedTransaction() throws {
        let t = try TestChain()
        try buildHistory(t)
        var block = try #require(try t.chain.block(at: 4))
        guard case let .call(contract, function, _, value) = block.transactions[0].transaction.payload else {
            Issue.record("block 4 is not a call")
            return
        }
        block.transactions[0].transaction.payload = .call(
            contract: contract, function: function, args: try t.encode(contract, "bump", [.int(3)]), value: value)
        try tamper(t.store, block)
        #expect {
            try t.chain.replay(into: MemoryStore())
        } throws: { error in
            guard case let .rejectedTransaction(height, index, _, reason) = error as? ChainError else { return false }
            return height == 4 && index == 0 && reason == .badSignature
        }
    }

    @Test func replayNamesATamperedStateRoot() throws {
        let t = try TestChain()
        try buildHistory(t)
        var block = try #require(try t.chain.block(at: 3))
        block.header.stateRoot[0] ^= 1
        try tamper(t.store, block)
        #expect {
            try t.chain.replay(into: MemoryStore())
        } throws: { error in
            guard case let .rootMismatch(height, what, _, _) = error as? ChainError else { return false }
            return height == 3 && what == "state root"
        }
    }

    @Test func replayNamesATamperedReceipt() throws {
        let t = try TestChain()
        try buildHistory(t)
        var receipts = try t.chain.receipts(at: 4)
        receipts[0].gasUsed += 1
        try t.store.apply(WriteBatch(
            values: [], archive: [Write(key: [0x52] + bigEndian(4), value: Receipt.encodeList(receipts))],
            height: t.store.height, stateRoot: t.store.stateRoot))
        #expect {
            try t.chain.replay(into: MemoryStore())
        } throws: { error in
            guard case let .receiptMismatch(height, index, _, detail) = error as? ChainError else { return false }
            return height == 4 && index == 0 && detail.contains("gas used differs")
        }
    }

    @Test func aBlockWithAWrongParentIsRefused() throws {
        let producer = try TestChain()
        try buildHistory(producer)
        let follower = try TestChain()
        let block = try #require(try producer.chain.block(at: 2))
        #expect(throws: ChainError.self) { try follower.chain.apply(block) }
        #expect(follower.store.height == 0)
    }

    @Test func aBadSignatureInABigBlockIsLeftOut() throws {
        let t = try TestChain()
        let bob = try t.address("bob")
        var txs: [SignedTransaction] = []
        for nonce in 0..<70 {
            txs.append(try t.sign("alice", .transfer(to: bob, amount: 1), nonce: UInt64(nonce)))
        }
        txs[40].signature[3] ^= 0x10
        let produced = try t.chain.produce(txs, time: 2_000)
        #expect(produced.block.transactions.count == 40)
        #expect(produced.rejected.count == 30)
        #expect(produced.rejected.first?.reason == .badSignature)
        #expect(produced.rejected.dropFirst().allSatisfy {
            $0.reason == .wrongNonce(expected: 40, got: $0.transaction.transaction.nonce)
        })
        #expect(try t.balance("bob") == TestChain.startBalance + 40)
    }

    @Test func signaturesCheckedAheadGiveTheSameBlock() throws {
        let ahead = try TestChain()
        let inline = try TestChain()
        var txs: [SignedTransaction] = []
        for nonce in 0..<40 {
            txs.append(try ahead.sign("bob", .transfer(to: try ahead.address("carol"), amount: 2), nonce: UInt64(nonce)))
        }
        txs[7].signature[0] ^= 1
        let check = SignatureCheck(txs)
        let a = try ahead.chain.produce(txs, time: 3_000, signatures: check)
        let b = try inline.chain.produce(txs, time: 3_000)
        #expect(a.block == b.block)
        #expect(a.rejected.count == 33)
        // A check of other transactions is ignored.
        let other = SignatureCheck(Array(txs.prefix(3)))
        let c = try ahead.chain.produce(Array(txs[7...]), time: 3_001, signatures: other)
        #expect(c.rejected.first?.reason == .badSignature)
    }

    /// The check's transactions are taken by background threads and by the thread that waits: every transaction
    /// gets its own verdict and hash, whichever thread checked it, in order, and waiting twice gives the same answer.
    @Test func aCheckSharedBetweenThreadsGivesEachTransactionItsOwnVerdict() throws {
        let t = try TestChain()
        var txs: [SignedTransaction] = []
        for nonce in 0..<150 {
            txs.append(try t.sign("bob", .transfer(to: try t.address("carol"), amount: 1), nonce: UInt64(nonce)))
        }
        let bad: Set<Int> = [0, 31, 32, 100, 149]
        for index in bad { txs[index].signature[5] ^= 0x40 }
        let check = SignatureCheck(txs)
        let verdicts = check.wait()
        #expect(verdicts == txs.indices.map { !bad.contains($0) })
        #expect(verdicts == txs.map(\.hasValidSignature))
        #expect(check.wait() == verdicts)
        #expect(SignatureCheck([]).wait().isEmpty)
        #expect(SignatureCheck(Array(txs.prefix(1))).wait() == [false])
    }

    /// A check used as a commit's `CommitWaitWork` runs one more thread while the commit waits, started and
    /// stopped any number of times (even after everything was taken): the verdicts are those of checking each
    /// transaction alone.
    @Test func aCheckThatAssistsCommitsGivesTheSameVerdicts() throws {
        let t = try TestChain()
        var txs: [SignedTransaction] = []
        for nonce in 0..<120 {
            txs.append(try t.sign("carol", .transfer(to: try t.address("alice"), amount: 1), nonce: UInt64(nonce)))
        }
        let bad: Set<Int> = [1, 60, 119]
        for index in bad { txs[index].signature[9] ^= 0x02 }
        let check = SignatureCheck(txs)
        for _ in 0..<50 {
            check.commitWaitBegins()
            check.commitWaitBegins()  // a second begin while the assistant runs starts no other one
            check.commitWaitEnds()
        }
        check.commitWaitBegins()
        let verdicts = check.wait()
        check.commitWaitEnds()
        #expect(verdicts == txs.indices.map { !bad.contains($0) })
        check.commitWaitBegins()
        check.commitWaitEnds()
        #expect(check.wait() == verdicts)
    }

    /// Blocks produced with the next block's check assisting their commits (over SQLite, which waits for its
    /// fsync) are the blocks produced without, and the next check's verdicts are right.
    @Test func producingWithTheNextCheckAssistingGivesTheSameBlocks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("assist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let assisted = try TestChain(store: try SQLiteStore(path: directory.appendingPathComponent("a.sqlite").path))
        let plain = try TestChain(store: try SQLiteStore(path: directory.appendingPathComponent("b.sqlite").path))
        var blocks: [[SignedTransaction]] = []
        for block in 0..<4 {
            blocks.append(try (0..<60).map { i in
                try assisted.sign("alice", .transfer(to: try assisted.address("bob"), amount: 3),
                                  nonce: UInt64(60 * block + i))
            })
        }
        blocks[2][10].signature[0] ^= 0x80
        var next = SignatureCheck(blocks[0])
        for (index, block) in blocks.enumerated() {
            let current = next
            if index + 1 < blocks.count { next = SignatureCheck(blocks[index + 1]) }
            let a = try assisted.chain.produce(
                block, time: 5_000 + UInt64(index), signatures: current, next: index + 1 < blocks.count ? next : nil)
            let b = try plain.chain.produce(block, time: 5_000 + UInt64(index))
            #expect(a.block == b.block)
            #expect(a.receipts == b.receipts)
            #expect(a.rejected.count == b.rejected.count)
        }
        #expect(assisted.store.stateRoot == plain.store.stateRoot)
        #expect(try assisted.balance("bob") == TestChain.startBalance + 3 * 130)
    }

    @Test func aBlockOutOfPlaceOrTimeIsRefused() throws {
        let producer = try TestChain()
        try buildHistory(producer)
        let follower = try TestChain()
        var block = try #require(try producer.chain.block(at: 1))
        block.header.time = 10
        #expect(throws: ChainError.invalidBlock(height: 1, "time goes backwards")) { try follower.chain.apply(block) }
        block.header.height = 5
        #expect(throws: ChainError.invalidBlock(height: 5, "expected height 1")) { try follower.chain.apply(block) }
        #expect(follower.store.height == 0)
        #expect(try follower.chain.head().header.height == 0)
    }

    func tamper(_ store: any KeyValueStore, _ block: Block) throws {
        try store.apply(WriteBatch(
            values: [], archive: [Write(key: [0x42] + bigEndian(block.header.height), value: block.encoded)],
            height: store.height, stateRoot: store.stateRoot))
    }

    func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}
