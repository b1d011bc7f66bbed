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
            out.append("")
            guard let listing = Disassembler.listing(of: module, function: index) else {
                out.append("; function \(index) (\(function.name)): its code does not decode")
                continue
            }
            out.append(listing.header + "    ; locals \(function.locals.count), max stack \(function.maxStack)")
            let entries = (map?.entries ?? []).filter { Int($0.function) == index }
            var next = 0
            var lastLine: (UInt16, UInt32)?
            for (offset, text) in listing.instructions {
                while next < entries.count, Int(entries[next].offset) <= offset {
                    let e = entries[next]
                    next += 1
                    guard lastLine.map({ $0 != (e.file, e.line) }) ?? true, let files = map?.files,
                        Int(e.file) < files.count
                    else { continue }
                    lastLine = (e.file, e.line)
                    let path = files[Int(e.file)]
                    out.append("    ; \(path):\(e.line)  \(line(path, Int(e.line)))")
                }
                let number = String(offset)
                out.append("    " + String(repeating: " ", count: max(0, 5 - number.count)) + number + "  " + text)
            }
        }
        return out.joined(separator: "\n")
    }
}
