import Bytecode
import Diagnostics
import Foundation
import Verifier
import VM

/// Reads a module from a file: `.dna` assembly or `.dnb` bytecode. Errors say what and where.
enum ModuleLoader {
    struct LoadError: Error {
        var message: String
        var location: String?
        /// Compiler diagnostics, already rendered, printed instead of `message`.
        var rendered: String?
        /// The verifier's reason, when verification rejected the module.
        var verification: VerificationError?
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

    /// Writes `bytes` to the file `path` (`-o`), or says why it cannot: a directory, a missing directory, no
    /// permission.
    static func write(_ bytes: [UInt8], to path: String) throws(LoadError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw LoadError(message: "cannot write '\(path)': it is a directory; -o names the output file, e.g. '-o "
                + (path.hasSuffix("/") ? path : path + "/") + "NAME.dnb'")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) {
            throw LoadError(message: "cannot write '\(path)': no such directory '\(parent)'")
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw LoadError(message: "cannot write '\(path)': permission denied or no space left")
        }
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
        if path.hasSuffix(".dn") {
            let result = SourceCompilation.compile(path: path, data: data)
            guard let module = result.module else {
                let text = DiagnosticRenderer().render(result.diagnostics.filter { $0.severity == .error })
                throw LoadError(message: "'\(path)' does not compile", location: nil, rendered: text)
            }
            return module
        }
        // Bytecode is recognised by its magic as well as by its extension, so `build -o ANY_NAME` loads back.
        if path.hasSuffix(".dnb") || data.starts(with: ModuleCodec.magic) {
            do {
                return try ModuleCodec.decode([UInt8](data))
            } catch {
                throw LoadError(message: "not a valid module: \(error)", location: path)
            }
        }
        throw LoadError(
            message: "'\(path)': unknown file type; expected .dn (source), .dna (assembly) or .dnb (bytecode)")
    }

    static func verify(_ module: Module, path: String) throws(LoadError) -> VerifiedModule {
        do {
            return try Verifier.verify(module)
        } catch {
            throw LoadError(message: "verification failed: \(error)", location: path, verification: error)
        }
    }
}

extension Console {
    func report(_ e: ModuleLoader.LoadError) {
        if let rendered = e.rendered, !rendered.isEmpty {
            var text = rendered
            while text.hasSuffix("\n") { text.removeLast() }
            err(text)
            return
        }
        error(e.message, at: e.location)
    }
}
