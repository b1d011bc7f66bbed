import Foundation

/// Where a command writes. The process uses stdout/stderr; tests capture the text.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// ANSI colour on error output: only on a terminal and never with NO_COLOR.
    public var color: Bool

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, color: Bool = false) {
        self.out = out
        self.err = err
        self.color = color
    }

    /// The process's standard output and error.
    public static func standard() -> Console {
        let tty = isatty(2) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        return Console(
            out: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
            err: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
            color: tty)
    }

    /// `path:line:col: error: message`, red when colour is on.
    public func error(_ message: String, at location: String? = nil) {
        let label = color ? "\u{1B}[1;31merror:\u{1B}[0m" : "error:"
        err((location.map { "\($0): " } ?? "") + "\(label) \(message)")
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
