import Foundation
import Testing
@testable import CLI

/// `datanet fmt`: in place, `--check`, standard input, and refusing files with syntax errors.
@Suite struct FmtCommandTests {
    static let messy = "contract C\nfn f( x:Int )->Int{\nreturn x+1   // one more\n}\n"
    static let tidy = "contract C\nfn f(x: Int) -> Int {\n    return x + 1 // one more\n}\n"

    private func write(_ text: String, _ name: String, in dir: URL) -> String {
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    private func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test func formatsFilesInPlaceAndReportsThem() throws {
        let dir = temporaryDirectory()
        let messy = write(Self.messy, "a.dn", in: dir)
        let tidy = write(Self.tidy, "b.dn", in: dir)
        let r = datanet("fmt", messy, tidy)
        #expect(r.status == 0)
        #expect(r.out == "formatted \(messy)\n")
        #expect(read(messy) == Self.tidy)
        #expect(read(tidy) == Self.tidy)
        #expect(datanet("fmt", messy).out.isEmpty)  // already canonical: nothing to say
    }

    @Test func checkListsTheFilesThatWouldChangeAndExitsWithOne() throws {
        let dir = temporaryDirectory()
        let messy = write(Self.messy, "a.dn", in: dir)
        _ = write(Self.tidy, "b.dn", in: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let nested = write(Self.messy, "sub/c.dn", in: dir)
        _ = write("not source", "notes.txt", in: dir)
        let r = datanet("fmt", "--check", dir.path)
        #expect(r.status == 1)
        #expect(r.out == "\(messy)\n\(nested)\n")
        #expect(r.err.contains("error: 2 files would be reformatted"))
        #expect(read(messy) == Self.messy)  // --check writes nothing
        _ = datanet("fmt", dir.path)
        let again = datanet("fmt", "--check", dir.path)
        #expect(again.status == 0)
        #expect(again.out.isEmpty && again.err.isEmpty)
    }

    @Test func dashReadsStandardInputAndPrintsTheResult() {
        let r = datanet(["fmt", "-"], input: Self.messy)
        #expect(r.status == 0)
        #expect(r.out == Self.tidy)
        let check = datanet(["fmt", "--check", "-"], input: Self.messy)
        #expect(check.status == 1)
        #expect(check.out == "<stdin>\n")
        #expect(datanet(["fmt", "--check", "-"], input: Self.tidy).status == 0)
    }

    @Test func syntaxErrorsArePrintedAndTheFileIsLeftAlone() throws {
        let dir = temporaryDirectory()
        let broken = "fn f() {\n  let = 1\n}\n"
        let bad = write(broken, "bad.dn", in: dir)
        let good = write(Self.messy, "good.dn", in: dir)
        let r = datanet("fmt", bad, good)
        #expect(r.status == 1)
        #expect(r.err.contains("\(bad):2:"))
        #expect(r.err.contains("error:"))
        #expect(r.err.contains("nothing was written"))
        #expect(read(bad) == broken)
        #expect(read(good) == Self.tidy)  // the other files are still formatted
        let stdin = datanet(["fmt", "-"], input: broken)
        #expect(stdin.status == 1)
        #expect(stdin.out.isEmpty)
        #expect(stdin.err.contains("<stdin>:2:"))
    }

    @Test func missingFilesAndArgumentsAreErrors() {
        let r = datanet("fmt", "/nonexistent/x.dn")
        #expect(r.status == 1)
        #expect(r.err.contains("no such file '/nonexistent/x.dn'"))
        #expect(datanet("fmt").status == 2)
        let flag = datanet("fmt", "--chek", "x.dn")
        #expect(flag.status == 2)
        #expect(flag.err.contains("unknown option '--chek'; did you mean '--check'?"))
    }

    @Test func theRepositorysSourcesAreLeftUnchangedByASecondPass() throws {
        // Formatting twice through the command gives the same bytes as once (the formatter's own
        // idempotence test covers every file; this goes through reading, writing and directories).
        let dir = temporaryDirectory()
        for name in ["royalty_split.dn", "royalty_split_test.dn", "royalty_prelude_test.dn"] {
            let text = try String(
                contentsOf: repositoryRoot.appendingPathComponent("Examples/royalty/\(name)"), encoding: .utf8)
            _ = write(text, name, in: dir)
        }
        #expect(datanet("fmt", dir.path).status == 0)
        let check = datanet("fmt", "--check", dir.path)
        #expect(check.status == 0, "\(check.out)")
        #expect(datanet("test", dir.path, "--no-time").status == 0)
    }
}
