import Bytecode
import Compiler
import Diagnostics
import Testing
import Verifier
import VM

/// The contract of LANGUAGE.md compiles, verifies and pays out pro rata on an in-memory host.
@Suite struct RoyaltySplitTests {
    private let owner = [UInt8](repeating: 1, count: 32)
    private let bob = [UInt8](repeating: 7, count: 32)
    private let carol = [UInt8](repeating: 8, count: 32)

    @Test func compilesWithTheExpectedABI() throws {
        let module = try #require(compileModule(repositoryFile("Examples/royalty/royalty_split.dn")))
        let kinds = module.functions.map { "\($0.name):\($0.kind.name)" }
        #expect(
            kinds.starts(with: [
                "init:init", "set_share:public", "distribute:public", "share_of:view",
                "helper:private", "migrate:migrate",
            ]))
        #expect(module.state.map(\.name) == ["owner", "rate_bps", "shares", "members", "total"])
        #expect(module.events.map(\.name) == ["Paid"])
        #expect(module.sourceMap?.entries.isEmpty == false)
    }

    @Test func distributesProRataAndKeepsTheRemainder() throws {
        let module = try #require(compileModule(repositoryFile("Examples/royalty/royalty_split.dn")))
        let program = Program(try Verifier.verify(module))
        var host = MemoryHost()
        #expect(run(program, "init", [.address(owner)], host: &host).trap == nil)
        #expect(run(program, "set_share", [.address(bob), .int(1)], host: &host).trap == nil)
        #expect(run(program, "set_share", [.address(carol), .int(2)], host: &host).trap == nil)
        host.balances[host.context.selfAddress] = 100
        #expect(run(program, "distribute", [.int(100)], host: &host).values == [.int(1)])
        #expect(host.balances[bob] == 33)
        #expect(host.balances[carol] == 66)
        #expect(host.events.map(\.name) == ["Paid", "Paid"])
        #expect(run(program, "share_of", [.address(carol)], host: &host).values == [.int(2)])
    }

    @Test func onlyTheOwnerSetsShares() throws {
        let program = try #require(compileProgram(repositoryFile("Examples/royalty/royalty_split.dn")))
        var host = MemoryHost()
        #expect(run(program, "init", [.address(bob)], host: &host).trap == nil)
        #expect(run(program, "set_share", [.address(bob), .int(5)], host: &host).trap?.message == "only owner")
    }
}
