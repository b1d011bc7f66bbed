import Diagnostics
import Testing

// MARK: - Positions

@Test func lineAndColumnAreOneBasedAndCountScalars() {
    let file = SourceFile(path: "a.dn", text: "ab\nπx\n\tz")
    #expect(file.lineColumn(of: 0) == LineColumn(line: 1, column: 1))
    #expect(file.lineColumn(of: 3) == LineColumn(line: 2, column: 1))
    #expect(file.lineColumn(of: 5) == LineColumn(line: 2, column: 2))  // after the 2-byte 'π'
    #expect(file.lineColumn(of: 8) == LineColumn(line: 3, column: 2))  // after the tab
    #expect(file.lineColumn(of: 1000) == LineColumn(line: 3, column: 3))
    #expect(file.lineColumn(of: -5) == LineColumn(line: 1, column: 1))
}

@Test func offsetOfALineAndColumnIsTheInverse() {
    let file = SourceFile(path: "a.dn", text: "ab\nπx\n\tz")
    for offset in [0, 1, 2, 3, 5, 6, 7, 8, 9] {
        let position = file.lineColumn(of: offset)
        #expect(file.offset(line: position.line, column: position.column) == offset, "offset \(offset)")
    }
    #expect(file.offset(line: 2, column: 40) == 6)  // past the end of 'πx': the line's end
    #expect(file.offset(line: 0, column: 1) == nil)
    #expect(file.offset(line: 4, column: 1) == nil)
}

@Test func emptyFileHasOneLine() {
    let file = SourceFile(path: "e.dn", bytes: [])
    #expect(file.lineCount == 1)
    #expect(file.lineColumn(of: 0) == LineColumn(line: 1, column: 1))
}

@Test func invalidUTF8BytesCountOneColumnEach() {
    let file = SourceFile(path: "b.dn", bytes: [0xFF, 0xC3, 0x41, 0x42])
    #expect(file.lineColumn(of: 3) == LineColumn(line: 1, column: 4))
}

@Test func hintedLookupsAndTheLineCursorAgreeWithPlainLookupsInAnyOrder() {
    // 40 lines of varying length (some empty, one with a 2-byte scalar, CRLF endings), asked for every
    // offset (and a few outside the file) in an order that jumps forwards and backwards by varying distances.
    var text = ""
    for i in 0..<40 { text += String(repeating: i % 7 == 3 ? "é" : "x", count: i % 5) + (i % 4 == 1 ? "\r\n" : "\n") }
    for file in [SourceFile(path: "m.dn", text: text), SourceFile(path: "a.dn", text: String(text.map { $0 == "é" ? "e" : $0 }))] {
        let count = file.bytes.count
        var offsets = Array(-2...(count + 2))
        offsets += stride(from: count, through: 0, by: -3)
        offsets += (0..<200).map { ($0 * 37) % (count + 1) }
        var hint = -1
        var cursor = LineCursor()
        for offset in offsets {
            let expected = file.lineColumn(of: offset)
            #expect(file.lineColumn(of: offset, lineHint: &hint) == expected, "offset \(offset)")
            #expect(cursor.lineColumn(of: offset, in: file) == expected, "offset \(offset)")
        }
        #expect(file.lineIndex(of: count) == file.lineCount - 1)
    }
}

// MARK: - Rendering

@Test func rendersCaretUnderTheExactSpan() {
    let file = SourceFile(path: "x.dn", text: "let a = 1\nlet total = a + bb\n")
    let diagnostic = Diagnostic.error("unknown name 'bb'", at: SourceRange(file: file, start: 26, end: 28),
                                      hint: "did you mean 'b'?")
    let expected = """
        x.dn:2:17: error: unknown name 'bb'
         2 | let total = a + bb
           |                 ^~
        hint: did you mean 'b'?

        """
    #expect(DiagnosticRenderer().render(diagnostic) == expected)
}

@Test func tabsAndMultiByteCharactersDoNotMisalignTheCaret() {
    let text = "\tlet é = \"→\" + x"
    let file = SourceFile(path: "t.dn", text: text)
    let offset = Array(text.utf8).firstIndex(of: UInt8(ascii: "x")) ?? 0
    let out = DiagnosticRenderer().render(.error("bad", at: SourceRange(file: file, start: offset, end: offset + 1)))
    let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[1] == " 1 |     let é = \"→\" + x")
    let caretColumn = lines[2].unicodeScalars.count - 1
    #expect(caretColumn == lines[1].unicodeScalars.count - 1)
    #expect(lines[2].hasSuffix("^"))
}

@Test func pointRangesGetOneCaret() {
    let file = SourceFile(path: "p.dn", text: "f(")
    let out = DiagnosticRenderer().render(.error("expected ')'", at: .point(file, 2)))
    #expect(out == "p.dn:1:3: error: expected ')'\n 1 | f(\n   |   ^\n")
}

@Test func veryLongLinesAreCutAroundTheSpan() {
    var text = String(repeating: "a", count: 1_000_000)
    text += " oops " + String(repeating: "b", count: 1000)
    let file = SourceFile(path: "long.dn", text: text)
    let out = DiagnosticRenderer().render(.error("bad", at: SourceRange(file: file, start: 1_000_001, end: 1_000_005)))
    #expect(out.utf8.count < 400)
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[1].contains("oops"))
    #expect(lines[1].hasPrefix(" 1 | ..."))
    let marker = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
    let word = lines[1].firstRange(of: "oops").map { lines[1].distance(from: lines[1].startIndex, to: $0.lowerBound) }
    #expect(marker == word)
}

@Test func labelsNotesAndColour() {
    let file = SourceFile(path: "c.dn", text: "fn f() {\n")
    var diagnostic = Diagnostic.error("expected '}' to close '{' at line 1", at: .point(file, 9))
    diagnostic.labels = [DiagnosticLabel(range: SourceRange(file: file, start: 7, end: 8), message: "'{' opened here")]
    diagnostic.notes = ["blocks must be closed"]
    let plain = DiagnosticRenderer().render(diagnostic)
    #expect(plain.contains("c.dn:1:8: note: '{' opened here\n 1 | fn f() {\n   |        ^\n"))
    #expect(plain.hasSuffix("note: blocks must be closed\n"))
    #expect(!plain.contains("\u{1B}"))
    let coloured = DiagnosticRenderer(colored: true).render(diagnostic)
    #expect(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m"))
}

@Test func controlCharactersAndInvalidBytesShowAsReplacement() {
    let file = SourceFile(path: "g.dn", bytes: [0x00, 0xFF, 0x41])
    let out = DiagnosticRenderer().render(.error("bad", at: SourceRange(file: file, start: 2, end: 3)))
    #expect(out == "g.dn:1:3: error: bad\n 1 | \u{FFFD}\u{FFFD}A\n   |   ^\n")
}

// MARK: - JSON and the engine

@Test func jsonIsDeterministicWithSortedKeys() {
    let file = SourceFile(path: "j.dn", text: "x\ny \"q\"")
    let diagnostic = Diagnostic.warning("unused \"y\"", at: SourceRange(file: file, start: 2, end: 3))
    let json = DiagnosticJSON.render([diagnostic])
    let expected = #"[{"end":{"column":2,"line":2,"offset":3},"file":"j.dn","fixIt":null,"hint":null,"labels":[],"#
        + #""message":"unused \"y\"","notes":[],"severity":"warning","start":{"column":1,"line":2,"offset":2}}]"#
    #expect(json == expected)
    #expect(DiagnosticJSON.render([]) == "[]")
}

@Test func engineStopsAtTheErrorLimit() {
    let file = SourceFile(path: "l.dn", text: "x")
    var engine = DiagnosticEngine(errorLimit: 3)
    for _ in 0..<10 { engine.error("bad", at: .point(file, 0)) }
    #expect(engine.diagnostics.count == 3)
    #expect(engine.diagnostics.last?.message == "too many errors; stopping here")
    #expect(engine.errorCount == 10)
    #expect(engine.isSaturated)
}

@Test func colourOnlyOnATerminalWithoutNoColor() {
    #expect(DiagnosticRenderer.shouldColor(isTerminal: true, environment: [:]))
    #expect(DiagnosticRenderer.shouldColor(isTerminal: true, environment: ["NO_COLOR": ""]))
    #expect(!DiagnosticRenderer.shouldColor(isTerminal: true, environment: ["NO_COLOR": "1"]))
    #expect(!DiagnosticRenderer.shouldColor(isTerminal: false, environment: [:]))
}

// MARK: - Ranges hold a file id

@Test func aRangeFindsItsFileByID() {
    let file = SourceFile(path: "r.dn", text: "state total: Int\n")
    let other = SourceFile(path: "r.dn", text: "state total: Int\n")
    let range = SourceRange(file: file, start: 6, end: 11)
    #expect(range.fileID == file.id && file.id != other.id)
    #expect(range.file === file)
    #expect(range.text == "total")
    #expect(range.description == "r.dn:1:7")
    // Ranges of different files never merge, even with the same path and text.
    #expect(range.union(SourceRange(file: other, start: 0, end: 16)) == range)
    #expect(range.union(SourceRange(file: file, start: 0, end: 5)) == SourceRange(file: file, start: 0, end: 11))
    withExtendedLifetime(other) {}
}

@Test func aDiagnosticKeepsItsFilesAliveForRendering() {
    func make() -> Diagnostic {
        let file = SourceFile(path: "gone.dn", text: "let a = bb\n")
        let label = SourceFile(path: "lib.dn", text: "fn bb() {}\n")
        return Diagnostic(
            severity: .error, message: "unknown name 'bb'", range: SourceRange(file: file, start: 8, end: 10),
            labels: [DiagnosticLabel(range: SourceRange(file: label, start: 3, end: 5), message: "declared here")])
    }
    let diagnostic = make()
    #expect(diagnostic.headline == "gone.dn:1:9: error: unknown name 'bb'")
    #expect(diagnostic.labels[0].range.file.path == "lib.dn")
    #expect(DiagnosticRenderer().render(diagnostic).contains("let a = bb"))
}

@Test func aRangeWhoseFileIsGoneNamesAnUnknownFileInsteadOfCrashing() {
    func make() -> SourceRange { SourceRange(file: SourceFile(path: "gone.dn", text: "abc"), start: 1, end: 2) }
    let range = make()
    #expect(range.file.path == "<unknown>")
    #expect(range.text == "")
    #expect(range.startLineColumn == LineColumn(line: 1, column: 1))
}
