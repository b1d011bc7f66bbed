import Diagnostics
import Foundation
import Synchronization

/// Where a command writes. The process uses stdout/stderr; tests capture the text.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// ANSI colour on error output: only on a terminal and never with NO_COLOR.
    public var color: Bool
    /// All of standard input (`datanet fmt -`).
    public var input: @Sendable () -> [UInt8]
    /// Rewrites a one-line progress display in place; nil unless standard error is a terminal, so progress
    /// never reaches a file, a pipe or a test's captured output. `progress("")` clears the line.
    public var progress: (@Sendable (String) -> Void)?

    public init(
        out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, color: Bool = false,
        input: @escaping @Sendable () -> [UInt8] = { [] }, progress: (@Sendable (String) -> Void)? = nil
    ) {
        self.out = out
        self.err = err
        self.color = color
        self.input = input
        self.progress = progress
    }

    /// The process's standard output and error. Colour needs standard error to be a terminal and `NO_COLOR`
    /// unset (the compiler's policy, `DiagnosticRenderer.shouldColor`).
    public static func standard() -> Console {
        let terminal = isatty(2) == 1
        let line = ProgressLine()
        let out: @Sendable (String) -> Void = { text in
            line.erase()
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }
        let err: @Sendable (String) -> Void = { text in
            line.erase()
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
        let show: @Sendable (String) -> Void = { text in line.show(text) }
        let environment = ProcessInfo.processInfo.environment
        return Console(
            out: out, err: err, color: DiagnosticRenderer.shouldColor(isTerminal: terminal, environment: environment),
            input: { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }, progress: terminal ? show : nil)
    }

    /// `path:line:col: error: message`, red when colour is on.
    public func error(_ message: String, at location: String? = nil) {
        let label = color ? "\u{1B}[1;31merror:\u{1B}[0m" : "error:"
        err((location.map { "\($0): " } ?? "") + "\(label) \(message)")
    }

    /// `warning: message`, yellow when colour is on.
    public func warning(_ message: String) {
        err((color ? "\u{1B}[1;33mwarning:\u{1B}[0m " : "warning: ") + message)
    }

    public func note(_ message: String) {
        err((color ? "\u{1B}[1;36mnote:\u{1B}[0m " : "note: ") + message)
    }
}

/// Exit codes of every command (Docs/cli.md).
public enum ExitCode {
    public static let ok: Int32 = 0
    /// The input was wrong: a compile error, a failed test, a trap, a bad argument value.
    public static let failure: Int32 = 1
    /// The command line itself was wrong: unknown command or flag, missing argument.
    public static let usage: Int32 = 2
}

/// The progress display on a terminal's standard error: one line rewritten in place, erased before any other
/// output so that results never share its line.
final class ProgressLine: Sendable {
    private let visible = Mutex(false)

    func show(_ text: String) {
        guard !text.isEmpty else { return erase() }
        visible.withLock { visible in
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            visible = true
        }
    }

    func erase() {
        visible.withLock { visible in
            guard visible else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            visible = false
        }
    }
}
