import Foundation

/// Finding source files under a directory, for the commands that take `DIR` (`test`, `fmt`, `check`).
public enum SourceTree {
    /// `files(under: path, suffix:)` when `path` is a directory; nil when it is not (a file, or nothing there).
    public static func files(inDirectory path: String, suffix: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        return files(under: path, suffix: suffix)
    }

    /// The files under `directory` whose names end with `suffix`, sorted; hidden directories (`.build`,
    /// `.git`, `.datanet`) are skipped.
    public static func files(under directory: String, suffix: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            if name.hasSuffix(suffix) {
                found.append(directory.hasSuffix("/") ? directory + relative : directory + "/" + relative)
            }
        }
        return found.sorted()
    }
}
