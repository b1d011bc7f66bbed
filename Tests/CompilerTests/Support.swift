import Compiler
import Diagnostics
import Foundation

/// Parses `text` as a file named `test.dn`.
func parse(_ text: String, path: String = "test.dn") -> (SourceFileAST, [Diagnostic]) {
    Parser.parse(SourceFile(path: path, text: text))
}

/// Parses a fixture from `Tests/CompilerTests/Fixtures`.
func parseFixture(_ name: String) -> (SourceFileAST, [Diagnostic]) {
    Parser.parse(SourceFile(path: name, bytes: fixtureBytes(name)))
}

/// Rewrites a golden fixture when the environment variable `DATANET_UPDATE_GOLDEN` is set.
func updateGoldenIfAsked(_ name: String, _ text: String) {
    guard ProcessInfo.processInfo.environment["DATANET_UPDATE_GOLDEN"] != nil else { return }
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    FileManager.default.createFile(atPath: directory.appendingPathComponent(name).path, contents: Data(text.utf8))
}

func fixtureBytes(_ name: String) -> [UInt8] {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) ?? Data()
    return [UInt8](data)
}

/// The S-expression of a single expression statement's expression inside a function body.
func dumpExpression(_ source: String) -> String {
    let (expr, tree, diagnostics) = Parser.parseExpression(SourceFile(path: "e.dn", text: source))
    guard diagnostics.isEmpty else { return "diagnostics: " + diagnostics.map(\.message).joined(separator: "; ") }
    return ASTDump.dump(expr, in: tree)
}

/// `line:col: message` for each diagnostic.
func summaries(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { "\($0.range.startLineColumn): \($0.message)" }
}

/// The plain rendering of all diagnostics of `text`.
func rendered(_ text: String) -> String {
    DiagnosticRenderer().render(parse(text).1)
}
