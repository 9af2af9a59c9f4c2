import Logging
package import PostgresNIO
public import StorageRefs
import Synchronization
import _PostgresSupport

/// A ``StorageRefs/TableStore`` over a PostgreSQL database; see ``StorageRefs/TableStore`` and
/// ``StorageRefs/TableOperations`` for the semantics, and ``PostgresTableBackend`` for how it is opened.
///
/// - Every operation leases a connection from the backend's `PostgresClient` pool; writes of several rows run in
///   one transaction (a savepoint inside ``withTransaction(_:)``), so they are all or none.
/// - Column types map to PostgreSQL as follows: `INTEGER` → `bigint`; `STRING` → `varchar COLLATE "C"`;
///   `TEXT` → `text COLLATE "C"`; `FLOAT` → `double precision`; `BOOLEAN` → `boolean`; `JSON` → `jsonb` (SQL
///   `NULL` is ``StorageRefs/TableValue/null``, the jsonb `null` is `.json(.null)`); `DATETIME` → `timestamptz`.
/// - Text columns use the C collation, so strings order by their UTF-8 bytes, as in the SQLite store.
/// - PostgreSQL text cannot hold U+0000: a string containing it is rejected with
///   ``StorageRefs/StorageError/Code-swift.struct/invalidValue``.
public final class PostgresTableStore: TableStore {
    let client: PostgresClient
    let context: PostgresTableContext
    private let closed = Atomic<Bool>(false)

    init(client: PostgresClient, context: PostgresTableContext) {
        self.client = client
        self.context = context
    }

    /// ``StorageRefs/TableStoreDialect/postgres``.
    public var dialect: TableStoreDialect { .postgres }

    /// Makes every later operation fail with ``StorageRefs/StorageError/Code-swift.struct/closed``.
    func close() {
        closed.store(true, ordering: .releasing)
    }

    /// Runs `body` on a pooled connection.
    func session<Result: Sendable>(
        _ body: (PostgresTableSession) async throws -> Result
    ) async throws -> Result {
        guard !closed.load(ordering: .acquiring) else {
            throw StorageError(code: .closed, message: "the PostgreSQL table store has been shut down")
        }
        let context = self.context
        // Only leasing errors are mapped here; what `body` throws is rethrown unchanged.
        let outcome: Swift.Result<Result, any Error>
        do {
            outcome = try await client.withConnection { connection in
                do {
                    return .success(
                        try await body(PostgresTableSession(connection: connection, context: context, nested: false))
                    )
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw context.errors.operationFailure(error, operation: "leasing a connection")
        }
        return try outcome.get()
    }

    // MARK: TableStore

    /// Creates the table and its indexes, or checks the existing table; see
    /// ``StorageRefs/TableStore/createTable(_:)``.
    public func createTable(_ schema: TableSchema) async throws {
        try schema.validate()
        try await session { try await $0.createTable(schema) }
    }

    /// Adds a column unless it exists; see ``StorageRefs/TableStore/addColumnIfNotExists(table:column:)``.
    public func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws {
        try await session { try await $0.addColumn(table, column) }
    }

    /// Runs `body` in a transaction on one leased connection (`BEGIN` … `COMMIT`, or `ROLLBACK` when it throws);
    /// see ``StorageRefs/TableStore/withTransaction(_:)``.
    public func withTransaction<Result: Sendable>(
        _ body: @Sendable (any TableOperations) async throws -> Result
    ) async throws -> Result {
        try await session { session in
            try await session.execute("BEGIN", "beginning a transaction")
            let transaction = PostgresTableTransaction(
                session: PostgresTableSession(connection: session.connection, context: session.context, nested: true)
            )
            let result: Result
            do {
                result = try await body(transaction)
            } catch {
                transaction.end()
                try? await session.execute("ROLLBACK", "rolling back a transaction")
                throw error
            }
            transaction.end()
            do {
                try await session.execute("COMMIT", "committing a transaction")
            } catch {
                try? await session.execute("ROLLBACK", "rolling back a transaction")
                throw error
            }
            return result
        }
    }

    // MARK: TableOperations

    /// Inserts rows in one transaction; see ``StorageRefs/TableOperations/insert(into:rows:)``.
    public func insert(into table: String, rows: [TableRow]) async throws {
        _ = try SQLIdentifier.validate(table, kind: "table")
        guard !rows.isEmpty else { return }
        try await session { try await $0.insert(table, rows) }
    }

    /// Inserts or updates rows with `ON CONFLICT … DO UPDATE`; see
    /// ``StorageRefs/TableOperations/upsert(into:rows:onConflict:)``.
    public func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        try await session { try await $0.upsert(table, rows, columns) }
    }

    /// Reads one keyset page; see ``StorageRefs/TableOperations/fetchPage(_:)``.
    public func fetchPage(_ query: TableQuery) async throws -> TablePage {
        try await session { try await $0.fetchPage(query) }
    }

    /// Reads the matching row with the smallest primary key; see
    /// ``StorageRefs/TableOperations/fetchOne(from:where:)``.
    public func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        try await session { try await $0.fetchOne(table, predicate) }
    }

    /// Counts matching rows; see ``StorageRefs/TableOperations/count(in:where:)``.
    public func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        try await session { try await $0.count(table, predicate) }
    }

    /// Updates matching rows; see ``StorageRefs/TableOperations/update(_:set:where:)``.
    public func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        try await session { try await $0.update(table, values, predicate) }
    }

    /// Deletes matching rows; see ``StorageRefs/TableOperations/delete(from:where:)``.
    public func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        try await session { try await $0.delete(table, predicate) }
    }

    /// Describes a table; see ``TableOperations/describeTable(_:)``.
    public func describeTable(_ table: String) async throws -> TableDescription {
        try await session { try await $0.info(table).description }
    }
}

/// The operations handed to a ``PostgresTableStore/withTransaction(_:)`` body: they run on the transaction's
/// connection, and fail once the body has returned.
final class PostgresTableTransaction: TableOperations {
    private let session: PostgresTableSession
    private let active = Atomic<Bool>(true)

    init(session: PostgresTableSession) {
        self.session = session
    }

    func end() {
        active.store(false, ordering: .releasing)
    }

    private func checked() throws -> PostgresTableSession {
        guard active.load(ordering: .acquiring) else {
            throw StorageError(code: .closed, message: "the transaction has ended; its operations cannot be used")
        }
        return session
    }

    func insert(into table: String, rows: [TableRow]) async throws {
        try await checked().insert(table, rows)
    }

    func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        try await checked().upsert(table, rows, columns)
    }

    func fetchPage(_ query: TableQuery) async throws -> TablePage {
        try await checked().fetchPage(query)
    }

    func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        try await checked().fetchOne(table, predicate)
    }

    func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        try await checked().count(table, predicate)
    }

    func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        try await checked().update(table, values, predicate)
    }

    func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        try await checked().delete(table, predicate)
    }

    func describeTable(_ table: String) async throws -> TableDescription {
        try await checked().info(table).description
    }
}

// MARK: - Raw queries for sibling modules (package access only)

extension PostgresTableStore {
    /// The quoted, schema-qualified name of `table`, after validating it.
    ///
    /// - Throws: ``StorageRefs/StorageError/Code-swift.struct/invalidIdentifier`` for an invalid name.
    package func qualifiedName(_ table: String) throws -> String {
        context.qualified(try SQLIdentifier.validate(table, kind: "table"))
    }

    /// Runs one statement on a pooled connection and returns its rows; errors are mapped as the store's own,
    /// naming `operation`. For modules of this package that need SQL the table operations do not offer
    /// (full-text search); every value must be bound in `query`.
    package func rawQuery(_ query: PostgresQuery, operation: String) async throws -> [PostgresRow] {
        try await session { session in
            do {
                var rows: [PostgresRow] = []
                for try await row in try await session.connection.query(query, logger: session.context.logger) {
                    rows.append(row)
                }
                return rows
            } catch {
                throw session.context.errors.operationFailure(error, operation: operation)
            }
        }
    }
}
