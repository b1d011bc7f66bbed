import Compiler
import Diagnostics
import Testing

// Operator precedence and associativity follow LANGUAGE.md: `||`, `&&`, comparisons, `+ -`, `* / %`,
// unary `- !`, postfix `. [] ()`, lowest first; binary operators associate to the left.

@Test(arguments: [
    ("a || b && c", "(|| a (&& b c))"),
    ("a && b || c", "(|| (&& a b) c)"),
    ("a == b && c != d", "(&& (== a b) (!= c d))"),
    ("a < b + c", "(< a (+ b c))"),
    ("a + b * c", "(+ a (* b c))"),
    ("a * b + c", "(+ (* a b) c)"),
    ("a - b - c", "(- (- a b) c)"),
    ("a / b / c", "(/ (/ a b) c)"),
    ("a % b * c", "(* (% a b) c)"),
    ("a || b || c", "(|| (|| a b) c)"),
    ("-a * b", "(* (- a) b)"),
    ("!a && b", "(&& (! a) b)"),
    ("- -a", "(- (- a))"),
    ("!!a", "(! (! a))"),
    ("-a.b", "(- (. a b))"),
    ("-f(x)[0]", "(- ([] (call f x) 0))"),
    ("(a + b) * c", "(* (+ a b) c)"),
    ("a.b.c(d)", "(call (. (. a b) c) d)"),
    ("xs[i + 1]", "([] xs (+ i 1))"),
    ("f()", "(call f)"),
    ("(a >= b) == true", "(== (>= a b) true)"),
    ("[1, a + 2, [3]]", "[1 (+ a 2) [3]]"),
    ("P { x: 1 + 2, y: -3 }", "(new P x: (+ 1 2) y: (- 3))"),
    ("P {}", "(new P)"),
    ("Token(addr).balance_of(@bob)", "(call (. (call Token addr) balance_of) @bob)"),
    ("block.height - 1", "(- (. block height) 1)"),
    ("1_000 * 0.5", "(* 1000 0.5)"),
])
func precedence(source: String, expected: String) {
    #expect(dumpExpression(source) == expected)
}

@Test func comparisonsDoNotChain() {
    let (_, _, diagnostics) = Parser.parseExpression(SourceFile(path: "c.dn", text: "a < b < c"))
    #expect(summaries(diagnostics) == ["1:7: comparison operators cannot be chained"])
    #expect(diagnostics.first?.hint == "combine comparisons with '&&', e.g. 'a < b && b < c'")
}

@Test func binaryOperatorsContinueOnTheNextLineButCallsDoNot() {
    let (ast, diagnostics) = parse("fn f() {\n    let a = b\n        + c\n    g\n    (h)\n}\n")
    #expect(diagnostics.isEmpty)
    #expect(ASTDump.dump(ast) == "(fn f () { (let a (+ b c)) g h })")
}

@Test func structLiteralsAreNotParsedInConditions() {
    let source = "fn f() {\n    if x { y = 1 }\n    while p.q { }\n    for i in xs { }\n    if (P {}) == p { }\n}\n"
    let (ast, diagnostics) = parse(source)
    #expect(diagnostics.isEmpty)
    #expect(ASTDump.dump(ast)
        == "(fn f () { (if x { (= y 1) }) (while (. p q) { }) (for i in xs { }) (if (== (new P) p) { }) })")
}
