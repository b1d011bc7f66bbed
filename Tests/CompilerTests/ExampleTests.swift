import Bytecode
import Compiler
import Foundation
import Diagnostics
import Testing

// Every example of LANGUAGE.md, and fixtures covering every form it names, parse without diagnostics.

@Test(arguments: ["royalty_split.dn", "royalty_split_test.dn", "statements.dn", "test_forms.dn", "library_math.dn"])
func fixtureParsesWithoutDiagnostics(name: String) {
    let (ast, diagnostics) = parseFixture(name)
    #expect(summaries(diagnostics) == [])
    #expect(!ast.declarations.isEmpty)
}

@Test func interfaceExampleParsesAsInteractiveInput() {
    let file = SourceFile(path: "i.dn", bytes: fixtureBytes("interface_call.dn"))
    let (items, _, diagnostics) = Parser.parseInteractive(file)
    #expect(summaries(diagnostics) == [])
    #expect(items.count == 3)
}

@Test func royaltySplitHasTheExpectedShape() {
    let (ast, _) = parseFixture("royalty_split.dn")
    let dump = ASTDump.dump(ast).split(separator: "\n").map(String.init)
    #expect(dump[0] == "(contract RoyaltySplit)")
    #expect(dump[1] == "(use std.math)")
    #expect(dump[2] == "(const BPS Int 10000)")
    #expect(dump[3] == "(state owner Address)")
    #expect(dump[4] == "(state rate_bps Int 500)")
    #expect(dump[5] == "(state shares Map<Address, Int>)")
    #expect(dump[8] == "(event Paid (to: Address, amount: Int))")
    #expect(dump[9] == "(init (admin: Address) { (= owner admin) })")
    #expect(dump[10] == "(fn pub set_share (who: Address, weight: Int) {"
        + " (call require (== caller owner) \"only owner\")"
        + " (call require (>= weight 0) \"negative weight\") (if (&& (== ([] shares who) 0) (> weight 0))"
        + " { (call (. members push) who) }) (= total (+ (- total ([] shares who)) weight))"
        + " (= ([] shares who) weight) })")
    #expect(dump[13] == "(fn helper (x: Int) -> Int { (return (* x 2)) })")
    #expect(dump[14] == "(migrate (from_version: Int) { })")
    #expect(ast.comments.count == 10)
}

@Test func testFileShape() {
    let (ast, _) = parseFixture("test_forms.dn")
    let dump = ASTDump.dump(ast)
    #expect(dump.contains("(expect_revert { (call (. r set_share) @bob 5) })"))
    #expect(dump.contains("(expect_revert \"only owner\" { (as @bob { (call (. r set_share) @bob 5) }) })"))
    #expect(dump.contains("(use std.test.extra)"))
    #expect(dump.contains("(const PLAIN 7)"))
    #expect(dump.contains("(return) })"))
    if case .tests = ast.kind {} else { Issue.record("expected a test file") }
}

@Test func statementFormsHaveTheExpectedShape() {
    let (ast, _) = parseFixture("statements.dn")
    let dump = ASTDump.dump(ast)
    for expected in [
        "(var xs: List<Int> [])",
        "(var s (new Contribution owner: a content: h weight: 1))",
        "(= (. s weight) 2)",
        "(+= x 1)", "(-= x 1)", "(*= x 2)", "(/= x 2)",
        "(if (> x 1) { (= x 0) } (< x 0) { (= x 1) } else { (= x 2) })",
        "(if (> x 1) { (= x 0) } else { (= x 3) })",
        "(for i in (.. 0 n) { (call (. xs push) i) })",
        "(for i in (.. 0 (- (call len xs) 1)) { (call (. xs push) i) })",
        "(for k, v in m {",
        "(emit Paid a x)",
        "(let d 0.05)",
        "(let ok (|| (&& true (! false)) (!= x 1)))",
        "(let big (- (% 10000 7) (- x)))",
        "(let name @alice)",
        "(let s2 (+ \"a\tb\\n\\\"q\\\" 😀 \\\\ \0\" \"x\"))",
        "(let total (+ (+ 1 2) 3))",
        "(let chained (. ([] items 0) owner))",
        "(let call_chain (call (. (call Token origin) balance_of) caller))",
        "(let args (call mul_div 1 2 3))",
        "(let nested [[1 2] [3]])",
        "(let point (. (new Contribution owner: a content: h weight: 1) weight))",
        "(try (call (. t transfer) a 1) else { (call revert \"transfer failed\") })",
        "{ (let inner 1) }",
        "(struct Multi (a: Int, b: Map<String, List<Bool>>))",
        "(fn pub view noop () { })",
        "(interface Token (fn transfer (to: Address, amount: Int) -> Bool) (fn view balance_of (who: Address) -> Int))",
        "(use \"lib/helpers.dn\")",
    ] {
        #expect(dump.contains(expected), "missing \(expected)")
    }
    #expect(dump.contains("(let addr @0x" + String(repeating: "0", count: 64) + ")"))
    #expect(dump.contains("(let hh #0x" + String(repeating: "ab", count: 32) + ")"))
}

@Test func libraryHeader() {
    let (ast, diagnostics) = parseFixture("library_math.dn")
    #expect(diagnostics.isEmpty)
    guard case .library(let name) = ast.kind else {
        Issue.record("expected a library")
        return
    }
    #expect(name.name == "Math")
}

@Test func replInputContinuesWhileBracketsAreOpenOrAnOperatorDangles() {
    func incomplete(_ text: String) -> Bool { Parser.isIncompleteInput(SourceFile(path: "repl", text: text)) }
    #expect(incomplete("fn f() {"))
    #expect(incomplete("let x = f(1,"))
    #expect(incomplete("let x = 1 +"))
    #expect(incomplete("let xs = [1, 2"))
    #expect(!incomplete("let x = 1"))
    #expect(!incomplete("fn f() { }"))
    #expect(!incomplete(""))
    #expect(!incomplete("}"))
}

/// A module's bytes — and so its id and every state root holding it — do not depend on where the source is.
@Suite struct LocationIndependenceTests {
    @Test func theSameSourceCompiledFromTwoDirectoriesIsTheSameModule() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try Data(contentsOf: root.appendingPathComponent("Contracts/staking.dn"))
        let stdlib = root.appendingPathComponent("Stdlib").path
        func compile(_ path: String) throws -> [UInt8] {
            let result = Compiler.compile(SourceFile(path: path, bytes: [UInt8](text)),
                options: CompileOptions(libraries: LibraryResolver(stdlibDirectory: stdlib)))
            return ModuleCodec.encode(try #require(result.module))
        }
        let here = try compile(root.appendingPathComponent("Contracts/staking.dn").path)
        #expect(try compile("/somewhere/else/entirely/staking.dn") == here)
        #expect(try compile("staking.dn") == here)
    }

    @Test(arguments: [
        ("a/b/main.dn", "a/b/main.dn", "main.dn"),
        ("a/b/lib/x.dn", "a/b/main.dn", "lib/x.dn"),
        ("a/x.dn", "a/b/main.dn", "../x.dn"),
        ("/r/a/x.dn", "/r/b/c/main.dn", "../../a/x.dn"),
        ("std/math.dn", "/r/main.dn", "std/math.dn"),
        ("x.dn", "main.dn", "x.dn"),
    ])
    func sourceMapNamesAreRelativeToTheMainFile(_ path: String, _ main: String, _ name: String) {
        #expect(LibraryResolver.sourceMapName(of: path, main: main) == name)
        if !path.hasPrefix("std/") {
            #expect(LibraryResolver.sourcePath(of: name, main: main) == path)
        }
    }
}
