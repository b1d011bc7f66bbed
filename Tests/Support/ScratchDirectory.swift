import Foundation

/// Directories for tests, all under one scratch root per test process (`datanet-tests-PID` in the system's
/// temporary directory) that is removed when the process exits, whether or not a test removed its own: the
/// suites are structs without teardown, and a failed `#require` skips any cleanup written after it.
public enum ScratchDirectory {
    /// A fresh, empty directory named `prefix-UUID` under the scratch root.
    public static func make(_ prefix: String) -> URL {
        _ = removeRootAtExit
        let dir = root().appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private static func root() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("datanet-tests-\(getpid())", isDirectory: true)
    }

    /// Registered once, on the first directory made.
    private static let removeRootAtExit: Void = {
        atexit { try? FileManager.default.removeItem(at: ScratchDirectory.root()) }
    }()
}
