import Bytecode
import Compiler
import Diagnostics
import Foundation

/// `datanet disasm FILE.dn`: each function's bytecode with the source lines it came from, from the
/// module's source map.
enum SourceListing {
    /// The listing of `module`, compiled from the main file at `main` (source-map names are relative to it).
    static func text(of module: Module, compiledFrom main: String) -> String {
        let resolver = LibraryResolver(stdlibDirectory: SourceCompilation.stdlibDirectory())
        var files: [String: SourceFile?] = [:]
        func line(_ path: String, _ number: Int) -> String {
            if files[path] == nil { files[path] = resolver.file(ofSourceMapName: path, main: main) }
            guard let found = files[path] ?? nil, number >= 1, number <= found.lineCount else { return "" }
            return found.text(found.lineRange(number - 1)).trimmingCharacters(in: .whitespaces)
        }
        let map = module.sourceMap
        var out: [String] = ["; module \(module.name)"]
        for (index, function) in module.functions.enumerated() {
            let params = function.params.map { typeName(module, $0) }.joined(separator: ", ")
            let results = function.results.map { typeName(module, $0) }.joined(separator: ", ")
            out.append("")
            out.append(
                ".fn \(function.kind.name) \(function.name)(\(params))" + (results.isEmpty ? "" : " -> \(results)")
                    + "    ; locals \(function.locals.count), max stack \(function.maxStack)")
            let entries = (map?.entries ?? []).filter { Int($0.function) == index }
            var next = 0
            var lastLine: (UInt16, UInt32)?
            let instructions = (try? Instruction.decodeAll(function.code)) ?? []
            for inst in instructions {
                while next < entries.count, Int(entries[next].offset) <= inst.offset {
                    let e = entries[next]
                    next += 1
                    guard lastLine.map({ $0 != (e.file, e.line) }) ?? true, let files = map?.files,
                        Int(e.file) < files.count
                    else { continue }
                    lastLine = (e.file, e.line)
                    let path = files[Int(e.file)]
                    out.append("    ; \(path):\(e.line)  \(line(path, Int(e.line)))")
                }
                let imms = inst.immediates.map(String.init).joined(separator: " ")
                let offset = String(inst.offset)
                out.append(
                    "    " + String(repeating: " ", count: max(0, 5 - offset.count)) + offset + "  "
                        + inst.opcode.info.mnemonic + (imms.isEmpty ? "" : " " + imms))
            }
        }
        return out.joined(separator: "\n")
    }

    private static func typeName(_ module: Module, _ index: UInt16) -> String {
        guard Int(index) < module.types.count else { return "?" }
        switch module.types[Int(index)] {
        case .int: return "int"
        case .dec: return "dec"
        case .bool: return "bool"
        case .address: return "address"
        case .hash: return "hash"
        case .string: return "string"
        case .bytes: return "bytes"
        case .list(let e): return "list<\(typeName(module, e))>"
        case .map(let k, let v): return "map<\(typeName(module, k)), \(typeName(module, v))>"
        case .structure(let s): return Int(s) < module.structs.count ? module.structs[Int(s)].name : "?"
        }
    }
}
