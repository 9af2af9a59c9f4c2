/// The row operations of a table store, available both on the store and inside a transaction.
///
/// ``TableStore`` refines this protocol; ``TableStore/withTransaction(_:)`` hands the body a value
/// of this type whose operations run in the transaction. The contract for every operation:
///
/// - **Identifiers first.** Table and column names (in rows, predicates, orderings, projections and
///   conflict targets) are validated with ``SQLIdentifier`` before any SQL is built
///   (``StorageError/Code-swift.struct/invalidIdentifier``).
/// - **Bound values.** Every ``TableValue`` is passed as a bound parameter, never interpolated
///   into SQL.
/// - **Known columns.** A column the table does not have, in a row or a predicate, throws
///   ``StorageError/Code-swift.struct/unknownColumn`` naming it; a missing table throws
///   ``StorageError/Code-swift.struct/unknownTable``.
/// - **Typed values.** A value the column's ``ColumnType`` does not accept throws
///   ``StorageError/Code-swift.struct/invalidValue`` (see ``TableValue``); `NULL` in a NOT NULL
///   column or a duplicate key throws ``StorageError/Code-swift.struct/constraintViolation``.
/// - **JSON** columns round-trip any ``JSONValue``, keeping ``TableValue/null`` (SQL `NULL`)
///   distinct from `.json(.null)`; integers in JSON stay exact.
/// - **Predicates** have the semantics of ``TablePredicate/evaluate(on:)``.
///
/// Conforming types must be safe to call from many tasks at once.
public protocol TableOperations: Sendable {
    /// Inserts rows, all or none.
    ///
    /// The rows are written in one transaction: when any row fails (for example a duplicate
    /// primary key), none is inserted. Columns a row omits get their default (or `NULL`); rows may
    /// omit different columns. An empty array is a no-op.
    ///
    /// - Parameters:
    ///   - table: The table to insert into.
    ///   - rows: The rows to insert.
    /// - Throws: ``StorageError``; see the protocol's contract.
    func insert(into table: String, rows: [TableRow]) async throws

    /// Inserts rows, or updates the existing row when a row conflicts on `columns`, all or none.
    ///
    /// Native `INSERT … ON CONFLICT (columns) DO UPDATE`: on conflict, every column the row
    /// provides other than the conflict columns is set to the row's value; columns the row omits
    /// keep their stored value. Without a conflict the row is inserted as by
    /// ``insert(into:rows:)``.
    ///
    /// - Parameters:
    ///   - table: The table to write.
    ///   - rows: The rows to insert or update; each must provide every conflict column.
    ///   - columns: The conflict target: the primary key column or the columns of a unique index.
    /// - Throws: ``StorageError``; ``StorageError/Code-swift.struct/invalidValue`` when `columns` is
    ///   empty, a row lacks a conflict column, or `columns` is neither the primary key nor a unique
    ///   index.
    func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws

    /// Returns one page of rows; see ``TableQuery`` for the ordering and keyset semantics.
    ///
    /// - Parameter query: What to read.
    /// - Returns: The page, with ``TablePage/nextCursor`` set when more rows follow.
    /// - Throws: ``StorageError``; ``StorageError/Code-swift.struct/unknownCursor`` when an
    ///   ``KeysetCursor/after(primaryKey:)`` cursor names a missing row,
    ///   ``StorageError/Code-swift.struct/invalidValue`` for a limit below 1 or an ordering by a
    ///   JSON column.
    func fetchPage(_ query: TableQuery) async throws -> TablePage

    /// Returns the first row matching `predicate`, or `nil` when none does.
    ///
    /// When several rows match, the one with the smallest primary key is returned.
    ///
    /// - Parameters:
    ///   - table: The table to read.
    ///   - predicate: The filter.
    /// - Returns: A row with every column, or `nil`.
    /// - Throws: ``StorageError``; see the protocol's contract.
    func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow?

    /// Returns the number of rows matching `predicate`.
    ///
    /// - Parameters:
    ///   - table: The table to count.
    ///   - predicate: The filter, or `nil` for every row.
    /// - Returns: The number of matching rows.
    /// - Throws: ``StorageError``; see the protocol's contract.
    func count(in table: String, where predicate: TablePredicate?) async throws -> Int

    /// Sets columns of every row matching `predicate`, and returns how many rows matched.
    ///
    /// The predicate is required, so a whole-table update must say so (`.and([])`). The columns
    /// `values` does not name keep their value. Changing the primary key is allowed but subject to
    /// uniqueness.
    ///
    /// - Parameters:
    ///   - table: The table to update.
    ///   - values: The columns to set and their new values; must not be empty.
    ///   - predicate: The rows to update.
    /// - Returns: The number of rows updated.
    /// - Throws: ``StorageError``; ``StorageError/Code-swift.struct/invalidValue`` when `values` is
    ///   empty.
    func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int

    /// Deletes every row matching `predicate`, and returns how many rows were deleted.
    ///
    /// The predicate is required, so a whole-table delete must say so (`.and([])`). Deleting
    /// nothing is not an error.
    ///
    /// - Parameters:
    ///   - table: The table to delete from.
    ///   - predicate: The rows to delete.
    /// - Returns: The number of rows deleted.
    /// - Throws: ``StorageError``; see the protocol's contract.
    func delete(from table: String, where predicate: TablePredicate) async throws -> Int

    /// Describes an existing table: its columns, primary key and unique column sets.
    ///
    /// - Parameter table: The table to describe.
    /// - Returns: The description.
    /// - Throws: ``StorageError``: ``StorageError/Code-swift.struct/invalidIdentifier`` or
    ///   ``StorageError/Code-swift.struct/unknownTable``, or a backend error.
    func describeTable(_ table: String) async throws -> TableDescription
}

extension TableOperations {
    /// Returns the number of rows in `table`.
    ///
    /// - Parameter table: The table to count.
    /// - Returns: The number of rows.
    /// - Throws: As ``TableOperations/count(in:where:)``.
    public func count(in table: String) async throws -> Int {
        try await self.count(in: table, where: nil)
    }
}
