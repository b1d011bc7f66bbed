import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `datanet repl` on a pseudo-terminal: editing keys, history across sessions, completion, Ctrl-C and Ctrl-D.
@Suite struct ReplTerminalTests {
    /// A `datanet repl` child whose stdin and stdout are the slave side of a pty.
    final class TerminalSession: @unchecked Sendable {
        let master: Int32
        let process = Process()
        private let output = Mutex<[UInt8]>([])
        private var reader: Thread?

        init(binary: URL, arguments: [String]) throws {
            var master: Int32 = 0, slave: Int32 = 0
            guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw CocoaError(.fileReadUnknown) }
            self.master = master
            process.executableURL = binary
            process.arguments = ["repl"] + arguments
            let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
            process.standardInput = handle
            process.standardOutput = handle
            process.standardError = handle
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            environment["DATANET_STDLIB"] = repositoryRoot.appendingPathComponent("Stdlib").path
            process.environment = environment
            try process.run()
            close(slave)
            let fd = master
            let thread = Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(fd, &buffer, buffer.count)
                    if n <= 0 { break }
                    output.withLock { $0 += buffer[0..<n] }
                }
            }
            thread.start()
            reader = thread
        }

        var text: String { output.withLock { String(decoding: $0, as: UTF8.self) } }

        /// How often `needle` occurs in the output, counted on bytes (as a String, "\r\n" is one character and
        /// would hide a "\n").
        func occurrences(of needle: String) -> Int {
            let pattern = Array(needle.utf8)
            return output.withLock { bytes in
                guard !pattern.isEmpty, bytes.count >= pattern.count else { return 0 }
                var found = 0
                for i in 0...(bytes.count - pattern.count) where bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                    found += 1
                }
                return found
            }
        }

        /// Waits (at most a generous 30 s, as a guard against a hang, not a timing assertion) until the output
        /// holds `needle` `count` times.
        func waitFor(_ needle: String, count: Int = 1) -> Bool {
            for _ in 0..<3000 {
                if occurrences(of: needle) >= count { return true }
                usleep(10_000)
            }
            return false
        }

        /// Prompts shown so far: each is written once the terminal is in raw mode, just after a line break.
        private var prompts = 0

        /// Types `keys` once the next prompt is up (so the editor, not the terminal's line discipline, gets them).
        func type(_ keys: String) {
            prompts += 1
            _ = waitFor("\n> ", count: prompts)
            let bytes = Array(keys.utf8)
            _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        }

        /// Waits for the child to exit (ending it after 30 s, so a broken editor fails the test instead of hanging it).
        func finish() -> Int32 {
            for _ in 0..<3000 where process.isRunning { usleep(10_000) }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            close(master)
            return process.terminationStatus
        }
    }

    static var binary: URL { repositoryRoot.appendingPathComponent(".build/debug/datanet") }

    @Test func editingKeysHistoryCompletionAndExit() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            Issue.record("missing \(Self.binary.path): build it with 'swift build --build-tests' before 'swift test'")
            return
        }
        let history = temporaryDirectory("repl-pty").appendingPathComponent("history").path

        let first = try TerminalSession(binary: Self.binary, arguments: ["--history", history])
        first.type("let pool = 40\r")
        #expect(first.waitFor("pool = 40 : Int"))
        // Home, then insert before the text; End; left and backspace; right.
        first.type("ol + 2\u{1B}[H(po\u{1B}[F)\r")
        #expect(first.waitFor("42 : Int"))
        first.type("pool * 99\u{1B}[D\u{7F}3\r")
        #expect(first.waitFor("1560 : Int"))
        // Delete under the cursor: Home, ESC [3~ removes '9', then add 1.
        first.type("9pool\u{1B}[H\u{1B}[3~\u{1B}[F + 1\r")
        #expect(first.waitFor("41 : Int"))
        // Tab completes a binding name; Ctrl-C drops the line; up arrow recalls the last input.
        first.type("po\t - 1\r")
        #expect(first.waitFor("39 : Int"))
        first.type("this is not run\u{03}")
        #expect(first.waitFor("^C"))
        first.type("\u{1B}[A\r")
        #expect(first.waitFor("39 : Int", count: 2))
        first.type("\u{04}")
        #expect(first.finish() == 0)
        #expect(!first.text.contains("cannot find 'this'"))

        // A new session finds the history in the file.
        let second = try TerminalSession(binary: Self.binary, arguments: ["--history", history])
        second.type("let pool = 10\r")
        #expect(second.waitFor("pool = 10 : Int"))
        second.type("\u{1B}[A\u{1B}[A\r")
        #expect(second.waitFor("9 : Int"))
        second.type(":quit\r")
        #expect(second.finish() == 0)
        let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
        #expect(saved.contains("pool - 1"))
    }
}
