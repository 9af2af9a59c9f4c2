import CSQLite
package import StorageRefs

/// A value as SQLite stores it.
package enum SQLiteValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// One row of a running statement; valid only inside the row callback.
package struct SQLiteRow {
    fileprivate let raw: OpaquePointer

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }
    package func storageType(_ column: Int32) -> Int32 { sqlite3_column_type(raw, column) }
    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }
    package func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }
    package func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }
}

/// One SQLite connection of a table store, with prepared statements cached by SQL text.
///
/// Not thread-safe: exactly one ``SQLiteTableConnection`` actor owns each. (The shared
/// `_SQLiteSupport.SQLiteConnection` cannot bind or read `REAL` values, which `FLOAT` columns need.)
package final class SQLiteDatabase {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// The path as given, for messages.
    let path: String

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    private static let statementCacheLimit = 128

    init(path: String, readOnly: Bool, busyTimeout: Duration) throws(StorageError) {
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(db)
            throw StorageError(
                code: .connectionFailed,
                message: "cannot open the SQLite database at \(path): \(reason)"
            )
        }
        handle = db
        let milliseconds = Int32(
            clamping: busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        )
        sqlite3_busy_timeout(db, milliseconds)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        close()
    }

    /// Finalises every statement and closes the connection.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Whether no transaction is open on this connection.
    var isAutocommit: Bool {
        handle.map { sqlite3_get_autocommit($0) != 0 } ?? true
    }

    /// Runs SQL without parameters that returns no rows (pragmas, DDL, transaction control).
    package func execute(_ sql: String) throws(StorageError) {
        let db = try open()
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(db, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let reason = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw StorageError(code: Self.errorCode(for: code), message: "SQLite (\(path)) failed: \(reason)")
        }
    }

    /// Runs one statement with bound parameters, calling `onRow` for each result row; returns the
    /// number of rows changed.
    @discardableResult
    package func run(
        _ sql: String,
        _ parameters: [SQLiteValue] = [],
        onRow: (SQLiteRow) throws -> Void = { _ in }
    ) throws -> Int {
        let db = try open()
        let statement = try prepare(sql, db)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .integer(let value): sqlite3_bind_int64(statement, index, value)
            case .real(let value): sqlite3_bind_double(statement, index, value)
            case .text(let value):
                var value = value
                value.withUTF8 { buffer in
                    guard let base = buffer.baseAddress, buffer.count > 0 else {
                        _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
                        return
                    }
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                        _ = sqlite3_bind_text(statement, index, chars, Int32(buffer.count), Self.transient)
                    }
                }
            }
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_ROW {
                try onRow(SQLiteRow(raw: statement))
            } else if code == SQLITE_DONE {
                break
            } else {
                throw StorageError(
                    code: Self.errorCode(for: code),
                    message: "SQLite (\(path)) failed: \(String(cString: sqlite3_errmsg(db)))"
                )
            }
        }
        return Int(sqlite3_changes(db))
    }

    /// Runs `body` atomically: in a new transaction when none is open (`BEGIN IMMEDIATE` when
    /// `write`), otherwise in a savepoint of the open one.
    package func atomically<Result>(write: Bool, _ body: () throws -> Result) throws -> Result {
        let nested = !isAutocommit
        // Through `run`, so the control statements are prepared once and cached.
        _ = try run(nested ? "SAVEPOINT stackkit_sp" : (write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"))
        do {
            let result = try body()
            _ = try run(nested ? "RELEASE stackkit_sp" : "COMMIT")
            return result
        } catch {
            if nested {
                try? execute("ROLLBACK TO stackkit_sp")
                try? execute("RELEASE stackkit_sp")
            } else {
                try? execute("ROLLBACK")
            }
            throw error
        }
    }

    private func prepare(_ sql: String, _ db: OpaquePointer) throws(StorageError) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        if statements.count >= Self.statementCacheLimit {
            for statement in statements.values { sqlite3_finalize(statement) }
            statements = [:]
        }
        var raw: OpaquePointer?
        let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard code == SQLITE_OK, let raw else {
            throw StorageError(
                code: .backendFailure,
                message: "SQLite (\(path)) cannot prepare a statement: \(String(cString: sqlite3_errmsg(db)))"
            )
        }
        statements[sql] = raw
        return raw
    }

    private func open() throws(StorageError) -> OpaquePointer {
        guard let handle else {
            throw StorageError(code: .closed, message: "the SQLite database at \(path) has been closed")
        }
        return handle
    }

    /// Maps an SQLite result code to a storage error code.
    static func errorCode(for code: Int32) -> StorageError.Code {
        switch code & 0xFF {
        case SQLITE_CONSTRAINT: return .constraintViolation
        case SQLITE_CANTOPEN, SQLITE_NOTADB: return .connectionFailed
        default: return .backendFailure
        }
    }
}

/// An actor owning one ``SQLiteDatabase``: every use of the connection runs on it, one at a time.
actor SQLiteTableConnection {
    private let database: SQLiteDatabase
    private var isClosed = false

    init(path: String, readOnly: Bool, busyTimeout: Duration) throws(StorageError) {
        let database = try SQLiteDatabase(path: path, readOnly: readOnly, busyTimeout: busyTimeout)
        if readOnly {
            try database.execute("PRAGMA query_only=1")
        } else {
            if path != ":memory:" {
                try database.execute("PRAGMA journal_mode=WAL")
            }
            try database.execute("PRAGMA synchronous=NORMAL")
        }
        self.database = database
    }

    /// Runs `body` with the connection.
    func perform<Result: Sendable>(_ body: @Sendable (SQLiteDatabase) throws -> Result) throws -> Result {
        guard !isClosed else {
            throw StorageError(code: .closed, message: "the SQLite database at \(database.path) has been closed")
        }
        return try body(database)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        database.close()
    }
}

/// A FIFO lock for async code: the write lock of a table store, held by a transaction.
actor AsyncLock {
    private var isLocked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !isLocked {
            isLocked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            isLocked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
