import CSQLite

/// A prepared SQLite statement, reused across calls: bind, step, read columns, reset.
final class SQLiteStatement {
    private let db: OpaquePointer
    private let handle: OpaquePointer
    let sql: String

    /// SQLite copies bound blobs (`SQLITE_TRANSIENT`).
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self) }

    init(db: OpaquePointer, sql: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v2(db, sql, -1, &handle, nil)
        guard code == SQLITE_OK, let handle else {
            sqlite3_finalize(handle)
            throw SQLiteStore.error(db, code, "prepare \(sql)")
        }
        self.db = db
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `bytes` as a BLOB (an empty array as a zero-length blob, never NULL) to parameter `index` (1-based).
    func bind(_ bytes: [UInt8], at index: Int32) throws {
        let code = bytes.withUnsafeBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return sqlite3_bind_blob(handle, index, base, Int32(clamping: buffer.count), Self.transient)
        }
        guard code == SQLITE_OK else { throw SQLiteStore.error(db, code, "bind \(sql)") }
    }

    /// Binds `key` (and `value`, when given) as BLOBs to parameters 1 and 2 without SQLite copying them
    /// (`SQLITE_STATIC`: the arrays stay alive and unchanged until the bindings are cleared, which this does before
    /// returning), runs the statement to completion and resets it. For the writes of a batch.
    func run(key: [UInt8], value: [UInt8]? = nil) throws {
        try key.withUnsafeBytes { keyBuffer in
            // Cleared while the buffers are alive, error or not: SQLite keeps no pointer to them.
            defer { reset() }
            try bindStatic(keyBuffer, at: 1)
            try complete(value: value)
        }
    }

    /// Binds `value`, when given, to parameter 2 without SQLite copying it (the caller resets the statement
    /// before the array can change) and steps the statement to completion.
    private func complete(value: [UInt8]?) throws {
        guard let value else {
            while try step() {}
            return
        }
        try value.withUnsafeBytes { valueBuffer in
            try bindStatic(valueBuffer, at: 2)
            while try step() {}
        }
    }

    /// Binds `key` to parameter 1 without SQLite copying it (`SQLITE_STATIC`, cleared before returning), steps
    /// once and returns column 0 of the row as bytes, or `nil` when there is no row; resets. For point reads.
    func firstColumn(key: UnsafeRawBufferPointer) throws -> [UInt8]? {
        defer { reset() }
        try bindStatic(key, at: 1)
        return try step() ? bytes(at: 0) : nil
    }

    /// Binds `id` to parameter 1 (and `value`, when given, to parameter 2 without SQLite copying it, as above),
    /// runs the statement to completion and resets it. For the writes of a table keyed by an integer.
    func run(id: Int64, value: [UInt8]? = nil) throws {
        defer { reset() }
        try bind(id, at: 1)
        try complete(value: value)
    }

    /// Binds `id` to parameter 1, steps once and returns column 0 of the row as bytes, or `nil` when there is
    /// no row; resets. For point reads of a table keyed by an integer.
    func firstColumn(id: Int64) throws -> [UInt8]? {
        defer { reset() }
        try bind(id, at: 1)
        return try step() ? bytes(at: 0) : nil
    }

    /// Binds `buffer` as a BLOB to parameter `index` without SQLite copying it (`SQLITE_STATIC`): the caller keeps
    /// the bytes alive and unchanged until the statement is reset. An empty buffer is a zero-length blob.
    func bindStatic(_ buffer: UnsafeRawBufferPointer, at index: Int32) throws {
        let code: Int32
        if let base = buffer.baseAddress, buffer.count > 0 {
            code = sqlite3_bind_blob(handle, index, base, Int32(clamping: buffer.count), nil)
        } else {
            code = sqlite3_bind_zeroblob(handle, index, 0)
        }
        guard code == SQLITE_OK else { throw SQLiteStore.error(db, code, "bind \(sql)") }
    }

    /// Binds an integer to parameter `index` (1-based).
    func bind(_ value: Int64, at index: Int32) throws {
        let code = sqlite3_bind_int64(handle, index, value)
        guard code == SQLITE_OK else { throw SQLiteStore.error(db, code, "bind \(sql)") }
    }

    /// Steps once: `true` when a row is ready, `false` when done. Throws on any error.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteStore.error(db, code, sql)
        }
    }

    /// Runs a statement that returns no rows to completion, then resets it.
    func run() throws {
        defer { reset() }
        while try step() {}
    }

    /// Column `index` (0-based) of the current row as bytes (NULL and empty both read as empty).
    func bytes(at index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let base = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Clears bindings and rewinds, ready for reuse.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }
}
