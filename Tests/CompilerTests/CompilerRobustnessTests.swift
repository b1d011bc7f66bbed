import Bytecode
import Compiler
import Foundation
import Diagnostics
import Testing
import Verifier

/// No input crashes or hangs the type checker and code generator, and whatever compiles verifies.
@Suite struct CompilerRobustnessTests {
    private static let corpus = [
        repositoryFile("Examples/royalty/royalty_split.dn"), repositoryFile("Examples/bench/w1.dn"),
        repositoryFile("Stdlib/math.dn"),
        String(decoding: fixtureBytes("sema_errors.dn"), as: UTF8.self),
        String(decoding: fixtureBytes("corpus/kitchen_sink.dn"), as: UTF8.self),
        String(decoding: fixtureBytes("corpus/kitchen_sink.dn"), as: UTF8.self),
    ]

    /// Compiles `text`; a module, when produced, must verify, and diagnostics must lie inside the file.
    private func compileChecked(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> CompileResult {
        let file = SourceFile(path: "fuzz.dn", text: text)
        let result = Compiler.compile(file, options: CompileOptions(libraries: resolver()))
        for d in result.diagnostics where d.range.file === file {
            #expect(d.range.start >= 0 && d.range.end <= file.bytes.count, sourceLocation: sourceLocation)
        }
        if let module = result.module {
            #expect(throws: Never.self, "\(text)", sourceLocation: sourceLocation) { try Verifier.verify(module) }
        }
        _ = DiagnosticRenderer().render(result.diagnostics)
        return result
    }

    /// The fuzz target: `DATANET_FUZZ_ROUNDS=100000 swift test --filter tokenMutations` runs it longer
    /// (`DATANET_FUZZ_SEED` picks another sequence); Docs/language.md records a long run.
    @Test func tokenMutationsOfValidContracts() {
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["DATANET_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 1200
        var rng = SeededGenerator(state: environment["DATANET_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xDA7A)
        var compiled = 0
        let start = ContinuousClock.now
        for round in 0..<rounds {
            let base = Self.corpus[round % Self.corpus.count]
            var words = base.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<(1 + Int(rng.next() % 3)) where !words.isEmpty {
                let i = Int(rng.next() % UInt64(words.count))
                switch rng.next() % 4 {
                case 0: words.remove(at: i)
                case 1: words.insert(words[Int(rng.next() % UInt64(words.count))], at: i)
                case 2:
                    words[i] =
                        [
                            "x", "0", "true", "\"s\"", "{", "}", "(", ")", "[", "]", "-", "return", "let", ".", "1.5",
                            "caller", "label", "entry", "==", "+", "items", "weights", "amount", "who", "t",
                        ]
                        .randomElement(using: &rng) ?? "x"
                default: words.swapAt(i, Int(rng.next() % UInt64(words.count)))
                }
            }
            if compileChecked(words.joined(separator: " ")).module != nil { compiled += 1 }
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        print("fuzz: \(rounds) mutants, \(compiled) compiled and verified, \(String(format: "%.1f", seconds)) s")
        #expect(compiled > 0)
    }

    @Test func garbageAndEdgeInputs() {
        var rng = SeededGenerator(state: 7)
        for _ in 0..<200 {
            let bytes = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let file = SourceFile(path: "g.dn", bytes: [UInt8]("contract G\n".utf8) + bytes)
            _ = Compiler.compile(file)
        }
        for text in [
            "", "contract", "contract C", "library L", "contract C\nfn", "contract C\nfn f(",
            "contract C\nstate x: Map<Map<Int, Int>, Int>", "contract C\nstruct S { s: S }\nfn f() { var s: S }",
            "contract C\nstruct A { b: B }\nstruct B { a: A }\nfn f() -> A { var a: A\nreturn a }",
            "contract C\nfn f() -> Int { return f() }", "contract C\nconst A: Int = A + 1",
        ] {
            _ = compileChecked(text)
        }
    }

    @Test func deepAndLongInputs() {
        let deep = String(repeating: "(", count: 250) + "1" + String(repeating: ")", count: 250)
        #expect(compileChecked("contract C\nfn f() -> Int { return \(deep) }").module != nil)
        let chain = Array(repeating: "x", count: 250).joined(separator: " + ")
        #expect(compileChecked("contract C\nfn f(x: Int) -> Int { return \(chain) }").module != nil)
        let nested = String(repeating: "if true { ", count: 200) + String(repeating: "} ", count: 200)
        #expect(compileChecked("contract C\nfn f() { \(nested) }").module != nil)
        let many = (0..<3000).map { "    var v\($0) = \($0)" }.joined(separator: "\n")
        #expect(compileChecked("contract C\nfn f() {\n\(many)\n}").module != nil)
        let tooDeep = String(repeating: "(", count: 10_000) + String(repeating: ")", count: 10_000)
        #expect(compileChecked("contract C\nfn f() -> Int { return \(tooDeep) }").hasErrors)
        let longLine = "contract C\nfn f() -> String { return \"" + String(repeating: "a", count: 1_000_000) + "\" }"
        #expect(compileChecked(longLine).module != nil)
    }

    @Test func outputIsDeterministic() throws {
        let text = repositoryFile("Examples/royalty/royalty_split.dn")
        let a = try #require(compileModule(text))
        let b = try #require(compileModule(text))
        #expect(ModuleCodec.encode(a) == ModuleCodec.encode(b))
    }
}

extension CompilerRobustnessTests {
    @Test func limitsAreCompileErrorsNotVerifierFailures() {
        let many = (0..<5000).map { "    var v\($0) = \($0)" }.joined(separator: "\n")
        let result = Compiler.compile(SourceFile(path: "big.dn", text: "contract C\nfn f() {\n\(many)\n}"))
        #expect(result.module == nil)
        #expect(
            result.diagnostics.map(\.message) == [
                "function has too many local variables and temporaries (the limit is 4096)"
            ])
    }
}
