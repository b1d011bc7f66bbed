import Bytecode
import Compiler
import Diagnostics
import Testing

// Each parse error: its message, exact position and rendered caret (golden strings).

@Test func missingClosingBraceNamesTheOpeningLine() {
    let source = "fn f() {\n    let x = 1\n"
    #expect(rendered(source) == """
        test.dn:2:14: error: expected '}' to close '{' at line 1
         2 |     let x = 1
           |              ^
        test.dn:1:8: note: '{' opened here
         1 | fn f() {
           |        ^

        """)
}

@Test func missingOperandAfterBinaryOperator() {
    #expect(rendered("fn f() {\n    x = a +\n}\n") == """
        test.dn:2:12: error: expected expression after '+'
         2 |     x = a +
           |            ^

        """)
}

@Test func missingParenthesis() {
    let (_, diagnostics) = parse("fn f() {\n    g(1, 2\n    h()\n}\n")
    #expect(summaries(diagnostics) == ["2:11: expected ')' to close '(' at line 2"])
}

@Test func everyIndependentErrorIsReported() {
    let source = """
        contract C
        state x Int
        fn f() {
            let = 3
            y = (1 +
            z = 2
        }
        pub fn g( {
        }
        event E(a: Int)
        fn h() -> { }
        """
    let (ast, diagnostics) = parse(source)
    #expect(summaries(diagnostics) == [
        "2:9: expected ':' and a type after state variable 'x'",
        "4:9: expected name after 'let'",
        "6:7: expected ')' to close '(' at line 5",
        "8:11: expected name in the parameters of function 'g'",
        "11:11: expected type after '->'",
    ])
    #expect(ast.declarations.count == 2)  // 'f' (with its good statement) and the event
}

@Test func consecutiveStatementsOnOneLine() {
    #expect(rendered("fn f() {\n    x = 1 y = 2\n}\n") == """
        test.dn:2:11: error: consecutive statements on a line must be separated by a line break
         2 |     x = 1 y = 2
           |           ^

        """)
}

/// `deploy Payout()`, `send @bob 5`: a name followed by a value on the same line is a call without parentheses.
@Test func aCallWithoutParenthesesGetsAHint() {
    #expect(rendered("fn f() {\n    let c = deploy Payout()\n}\n") == """
        test.dn:2:20: error: consecutive statements on a line must be separated by a line break
         2 |     let c = deploy Payout()
           |                    ^~~~~~
        hint: to call 'deploy', put its arguments in parentheses: 'deploy(...)'

        """)
    #expect(rendered("fn f() {\n    send @bob 5\n}\n").contains("hint: to call 'send', put its arguments in parentheses"))
    #expect(!rendered("fn f() {\n    x = 1 y = 2\n}\n").contains("hint:"))
}

/// `t.fund{value: 10}()`, as in Solidity: the hint says how tokens go with a call here.
@Test func aValueOptionOnACallGetsAHint() {
    let text = rendered("fn f() {\n    t.fund{value: 10}()\n}\n")
    #expect(text.hasPrefix("test.dn:2:11: error: consecutive statements on a line must be separated by a line break"), "\(text)")
    #expect(text.contains("hint: a call takes no '{value: …}': in a test, 'with_value(10, h.f(…))' sends tokens"), "\(text)")
    #expect(!rendered("fn f() {\n    if x {value: 1}\n}\n").contains("with_value"))
}

@Test func semicolonsGetAHint() {
    #expect(rendered("fn f() {\n    x = 1;\n}\n") == """
        test.dn:2:10: error: unexpected ';'
         2 |     x = 1;
           |          ^
        hint: statements are separated by line breaks; remove the ';'
        fix-it: remove ';'

        """)
}

@Test func assignmentInConditionGetsAHint() {
    #expect(rendered("fn f() {\n\tif x = 1 { }\n}\n") == """
        test.dn:2:7: error: '=' is an assignment, not an expression
         2 |     if x = 1 { }
           |          ^
        hint: use '==' to compare

        """)
}

@Test func invalidAssignmentTarget() {
    #expect(rendered("fn f() {\n    f() = 1\n}\n") == """
        test.dn:2:5: error: cannot assign to this expression
         2 |     f() = 1
           |     ^~~
        hint: only names, 'x[i]' and 'x.field' can be assigned to

        """)
}

@Test func structLiteralInCondition() {
    let (_, diagnostics) = parse("fn f() {\n    if p == P { x: 1 } { }\n}\n")
    #expect(summaries(diagnostics) == ["2:15: struct literals are not allowed here without parentheses"])
}

@Test func declarationErrors() {
    #expect(summaries(parse("x = 1\n").1) == ["1:1: expected a declaration"])
    #expect(summaries(parse("fn f()\n").1) == ["1:7: expected '{' to start the body of 'fn'"])
    #expect(summaries(parse("}\n").1) == ["1:1: unexpected '}' with no '{' to close"])
    // `contract C { … }` (as in other languages): one error with a hint, and the body is still checked.
    let braced = parse("contract C {\n    fn f() -> Int { return 1 }\n}\n")
    #expect(summaries(braced.1) == ["1:12: a contract's declarations are the rest of the file, not a '{ }' block"])
    #expect(braced.1.first?.hint == "remove this '{' and its matching '}'")
    #expect(braced.0.declarations.count == 1)
    #expect(summaries(parse("library L {\n    fn f() { }\n}\n}\n").1) == [
        "1:11: a library's declarations are the rest of the file, not a '{ }' block",
        "4:1: unexpected '}' with no '{' to close",
    ])
    #expect(summaries(parse("fn a() { }\ncontract C\n").1)
        == ["2:1: 'contract' must be the first declaration in the file"])
    #expect(summaries(parse("interface I {\n    fn f() { }\n}\n").1) == ["2:12: interface functions have no body"])
    #expect(summaries(parse("pub pub fn f() { }\n").1) == ["1:5: duplicate modifier"])
    #expect(summaries(parse("test missing { }\n").1) == ["1:6: expected the test's name as a string after 'test'"])
    #expect(summaries(parse("state s: Map<Int, Int\n").1) == ["1:22: expected '>' to close '<' at line 1"])
}

@Test func statementErrors() {
    #expect(summaries(parse("fn f() {\n    try g else { }\n}\n").1) == ["2:5: expected a call after 'try'"])
    #expect(summaries(parse("fn f() {\n    try g()\n}\n").1) == ["2:12: expected 'else' after the call in 'try'"])
    #expect(summaries(parse("fn f() {\n    x = 0..3\n}\n").1)
        == ["2:10: ranges 'a..b' are only allowed in 'for' loops"])
    #expect(summaries(parse("fn f() {\n    for in xs { }\n}\n").1) == ["2:9: expected a loop variable after 'for'"])
    #expect(summaries(parse("fn f() {\n    emit E\n}\n").1) == ["2:11: expected '(' and the event's fields after 'E'"])
    #expect(summaries(parse("fn f() {\n    expect_revert(\"m\")\n}\n").1)
        == ["2:23: expected '{' after 'expect_revert'"])
    #expect(summaries(parse("fn f() {\n    )\n}\n").1) == ["2:5: expected a statement"])
}

@Test func lexicalErrorsAreNotReportedTwice() {
    let (_, diagnostics) = parse("fn f() {\n    let x = \"open\n    let y = 5 $ 2\n}\n")
    #expect(summaries(diagnostics) == ["2:13: unterminated string literal", "3:15: unexpected character '$'"])
}

@Test func jsonRenderingOfParseErrors() {
    let json = DiagnosticJSON.render(parse("fn f( {\n}\n").1)
    #expect(json.hasPrefix(#"[{"end":{"column":"#))
    #expect(json.contains(#""message":"expected name in the parameters of function 'f'""#))
}

@Test(arguments: ["errors", "recovery"])
func goldenMultiErrorFile(name: String) {
    // Regenerate with DATANET_UPDATE_GOLDEN=1, then check the new file by eye.
    let (ast, diagnostics) = parseFixture(name + ".dn")
    let rendered = DiagnosticRenderer().render(diagnostics) + "----\n" + ASTDump.dump(ast) + "\n"
    updateGoldenIfAsked(name + ".expected", rendered)
    let expected = String(decoding: fixtureBytes(name + ".expected"), as: UTF8.self)
    #expect(rendered == expected)
}

@Test func windowsLineEndingsParse() {
    let bytes = fixtureBytes("royalty_split.dn").flatMap { $0 == UInt8(ascii: "\n") ? [0x0D, 0x0A] : [$0] }
    let (ast, diagnostics) = Parser.parse(SourceFile(path: "crlf.dn", bytes: bytes))
    #expect(diagnostics.isEmpty)
    #expect(ast.comments.allSatisfy { !$0.text.hasSuffix("\r") })
}

/// Binary data gets one error instead of one per byte; bytecode is named as such; text with a stray control
/// character is still lexed and reported where it is.
@Test func binaryFilesGetOneError() {
    var generator = SplitMix64(seed: 7)
    let noise = (0..<3000).map { _ in UInt8(truncatingIfNeeded: generator.next() % 255 + 1) }  // no NUL
    let random = Compiler.compile(SourceFile(path: "noise.dn", bytes: noise)).diagnostics
    #expect(random.map(\.message) == ["this is not source text: it holds binary data"])
    let withNul = Compiler.compile(SourceFile(path: "n.dn", bytes: Array("contract C\n\u{0}".utf8))).diagnostics
    #expect(summaries(withNul) == ["2:1: this is not source text: it holds binary data"])
    let module = Array("DNVM".utf8) + [1, 0, 0, 0]
    let bytecode = Compiler.compile(SourceFile(path: "m.dn", bytes: module)).diagnostics
    #expect(bytecode.map(\.message) == ["this is compiled bytecode, not source text"])
    #expect(bytecode.first?.hint?.contains(".dnb") == true)
    let stray = Compiler.compile(SourceFile(path: "s.dn", bytes: Array("contract C\nconst A: Int = 1 \u{7}\n".utf8)))
    #expect(summaries(stray.diagnostics) == ["2:18: unexpected control character 0x07"])
}
