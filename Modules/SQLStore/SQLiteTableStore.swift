import Foundation
public import StorageRefs
import Synchronization

/// A ``TableStore`` over one SQLite database; see ``TableStore`` and ``TableOperations`` for the
/// semantics, and ``SQLiteTableBackend`` for how it is opened through a catalog.
///
/// - One writer connection and, for a file database, a few read-only reader connections, each owned
///   by an actor. The database uses WAL, `synchronous=NORMAL` and a busy timeout.
/// - Writes (and ``withTransaction(_:)``) take the store's write lock, so they never contend for
///   SQLite's lock inside this process; reads of a file database go round-robin to the readers and
///   never wait for a write. `:memory:` is a private database served by the writer alone.
/// - Column types map to SQLite as follows: `INTEGER` → `INTEGER`; `STRING` → `VARCHAR` (text);
///   `TEXT` → `TEXT`; `FLOAT` → `REAL`; `BOOLEAN` → integer 0 or 1; `JSON` → text holding the
///   document (SQL `NULL` is ``TableValue/null``, the text `null` is `.json(.null)`); `DATETIME` →
///   integer **microseconds** since 1970 (real seconds written by other tools are read too).
/// - Rows come back typed by the table's columns: those of tables created here, and those read with
///   `PRAGMA table_info` for tables created by someone else.
public final class SQLiteTableStore: TableStore {
    /// Tuning for an SQLite table store.
    public struct Options: Sendable {
        /// Reader connections for a file database (ignored for `:memory:`). Default 2.
        public var readerCount: Int = 2
        /// How long a write waits for another process's lock before failing. Default 5 s.
        public var busyTimeout: Duration = .seconds(5)

        /// Creates the default options.
        public init() {}
    }

    /// The database path as configured.
    public let path: String

    let writer: SQLiteTableConnection
    private let readers: [SQLiteTableConnection]
    let writeLock = AsyncLock()
    let schemas = SQLiteSchemaCache()
    private let nextReader = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    /// Opens (creating if needed) the database at `path`.
    ///
    /// A leading `~` is expanded and the parent directories are created; `:memory:` opens a private
    /// in-memory database.
    ///
    /// - Parameters:
    ///   - path: The database file, or `:memory:`.
    ///   - options: Tuning; the defaults by default.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/connectionFailed``
    ///   naming the path when the file or its directory cannot be created or opened.
    public init(path: String, options: Options = Options()) throws(StorageError) {
        self.path = path
        let resolved = StoragePath.expandingTilde(path)
        let inMemory = resolved == ":memory:"
        if !inMemory {
            let directory = URL(fileURLWithPath: resolved).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw StorageError(
                    code: .connectionFailed,
                    message: "cannot create the directory \(directory.path) for the SQLite database at \(path)"
                )
            }
        }
        writer = try SQLiteTableConnection(path: resolved, readOnly: false, busyTimeout: options.busyTimeout)
        var readers: [SQLiteTableConnection] = []
        if !inMemory {
            for _ in 0..<max(1, options.readerCount) {
                readers.append(
                    try SQLiteTableConnection(path: resolved, readOnly: true, busyTimeout: options.busyTimeout)
                )
            }
        }
        self.readers = readers
    }

    /// ``TableStoreDialect/sqlite``.
    public var dialect: TableStoreDialect { .sqlite }

    /// Closes every connection; operations fail with ``StorageError/Code-swift.struct/closed``
    /// afterwards.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await writeLock.acquire()
        await writer.close()
        for reader in readers { await reader.close() }
        await writeLock.release()
    }

    // MARK: Connections

    private func checkOpen() throws(StorageError) {
        if closed.load(ordering: .acquiring) {
            throw StorageError(code: .closed, message: "the SQLite table store at \(path) has been closed")
        }
    }

    /// Runs `body` on the writer while holding the write lock.
    package func write<Result: Sendable>(_ body: @Sendable (SQLiteDatabase) throws -> Result) async throws -> Result {
        try checkOpen()
        await writeLock.acquire()
        do {
            let result = try await writer.perform(body)
            await writeLock.release()
            return result
        } catch {
            await writeLock.release()
            throw error
        }
    }

    /// Runs `body` on a reader (on the writer, under the write lock, for `:memory:`).
    package func read<Result: Sendable>(_ body: @Sendable (SQLiteDatabase) throws -> Result) async throws -> Result {
        guard !readers.isEmpty else { return try await write(body) }
        try checkOpen()
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await readers[index % readers.count].perform(body)
    }

    // MARK: TableStore

    /// Creates the table and its indexes, or checks the existing table; see ``TableStore/createTable(_:)``.
    public func createTable(_ schema: TableSchema) async throws {
        try schema.validate()
        let schemas = self.schemas
        try await write { db in try SQLiteTableSQL.createTable(db, schemas, schema) }
    }

    /// Adds a column unless it exists; see ``TableStore/addColumnIfNotExists(table:column:)``.
    public func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws {
        let schemas = self.schemas
        try await write { db in try SQLiteTableSQL.addColumn(db, schemas, table, column) }
    }

    /// Runs `body` in an immediate transaction on the writer, holding the write lock; see
    /// ``TableStore/withTransaction(_:)``.
    public func withTransaction<Result: Sendable>(
        _ body: @Sendable (any TableOperations) async throws -> Result
    ) async throws -> Result {
        try checkOpen()
        await writeLock.acquire()
        let transaction = SQLiteTableTransaction(store: self)
        do {
            try await writer.perform { db in try db.execute("BEGIN IMMEDIATE") }
        } catch {
            transaction.end()
            await writeLock.release()
            throw error
        }
        let result: Result
        do {
            result = try await body(transaction)
        } catch {
            transaction.end()
            _ = try? await writer.perform { db in try db.execute("ROLLBACK") }
            await writeLock.release()
            throw error
        }
        transaction.end()
        do {
            try await writer.perform { db in
                do {
                    try db.execute("COMMIT")
                } catch {
                    try? db.execute("ROLLBACK")
                    throw error
                }
            }
        } catch {
            await writeLock.release()
            throw error
        }
        await writeLock.release()
        return result
    }

    // MARK: TableOperations

    /// Inserts rows in one transaction; see ``TableOperations/insert(into:rows:)``.
    public func insert(into table: String, rows: [TableRow]) async throws {
        _ = try SQLIdentifier.validate(table, kind: "table")
        guard !rows.isEmpty else { return }
        let schemas = self.schemas
        try await write { db in try SQLiteTableSQL.insert(db, schemas, table, rows) }
    }

    /// Inserts or updates rows with `ON CONFLICT … DO UPDATE`; see
    /// ``TableOperations/upsert(into:rows:onConflict:)``.
    public func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        let schemas = self.schemas
        try await write { db in try SQLiteTableSQL.upsert(db, schemas, table, rows, columns) }
    }

    /// Reads one keyset page; see ``TableOperations/fetchPage(_:)``.
    public func fetchPage(_ query: TableQuery) async throws -> TablePage {
        let schemas = self.schemas
        return try await read { db in try SQLiteTableSQL.fetchPage(db, schemas, query) }
    }

    /// Reads the matching row with the smallest primary key; see ``TableOperations/fetchOne(from:where:)``.
    public func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        let schemas = self.schemas
        return try await read { db in try SQLiteTableSQL.fetchOne(db, schemas, table, predicate) }
    }

    /// Counts matching rows; see ``TableOperations/count(in:where:)``.
    public func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        let schemas = self.schemas
        return try await read { db in try SQLiteTableSQL.count(db, schemas, table, predicate) }
    }

    /// Updates matching rows; see ``TableOperations/update(_:set:where:)``.
    public func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        let schemas = self.schemas
        return try await write { db in try SQLiteTableSQL.update(db, schemas, table, values, predicate) }
    }

    /// Deletes matching rows; see ``TableOperations/delete(from:where:)``.
    public func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        let schemas = self.schemas
        return try await write { db in try SQLiteTableSQL.delete(db, schemas, table, predicate) }
    }

    /// Describes a table; see ``TableOperations/describeTable(_:)``.
    public func describeTable(_ table: String) async throws -> TableDescription {
        let schemas = self.schemas
        return try await read { db in try schemas.info(table, db).description }
    }
}

/// The operations handed to a ``SQLiteTableStore/withTransaction(_:)`` body: they run on the
/// writer inside the open transaction, and fail once the body has returned.
final class SQLiteTableTransaction: TableOperations {
    let store: SQLiteTableStore
    private let active = Atomic<Bool>(true)

    init(store: SQLiteTableStore) {
        self.store = store
    }

    func end() {
        active.store(false, ordering: .releasing)
    }

    private func perform<Result: Sendable>(
        _ body: @Sendable (SQLiteDatabase) throws -> Result
    ) async throws
        -> Result
    {
        guard active.load(ordering: .acquiring) else {
            throw StorageError(code: .closed, message: "the transaction has ended; its operations cannot be used")
        }
        return try await store.writer.perform(body)
    }

    func insert(into table: String, rows: [TableRow]) async throws {
        let schemas = store.schemas
        try await perform { db in try SQLiteTableSQL.insert(db, schemas, table, rows) }
    }

    func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        let schemas = store.schemas
        try await perform { db in try SQLiteTableSQL.upsert(db, schemas, table, rows, columns) }
    }

    func fetchPage(_ query: TableQuery) async throws -> TablePage {
        let schemas = store.schemas
        return try await perform { db in try SQLiteTableSQL.fetchPage(db, schemas, query) }
    }

    func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        let schemas = store.schemas
        return try await perform { db in try SQLiteTableSQL.fetchOne(db, schemas, table, predicate) }
    }

    func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        let schemas = store.schemas
        return try await perform { db in try SQLiteTableSQL.count(db, schemas, table, predicate) }
    }

    func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        let schemas = store.schemas
        return try await perform { db in try SQLiteTableSQL.update(db, schemas, table, values, predicate) }
    }

    func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        let schemas = store.schemas
        return try await perform { db in try SQLiteTableSQL.delete(db, schemas, table, predicate) }
    }

    func describeTable(_ table: String) async throws -> TableDescription {
        let schemas = store.schemas
        return try await perform { db in try schemas.info(table, db).description }
    }
}
