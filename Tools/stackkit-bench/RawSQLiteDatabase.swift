import CSQLite

/// One raw SQLite connection for the SQLite baseline, opened and configured exactly as the store's writer
/// connection (`SQLITE_OPEN_NOMUTEX`, WAL, `synchronous=NORMAL`, a 5 s busy timeout, the same table DDL).
///
/// Not `Sendable` and not thread-safe: the baseline creates, uses and closes it on one dedicated thread.
final class RawSQLiteDatabase {
    /// The table and index, as `Modules/KVStore/SQLiteKeyValueConnection.swift` creates them.
    static let schema = """
        PRAGMA synchronous=NORMAL;
        CREATE TABLE IF NOT EXISTS stackkit_kv (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            expires_at INTEGER,
            PRIMARY KEY (namespace, key)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS stackkit_kv_expires_at ON stackkit_kv (expires_at) WHERE expires_at IS NOT NULL;
        """

    private var handle: OpaquePointer?
    private var statements: [RawSQLiteStatement] = []
    private let path: String

    /// Opens (creating) the database at `path` and applies the store's pragmas and `schema` (the key-value
    /// store's by default).
    init(path: String, schema: String = RawSQLiteDatabase.schema) throws(BenchError) {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            sqlite3_close_v2(db)
            throw BenchError("cannot open the SQLite baseline database at \(path)")
        }
        self.handle = db
        sqlite3_busy_timeout(db, 5_000)
        try self.execute("PRAGMA journal_mode=WAL")
        try self.execute("PRAGMA synchronous=NORMAL")
        try self.execute(schema)
    }

    deinit {
        self.close()
    }

    /// Runs SQL that returns no rows.
    func execute(_ sql: String) throws(BenchError) {
        guard let handle else { throw BenchError("the SQLite baseline database is closed") }
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let reason = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw BenchError("SQLite baseline (\(self.path)): \(reason)")
        }
    }

    /// Prepares `sql` once; the statement lives until ``close()``.
    func prepare(_ sql: String) throws(BenchError) -> RawSQLiteStatement {
        guard let handle else { throw BenchError("the SQLite baseline database is closed") }
        var raw: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil) == SQLITE_OK,
            let raw
        else {
            throw BenchError("SQLite baseline cannot prepare \(sql): \(String(cString: sqlite3_errmsg(handle)))")
        }
        let statement = RawSQLiteStatement(raw, database: handle)
        self.statements.append(statement)
        return statement
    }

    /// Finalises every statement and closes the connection.
    func close() {
        for statement in self.statements {
            statement.finalize()
        }
        self.statements = []
        if let handle {
            sqlite3_close_v2(handle)
        }
        self.handle = nil
    }
}
