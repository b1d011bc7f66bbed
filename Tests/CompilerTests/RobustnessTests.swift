import Bytecode
import Compiler
import Diagnostics
import Testing

// No input crashes or hangs the front end, and bad input always gets a diagnostic.

/// A small deterministic generator (Bytecode's SplitMix64), so failures reproduce from the seed.
typealias SeededGenerator = SplitMix64

/// Parses and renders; checks that every diagnostic points inside the file.
@discardableResult
private func parseAndRender(_ file: SourceFile) -> [Diagnostic] {
    let (_, diagnostics) = Parser.parse(file)
    for diagnostic in diagnostics {
        #expect(diagnostic.range.start >= 0 && diagnostic.range.end <= file.bytes.count)
    }
    _ = DiagnosticRenderer().render(diagnostics)
    _ = DiagnosticJSON.render(diagnostics)
    return diagnostics
}

private func inFunction(_ body: String) -> SourceFile {
    SourceFile(path: "deep.dn", text: "fn f() {\n    x = " + body + "\n}\n")
}

// MARK: - Edge inputs

@Test func emptyAndBlankFilesParseToNothing() {
    for text in ["", "\n\n", "   \t  ", "// only a comment", "\r\n"] {
        let (ast, diagnostics) = parse(text)
        #expect(diagnostics.isEmpty)
        #expect(ast.declarations.isEmpty)
    }
}

@Test func binaryGarbageGivesDiagnostics() {
    var generator = SeededGenerator(state: 1)
    for _ in 0..<200 {
        let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let diagnostics = parseAndRender(SourceFile(path: "garbage.dn", bytes: bytes))
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.count <= 201)
    }
}

@Test func invalidUTF8Everywhere() {
    let samples: [[UInt8]] = [
        [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80], [0xE2, 0x82], [0x80], [0x00, 0x00],
        Array("fn f() { let s = \"".utf8) + [0xFF, 0xFE] + Array("\" }".utf8),
        Array("// comment ".utf8) + [0xFF] + Array("\nfn f() { }".utf8),
    ]
    for bytes in samples {
        _ = parseAndRender(SourceFile(path: "utf8.dn", bytes: bytes))
    }
    let stringCase = Parser.parse(SourceFile(path: "s.dn", bytes: samples[6])).1
    #expect(summaries(stringCase) == ["1:19: invalid UTF-8 byte 0xFF in string literal",
                                      "1:20: invalid UTF-8 byte 0xFE in string literal"])
    #expect(Parser.parse(SourceFile(path: "c.dn", bytes: samples[7])).1.isEmpty)  // comments may hold anything
}

@Test func oneMegabyteLines() {
    let sum = "fn f() {\n    x = " + String(repeating: "1 + ", count: 250_000) + "1\n}\n"
    #expect(parseAndRender(SourceFile(path: "sum.dn", text: sum)).map(\.message)
        == ["expression too long; the limit is 256 operators in a chain"])
    let sums = "fn f() {\n" + String(repeating: "    x = 1 + 2 + 3 + 4\n", count: 50_000) + "}\n"
    #expect(parseAndRender(SourceFile(path: "sums.dn", text: sums)).isEmpty)

    let name = "fn f() {\n    x = " + String(repeating: "a", count: 1_000_000) + " $\n}\n"
    let diagnostics = parseAndRender(SourceFile(path: "name.dn", text: name))
    #expect(summaries(diagnostics) == ["2:1000010: unexpected character '$'"])
    #expect(DiagnosticRenderer().render(diagnostics).utf8.count < 500)

    let string = "fn f() {\n    x = \"" + String(repeating: "é", count: 500_000)
    #expect(summaries(parseAndRender(SourceFile(path: "str.dn", text: string))).first
        == "2:9: unterminated string literal")
}

// MARK: - Nesting

@Test func tenThousandNestedParenthesesGiveOneCleanError() {
    let file = inFunction(String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000))
    let diagnostics = parseAndRender(file)
    #expect(diagnostics.map(\.message) == ["nesting too deep; the limit is 256 levels"])
}

@Test func deepButAllowedNestingParses() {
    #expect(parseAndRender(inFunction(String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)))
        .isEmpty)
    #expect(parseAndRender(inFunction(String(repeating: "-", count: 200) + "1")).isEmpty)
}

@Test func nestingLimitsHoldForOperandsBuiltWithoutRecursion() {
    // A name or literal right operand is built without a recursive parseExpression call; the limits must count
    // it as that call did. The messages at each depth are the recursive parser's (checked against it).
    let tooLong = ["expression too long; the limit is 256 operators in a chain"]
    let tooDeep = ["nesting too deep; the limit is 256 levels"]
    let cases: [(operands: String, depth: Int, messages: [String])] = [
        ("a + b", 253, []), ("a + b", 254, tooLong), ("a + b", 255, tooDeep),
        ("x < y", 253, []), ("x < y", 254, tooLong), ("x < y", 255, tooDeep),
        ("a + b * 2 - c", 253, tooLong), ("a + b * 2 - c", 255, tooDeep),
    ]
    for (operands, depth, expected) in cases {
        let text = String(repeating: "(", count: depth) + operands + String(repeating: ")", count: depth)
        let messages = parseAndRender(inFunction(text)).map(\.message)
        #expect(messages == expected, "\(operands) in \(depth) parentheses")
    }
}

@Test func expressionNodesAreStoredInPostOrder() {
    // Nodes are stored as they are completed (operands before their operator), whichever way an operand
    // was parsed; ranges cover exactly their source text.
    let source = "fn f() {\n    let v = a + b * 2 - c / (d + 1) < e % f(g, 3)\n}\n"
    let (ast, diagnostics) = parse(source)
    #expect(diagnostics.isEmpty)
    let tree = ast.tree
    guard case .function(let function)? = ast.declarations.first?.kind, let body = function.body,
        let first = tree[body.statements].first, case .binding(let binding) = tree[first].kind,
        let value = tree[binding].initializer
    else {
        Issue.record("no binding parsed")
        return
    }
    var ids: [Int] = []
    var leaves: [String] = []
    let bytes = Array(source.utf8)
    func walk(_ expr: Expr) {
        let node = tree[expr]
        switch node.kind {
        case .binary(_, let lhs, let rhs, _): walk(lhs); walk(rhs)
        case .call(let callee, let arguments): walk(callee); tree[arguments].forEach(walk)
        case .name, .integer: leaves.append(String(decoding: bytes[node.range.start..<node.range.end], as: UTF8.self))
        default: break
        }
        ids.append(expr.order)
    }
    walk(value)
    #expect(ids == ids.sorted() && Set(ids).count == ids.count)
    #expect(leaves == ["a", "b", "2", "c", "d", "1", "e", "f", "g", "3"])
}

private func deepExpression(_ shape: String) -> String {
    let n = 10_000
    return switch shape {
    case "lists": String(repeating: "[", count: n) + String(repeating: "]", count: n)
    case "negations": String(repeating: "-", count: n) + "1"
    case "nots": String(repeating: "!", count: n) + "x"
    case "calls": String(repeating: "f(", count: n) + String(repeating: ")", count: n)
    case "indexes": String(repeating: "a[", count: n) + "0" + String(repeating: "]", count: n)
    case "struct literals": String(repeating: "P { x: ", count: n) + "1" + String(repeating: " }", count: n)
    default: String(repeating: "(", count: n)
    }
}

@Test(arguments: ["lists", "negations", "nots", "calls", "indexes", "struct literals", "unclosed parentheses"])
func deeplyNestedExpressionsAreRejectedCleanly(shape: String) {
    let diagnostics = parseAndRender(inFunction(deepExpression(shape)))
    // Skipping resumes mid-nest, so a stray closing '}' at the top level may add one more error.
    #expect(diagnostics.count <= 2)
    #expect(diagnostics.first?.message.contains("the limit is 256") == true)
}

@Test func deeplyNestedBlocksAreRejectedCleanly() {
    let blocks = "fn f() {\n" + String(repeating: "{\n", count: 10_000)
        + String(repeating: "}\n", count: 10_000) + "}\n"
    #expect(parseAndRender(SourceFile(path: "b.dn", text: blocks)).map(\.message)
        == ["nesting too deep; the limit is 256 levels"])
    let ifs = "fn f() {\n" + String(repeating: "if x {\n", count: 10_000)
        + String(repeating: "}\n", count: 10_000) + "}\n"
    #expect(parseAndRender(SourceFile(path: "i.dn", text: ifs)).first?.message
        == "nesting too deep; the limit is 256 levels")
    let unclosed = "fn f() {\n" + String(repeating: "while x {\n", count: 10_000)
    #expect(!parseAndRender(SourceFile(path: "u.dn", text: unclosed)).isEmpty)
    let types = "state s: " + String(repeating: "List<", count: 10_000) + "Int" + String(repeating: ">", count: 10_000)
    #expect(parseAndRender(SourceFile(path: "t.dn", text: types)).first?.message
        == "nesting too deep; the limit is 256 levels")
}

// MARK: - Token soup

private let vocabulary = [
    "contract", "library", "interface", "use", "const", "state", "event", "struct", "init", "migrate", "pub",
    "view", "fn", "let", "var", "if", "else", "while", "for", "in", "break", "continue", "return", "emit", "try",
    "as", "test", "true", "false", "expect_revert", "x", "y", "Name", "List", "Map", "Int", "0", "10_000", "0.05",
    "\"s\"", "\"bad\\q\"", "\"open", "@alice", "@0x12", "#0x", "(", ")", "{", "}", "[", "]", ",", ":", ".", "..",
    "->", "+", "-", "*", "/", "%", "!", "=", "+=", "-=", "*=", "/=", "==", "!=", "<", "<=", ">", ">=", "&&", "||",
    "&", ";", "$", "é", "\n", "\n", "\n", "// c\n",
]

@Test func randomTokenSoupNeverCrashes() {
    var generator = SeededGenerator(state: 42)
    var withDiagnostics = 0
    for _ in 0..<3_000 {
        let count = Int.random(in: 0...80, using: &generator)
        var text = ""
        for _ in 0..<count {
            text += vocabulary[Int.random(in: 0..<vocabulary.count, using: &generator)]
            text += Bool.random(using: &generator) ? " " : ""
        }
        let diagnostics = parseAndRender(SourceFile(path: "soup.dn", text: text))
        if !diagnostics.isEmpty { withDiagnostics += 1 }
        for diagnostic in diagnostics {
            // STYLE.md: lowercase, no final period.
            #expect(diagnostic.message.first.map { !$0.isUppercase } == true, "\(diagnostic.message)")
            #expect(!diagnostic.message.hasSuffix("."), "\(diagnostic.message)")
        }
        _ = Parser.parseInteractive(SourceFile(path: "soup.dn", text: text))
        _ = Parser.parseExpression(SourceFile(path: "soup.dn", text: text))
    }
    #expect(withDiagnostics > 2_500)
}

@Test func mutatedExamplesNeverCrash() {
    let original = Lexer.tokenize(SourceFile(path: "r.dn", bytes: fixtureBytes("royalty_split.dn")))
    let bytes = original.file.bytes
    var generator = SeededGenerator(state: 7)
    for _ in 0..<500 {
        // Delete one token: the result is usually invalid and must still parse to an AST with diagnostics.
        let victim = original.tokens[Int.random(in: 0..<(original.tokens.count - 1), using: &generator)]
        let mutated = Array(bytes[..<victim.start]) + Array(bytes[victim.end...])
        _ = parseAndRender(SourceFile(path: "mutated.dn", bytes: mutated))
    }
}

/// Found by fuzz-compile: an empty (or comment-only) file compiled to nothing and said nothing, so
/// `datanet build` exited 1 silently. It is an error with a hint now.
@Test func compilingAFileWithNoDeclarationsSaysWhy() {
    for text in ["", "\n", "// only a comment\n"] {
        let result = Compiler.compile(SourceFile(path: "empty.dn", text: text))
        #expect(result.module == nil)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message) == ["this file declares no contract or library"])
        #expect(errors.first?.hint == "start it with 'contract Name' or 'library Name'")
    }
}
