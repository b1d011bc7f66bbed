import Chain
import Crypto
import Foundation
import StateStore
import Testing

/// Environment variable that turns `chainWriterChild` into a node that mines blocks until killed.
private let chainCrashVariable = "CHAIN_CRASH_DB"

/// Opens (initializing if needed) the chain in the SQLite file at `path` with the test accounts funded.
private func openChain(_ path: String) throws -> Chain {
    let chain = Chain(store: try SQLiteStore(path: path))
    if try !chain.isInitialized {
        let allocations = try ["alice", "bob"].map {
            Genesis.Allocation(address: SHA256.hash(try testKey($0).publicKey), balance: 1_000_000_000_000)
        }
        try chain.initialize(Genesis(time: 1, allocations: allocations))
    }
    return chain
}

/// In a normal run this does nothing; started by `killingANodeMidBlockLeavesAWholeBlock` with the variable set,
/// it mines blocks of signed transfers until it is killed.
@Test func chainWriterChild() throws {
    guard let path = ProcessInfo.processInfo.environment[chainCrashVariable] else { return }
    let chain = try openChain(path)
    let alice = try testKey("alice")
    let bob = SHA256.hash(try testKey("bob").publicKey)
    while chain.store.height < 100_000 {
        var nonce = try chain.account(SHA256.hash(alice.publicKey)).nonce
        var txs: [SignedTransaction] = []
        for _ in 0..<8 {
            let tx = Transaction(
                sender: alice.publicKey, nonce: nonce, gasLimit: 10_000, gasPrice: 1,
                payload: .transfer(to: bob, amount: 3))
            txs.append(try tx.signed(with: alice))
            nonce += 1
        }
        try chain.produce(txs, time: chain.store.height + 2)
    }
}

@Test func killingANodeMidBlockLeavesAWholeBlock() throws {
    guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chain-crash-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("chain.sqlite").path
    var lastHeight: UInt64 = 0
    let pauses = [0.5, 0.73, 0.61, 0.87, 0.44, 0.95, 0.58, 0.66]
    for pause in pauses {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "chainWriterChild"]
        child.environment = ProcessInfo.processInfo.environment.merging([chainCrashVariable: path]) { $1 }
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        Thread.sleep(forTimeInterval: pause)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()

        let chain = try openChain(path)
        let height = chain.store.height
        #expect(height >= lastHeight)
        lastHeight = height
        // The head block, its receipts and the state root agree; nothing of a later block is there.
        let head = try chain.head()
        #expect(head.header.height == height)
        #expect(head.header.stateRoot == chain.store.stateRoot)
        #expect(try chain.block(at: height + 1) == nil)
        #expect(try chain.receipts(at: height).count == head.transactions.count)
        let alice = try chain.account(SHA256.hash(try testKey("alice").publicKey))
        #expect(alice.nonce == height * 8)
        #expect(try chain.replay(into: MemoryStore()) == height)
    }
    #expect(lastHeight > 0)
}
