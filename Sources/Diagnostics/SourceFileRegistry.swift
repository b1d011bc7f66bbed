// The live source files by identity, so that ranges can hold a small id instead of a reference.
import Synchronization

/// A source file's identity: unique in the process, never reused.
public struct SourceFileID: Hashable, Comparable, Sendable {
    /// The raw number (1, 2, ...; 0 is the placeholder for a file that no longer exists).
    public let rawValue: UInt64

    init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// Equal ids, compared inline (ranges compare file ids on hot paths).
    @inlinable
    public static func == (lhs: SourceFileID, rhs: SourceFileID) -> Bool { lhs.rawValue == rhs.rawValue }

    public static func < (lhs: SourceFileID, rhs: SourceFileID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Weak references to every live `SourceFile`, keyed by id (never iterated, so the dictionary's order never
/// matters). Files register when created and leave when freed; a lookup takes a lock, so hot paths keep the file
/// they work on at hand instead of asking here.
enum SourceFileRegistry {
    private struct Entry {
        weak var file: SourceFile?
    }

    private struct State {
        var next: UInt64 = 1
        var files: [UInt64: Entry] = [:]
    }

    private static let state = Mutex(State())

    /// What `file(_:)` gives for a file that no longer exists (id 0, never registered).
    private static let missing = SourceFile(placeholderPath: "<unknown>")

    static func nextID() -> SourceFileID {
        state.withLock { state in
            defer { state.next += 1 }
            return SourceFileID(state.next)
        }
    }

    static func add(_ file: SourceFile) {
        guard file.id.rawValue != 0 else { return }
        state.withLock { $0.files[file.id.rawValue] = Entry(file: file) }
    }

    static func remove(_ id: SourceFileID) {
        guard id.rawValue != 0 else { return }
        _ = state.withLock { $0.files.removeValue(forKey: id.rawValue) }
    }

    static func file(_ id: SourceFileID) -> SourceFile {
        state.withLock { $0.files[id.rawValue]?.file } ?? missing
    }
}
