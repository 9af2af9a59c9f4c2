package import CSQLite
import Foundation
package import StorageRefs

/// One SQLite connection with its prepared statements cached by SQL text.
///
/// Not thread-safe and not `Sendable`: exactly one ``SQLiteConnectionActor`` owns each connection. Calls block
/// for the duration of the SQLite call (microseconds for the statements used here; a write waits at most the
/// busy timeout when another *process* holds the write lock).
package final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]
    /// The path as given, for messages.
    package let path: String

    /// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs before the bind call returns.
    package static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Opens (creating when `readOnly` is false) the database at `path` and applies the pragmas.
    package init(path: String, readOnly: Bool, busyTimeout: Duration) throws(StorageError) {
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

    /// Finalises every statement and closes the connection; later calls fail with ``StorageError/Code/closed``.
    package func close() {
        for statement in statements.values { statement.finalize() }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs SQL that returns no rows (pragmas, DDL, `BEGIN`/`COMMIT`), possibly several statements.
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

    /// The cached statement for `sql`, reset and with its bindings cleared.
    package func statement(_ sql: String) throws(StorageError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let db = try open()
        var raw: OpaquePointer?
        let code = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard code == SQLITE_OK, let raw else {
            throw StorageError(
                code: .backendFailure,
                message: "SQLite (\(path)) cannot prepare a statement: \(String(cString: sqlite3_errmsg(db)))"
            )
        }
        let statement = SQLiteStatement(raw, connection: self)
        statements[sql] = statement
        return statement
    }

    /// The number of rows changed by the last statement.
    package var changes: Int {
        handle.map { Int(sqlite3_changes($0)) } ?? 0
    }

    /// The last error message of this connection.
    package var lastErrorMessage: String {
        handle.map { String(cString: sqlite3_errmsg($0)) } ?? "the connection is closed"
    }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE` for writes), committing when it returns and rolling back
    /// when it throws.
    package func transaction<Result>(immediate: Bool, _ body: () throws(StorageError) -> Result) throws(StorageError) -> Result
    {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func open() throws(StorageError) -> OpaquePointer {
        guard let handle else {
            throw StorageError(code: .closed, message: "the SQLite database at \(path) has been closed")
        }
        return handle
    }

    /// Maps an SQLite result code to a storage error code.
    package static func errorCode(for code: Int32) -> StorageError.Code {
        switch code & 0xFF {
        case SQLITE_CONSTRAINT: return .constraintViolation
        case SQLITE_CANTOPEN, SQLITE_NOTADB: return .connectionFailed
        default: return .backendFailure
        }
    }
}

/// A prepared statement owned by a ``SQLiteConnection``.
package final class SQLiteStatement {
    private let raw: OpaquePointer
    private unowned let connection: SQLiteConnection

    package init(_ raw: OpaquePointer, connection: SQLiteConnection) {
        self.raw = raw
        self.connection = connection
    }

    package func finalize() { sqlite3_finalize(raw) }

    package func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    package func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                _ = sqlite3_bind_text(raw, index, "", 0, SQLiteConnection.transient)
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                _ = sqlite3_bind_text(raw, index, pointer, Int32(buffer.count), SQLiteConnection.transient)
            }
        }
    }

    package func bind(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            // A zero-length blob is bound as an empty blob, not NULL.
            if buffer.count == 0 {
                _ = sqlite3_bind_zeroblob(raw, index, 0)
            } else {
                _ = sqlite3_bind_blob(raw, index, buffer.baseAddress, Int32(buffer.count), SQLiteConnection.transient)
            }
        }
    }

    package func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Steps once: true when a row is available, false when done.
    package func step() throws(StorageError) -> Bool {
        let code = sqlite3_step(raw)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw StorageError(
                code: SQLiteConnection.errorCode(for: code),
                message: "SQLite (\(connection.path)) failed: \(connection.lastErrorMessage)"
            )
        }
    }

    /// Runs a statement that returns no rows.
    package func run() throws(StorageError) {
        while try step() {}
    }

    package func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(raw, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    package func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(raw, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    package func int64(_ column: Int32) -> Int64? {
        sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : sqlite3_column_int64(raw, column)
    }
}
