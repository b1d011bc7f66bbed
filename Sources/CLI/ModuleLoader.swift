import Bytecode
import Foundation
import Verifier
import VM

/// Reads a module from a file: `.dna` assembly or `.dnb` bytecode. Errors say what and where.
enum ModuleLoader {
    struct LoadError: Error {
        var message: String
        var location: String?
    }

    static func read(_ path: String) throws(LoadError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError(message: "no such file '\(path)'")
        }
        guard !isDirectory.boolValue else { throw LoadError(message: "'\(path)' is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(message: "cannot read '\(path)'")
        }
        return data
    }

    static func load(_ path: String) throws(LoadError) -> Module {
        let data = try read(path)
        if path.hasSuffix(".dna") {
            guard let text = String(data: data, encoding: .utf8) else {
                throw LoadError(message: "'\(path)' is not UTF-8 text")
            }
            do {
                return try Assembler.assemble(text, fileName: path)
            } catch {
                throw LoadError(message: error.message, location: "\(path):\(error.line):\(error.column)")
            }
        }
        if path.hasSuffix(".dnb") {
            do {
                return try ModuleCodec.decode([UInt8](data))
            } catch {
                throw LoadError(message: "not a valid module: \(error)", location: path)
            }
        }
        throw LoadError(message: "'\(path)': unknown file type; expected .dna (assembly) or .dnb (bytecode)")
    }

    static func verify(_ module: Module, path: String) throws(LoadError) -> VerifiedModule {
        do {
            return try Verifier.verify(module)
        } catch {
            throw LoadError(message: "verification failed: \(error)", location: path)
        }
    }
}

extension Console {
    func report(_ e: ModuleLoader.LoadError) {
        error(e.message, at: e.location)
    }
}
