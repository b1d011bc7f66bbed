// Finds the source of `use std.NAME` and `use "relative/path.dn"`.
import Diagnostics
import Foundation

/// Where libraries come from: a standard-library directory (`Stdlib/`) for `use std.NAME`, paths
/// relative to the using file for `use "file.dn"`, or an in-memory table (tests, the REPL).
public struct LibraryResolver: Sendable {
    /// The directory holding `NAME.dn` for each `std.NAME`.
    public var stdlibDirectory: String?
    /// Sources by path, consulted before the file system: `std/NAME.dn` for the standard library,
    /// otherwise the path as the relative `use` resolves it.
    public var sources: [String: String]

    /// A resolver over a standard-library directory and, optionally, in-memory sources.
    public init(stdlibDirectory: String? = nil, sources: [String: String] = [:]) {
        self.stdlibDirectory = stdlibDirectory
        self.sources = sources
    }

    /// A resolver that finds nothing.
    public static let none = LibraryResolver()

    /// The file of `std.NAME`, or nil. Its path is `std/NAME.dn` wherever the directory is, so modules
    /// (whose source maps name the file) do not depend on where the standard library is installed.
    public func standard(_ name: String) -> SourceFile? {
        let logical = "std/\(name).dn"
        if let text = sources[logical] { return SourceFile(path: logical, text: text) }
        guard let directory = stdlibDirectory, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return nil
        }
        return load(directory + "/" + name + ".dn").map { SourceFile(path: logical, bytes: $0.bytes) }
    }

    /// The names `std.NAME` can take, sorted: the in-memory `std/NAME.dn` sources and the directory's `NAME.dn`
    /// files. Empty when there is neither.
    public func standardNames() -> [String] {
        var names = Set(sources.keys.compactMap { key -> String? in
            guard key.hasPrefix("std/"), key.hasSuffix(".dn") else { return nil }
            return String(key.dropFirst(4).dropLast(3))
        })
        if let directory = stdlibDirectory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for file in files where file.hasSuffix(".dn") { names.insert(String(file.dropLast(3))) }
        }
        return names.sorted()
    }

    /// Where `use "path"` in `file` looks for it.
    public func relativePath(_ path: String, from file: SourceFile) -> String {
        LibraryResolver.join(LibraryResolver.directory(of: file.path), path)
    }

    /// The file `path` names, relative to the directory of `file`.
    public func relative(_ path: String, from file: SourceFile) -> SourceFile? {
        let resolved = relativePath(path, from: file)
        if let text = sources[resolved] { return SourceFile(path: resolved, text: text) }
        if let text = sources[path] { return SourceFile(path: path, text: text) }
        return load(resolved)
    }

    /// The file a module's source map names `name` (`sourceMapName(of:main:)`): `std/NAME.dn` from the standard
    /// library, any other name relative to the directory of `main`, the file the module was compiled from; nil
    /// when it cannot be read.
    public func file(ofSourceMapName name: String, main: String) -> SourceFile? {
        if name.hasPrefix("std/"), name.hasSuffix(".dn") { return standard(String(name.dropFirst(4).dropLast(3))) }
        return load(LibraryResolver.sourcePath(of: name, main: main))
    }

    private func load(_ path: String) -> SourceFile? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return SourceFile(path: path, bytes: [UInt8](data))
    }

    /// The name a module's source map gives the file at `path` when the module's main file is `main`: the main
    /// file's own name, another file's path relative to the main file's directory, and `std/NAME.dn` for the
    /// standard library — never where the files happen to be on this machine, so a module's bytes, its id and
    /// every state root that holds it are the same wherever and from whichever directory it is compiled.
    public static func sourceMapName(of path: String, main: String) -> String {
        if path.hasPrefix("std/") { return path }
        if path == main { return String(main.split(separator: "/").last ?? Substring(main)) }
        let base = directory(of: main)
        if base.isEmpty { return path }
        if path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
        guard path.hasPrefix("/") == base.hasPrefix("/") else { return path }
        let from = base.split(separator: "/").map(String.init)
        let to = path.split(separator: "/").map(String.init)
        var common = 0
        while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
        guard !from[common...].contains("..") else { return path }
        return (Array(repeating: "..", count: from.count - common) + to[common...]).joined(separator: "/")
    }

    /// Where the file a source map calls `name` is, for a module compiled from the main file at `main`.
    public static func sourcePath(of name: String, main: String) -> String {
        if name.hasPrefix("std/") || name.hasPrefix("/") { return name }
        return join(directory(of: main), name)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func join(_ directory: String, _ path: String) -> String {
        if path.hasPrefix("/") || directory.isEmpty { return path }
        var parts = directory.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for part in path.split(separator: "/").map(String.init) {
            if part == "." { continue }
            if part == "..", let last = parts.last, !last.isEmpty, last != ".." {
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}
