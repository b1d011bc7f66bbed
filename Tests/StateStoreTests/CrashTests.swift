import Foundation
import Testing
@testable import StateStore

/// Environment variable that turns `crashWriterChild` into a writer that commits blocks until killed.
private let crashDatabaseVariable = "STATESTORE_CRASH_DB"
private let crashKeys = 40

/// Block `height` sets every crash key, and the key `[0]`, to the height: a torn batch would show mixed values.
/// The keys `[2, i]` get 600 bytes each, so a block is some 40 pages and a background checkpoint (from 1,000
/// frames in the log) runs every few dozen blocks: kills land in checkpoints too.
private func crashBlock(_ height: UInt64) -> [Write] {
    let value = (0..<8).map { UInt8(truncatingIfNeeded: height >> (56 - 8 * UInt64($0))) }
    let large = [UInt8](repeating: 0, count: 600) + value
    return [Write(key: [0], value: value)] + (0..<crashKeys).map { Write(key: [1, UInt8($0)], value: value) }
        + (0..<crashKeys).map { Write(key: [2, UInt8($0)], value: large) }
}

/// In a normal run this does nothing; started by `killingAWriterMidCommitLeavesAWholeBlock` with the variable set,
/// it commits blocks to that database until it is killed.
@Test func crashWriterChild() throws {
    guard let path = ProcessInfo.processInfo.environment[crashDatabaseVariable] else { return }
    let store = try SQLiteStore(path: path)
    var height = store.height
    while height < 1_000_000 {
        height += 1
        try store.commit(crashBlock(height), height: height)
    }
}

@Test func killingAWriterMidCommitLeavesAWholeBlock() throws {
    guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
    let path = temporaryPath("crash.db")
    var generator = SeededGenerator(seed: 3)
    var lastHeight: UInt64 = 0
    for _ in 0..<4 {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "crashWriterChild"]
        child.environment = ProcessInfo.processInfo.environment.merging([crashDatabaseVariable: path]) { $1 }
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        Thread.sleep(forTimeInterval: 0.4 + Double(UInt64.random(in: 0..<300, using: &generator)) / 1000)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()

        let store = try SQLiteStore(path: path)
        let entries = try store.scan(prefix: [])
        #expect(store.height >= lastHeight)
        lastHeight = store.height
        if store.height == 0 {
            #expect(entries.isEmpty)
        } else {
            let expected = crashBlock(store.height).map { Entry(key: $0.key, value: $0.value ?? []) }
            #expect(entries == expected)
        }
        #expect(store.root() == referenceRoot(entries))
        if let key = entries.last?.key {
            let proof = try store.prove(key: key)
            #expect(SparseMerkleTree.verify(proof: proof, root: store.root(), key: key, value: entries.last?.value))
        }
    }
    #expect(lastHeight > 0)
}
