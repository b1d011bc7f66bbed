// Freeing a large syntax tree on two threads. A tree of a 50,000-line file is some hundred thousand boxes and
// arrays; releasing it on one thread took about a sixth of the whole compile (after parsing, checking and code
// generation ran on two). When the file was parsed in runs, the declarations of the first run (made on the calling
// thread, so in its allocator arena) are freed here and the rest on a thread of their own, at the same time.
//
// A subtree is freed by whichever thread drops the last reference to it, so this is only a question of speed:
// when something else still holds part of the tree, that part is freed later, where that holder lets it go.

/// Releases syntax trees, on two threads when asked.
enum SyntaxRelease {
    /// Releases `ast`: its declarations from `split` on on another thread, the others on this one, when
    /// `onTwoThreads`; all on this thread otherwise (or when `split` leaves one side empty). Returns once
    /// both are done.
    static func release(_ ast: consuming SourceFileAST, split: Int, onTwoThreads: Bool) {
        var head = ast.declarations
        _ = consume ast
        guard onTwoThreads, split > 0, split < head.count else { return }
        let tail = Detached(Array(head[split...]))
        head.removeSubrange(split...)
        let other = WorkerThreads<Void>.start(1..<2) { _ in tail.drop() }
        head = []
        _ = other.wait()
    }

    /// Declarations handed to another thread, dropped there.
    private final class Detached: @unchecked Sendable {
        // Only the thread that `drop`s touches it after `init`.
        private var declarations: [Decl]

        init(_ declarations: [Decl]) { self.declarations = declarations }

        func drop() { declarations = [] }
    }
}
