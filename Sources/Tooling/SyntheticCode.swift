// What the REPL and the test runner share to run source code on the VM as a synthetic contract (the text itself
// is a `SyntheticSource`): which names a piece of code reads and changes, the type names of its locals, and
// compiling it with the session's named accounts.
import Bytecode
import Chain
import Compiler
import Diagnostics

enum SyntheticCode {
    /// The names (identifiers) `file` mentions.
    static func mentionedNames(_ file: SourceFile) -> Set<String> {
        var names: Set<String> = []
        for token in Lexer.tokenize(file).tokens where token.kind.isName {
            names.insert(String(decoding: file.bytes[token.start..<token.end], as: UTF8.self))
        }
        return names
    }

    /// Names of `var` bindings the input may change: assigned (`x = `, `x[i] = `, `x.f += `), pushed or popped,
    /// or passed to `remove`.
    static func mutatedNames(_ file: SourceFile) -> Set<String> {
        let tokens = Lexer.tokenize(file).tokens
        func text(_ t: Token) -> String { String(decoding: file.bytes[t.start..<t.end], as: UTF8.self) }
        var names: Set<String> = []
        for (i, token) in tokens.enumerated() where token.kind.isName {
            let name = text(token)
            if i >= 2, tokens[i - 1].kind == .leftParen, text(tokens[i - 2]) == "remove" { names.insert(name) }
            if i >= 1, tokens[i - 1].kind == .dot { continue }
            var j = i + 1
            var lastMember: String?
            walk: while j < tokens.count {
                switch tokens[j].kind {
                case .dot where j + 1 < tokens.count:
                    lastMember = text(tokens[j + 1])
                    j += 2
                case .leftBracket:
                    var depth = 0
                    while j < tokens.count {
                        if tokens[j].kind == .leftBracket { depth += 1 }
                        if tokens[j].kind == .rightBracket { depth -= 1; if depth == 0 { break } }
                        j += 1
                    }
                    j += 1
                    lastMember = nil
                default:
                    break walk
                }
            }
            guard j < tokens.count else { continue }
            switch tokens[j].kind {
            case .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual: names.insert(name)
            case .leftParen where lastMember == "push" || lastMember == "pop": names.insert(name)
            default: break
            }
        }
        return names
    }

    /// `["Int"]` of `List<Int>`, `["Address", "List<Int>"]` of `Map<Address, List<Int>>`.
    static func typeArguments(_ type: String) -> [String] {
        guard let open = type.firstIndex(of: "<"), type.hasSuffix(">") else { return [] }
        let inner = type[type.index(after: open)..<type.index(before: type.endIndex)]
        var parts: [String] = []
        var depth = 0
        var current = ""
        for c in inner {
            if c == "<" { depth += 1 }
            if c == ">" { depth -= 1 }
            if c == ",", depth == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// The type names of the last `count` locals of `function` in `module`, in declaration order: after
    /// compiling code that ends in `let __probe_i = name` lines, the types of those names.
    static func lastLocalTypes(_ module: Module, function: String, count: Int) -> [String]? {
        guard let index = module.functionIndex(named: function) else { return nil }
        let locals = module.functions[index].locals
        guard locals.count >= count else { return nil }
        return locals.suffix(count).map {
            Int($0) < module.types.count ? TypeNames.name(module.types[Int($0)], in: module) : "Int"
        }
    }

    /// Compiles `source` with the libraries of `stdlibDirectory` and every `@name` it mentions resolved to that
    /// account's address on `chain`. Diagnostics are those of the synthetic file (map them with `source.map`).
    static func compile(_ source: SyntheticSource, stdlibDirectory: String?, chain: LocalChain) -> CompileResult {
        var named: [String: [UInt8]] = [:]
        for name in TestRunner.accountNames(in: source.bytes) {
            if let address = try? chain.address(of: name) { named[name] = address }
        }
        return Compiler.compile(
            source.file(),
            options: CompileOptions(libraries: LibraryResolver(stdlibDirectory: stdlibDirectory), namedAccounts: named))
    }
}
