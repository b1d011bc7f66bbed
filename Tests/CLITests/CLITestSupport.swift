import Foundation
import TestSupport
import Testing
@testable import CLI

/// Everything a command printed, and its exit code.
struct Captured: Sendable {
    var status: Int32
    var out: String
    var err: String
}

/// Collects console output from any thread.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ s: String) {
        lock.lock()
        lines.append(s)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.map { $0 + "\n" }.joined()
    }
}

/// Runs `datanet ARGS` in-process with a capturing console (no colour).
func datanet(_ args: String...) -> Captured {
    datanet(args)
}

/// Runs `datanet ARGS` in-process with `input` as standard input.
func datanet(_ args: [String], input: String = "") -> Captured {
    let out = OutputBuffer(), err = OutputBuffer()
    let bytes = Array(input.utf8)
    let console = Console(out: { out.append($0) }, err: { err.append($0) }, color: false, input: { bytes })
    let status = DatanetCLI.run(args, console: console)
    return Captured(status: status, out: out.text, err: err.text)
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A file in Tests/CLITests/Fixtures.
func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

func benchFile(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("Examples/bench/\(name)").path
}

/// A fresh, empty directory for one test (`ScratchDirectory`: removed when the test process exits).
func temporaryDirectory(_ prefix: String = "cli") -> URL {
    ScratchDirectory.make(prefix)
}
