import Bytecode
import Foundation
import Testing

@testable import Verifier

/// Modules the fuzzer (Fuzz/, Docs/fuzzing.md) found the verifier accepting although they are unsafe to run.
@Suite struct FuzzRegressionTests {
    static func fixture(_ name: String) throws -> Module {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fuzz/\(name)")
        return try ModuleCodec.decode([UInt8](Data(contentsOf: url)))
    }

    /// Finding 2: `copy` of an Int was accepted, and the VM then read the Int's bits as an arena handle
    /// (a segmentation fault under the fuzzer).
    @Test func copyOfAnIntIsRejected() throws {
        let module = try Self.fixture("copy-of-int.dnb")
        #expect(throws: VerificationError.self) { try Verifier.verify(module) }
        do {
            _ = try Verifier.verify(module)
        } catch {
            #expect(error.message == "'copy' expects a list, map or struct but found int")
            #expect(error.functionName == "fib")
            #expect(error.offset == 47)
        }
    }
}
