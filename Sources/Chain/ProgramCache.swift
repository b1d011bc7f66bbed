import Bytecode
import Verifier
import VM

/// Lowered programs by module id: each module is decoded, verified and lowered once per process.
/// The dictionary is only looked up, never iterated.
public final class ProgramCache: @unchecked Sendable {
    private var programs: [[UInt8]: Program] = [:]

    /// An empty cache.
    public init() {}

    /// The program of module `id`, loading its bytes with `load` the first time.
    func program(id: [UInt8], load: () throws -> [UInt8]?) throws -> Program {
        if let program = programs[id] { return program }
        guard let bytes = try load() else { throw ChainError.malformed("module \(Hex.prefixed(id)) is missing") }
        let module: Module
        do {
            module = try ModuleCodec.decode(bytes)
        } catch {
            throw ChainError.malformed("stored module \(Hex.prefixed(id)): \(error)")
        }
        let verified: VerifiedModule
        do {
            verified = try Verifier.verify(module)
        } catch {
            throw ChainError.malformed("stored module \(Hex.prefixed(id)) does not verify: \(error)")
        }
        let program = Program(verified)
        programs[id] = program
        return program
    }

    /// Remembers an already verified program under `id` (deploy and upgrade verify before storing).
    func insert(_ program: Program, id: [UInt8]) {
        programs[id] = program
    }
}
