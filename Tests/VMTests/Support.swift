import Bytecode
import Foundation
import Verifier
@testable import VM

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Assembles, verifies and lowers `source`.
func program(_ source: String, fuse: Bool = true) throws -> Program {
    Program(try Verifier.verify(try Assembler.assemble(source)), fuse: fuse)
}

/// Loads one of the benchmark workloads from Examples/bench.
func benchModule(_ file: String) throws -> Module {
    let url = repositoryRoot.appendingPathComponent("Examples/bench/\(file)")
    return try Assembler.assemble(String(contentsOf: url, encoding: .utf8), fileName: file)
}

/// Calls `function` on a fresh `MemoryHost`.
func call(
    _ program: Program, _ function: String, _ args: [Value] = [], gas: Int64 = 1 << 40, host: inout MemoryHost
) -> ExecutionResult {
    Interpreter.call(program, function: function, args: args, host: &host, gasLimit: gas)
}

func call(_ program: Program, _ function: String, _ args: [Value] = [], gas: Int64 = 1 << 40) -> ExecutionResult {
    var host = MemoryHost()
    return call(program, function, args, gas: gas, host: &host)
}
