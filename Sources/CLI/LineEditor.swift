// Reading REPL lines: plain reading when input is a pipe or a file, and a small line editor on a terminal
// (termios raw mode; the terminal's settings are restored on every way out, including signals).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// What reading one line gave.
enum LineRead: Equatable {
    case line(String)
    /// Ctrl-C: the line being edited is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of the input.
    case end
}

/// A source of REPL lines.
protocol LineReader: AnyObject {
    /// Reads one line, showing `prompt` first.
    func read(prompt: String) -> LineRead
    /// Whether lines are typed on a terminal (which echoes them) rather than piped.
    var isInteractive: Bool { get }
    /// Remembers an input for up/down and the history file.
    func remember(_ entry: String)
}

/// Lines from a file descriptor, without echo or editing (a pipe or a redirected file).
final class PlainLineReader: LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false
    let isInteractive = false

    init(fd: Int32) { self.fd = fd }

    func read(prompt: String) -> LineRead {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if atEnd {
                if buffer.isEmpty { return .end }
                let line = buffer
                buffer = []
                return .line(String(decoding: line, as: UTF8.self))
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if n > 0 {
                buffer += chunk[0..<n]
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                atEnd = true
            }
        }
    }

    func remember(_ entry: String) {}
}

/// The editing state of one line: text as Unicode scalars and the cursor. Pure, so it is tested without a terminal.
struct EditLine: Equatable {
    var scalars: [Unicode.Scalar] = []
    var cursor = 0

    var text: String { String(String.UnicodeScalarView(scalars)) }

    mutating func insert(_ s: Unicode.Scalar) {
        scalars.insert(s, at: cursor)
        cursor += 1
    }

    mutating func insert(_ text: String) { for s in text.unicodeScalars { insert(s) } }

    mutating func backspace() {
        guard cursor > 0 else { return }
        cursor -= 1
        scalars.remove(at: cursor)
    }

    mutating func delete() {
        guard cursor < scalars.count else { return }
        scalars.remove(at: cursor)
    }

    mutating func left() { cursor = max(0, cursor - 1) }
    mutating func right() { cursor = min(scalars.count, cursor + 1) }
    mutating func home() { cursor = 0 }
    mutating func end() { cursor = scalars.count }

    /// Replaces the text, cursor at the end.
    mutating func set(_ text: String) {
        scalars = Array(text.unicodeScalars)
        cursor = scalars.count
    }

    /// The name being typed just before the cursor (letters, digits, `_`, `:` for commands, `.` for members).
    var wordBeforeCursor: String {
        var start = cursor
        while start > 0 {
            let s = scalars[start - 1]
            guard s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == ":" || s == "." else { break }
            start -= 1
        }
        return String(String.UnicodeScalarView(scalars[start..<cursor]))
    }
}

/// Up/down through earlier inputs, kept in a file across sessions.
struct LineHistory {
    private(set) var entries: [String] = []
    /// Where up/down is: `entries.count` means the line being typed.
    private var position = 0
    private var draft = ""
    let file: String?
    static let limit = 1000

    init(file: String?) {
        self.file = file
        if let file, let data = FileManager.default.contents(atPath: file) {
            entries = String(decoding: data, as: UTF8.self).split(separator: "\n").map {
                $0.replacingOccurrences(of: "\\n", with: "\n")
            }.suffix(Self.limit).map { $0 }
        }
        position = entries.count
    }

    mutating func add(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        if entries.last != entry { entries.append(entry) }
        if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
        position = entries.count
        guard let file else { return }
        let text = entries.map { $0.replacingOccurrences(of: "\n", with: "\\n") }.joined(separator: "\n") + "\n"
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
    }

    /// The earlier entry, remembering `current` as the draft when leaving the line being typed.
    mutating func up(from current: String) -> String? {
        guard position > 0 else { return nil }
        if position == entries.count { draft = current }
        position -= 1
        return entries[position]
    }

    mutating func down() -> String? {
        guard position < entries.count else { return nil }
        position += 1
        return position == entries.count ? draft : entries[position]
    }

    mutating func resetPosition() { position = entries.count }
}

/// The terminal whose settings raw mode changed, restored at exit or on a fatal signal.
nonisolated(unsafe) private var savedTerminal: termios?
nonisolated(unsafe) private var savedTerminalFD: Int32 = 0

private func restoreSavedTerminal() {
    guard var saved = savedTerminal else { return }
    tcsetattr(savedTerminalFD, TCSADRAIN, &saved)
}

/// A line editor on a terminal: left/right, home/end (also Ctrl-A/Ctrl-E), backspace/delete, up/down through
/// history, Ctrl-C cancels the line, Ctrl-D on an empty line quits, Tab completes.
final class TerminalLineEditor: LineReader {
    private let input: Int32
    private let output: Int32
    private var history: LineHistory
    let isInteractive = true
    /// Names that complete the word before the cursor.
    var completions: (String) -> [String] = { _ in [] }

    init(input: Int32, output: Int32, historyFile: String?) {
        self.input = input
        self.output = output
        history = LineHistory(file: historyFile)
    }

    func remember(_ entry: String) { history.add(entry) }

    private func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue } else { return } }
            offset += n
        }
    }

    private func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(input, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Raw mode for the duration of `body`; the previous settings come back however it ends.
    private func withRawMode<T>(_ body: () -> T) -> T {
        var original = termios()
        guard tcgetattr(input, &original) == 0 else { return body() }
        var raw = original
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        raw.c_cc.6 = 1  // VMIN
        raw.c_cc.5 = 0  // VTIME
        savedTerminal = original
        savedTerminalFD = input
        Self.installRestorers()
        tcsetattr(input, TCSADRAIN, &raw)
        defer {
            tcsetattr(input, TCSADRAIN, &original)
            savedTerminal = nil
        }
        return body()
    }

    nonisolated(unsafe) private static var installed = false

    private static func installRestorers() {
        guard !installed else { return }
        installed = true
        atexit { restoreSavedTerminal() }
        for sig in [SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { received in
                restoreSavedTerminal()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    func read(prompt: String) -> LineRead {
        withRawMode { edit(prompt: prompt) }
    }

    private func redraw(_ prompt: String, _ line: EditLine) {
        // Carriage return, prompt and text, clear to the end, then put the cursor back.
        var text = "\r" + prompt + line.text + "\u{1B}[K"
        let back = line.scalars.count - line.cursor
        if back > 0 { text += "\u{1B}[\(back)D" }
        write(text)
    }

    private func edit(prompt: String) -> LineRead {
        var line = EditLine()
        history.resetPosition()
        write(prompt)
        while let byte = readByte() {
            switch byte {
            case 13, 10:  // Enter
                write("\r\n")
                return .line(line.text)
            case 3:  // Ctrl-C
                write("^C\r\n")
                return .interrupted
            case 4:  // Ctrl-D
                if line.scalars.isEmpty {
                    write("\r\n")
                    return .end
                }
                line.delete()
            case 127, 8: line.backspace()
            case 1: line.home()
            case 5: line.end()
            case 2: line.left()
            case 6: line.right()
            case 11:  // Ctrl-K
                line.scalars.removeSubrange(line.cursor...)
            case 21:  // Ctrl-U
                line.scalars.removeSubrange(..<line.cursor)
                line.cursor = 0
            case 9: complete(&line, prompt: prompt)
            case 27: escape(&line)
            default:
                if byte >= 32 { line.insert(readScalar(first: byte)) }
            }
            redraw(prompt, line)
        }
        write("\r\n")
        return .end
    }

    /// A UTF-8 scalar starting with `first` (continuation bytes read from the terminal).
    private func readScalar(first: UInt8) -> Unicode.Scalar {
        var bytes = [first]
        let count = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        while bytes.count < count, let b = readByte() { bytes.append(b) }
        return String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "?"
    }

    /// Escape sequences: arrows, Home/End, Delete (`ESC [ X`, `ESC [ N ~`, `ESC O X`).
    private func escape(_ line: inout EditLine) {
        guard let introducer = readByte(), introducer == UInt8(ascii: "[") || introducer == UInt8(ascii: "O"),
            let code = readByte()
        else { return }
        switch code {
        case UInt8(ascii: "A"):
            if let earlier = history.up(from: line.text) { line.set(earlier) }
        case UInt8(ascii: "B"):
            if let later = history.down() { line.set(later) }
        case UInt8(ascii: "C"): line.right()
        case UInt8(ascii: "D"): line.left()
        case UInt8(ascii: "H"): line.home()
        case UInt8(ascii: "F"): line.end()
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            var number = Int(code - UInt8(ascii: "0"))
            while let b = readByte(), b != UInt8(ascii: "~") {
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return }
                number = min(number &* 10 &+ Int(b - UInt8(ascii: "0")), 1_000)
            }
            switch number {
            case 1, 7: line.home()
            case 4, 8: line.end()
            case 3: line.delete()
            default: break
            }
        default: break
        }
    }

    /// Tab: completes the word before the cursor to the candidates' common prefix; lists them when several remain.
    private func complete(_ line: inout EditLine, prompt: String) {
        let word = line.wordBeforeCursor
        let candidates = completions(word)
        guard !candidates.isEmpty else { return }
        let common = candidates.dropFirst().reduce(candidates[0]) { prefix, c in
            String(zip(prefix, c).prefix { $0 == $1 }.map(\.0))
        }
        if common.count > word.count {
            line.insert(String(common.dropFirst(word.count)))
        } else if candidates.count > 1 {
            write("\r\n" + candidates.joined(separator: "  ") + "\r\n")
        }
    }
}
