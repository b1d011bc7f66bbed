import Bytecode
import Compiler
import Diagnostics
import Testing

/// `@name` accounts compile only when the caller (the REPL) gives their addresses.
@Suite struct NamedAccountTests {
    let source = "contract C\npub fn who() -> Address {\n    return @bob\n}\n"

    @Test func namedAccountsAreAnErrorByDefault() {
        let result = Compiler.compile(SourceFile(path: "c.dn", text: source))
        #expect(result.module == nil)
        #expect(result.diagnostics.map(\.message) == ["named accounts like '@alice' exist only in tests and the REPL"])
    }

    @Test func namedAccountsCompileToTheirAddresses() {
        let bob = [UInt8](repeating: 0xB0, count: 32)
        let result = Compiler.compile(
            SourceFile(path: "c.dn", text: source), options: CompileOptions(namedAccounts: ["bob": bob]))
        #expect(result.diagnostics.isEmpty)
        #expect(result.module?.constants.contains(.address(bob)) == true)
    }
}
