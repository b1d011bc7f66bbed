import Bytecode
import Compiler
import Diagnostics
import Foundation
import Testing

/// Formats `text`; nil (and a recorded issue) when the formatter refuses it.
private func formatted(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    let result = Formatter.format(SourceFile(path: "test.dn", text: text))
    #expect(result.diagnostics.isEmpty, "\(DiagnosticRenderer().render(result.diagnostics))", sourceLocation: sourceLocation)
    return result.text
}

/// Every `.dn` file of the repository (hidden directories such as `.build` skipped).
private func repositorySources() -> [URL] {
    let root = repositoryRoot
    guard let enumerator = FileManager.default.enumerator(
        at: root, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
    else { return [] }
    var found: [URL] = []
    for case let url as URL in enumerator where url.pathExtension == "dn" { found.append(url) }
    return found.sorted { $0.path < $1.path }
}

/// The module bytes of `bytes` compiled as the file at `path`, without the source map (which records
/// line numbers); nil when it does not compile.
private func moduleBytes(_ bytes: [UInt8], path: String) -> [UInt8]? {
    let result = Compiler.compile(
        SourceFile(path: path, bytes: bytes), options: CompileOptions(libraries: resolver(), sourceMap: false))
    return result.module.map { ModuleCodec.encode($0) }
}

@Suite struct FormatterTests {
    @Test func oddSpacingBecomesCanonical() {
        let input = """
            contract   Odd
            use std.math
            const  A:Int=1+2*3
            state xs : List< Int >
            state m:Map<Address,List<Int>> =  m0
            event E( a:Int ,b : Bool )
            pub fn f( x:Int,y :Int )->Int{
            \tlet z=-x+ -y*(x-1)
            \tvar w :List<Int> =[ 1,2 ,3 ]
              if !(z<y)&&x>=y||z!=0 {return z%2}
              for i in 0 .. len( w ) { w[ i ]=w[i]-1 }
                    xs.push( m[ caller ][0] )
            \temit E( z,true )
            \treturn -z
            }
            """
        let expected = """
            contract Odd
            use std.math
            const A: Int = 1 + 2 * 3
            state xs: List<Int>
            state m: Map<Address, List<Int>> = m0
            event E(a: Int, b: Bool)
            pub fn f(x: Int, y: Int) -> Int {
                let z = -x + -y * (x - 1)
                var w: List<Int> = [1, 2, 3]
                if !(z < y) && x >= y || z != 0 { return z % 2 }
                for i in 0..len(w) { w[i] = w[i] - 1 }
                xs.push(m[caller][0])
                emit E(z, true)
                return -z
            }

            """
        #expect(formatted(input) == expected)
    }

    @Test func commentsStayWhereTheyWere() {
        let input = """
            // Header comment
            contract C   // trailing on the header


            state a: Int            // aligned
            state bb: Int = 2       // comments
                // an indented comment before a declaration
            fn f() {
              // first in the body
              let x = 1 // after code
                    // before the closing brace
            }
            // at the end
            """
        let expected = """
            // Header comment
            contract C   // trailing on the header

            state a: Int            // aligned
            state bb: Int = 2       // comments
            // an indented comment before a declaration
            fn f() {
                // first in the body
                let x = 1 // after code
                // before the closing brace
            }
            // at the end

            """
        #expect(formatted(input) == expected)
    }

    @Test func blankLinesAreNormalised() {
        let input = "\n\ncontract C\n\n\n\nfn f() {\n\n    let x = 1\n\n\n    let y = 2\n\n}\n\n\n"
        #expect(formatted(input) == "contract C\n\nfn f() {\n    let x = 1\n\n    let y = 2\n}\n")
    }

    @Test func continuationLinesAndBracketsIndent() {
        let input = """
            fn f(a: Int, b: Int) -> Int {
            let total = a +
            b +
            1
            let args = g(
            a,
            h(b,
            a),
            )
            if a > 1 &&
            b > 2 {
            return total
            }
            let p = P {
            x: 1,
            y: [
            1,
            ],
            }
            return Token(origin)
            .balance_of(caller)
            }
            """
        let expected = """
            fn f(a: Int, b: Int) -> Int {
                let total = a +
                    b +
                    1
                let args = g(
                    a,
                    h(b,
                        a),
                )
                if a > 1 &&
                    b > 2 {
                    return total
                }
                let p = P {
                    x: 1,
                    y: [
                        1,
                    ],
                }
                return Token(origin)
                    .balance_of(caller)
            }

            """
        #expect(formatted(input) == expected)
    }

    @Test func aSignatureOverSeveralLinesIndentsItsBodyFromTheFirstLine() {
        let input = """
            pub fn f(a: Int,
            b: Int) -> Int {
            return a + b
            }
            fn g(
            a: Int,
            ) {
            let x = a
            }
            """
        let expected = """
            pub fn f(a: Int,
                b: Int) -> Int {
                return a + b
            }
            fn g(
                a: Int,
            ) {
                let x = a
            }

            """
        #expect(formatted(input) == expected)
    }

    @Test func elseJoinsTheClosingBrace() {
        let input = "fn f(x: Int) {\n    if x > 1 {\n        x = 0\n    }\n    else {\n        x = 3\n    }\n}\n"
        #expect(formatted(input) == "fn f(x: Int) {\n    if x > 1 {\n        x = 0\n    } else {\n        x = 3\n    }\n}\n")
    }

    @Test func testFormsAndEmptyBlocks() {
        let input = """
            test "x" {
            as(@bob){r.f( 1 )}
            expect_revert ( "only owner" ){ as (@bob) { r.f(2) } }
            expect_revert{r.f(3)}
            try t.transfer(a,1)else{}
            }
            migrate(from_version:Int){}
            """
        let expected = """
            test "x" {
                as(@bob) { r.f(1) }
                expect_revert("only owner") { as(@bob) { r.f(2) } }
                expect_revert { r.f(3) }
                try t.transfer(a, 1) else { }
            }
            migrate(from_version: Int) { }

            """
        #expect(formatted(input) == expected)
    }

    @Test func crlfTabsAndTrailingWhitespaceAreCleaned() {
        let input = "contract C  \r\n\r\nfn f() {\r\n\tlet x = 1   \r\n}\r\n"
        #expect(formatted(input) == "contract C\n\nfn f() {\n    let x = 1\n}\n")
    }

    @Test func emptyAndCommentOnlyFiles() {
        #expect(formatted("") == "")
        #expect(formatted("\n\n") == "")
        #expect(formatted("   // only a comment   \n\n") == "// only a comment\n")
    }

    @Test func syntaxErrorsAreRefusedWithTheirDiagnostics() {
        let result = Formatter.format(SourceFile(path: "bad.dn", text: "fn f() {\n    let = 1\n}\n"))
        #expect(result.bytes == nil)
        #expect(!result.changed)
        #expect(result.diagnostics.contains { $0.severity == .error && $0.range.startLineColumn.line == 2 })
        #expect(Formatter.format(SourceFile(path: "bad.dn", text: "fn f() { \"open }\n")).bytes == nil)
    }

    @Test func typeErrorsDoNotStopTheFormatter() {
        #expect(formatted("fn f() -> Int {\n  return undefined_name+\"s\"\n}\n")
            == "fn f() -> Int {\n    return undefined_name + \"s\"\n}\n")
    }

    @Test func nonUTF8CommentBytesAreKept() {
        var bytes = Array("fn f() {\n  let x = 1 // caf".utf8)
        bytes += [0xE9, 0xFF]
        bytes += Array("\n}\n".utf8)
        let result = Formatter.format(SourceFile(path: "c.dn", bytes: bytes))
        var expected = Array("fn f() {\n    let x = 1 // caf".utf8)
        expected += [0xE9, 0xFF]
        expected += Array("\n}\n".utf8)
        #expect(result.bytes == expected)
    }

    /// Every `.dn` file in the repository: formatting is idempotent, and a file that compiles compiles to
    /// the same module after formatting. Files with syntax errors (error fixtures) must be refused.
    @Test func idempotentAndMeaningPreservingOnEveryRepositoryFile() throws {
        let files = repositorySources()
        #expect(files.count >= 10)
        var compared = 0
        for url in files {
            let original = [UInt8](try Data(contentsOf: url))
            let first = Formatter.format(SourceFile(path: url.path, bytes: original))
            guard let once = first.bytes else {
                #expect(first.diagnostics.contains { $0.severity == .error }, "\(url.path) refused without an error")
                continue
            }
            let second = Formatter.format(SourceFile(path: url.path, bytes: once))
            #expect(second.bytes == once, "not idempotent: \(url.path)")
            #expect(!second.changed, "not idempotent: \(url.path)")
            if let before = moduleBytes(original, path: url.path) {
                #expect(moduleBytes(once, path: url.path) == before, "module changed: \(url.path)")
                compared += 1
            }
        }
        #expect(compared >= 5)
    }

    /// Mutated repository files (bytes deleted, inserted, swapped; seeded, so every run is the same): the
    /// formatter never crashes, and whatever it accepts it formats idempotently.
    @Test func mutatedSourcesNeverCrashAndStayIdempotent() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
        let alphabet = Array("{}()[]<>,:.=-+*/!&|\"@#\n\t /_0aZ;\u{E9}".utf8)
        var accepted = 0
        // The smaller files (under 4 KB) cover every construct; twelve mutants each.
        for url in repositorySources() {
            let original = [UInt8](try Data(contentsOf: url))
            guard original.count < 4_096 else { continue }
            for _ in 0..<12 {
                var bytes = original
                for _ in 0..<(1 + next(3)) where !bytes.isEmpty {
                    let at = next(bytes.count)
                    switch next(3) {
                    case 0: bytes.remove(at: at)
                    case 1: bytes.insert(alphabet[next(alphabet.count)], at: at)
                    default: bytes.swapAt(at, next(bytes.count))
                    }
                }
                guard let once = Formatter.format(SourceFile(path: "m.dn", bytes: bytes)).bytes else { continue }
                accepted += 1
                #expect(Formatter.format(SourceFile(path: "m.dn", bytes: once)).bytes == once, "\(url.lastPathComponent)")
            }
        }
        #expect(accepted > 20)
    }

    @Test func formattingKeepsTheModuleIdOfAContractWithEveryForm() throws {
        let url = repositoryRoot.appendingPathComponent("Tests/CompilerTests/Fixtures/corpus/kitchen_sink.dn")
        let original = [UInt8](try Data(contentsOf: url))
        // Mangle the layout: strip indentation, then format back.
        let mangled = String(decoding: original, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
        let result = Formatter.format(SourceFile(path: url.path, text: mangled))
        let once = try #require(result.bytes)
        #expect(once == original)
        #expect(moduleBytes(once, path: url.path) != nil)
        #expect(moduleBytes(once, path: url.path) == moduleBytes(original, path: url.path))
    }
}
