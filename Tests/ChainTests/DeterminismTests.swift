import Bytecode
import Chain
import Foundation
import StateStore
import Testing

/// Environment variable that turns `determinismChild` into a process that builds the test history and writes
/// the resulting state root and head hash to the named file.
private let determinismVariable = "CHAIN_DETERMINISM_OUT"

/// The state root and head hash after `BlockTests.buildHistory`, as hex.
private func historyFingerprint() throws -> String {
    let t = try TestChain()
    try BlockTests().buildHistory(t)
    return Hex.encode(t.store.stateRoot) + " " + Hex.encode(try t.chain.head().hash)
}

/// In a normal run this does nothing; started by `twoProcessesBuildTheSameChain` with the variable set.
@Test func determinismChild() throws {
    guard let path = ProcessInfo.processInfo.environment[determinismVariable] else { return }
    try historyFingerprint().write(toFile: path, atomically: true, encoding: .utf8)
}

/// Each process has its own random hash seed, so anything that iterated a `Dictionary` or `Set` into state,
/// receipts or hashes would differ between them.
@Test func twoProcessesBuildTheSameChain() throws {
    guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return }
    let expected = try historyFingerprint()
    for run in 0..<2 {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("determinism-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "determinismChild"]
        var environment = ProcessInfo.processInfo.environment.merging([determinismVariable: path]) { $1 }
        environment["SWIFT_DETERMINISTIC_HASHING"] = nil
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        let printed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(printed == expected, "process \(run)")
    }
}
