import Foundation
import Testing
import Tooling
@testable import CLI

/// `datanet repl`: a scripted session through a pipe, compared with its expected transcript, and the line editor.
@Suite struct ReplTests {
    /// Runs `script` through a pipe into the REPL; returns the transcript (output and errors, in order) and status.
    static func transcript(_ script: String) throws -> (String, Int32) {
        let root = repositoryRoot.path
        let pipe = Pipe()
        pipe.fileHandleForWriting.write(Data(script.replacingOccurrences(of: "$ROOT", with: root).utf8))
        try pipe.fileHandleForWriting.close()
        let lines = OutputBuffer()
        let console = Console(out: { lines.append($0) }, err: { lines.append($0) }, color: false)
        let session = try ReplSession(stdlibDirectory: root + "/Stdlib")
        let status = ReplCommand.run(
            session, reader: PlainLineReader(fd: pipe.fileHandleForReading.fileDescriptor), console: console)
        return (lines.text.replacingOccurrences(of: root, with: "$ROOT"), status)
    }

    /// The scripted sessions in Fixtures/repl (`NAME.dnrepl`) and their transcripts (`NAME.expected`;
    /// `DATANET_UPDATE_GOLDEN=1` rewrites them).
    @Test(arguments: ["session", "payout"])
    func scriptedSessionMatchesItsTranscript(name: String) throws {
        let script = try String(contentsOfFile: fixture("repl/\(name).dnrepl"), encoding: .utf8)
        let (text, status) = try Self.transcript(script)
        let expectedPath = fixture("repl/\(name).expected")
        if ProcessInfo.processInfo.environment["DATANET_UPDATE_GOLDEN"] != nil {
            _ = FileManager.default.createFile(atPath: expectedPath, contents: Data(text.utf8))
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(status == 0)
        #expect(text == expected)
    }

    @Test func aTrapLeavesTheChainAsItWas() throws {
        let (text, _) = try Self.transcript("let h = block.height\n1 / (h - h)\nblock.height == h\n")
        #expect(text.contains("error: reverted: \"division by zero\""))
        #expect(text.contains("true : Bool"))
    }

    @Test func unfinishedInputAtTheEndIsAnError() throws {
        let (text, status) = try Self.transcript("fn f() {\n")
        #expect(status == 1)
        #expect(text.contains("the input ended inside an unfinished entry"))
    }

    @Test func editLineKeys() {
        var line = EditLine()
        line.insert("pool * 3")
        line.home()
        line.insert("(")
        line.end()
        line.insert(")")
        #expect(line.text == "(pool * 3)")
        line.left()
        line.backspace()
        #expect(line.text == "(pool * )")
        line.home()
        line.delete()
        #expect(line.text == "pool * )")
        #expect(line.cursor == 0)
        line.set("r.dis")
        #expect(line.wordBeforeCursor == "r.dis")
    }

    @Test func historyPersistsAcrossSessions() throws {
        let file = temporaryDirectory("repl-history").appendingPathComponent("history").path
        var first = LineHistory(file: file)
        first.add("let a = 1")
        first.add("fn f() {\n}")
        var second = LineHistory(file: file)
        #expect(second.entries == ["let a = 1", "fn f() {\n}"])
        #expect(second.up(from: "typing") == "fn f() {\n}")
        #expect(second.up(from: "") == "let a = 1")
        #expect(second.up(from: "") == nil)
        #expect(second.down() == "fn f() {\n}")
        #expect(second.down() == "typing")
    }

    @Test func completionOfCommandsNamesAndContractFunctions() throws {
        let session = try ReplSession(stdlibDirectory: repositoryRoot.path + "/Stdlib")
        _ = session.submit("let pool = 5")
        _ = session.submit(":load \(repositoryRoot.path)/Examples/royalty/royalty_split.dn as r (@alice)")
        #expect(session.completions(":lo") == [":load"])
        #expect(session.completions("po") == ["pool"])
        #expect(session.completions("r.s") == ["r.set_share", "r.share_of"])
        _ = session.submit("use std.math")
        #expect(session.completions("math.mul_div").contains("math.mul_div_round"))
    }

    /// Malformed inputs and commands get an error message, never a crash, and the session keeps working.
    @Test func badInputsAreReportedAndTheSessionGoesOn() throws {
        let session = try ReplSession(stdlibDirectory: repositoryRoot.path + "/Stdlib")
        let inputs = [
            "}", ")", "let", "fn (", "@", "let x = @", "1 +", "state s: Int", "init() {}", "test \"t\" {}",
            "contract C", ":load", ":load /nonexistent.dn", ":load \(repositoryRoot.path)/Examples/counter.dn as 9x",
            ":as", ":as 9", ":advance -1", ":advance x", ":send", ":send nobody 5", ":send @bob -1", ":table",
            ":table nope", ":table --from", ":check", ":check a b", ":check x --cases 0", ":state", ":state x", ":gas",
            ":trace", ":nope", "\u{0}", String(repeating: "(", count: 400) + "1" + String(repeating: ")", count: 400),
            String(repeating: "[", count: 300), "let a = 1 let b = 2", "undefined_fn(1)", "let y: Int = true",
            "x.push(1)", "transfer(@bob, 1)", "return 5", "break", "fn f() -> Int { }",
        ]
        for input in inputs {
            let (lines, quit) = session.submit(input)
            #expect(!quit)
            #expect(lines.contains { $0.isError }, "no error for \(input.prefix(40))")
        }
        let (lines, _) = session.submit("40 + 2")
        #expect(lines.map(\.text) == ["42 : Int  (gas 3)"])
    }

    /// A fn that reads a session binding is told why it cannot (a fn sees parameters, constants and state, as in a
    /// contract) and what to do, not "did you mean" another name; with a const it works.
    @Test func aFunctionReadingABindingIsToldWhy() throws {
        let session = try ReplSession(stdlibDirectory: repositoryRoot.path + "/Stdlib")
        _ = session.submit("let pool = 10_000")
        _ = session.submit("var weights = [1, 2]")
        let (lines, _) = session.submit("fn share(w: Int) -> Int { return pool * w }")
        let text = lines.map(\.text).joined(separator: "\n")
        #expect(text.contains("cannot find 'pool' in scope"))
        #expect(text.contains("hint: 'pool' is a binding of this session, and a fn sees only its parameters, constants "
            + "and state: pass it in as a parameter, or declare it 'const pool = …'"), "\(text)")
        let (list, _) = session.submit("fn first() -> Int { return weights[0] }")
        #expect(list.map(\.text).joined().hasSuffix("pass it in as a parameter"), "no const for a var or a list")
        _ = session.submit("const cap = 10_000")
        _ = session.submit("fn share(w: Int) -> Int { return cap * w }")
        #expect(session.submit("share(3)").lines.map(\.text) == ["30000 : Int  (gas 20)"])
    }

    /// `:gas INPUT` and `:trace INPUT` run INPUT first and break down that run, not the one before; an INPUT that
    /// does not compile leaves the last run as it was.
    @Test func gasAndTraceWithAnInputInspectThatInput() throws {
        let session = try ReplSession(stdlibDirectory: repositoryRoot.path + "/Stdlib")
        _ = session.submit("fn pay(p: Int, w: Int, s: Int) -> Int {\n    return p * w / s\n}")
        _ = session.submit("let d: Dec = 1.5")
        let gas = session.submit(":gas pay(1000, 3, 6)").lines.map(\.text)
        #expect(gas.first?.hasPrefix("500 : Int  (gas ") == true)
        #expect(gas.contains { $0.hasPrefix("gas ") && $0.contains(" in ") })
        #expect(gas.contains { $0.contains("pay") && !$0.contains("let d") })
        #expect(gas.contains { $0.contains("return p * w / s") })
        #expect(!gas.contains { $0.contains("let d: Dec") })

        let trace = session.submit(":trace pay(10, 1, 0)").lines
        #expect(trace.contains { $0.isError && $0.text.contains("division by zero") })
        #expect(trace.last?.text.hasPrefix("reverted: \"division by zero\"") == true)

        let broken = session.submit(":gas pay(1, 2").lines
        #expect(broken.contains { $0.isError })
        #expect(!broken.contains { $0.text.hasPrefix("gas ") })
        let again = session.submit(":gas").lines.map(\.text)
        #expect(again.contains { $0.contains("return p * w / s") }, "the last run is still pay(10, 1, 0)")

        let table = session.submit(":table pay(p: 1000)").lines
        #expect(table.contains { $0.isError && $0.text.contains("formula names, not calls: write 'pay'") })
    }

    /// `--chain DIR` works on a copy (the chain on disk keeps its height); with `--write` the blocks the session
    /// keeps are applied to it, and the chain still replays.
    @Test func chainDirectoryReadOnlyUnlessWrite() throws {
        let dir = temporaryDirectory("repl-chain").path
        #expect(datanet("chain", "init", "--dir", dir).status == 0)
        let deployed = datanet("deploy", repositoryRoot.path + "/Examples/counter.dna", "5", "--from", "alice", "--dir", dir)
        let address = try #require(deployed.out.split(separator: "\n").first { $0.contains("contract") }?
            .split(separator: " ").last.map(String.init))
        let console = Console(out: { _ in }, err: { _ in }, color: false)
        func height() -> String { datanet("chain", "status", "--dir", dir).out.split(separator: "\n").first.map(String.init) ?? "" }
        let before = height()

        let reading = try ReplCommand.chainSession(dir, write: false, console: console)
        _ = reading.submit(":attach \(address) as c")
        let bumped = reading.submit("c.bump(3)").lines.map(\.text)
        #expect(bumped.first == "event Bumped(@alice, 8)")
        #expect(height() == before)

        let writing = try ReplCommand.chainSession(dir, write: true, console: console)
        _ = writing.submit(":attach \(address) as c")
        _ = writing.submit("c.bump(3)")
        _ = writing.submit("1 + 1")
        #expect(height() != before)
        #expect(datanet("query", address, "get()", "--dir", dir).out.hasPrefix("8 : Int"))
        #expect(datanet("chain", "replay", "--dir", dir).status == 0)
    }
}
