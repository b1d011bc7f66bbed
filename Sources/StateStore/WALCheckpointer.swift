import CSQLite
import Dispatch
import Synchronization

/// Copies the committed frames of an `SQLiteStore`'s write-ahead log into the database file on a background
/// thread, through a connection of its own, so a commit does not wait for those writes and their fsync.
///
/// SQLite's own automatic checkpoint runs inside the `COMMIT` that takes the log past 1,000 frames: it copies every
/// page the log holds into the database file (random writes across a file of hundreds of MiB for a large state)
/// and fsyncs it, on the committing thread. Here that commit only asks for a checkpoint; a serial queue runs it
/// (`PASSIVE`: it never blocks the writer or readers) while the caller carries on. Durability does not depend on
/// it: a commit is durable once the log is fsynced (`SQLiteStore.syncLog`), and a checkpoint interrupted by a crash
/// is redone from the log on the next open. Requests made while one is queued are merged. The next `apply` waits
/// for the checkpoint before it writes: at most one is in flight, it overlaps what the caller does between
/// commits (executing the next block) but never a commit's own writes and fsync (on ext4 one file's fsync can wait
/// for the other's writes), and the log starts over from its beginning at every commit.
///
/// Bounded: when a commit leaves more than `limit` frames in the log (the background checkpoint fell behind a
/// stream of large commits, or could not open its connection), the committing thread waits for the queue and
/// checkpoints itself, as SQLite would.
///
/// Errors are reported, not swallowed: a checkpoint that fails (an I/O error, a full disk; not `SQLITE_BUSY`,
/// which only means another connection was checkpointing and leaves the frames for the next one) is kept, and
/// the next `wait()` throws it once: the next `apply` fails before it writes anything, and `checkpoint()` /
/// `waitForCheckpoint()` throw. The committed blocks stay in the log, where readers and the next open find them;
/// the next checkpoint tries again. No thread outlives the store: closing it waits for the queue.
final class WALCheckpointer: Sendable {
    /// Frames from which a commit asks for a checkpoint (SQLite's automatic threshold).
    static let threshold: Int32 = 1_000
    /// Frames beyond which the committing thread checkpoints itself (256 MiB of 4 KiB pages).
    static let limit: Int32 = 65_536

    private let path: String
    private let queue = DispatchQueue(label: "datanet.sqlite.checkpoint")
    /// Whether a checkpoint is queued and not started yet.
    private let queued = Mutex(false)
    /// Checkpoints queued and not finished.
    private let outstanding = Atomic<Int>(0)
    /// The background connection, touched only on `queue`.
    private let connection = Connection()
    /// Whether the background connection could not be opened: commits then checkpoint themselves.
    private let unavailable = Mutex(false)
    /// The first checkpoint failure not reported yet (thrown by the next `wait()`).
    private let failure = Mutex<StateStoreError?>(nil)
    /// Test hook: the result code the next checkpoint returns instead of running.
    let injectedResult = Mutex<Int32?>(nil)

    private final class Connection: @unchecked Sendable {
        var db: OpaquePointer?
    }

    init(path: String) {
        self.path = path
    }

    /// Called after each commit with the number of frames the log holds.
    func committed(frames: Int32, db: OpaquePointer) {
        if frames > Self.limit || (frames >= Self.threshold && unavailable.withLock { $0 }) {
            queue.sync {}
            run(db)
        } else if frames >= Self.threshold {
            request()
        }
    }

    /// Queues a checkpoint unless one is queued already.
    func request() {
        let first = queued.withLock { isQueued in
            defer { isQueued = true }
            return !isQueued
        }
        guard first else { return }
        outstanding.add(1, ordering: .relaxed)
        queue.async { [self] in
            defer { outstanding.subtract(1, ordering: .releasing) }
            queued.withLock { $0 = false }
            guard let db = open() else { return }
            run(db)
        }
    }

    /// Whether a checkpoint is queued or running: `wait()` would block.
    var isRunning: Bool { outstanding.load(ordering: .acquiring) > 0 }

    /// Runs a `PASSIVE` checkpoint on `db` and keeps its error, if any, for the next `wait()`.
    private func run(_ db: OpaquePointer) {
        let injected = injectedResult.withLock { $0.take() }
        let code = injected ?? sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        guard code != SQLITE_OK, code != SQLITE_BUSY else { return }
        let operation = "the checkpoint of \(path) (the committed blocks are safe in its log; the next checkpoint retries)"
        let error = SQLiteStore.error(injected == nil ? db : nil, code, operation)
        failure.withLock { if $0 == nil { $0 = error } }
    }

    /// Checkpoints now, in the background connection (on the main one, `db`, when that could not open), and
    /// returns when done.
    func checkpointNow(db: OpaquePointer) throws {
        request()
        queue.sync {}
        if unavailable.withLock({ $0 }) { run(db) }
        try wait()
    }

    /// Returns once every checkpoint asked for so far has run; throws (once) the first of them that failed.
    func wait() throws {
        queue.sync {}
        if let error = failure.withLock({ $0.take() }) { throw error }
    }

    /// Waits for the queue and closes the background connection.
    func close() {
        queue.sync {
            sqlite3_close_v2(connection.db)
            connection.db = nil
        }
    }

    /// The background connection, opened on first use (on `queue`); nil when it cannot be opened.
    private func open() -> OpaquePointer? {
        if let db = connection.db { return db }
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        // A connection learns that the file is in WAL mode when it first reads it; until then a checkpoint
        // call does nothing.
        guard code == SQLITE_OK, let handle,
            sqlite3_exec(handle, "SELECT count(*) FROM sqlite_schema", nil, nil, nil) == SQLITE_OK
        else {
            sqlite3_close_v2(handle)
            unavailable.withLock { $0 = true }
            return nil
        }
        connection.db = handle
        return handle
    }
}
