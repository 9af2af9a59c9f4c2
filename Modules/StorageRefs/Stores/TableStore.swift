/// A relational table store: schema management, transactions and the ``TableOperations``.
///
/// A closed family: conformances are the library's own SQLite and PostgreSQL stores and the
/// decorators that wrap them (such as the access-control store). Every operation follows the
/// contract of ``TableOperations``. In particular:
///
/// - Table, column and index names are validated against `^[A-Za-z_][A-Za-z0-9_]*$` and at most
///   63 UTF-8 bytes **before** any SQL is built (``SQLIdentifier``), and are always quoted.
/// - Every value is bound as a parameter, never interpolated.
/// - Unknown columns in rows or predicates throw ``StorageError/Code-swift.struct/unknownColumn``
///   naming the column.
/// - JSON columns round-trip any JSON value, keeping ``TableValue/null`` distinct from
///   `.json(.null)`.
/// - The table name given to each call is honoured; a store never hard-codes table names.
public protocol TableStore: TableOperations {
    /// The SQL dialect this store speaks.
    var dialect: TableStoreDialect { get }

    /// Creates a table and its indexes, or checks that the existing table matches.
    ///
    /// Idempotent: when the table exists and matches, the call only creates missing indexes. The
    /// existing table matches when every column of `schema` exists in it with the same type,
    /// primary-key flag and nullability; columns the table has beyond the schema (added with
    /// ``addColumnIfNotExists(table:column:)``) are allowed, and default values are not compared.
    ///
    /// - Parameter schema: The table definition; checked with ``TableSchema/validate()`` first.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidIdentifier`` or
    ///   ``StorageError/Code-swift.struct/invalidSchema`` for an invalid schema,
    ///   ``StorageError/Code-swift.struct/schemaMismatch`` when the existing table lacks a column of
    ///   the schema or has it with a different type, key or nullability (nothing is changed), or a
    ///   backend error.
    func createTable(_ schema: TableSchema) async throws

    /// Adds a column to an existing table unless a column with that name already exists.
    ///
    /// When the column exists, nothing changes (its definition is not compared). Existing rows get
    /// the column's default, or `NULL`. Every failure is thrown, never swallowed.
    ///
    /// - Parameters:
    ///   - table: The table to alter.
    ///   - column: The column to add; it cannot be a primary key, and a NOT NULL column needs a
    ///     default.
    /// - Throws: ``StorageError``: ``StorageError/Code-swift.struct/unknownTable``,
    ///   ``StorageError/Code-swift.struct/invalidIdentifier``,
    ///   ``StorageError/Code-swift.struct/invalidSchema`` for a primary key or a NOT NULL column
    ///   without default, or a backend error.
    func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// The body receives the operations to use inside the transaction. They must not escape the
    /// body, and the body must not call the store itself (on SQLite that waits for the
    /// transaction's own write lock). When the body throws, including a `CancellationError`, the
    /// transaction is rolled back and that error is rethrown unchanged. When the commit fails, its
    /// error is thrown and nothing is written.
    ///
    /// ```swift
    /// let moved = try await store.withTransaction { tx in
    ///     let n = try await tx.delete(from: "queue", where: .equal("id", "job_1"))
    ///     try await tx.insert(into: "done", rows: [["id": "job_1"]])
    ///     return n
    /// }
    /// ```
    ///
    /// - Parameter body: The work to do atomically.
    /// - Returns: What `body` returns.
    /// - Throws: The body's error (after rollback), or a ``StorageError`` from beginning or
    ///   committing the transaction.
    func withTransaction<Result: Sendable>(
        _ body: @Sendable (any TableOperations) async throws -> Result
    ) async throws -> Result
}
