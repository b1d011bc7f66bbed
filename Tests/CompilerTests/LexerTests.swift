import Compiler
import Diagnostics
import Testing

private func kinds(_ text: String) -> [TokenKind] {
    Lexer.tokenize(SourceFile(path: "l.dn", text: text)).tokens.map(\.kind)
}

private func lexErrors(_ text: String) -> [String] {
    summaries(Lexer.tokenize(SourceFile(path: "l.dn", text: text)).diagnostics)
}

@Test func operatorsAndPunctuation() {
    #expect(kinds("-> .. += -= *= /= == != <= >= && || ! . < > = + - * / % ( ) { } [ ] , :") == [
        .arrow, .dotDot, .plusEqual, .minusEqual, .starEqual, .slashEqual, .equalEqual, .bangEqual, .lessEqual,
        .greaterEqual, .ampAmp, .pipePipe, .bang, .dot, .less, .greater, .equal, .plus, .minus, .star, .slash,
        .percent, .leftParen, .rightParen, .leftBrace, .rightBrace, .leftBracket, .rightBracket, .comma, .colon,
        .endOfFile,
    ])
}

@Test func keywordsReservedAndContextual() {
    #expect(kinds("fn let var if else while for in break continue return emit try as true false") == [
        .kwFn, .kwLet, .kwVar, .kwIf, .kwElse, .kwWhile, .kwFor, .kwIn, .kwBreak, .kwContinue, .kwReturn,
        .kwEmit, .kwTry, .kwAs, .kwTrue, .kwFalse, .endOfFile,
    ])
    let contextual = kinds("contract library interface use const state event struct init migrate pub view test")
    let allContextual = contextual.dropLast().allSatisfy { $0.isContextualKeyword }
    #expect(allContextual)
    #expect(kinds("require revert assert expect_revert caller self block") == Array(repeating: .identifier, count: 7)
        + [.endOfFile])
}

@Test func contextualKeywordsAreNamesInStatements() {
    let (ast, diagnostics) = parse("fn f() {\n    let state = 1\n    test = state + view\n}\n")
    #expect(diagnostics.isEmpty)
    #expect(ASTDump.dump(ast) == "(fn f () { (let state 1) (= test (+ state view)) })")
}

@Test func numbers() {
    #expect(kinds("10_000 0.05 0..5 1.x") == [.integer, .decimal, .integer, .dotDot, .integer, .integer, .dot,
                                               .identifier, .endOfFile])
    #expect(lexErrors("12abc") == ["1:1: malformed number '12abc'"])
    #expect(lexErrors("0x1F") == ["1:1: malformed number '0x1F'"])
    #expect(lexErrors("0.1234567890123456789") == ["1:1: decimal literal has more than 18 fractional digits"])
}

@Test func stringsAndEscapes() {
    #expect(kinds(#""a\n\t\"\\\0\u{41}""#) == [.string, .endOfFile])
    #expect(lexErrors(#""bad \q escape""#) == [#"1:6: invalid escape sequence '\q' in string literal"#])
    #expect(lexErrors(#""\u{110000}""#) == ["1:2: unicode escape is not a valid scalar value"])
    #expect(lexErrors(#""\u41""#).first?.hasPrefix("1:2: invalid unicode escape") == true)
    #expect(lexErrors("let s = \"open\nnext") == ["1:9: unterminated string literal"])
    #expect(lexErrors("\"abc") == ["1:1: unterminated string literal"])
    #expect(kinds("\"abc\nx") == [.error, .identifier, .endOfFile])
}

@Test func addressAndHashLiterals() {
    let hex = String(repeating: "aB", count: 32)
    #expect(kinds("@0x\(hex) #0x\(hex) @alice") == [.address, .hash, .address, .endOfFile])
    #expect(lexErrors("@0x1234") == ["1:1: address literal needs 64 hex digits, found 4"])
    #expect(lexErrors("#0x12") == ["1:1: hash literal needs 64 hex digits, found 2"])
    #expect(lexErrors("@ x") == ["1:1: expected an account name or '0x' and 64 hex digits after '@'"])
    #expect(lexErrors("#abc") == ["1:1: expected '0x' and 64 hex digits after '#'"])
}

@Test func commentsAreKeptAside() {
    let lexed = Lexer.tokenize(SourceFile(path: "c.dn", text: "a // one\r\n// two\nb"))
    #expect(lexed.tokens.map(\.kind) == [.identifier, .identifier, .endOfFile])
    #expect(lexed.comments.map(\.text) == ["// one", "// two"])
    #expect(lexed.tokens[1].isAtLineStart)
}

/// A closure where an argument or a value starts is one error over its parameter list, with a hint; a lone `|`
/// elsewhere is still the `||` typo.
@Test func closuresAreOneErrorWithAHint() {
    #expect(lexErrors("xs.map(|s| s * 2)") == ["1:8: closures ('|x| ...') are not part of the language"])
    #expect(lexErrors("let g = |a, b: Int| a + b") == ["1:9: closures ('|x| ...') are not part of the language"])
    #expect(lexErrors("f(1, |x| x)") == ["1:6: closures ('|x| ...') are not part of the language"])
    let lexed = Lexer.tokenize(SourceFile(path: "c.dn", text: "f(|s| s)"))
    #expect(lexed.tokens.map(\.kind) == [.identifier, .leftParen, .error, .identifier, .rightParen, .endOfFile])
    #expect(lexed.diagnostics.first?.hint?.contains("'for' loop") == true)
    #expect(lexErrors("a = b | c") == ["1:7: unexpected '|'; did you mean '||'?"])
    #expect(lexErrors("f(| x)") == ["1:3: unexpected '|'; did you mean '||'?"])
}

@Test func invalidInputBecomesErrorTokens() {
    #expect(lexErrors("a ; b") == ["1:3: unexpected ';'"])
    #expect(lexErrors("x = é") == ["1:5: unexpected character 'é'"])
    #expect(lexErrors("a & b | c")
        == ["1:3: unexpected '&'; did you mean '&&'?", "1:7: unexpected '|'; did you mean '||'?"])
    let lexed = Lexer.tokenize(SourceFile(path: "b.dn", bytes: [0x61, 0x20, 0xFF, 0xFE, 0x00, 0x20, 0x62]))
    #expect(lexed.tokens.map(\.kind) == [.identifier, .error, .identifier, .endOfFile])
    #expect(summaries(lexed.diagnostics) == ["1:3: invalid UTF-8 byte 0xFF"])
    #expect(lexErrors("$$$ ~") == ["1:1: unexpected character '$'", "1:5: unexpected character '~'"])
}

@Test func namesAndNumbersReadBackAsWritten() {
    // The lexer decodes each distinct name and number once, in a table that starts with the keywords and grows
    // as names are added: thousands of distinct names, names one byte away from a keyword, contextual keywords
    // used as names, and numbers with and without `_` must all come back as written (numbers without `_`).
    var source: [String] = []
    var expected: [String] = []
    for i in 0..<3_000 {
        let name = "n\(i)_\(i % 7)"
        source.append("fn \(name)(fnx: Int, state\(i): Int) -> Int {\n    let lets = fnx + \(i)_000 + 0.0\(i % 10)\n"
            + "    return lets * state\(i) - view + \(i)\n}")
        expected.append("(fn \(name) (fnx: Int, state\(i): Int) -> Int { (let lets (+ (+ fnx \(i)000) 0.0\(i % 10))) "
            + "(return (+ (- (* lets state\(i)) view) \(i))) })")
    }
    let (ast, diagnostics) = parse(source.joined(separator: "\n") + "\n")
    #expect(diagnostics.isEmpty)
    #expect(ASTDump.dump(ast) == expected.joined(separator: "\n"))
    #expect(kinds("fnx lets state states stat returns iff _ fn") == [
        .identifier, .identifier, .kwState, .identifier, .identifier, .identifier, .identifier, .identifier, .kwFn,
        .endOfFile,
    ])
}
