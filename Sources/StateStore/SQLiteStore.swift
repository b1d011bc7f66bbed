import CSQLite

/// A durable `KeyValueStore` in one SQLite file: WAL journal, one SQLite transaction per batch, the log fsynced
/// before `apply` returns (what `synchronous=FULL` does, done by the store itself: `syncLog`). Values, tree rows,
/// archive records and metadata are separate tables written in the same transaction, so after a crash the file
/// holds either the previous batch or the new one, never a mix.
///
/// Not thread-safe: use one instance from one thread (or actor) at a time. (Its log is checkpointed on a
/// background queue with a connection of its own: `WALCheckpointer`.)
public final class SQLiteStore: KeyValueStore {
    /// The schema version stored in `meta`. Version 1 stored one row per tree node; such a file is upgraded on
    /// open (the hashes are the same, so the tree is rebuilt from the values and must give the stored root).
    /// Version 2 kept every tree row in the `nodes` table under its nibble key; on open its rows of up to
    /// `TreeRowID.maxNibbles` nibbles move to the `tree` table under their integer id (`TreeRowID`), unchanged.
    /// A file with any other version is refused.
    public static let formatVersion: UInt8 = 3

    /// The file this store was opened on.
    public let path: String
    public private(set) var height: UInt64
    public private(set) var stateRoot: [UInt8]

    fileprivate let db: OpaquePointer
    private let statements: Statements
    /// Checkpoints the log in the background after commits (`WALCheckpointer`).
    private let checkpointer: WALCheckpointer
    /// The frames in the log after the last commit, as SQLite's WAL hook reports them.
    private let logFrames = LogFrames()

    private final class LogFrames {
        var count: Int32 = 0
    }
    /// Test hook: when set, `apply` throws `injectedFailure` after this many row writes, mid-transaction.
    var failAfterWrites: Int?
    /// Test hook: the next fsync of the log returns this code instead of running.
    var failNextLogSync: Int32?
    /// Why a committed batch could not be made durable: every later `apply` throws it (`syncLog`).
    private var durabilityFailure: StateStoreError?
    /// Whether the reads since the last commit share an open read transaction (`beginReads`).
    private var reading = false

    /// Every statement the store runs, prepared once at open.
    private struct Statements {
        let begin, beginRead, commit, rollback: SQLiteStatement
        let getValue, getNode, getTreeRow, getArchive: SQLiteStatement
        let scanFrom, scanAfter, scanArchiveFrom, scanArchiveAfter: SQLiteStatement
        let putValue, deleteValue, putNode, deleteNode, putTreeRow, deleteTreeRow, putArchive, deleteArchive: SQLiteStatement
        let putHeight, putRoot: SQLiteStatement
        /// `putValue` and `putTreeRow` for `SQLiteRows.rowsPerStatement` rows at once.
        let putValues, putTreeRows: SQLiteStatement

        init(_ db: OpaquePointer) throws {
            begin = try SQLiteStatement(db: db, sql: "BEGIN IMMEDIATE")
            beginRead = try SQLiteStatement(db: db, sql: "BEGIN DEFERRED")
            commit = try SQLiteStatement(db: db, sql: "COMMIT")
            rollback = try SQLiteStatement(db: db, sql: "ROLLBACK")
            getValue = try SQLiteStatement(db: db, sql: "SELECT value FROM kv WHERE key = ?1")
            getNode = try SQLiteStatement(db: db, sql: "SELECT node FROM nodes WHERE position = ?1")
            getTreeRow = try SQLiteStatement(db: db, sql: "SELECT node FROM tree WHERE id = ?1")
            getArchive = try SQLiteStatement(db: db, sql: "SELECT value FROM archive WHERE key = ?1")
            let scan = "SELECT key, value FROM kv WHERE key"
            scanFrom = try SQLiteStatement(db: db, sql: "\(scan) >= ?1 ORDER BY key LIMIT ?2")
            scanAfter = try SQLiteStatement(db: db, sql: "\(scan) > ?1 ORDER BY key LIMIT ?2")
            let scanArchive = "SELECT key, value FROM archive WHERE key"
            scanArchiveFrom = try SQLiteStatement(db: db, sql: "\(scanArchive) >= ?1 ORDER BY key LIMIT ?2")
            scanArchiveAfter = try SQLiteStatement(db: db, sql: "\(scanArchive) > ?1 ORDER BY key LIMIT ?2")
            putValue = try SQLiteStatement(db: db, sql: "INSERT OR REPLACE INTO kv(key, value) VALUES (?1, ?2)")
            deleteValue = try SQLiteStatement(db: db, sql: "DELETE FROM kv WHERE key = ?1")
            putNode = try SQLiteStatement(db: db, sql: "INSERT OR REPLACE INTO nodes(position, node) VALUES (?1, ?2)")
            deleteNode = try SQLiteStatement(db: db, sql: "DELETE FROM nodes WHERE position = ?1")
            putTreeRow = try SQLiteStatement(db: db, sql: "INSERT OR REPLACE INTO tree(id, node) VALUES (?1, ?2)")
            deleteTreeRow = try SQLiteStatement(db: db, sql: "DELETE FROM tree WHERE id = ?1")
            putArchive = try SQLiteStatement(db: db, sql: "INSERT OR REPLACE INTO archive(key, value) VALUES (?1, ?2)")
            let rows = SQLiteRows.rowsPerStatement
            putValues = try SQLiteStatement(db: db, sql: SQLiteRows.insert(into: "kv", "key", "value", rows: rows))
            putTreeRows = try SQLiteStatement(db: db, sql: SQLiteRows.insert(into: "tree", "id", "node", rows: rows))
            deleteArchive = try SQLiteStatement(db: db, sql: "DELETE FROM archive WHERE key = ?1")
            let meta = "INSERT OR REPLACE INTO meta(name, value) VALUES"
            putHeight = try SQLiteStatement(db: db, sql: "\(meta) ('height', ?1)")
            putRoot = try SQLiteStatement(db: db, sql: "\(meta) ('root', ?1)")
        }
    }

    private static let schema = """
        CREATE TABLE IF NOT EXISTS kv(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS nodes(position BLOB PRIMARY KEY, node BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tree(id INTEGER PRIMARY KEY, node BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS archive(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
        INSERT OR IGNORE INTO meta(name, value) VALUES
            ('format', x'03'), ('height', x'0000000000000000'), ('root', zeroblob(32));
        """

    /// Opens (creating if needed) the store in the SQLite file at `path`, and reads its height and root.
    /// Throws a `StateStoreError` for a file that is not a database, is corrupt, or has another format.
    public init(path: String) throws {
        var format: [UInt8] = []
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let db = handle else {
            let error = Self.error(handle, code, "open \(path)")
            sqlite3_close_v2(handle)
            throw error
        }
        do {
            sqlite3_busy_timeout(db, 5_000)
            // FULL: in WAL mode each COMMIT fsyncs the WAL, so a committed block survives power loss. (Once open,
            // `apply` fsyncs the log itself, after the COMMIT: see `syncLog`.)
            try Self.execute(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
            // The tree's nodes are read on every commit along the changed paths; SQLite's default 2 MiB page cache
            // holds the nodes of only ~10^4 keys, so larger states paid a read from the OS per node. 1 GiB is a
            // ceiling, not an allocation: pages are cached as they are read, so a store that reads little stays
            // small, and a node's whole state stays in memory up to ~4.5 × 10^6 keys (~220 bytes of file per
            // key). 128 MiB held only 60 % of a 10^6-key file: every commit touching the rest copied its pages in
            // from the OS again (Docs/performance.md, "Eleventh round").
            try Self.execute(db, "PRAGMA cache_size=-1048576;")
            try Self.execute(db, "BEGIN IMMEDIATE; \(Self.schema) COMMIT;")
            format = try Self.readMeta(db, "format")
            guard format == [Self.formatVersion] || format == [1] || format == [2] else {
                throw StateStoreError.corruptMetadata("unsupported format \(format) in \(path)")
            }
            let heightBytes = try Self.readMeta(db, "height")
            let root = try Self.readMeta(db, "root")
            guard heightBytes.count == 8, root.count == 32 else {
                throw StateStoreError.corruptMetadata("height or root of the wrong size in \(path)")
            }
            self.statements = try Statements(db)
            self.height = heightBytes.reduce(0) { $0 << 8 | UInt64($1) }
            self.stateRoot = root
        } catch {
            sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            sqlite3_close_v2(db)
            throw error
        }
        self.db = db
        self.path = path
        self.checkpointer = WALCheckpointer(path: path)
        // The hook replaces SQLite's automatic checkpoint on this connection: `apply` hands the log to the
        // checkpointer instead. The box outlives the connection (closed in deinit, before the properties go).
        sqlite3_wal_hook(db, { context, _, _, frames in
            if let context { Unmanaged<LogFrames>.fromOpaque(context).takeUnretainedValue().count = frames }
            return SQLITE_OK
        }, Unmanaged.passUnretained(logFrames).toOpaque())
        if format == [1] { try upgradeFromFormat1() }
        if format == [2] { try upgradeFromFormat2() }
        // From here on `apply` fsyncs the log after each COMMIT itself (`syncLog`): NORMAL is FULL without that
        // fsync, and the same for checkpoints and the log's header.
        try Self.execute(db, "PRAGMA synchronous=NORMAL;")
    }

    /// Rebuilds the tree rows of a format-1 file (one row per node) as format-2 rows (`NodeRows`) in one
    /// transaction, after checking that the values give the stored root.
    private func upgradeFromFormat1() throws {
        var values: [Write] = []
        var after: [UInt8]?
        while true {
            let page = try entries(prefix: [], after: after, limit: 4096)
            values += page.map { Write(key: $0.key, value: $0.value) }
            guard let last = page.last, page.count == 4096 else { break }
            after = last.key
        }
        var tree = SparseMerkleTree(root: SparseMerkleTree.emptyRoot, rows: { _ in nil })
        guard try tree.update(values) == stateRoot else {
            throw StateStoreError.corruptMetadata("format 1 file \(path): its values do not give its stored state root")
        }
        try endReads()
        try statements.begin.run()
        do {
            try Self.execute(db, "DELETE FROM nodes; DELETE FROM tree")
            var rows = SQLiteRows(many: statements.putTreeRows, one: statements.putTreeRow)
            for write in tree.nodeWrites { try putNode(write, into: &rows) }
            try rows.flush()
            try Self.execute(db, "UPDATE meta SET value = x'03' WHERE name = 'format'")
            try statements.commit.run()
        } catch {
            if sqlite3_get_autocommit(db) == 0 { try? statements.rollback.run() }
            throw error
        }
    }

    /// Moves the rows of a format-2 file that have an integer id (`TreeRowID`) from `nodes` to `tree`, byte for
    /// byte, in one transaction.
    private func upgradeFromFormat2() throws {
        try statements.begin.run()
        do {
            let rows = try SQLiteStatement(db: db, sql: "SELECT position, node FROM nodes")
            defer { rows.reset() }
            var moved: [[UInt8]] = []
            while try rows.step() {
                let position = rows.bytes(at: 0)
                guard let id = position.withUnsafeBytes(TreeRowID.init) else { continue }
                try statements.putTreeRow.run(id: id.value, value: rows.bytes(at: 1))
                moved.append(position)
            }
            rows.reset()
            for position in moved { try statements.deleteNode.run(key: position) }
            try Self.execute(db, "UPDATE meta SET value = x'03' WHERE name = 'format'")
            try statements.commit.run()
        } catch {
            if sqlite3_get_autocommit(db) == 0 { try? statements.rollback.run() }
            throw error
        }
    }

    deinit {
        try? endReads()
        checkpointer.close()
        sqlite3_close_v2(db)
    }

    /// Checkpoints the log now (all committed frames into the database file) and returns when done; commits
    /// never need this (they ask for checkpoints themselves). For benchmarks that time a commit with its checkpoint.
    /// Throws the first checkpoint failure since the last one reported (`WALCheckpointer`).
    public func checkpoint() throws {
        try endReads()
        try checkpointer.checkpointNow(db: db)
    }

    /// Returns once the checkpoints asked for by earlier commits have run (the log's frames are in the database
    /// file). Commits never need this; benchmarks and tests do. Throws as `checkpoint()` does.
    public func waitForCheckpoint() throws {
        try checkpointer.wait()
    }

    /// Test hook: the next checkpoint returns `code` instead of running.
    func failNextCheckpoint(with code: Int32) {
        checkpointer.injectedResult.withLock { $0 = code }
    }

    // MARK: - Reads

    /// Opens the read transaction the reads until the next commit share, unless one is open. Outside a
    /// transaction every statement is one of its own: SQLite then takes and drops the log's read lock (a few
    /// `fcntl` calls and a look at the shared log index) around each read, which cost a block of transfers
    /// about as much as the look-ups themselves (a new recipient's account, the tree rows on the changed paths).
    /// So reads between two commits see one snapshot: this store's own writes (it is the only writer of its
    /// file), not another connection's commits made since the first read.
    private func beginReads() throws {
        guard !reading else { return }
        try statements.beginRead.run()
        reading = true
    }

    /// Ends the read transaction, if one is open (before a write transaction or a checkpoint on `db`).
    private func endReads() throws {
        guard reading else { return }
        reading = false
        if sqlite3_get_autocommit(db) == 0 { try statements.commit.run() }
    }

    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        try single(statements.getValue, key)
    }

    public func node(at position: [UInt8]) throws -> [UInt8]? {
        try beginReads()
        return try position.withUnsafeBytes { key in
            if let id = TreeRowID(key) { return try statements.getTreeRow.firstColumn(id: id.value) }
            return try statements.getNode.firstColumn(key: key)
        }
    }

    public func entries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        try scan(statements.scanFrom, statements.scanAfter, prefix: prefix, after: after, limit: limit)
    }

    public func archived(_ key: [UInt8]) throws -> [UInt8]? {
        try single(statements.getArchive, key)
    }

    public func archivedEntries(prefix: [UInt8], after: [UInt8]?, limit: Int) throws -> [Entry] {
        try scan(statements.scanArchiveFrom, statements.scanArchiveAfter, prefix: prefix, after: after, limit: limit)
    }

    private func scan(
        _ from: SQLiteStatement, _ after: SQLiteStatement, prefix: [UInt8], after start: [UInt8]?, limit: Int
    ) throws -> [Entry] {
        guard limit > 0 else { return [] }
        try beginReads()
        let (bound, inclusive) = ByteOrder.scanStart(prefix: prefix, after: start)
        let statement = inclusive ? from : after
        defer { statement.reset() }
        try statement.bind(bound, at: 1)
        try statement.bind(Int64(clamping: limit), at: 2)
        var result: [Entry] = []
        while try statement.step() {
            let key = statement.bytes(at: 0)
            guard ByteOrder.hasPrefix(key, prefix) else { break }
            result.append(Entry(key: key, value: statement.bytes(at: 1)))
        }
        return result
    }

    /// A borrowed key is bound as it is (the overlay reads missing keys this way, without building an array).
    public func get(bytes key: UnsafeRawBufferPointer) throws -> [UInt8]? {
        try beginReads()
        return try statements.getValue.firstColumn(key: key)
    }

    private func single(_ statement: SQLiteStatement, _ key: [UInt8]) throws -> [UInt8]? {
        try beginReads()
        return try key.withUnsafeBytes { try statement.firstColumn(key: $0) }
    }

    // MARK: - Writes

    /// Applies `batch` in one `BEGIN IMMEDIATE … COMMIT` transaction and fsyncs the log; on any error before the
    /// COMMIT rolls back, leaving the file and this store's height and root as they were, and rethrows.
    public func apply(_ batch: WriteBatch) throws {
        try apply(batch, whileWaiting: nil)
    }

    /// `apply(_:)`, with `work` using this thread's core while the commit waits for the previous checkpoint or
    /// for the log's fsync (`CommitWaitWork`).
    public func apply(_ batch: WriteBatch, whileWaiting work: (any CommitWaitWork)?) throws {
        guard batch.stateRoot.count == 32 else {
            throw StateStoreError.corruptMetadata("state root of \(batch.stateRoot.count) bytes")
        }
        if let durabilityFailure { throw durabilityFailure }
        // The previous commit's checkpoint has overlapped whatever the caller did since (executing the next
        // block); it finishes before this transaction writes, so the two never fsync at once and the log
        // starts over from its beginning. If it failed, this batch is refused with its error.
        try endReads()
        try waiting(checkpointer.isRunning ? work : nil) { try checkpointer.wait() }
        try statements.begin.run()
        do {
            var written = 0
            var values = SQLiteRows(many: statements.putValues, one: statements.putValue)
            for write in batch.values {
                try checkInjectedFailure(written, flushing: &values)
                if let value = write.value {
                    try values.put(key: write.key, value: value)
                } else {
                    try statements.deleteValue.run(key: write.key)
                }
                written += 1
            }
            try values.flush()
            var treeRows = SQLiteRows(many: statements.putTreeRows, one: statements.putTreeRow)
            for write in batch.nodes {
                try checkInjectedFailure(written, flushing: &treeRows)
                try putNode(write, into: &treeRows)
                written += 1
            }
            try treeRows.flush()
            for write in batch.archive {
                try checkInjectedFailure(written)
                try put(write, set: statements.putArchive, delete: statements.deleteArchive)
                written += 1
            }
            try statements.putHeight.bind(Self.bigEndian(batch.height), at: 1)
            try statements.putHeight.run()
            try statements.putRoot.bind(batch.stateRoot, at: 1)
            try statements.putRoot.run()
            try statements.commit.run()
        } catch {
            if sqlite3_get_autocommit(db) == 0 {
                try? statements.rollback.run()
            }
            throw error
        }
        // Committed: the file holds the batch (readers see it), so this store's height and root are its.
        height = batch.height
        stateRoot = batch.stateRoot
        try waiting(work) { try syncLog() }
        checkpointer.committed(frames: logFrames.count, db: db)
    }

    /// Fsyncs the log through SQLite's own handle of it, as `synchronous=FULL` does at the end of each COMMIT
    /// (an `xSync` of the log with `SQLITE_SYNC_NORMAL`, before anything else writes the file); the connection
    /// runs `synchronous=NORMAL`, which is FULL without that fsync, so that the caller's `CommitWaitWork` can
    /// use this thread's core while the disk works. A batch is durable when `apply` returns, as before; another
    /// process may read it a moment earlier. When the fsync fails the batch is committed but perhaps not
    /// durable, and an operating system may have dropped the failed pages' dirty state, so a later fsync proves
    /// nothing: the error is thrown now and by every later `apply`, before it writes (reopen the store, which
    /// recovers the log as the disk holds it).
    private func syncLog() throws {
        var file: UnsafeMutablePointer<sqlite3_file>?
        var code = sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file)
        if code == SQLITE_OK {
            if let injected = failNextLogSync {
                failNextLogSync = nil
                code = injected
            } else if let file, let sync = file.pointee.pMethods?.pointee.xSync {
                code = sync(file, SQLITE_SYNC_NORMAL)
            } else {
                code = SQLITE_MISUSE
            }
        }
        guard code == SQLITE_OK else {
            let failure = StateStoreError.sqlite(
                operation: "the fsync of the log of \(path) after committing height \(height) (the batch is committed "
                    + "but may not be durable; reopen the store to go on)",
                code: code, message: String(cString: sqlite3_errstr(code)))
            durabilityFailure = failure
            throw failure
        }
    }

    private func put(_ write: Write, set: SQLiteStatement, delete: SQLiteStatement) throws {
        if let value = write.value {
            try set.run(key: write.key, value: value)
        } else {
            try delete.run(key: write.key)
        }
    }

    /// Writes a tree row: to `tree` under its integer id when it has one (a put gathered in `rows`, which the
    /// caller flushes), otherwise to `nodes` under its key.
    private func putNode(_ write: Write, into rows: inout SQLiteRows) throws {
        guard let id = write.key.withUnsafeBytes(TreeRowID.init) else {
            return try put(write, set: statements.putNode, delete: statements.deleteNode)
        }
        if let value = write.value {
            try rows.put(id: id.value, value: value)
        } else {
            try statements.deleteTreeRow.run(id: id.value)
        }
    }

    /// Runs `wait` (a call that blocks this thread), letting `work`, when given, use this thread's core meanwhile.
    private func waiting(_ work: (any CommitWaitWork)?, _ wait: () throws -> Void) throws {
        work?.commitWaitBegins()
        defer { work?.commitWaitEnds() }
        try wait()
    }

    private func checkInjectedFailure(_ written: Int) throws {
        if let limit = failAfterWrites, written >= limit { throw StateStoreError.injectedFailure }
    }

    /// `checkInjectedFailure`, writing the rows `pending` gathered first (so they are in the transaction).
    private func checkInjectedFailure(_ written: Int, flushing pending: inout SQLiteRows) throws {
        if let limit = failAfterWrites, written >= limit {
            try pending.flush()
            throw StateStoreError.injectedFailure
        }
    }

    // MARK: - Helpers

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    fileprivate static func execute(_ db: OpaquePointer, _ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(db, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw StateStoreError.sqlite(operation: sql, code: code, message: text)
        }
    }

    private static func readMeta(_ db: OpaquePointer, _ name: String) throws -> [UInt8] {
        let statement = try SQLiteStatement(db: db, sql: "SELECT value FROM meta WHERE name = '\(name)'")
        defer { statement.reset() }
        guard try statement.step() else { throw StateStoreError.corruptMetadata("missing '\(name)'") }
        return statement.bytes(at: 0)
    }

    /// A `StateStoreError` carrying SQLite's message for `code`.
    static func error(_ db: OpaquePointer?, _ code: Int32, _ operation: String) -> StateStoreError {
        let message = db.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        return .sqlite(operation: operation, code: code, message: message)
    }
}

extension SQLiteStore {
    /// Runs raw SQL on the store's connection; for tests that corrupt a database on purpose.
    func executeForTesting(_ sql: String) throws {
        try endReads()
        try Self.execute(db, sql)
    }
}
