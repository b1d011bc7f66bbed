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
/// it: a commit is durable once the log is fsynced (`synchronous=FULL`), and a checkpoint interrupted by a crash
/// is redone from the log on the next open. Requests made while one is queued are merged.
///
/// Bounded: when a commit leaves more than `limit` frames in the log (the background checkpoint fell behind a
/// stream of large commits, or could not open its connection), the committing thread waits for the queue and
/// checkpoints itself, as SQLite would.
final class WALCheckpointer: Sendable {
    /// Frames from which a commit asks for a checkpoint (SQLite's automatic threshold).
    static let threshold: Int32 = 1_000
    /// Frames beyond which the committing thread checkpoints itself (256 MiB of 4 KiB pages).
    static let limit: Int32 = 65_536

    private let path: String
    private let queue = DispatchQueue(label: "datanet.sqlite.checkpoint")
    /// Whether a checkpoint is queued and not started yet.
    private let queued = Mutex(false)
    /// The background connection, touched only on `queue`.
    private let connection = Connection()
    /// Whether the background connection could not be opened: commits then checkpoint themselves.
    private let unavailable = Mutex(false)

    private final class Connection: @unchecked Sendable {
        var db: OpaquePointer?
    }

    init(path: String) {
        self.path = path
    }

    /// Called after each commit with the number of frames the log holds.
    func committed(frames: Int32, db: OpaquePointer) {
        if frames > Self.limit || (frames >= Self.threshold && unavailable.withLock { $0 }) {
            wait()
            sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
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
        queue.async { [self] in
            queued.withLock { $0 = false }
            guard let db = open() else { return }
            // Errors (SQLITE_BUSY while another checkpoint runs, an I/O error) leave the frames in the log,
            // where readers still find them; the next checkpoint copies them.
            sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
    }

    /// Checkpoints now, in the background connection (on the main one, `db`, when that could not open), and
    /// returns when done.
    func checkpointNow(db: OpaquePointer) {
        request()
        wait()
        if unavailable.withLock({ $0 }) { sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil) }
    }

    /// Returns once every checkpoint asked for so far has run.
    func wait() {
        queue.sync {}
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
