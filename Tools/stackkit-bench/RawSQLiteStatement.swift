import CSQLite

/// A prepared statement of a ``RawSQLiteDatabase``: thin calls straight into the SQLite C API.
final class RawSQLiteStatement {
    /// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private let raw: OpaquePointer
    private let database: OpaquePointer

    init(_ raw: OpaquePointer, database: OpaquePointer) {
        self.raw = raw
        self.database = database
    }

    func finalize() {
        sqlite3_finalize(self.raw)
    }

    func reset() {
        sqlite3_reset(self.raw)
    }

    func bind(_ index: Int32, _ text: String) {
        sqlite3_bind_text(self.raw, index, text, Int32(text.utf8.count), Self.transient)
    }

    func bind(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            _ = sqlite3_bind_blob(self.raw, index, buffer.baseAddress, Int32(buffer.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(self.raw, index, value)
    }

    func bindNull(_ index: Int32) {
        sqlite3_bind_null(self.raw, index)
    }

    /// Steps once: `true` when a row is available, `false` when the statement is done.
    func step() throws(BenchError) -> Bool {
        switch sqlite3_step(self.raw) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw BenchError("SQLite baseline step failed: \(String(cString: sqlite3_errmsg(self.database)))")
        }
    }

    /// Runs a statement that returns no rows, then resets it.
    func run() throws(BenchError) {
        defer { self.reset() }
        while try self.step() {}
    }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(self.raw, column) else { return "" }
        let count = Int(sqlite3_column_bytes(self.raw, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(self.raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(self.raw, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(self.raw, column) == SQLITE_NULL
    }

    func int64(_ column: Int32) -> Int64? {
        sqlite3_column_type(self.raw, column) == SQLITE_NULL ? nil : sqlite3_column_int64(self.raw, column)
    }
}
