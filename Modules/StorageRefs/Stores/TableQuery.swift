/// A read of one page of rows: table, filter, order, page size, cursor and projection.
///
/// Pages use **keyset pagination** over `(order column, primary key)`:
///
/// - Rows are ordered by ``ordering``'s column and then by the primary key, both in the ordering's
///   direction; with no ordering, by the primary key ascending. The order is total, so rows that
///   share an order value are never skipped or repeated across pages, whatever the page size.
/// - With a cursor at position `(cursorOrder, cursorPK)` (see ``KeysetCursor``), the page holds
///   the matching rows strictly after it: for an **ascending** order the rows with
///   `(order, pk) > (cursorOrder, cursorPK)` lexicographically, that is
///   `order > cursorOrder OR (order = cursorOrder AND pk > cursorPK)`; for a **descending** order
///   the rows with `(order, pk) < (cursorOrder, cursorPK)`. With no ordering, the rows with
///   `pk > cursorPK`.
/// - `NULL` order values sort before every value (so after every value when descending) and are
///   equal to each other, so the tie-breaker applies among them too.
/// - The ``predicate`` and the cursor are combined with AND; the cursor row itself need not match
///   the predicate.
///
/// Following ``TablePage/nextCursor`` from page to page visits every matching row exactly once,
/// provided rows are not inserted or changed before the cursor meanwhile (rows inserted after it
/// appear on a later page; deleted rows simply stop appearing).
///
/// ```swift
/// var query = TableQuery(table: "responses", ordering: .descending("created_at"), limit: 20)
/// repeat {
///     let page = try await store.fetchPage(query)
///     handle(page.rows)
///     query.after = page.nextCursor
/// } while query.after != nil
/// ```
public struct TableQuery: Hashable, Sendable {
    /// The table to read.
    public var table: String

    /// The filter, or `nil` for every row.
    public var predicate: TablePredicate?

    /// The order column and direction, or `nil` to order by the primary key ascending.
    ///
    /// The primary key is always the implicit tie-breaker, in the same direction.
    public var ordering: TableOrdering?

    /// The maximum number of rows in the page (at least 1), or `nil` for every remaining row.
    ///
    /// A limit below 1 throws ``StorageError/Code-swift.struct/invalidValue``.
    public var limit: Int?

    /// Where the page starts, or `nil` for the first page.
    ///
    /// An ``KeysetCursor/after(primaryKey:)`` cursor whose row does not exist throws
    /// ``StorageError/Code-swift.struct/unknownCursor``.
    public var after: KeysetCursor?

    /// The columns each returned row holds, or `nil` for every column.
    ///
    /// A projection does not affect pagination: the store reads the order column and primary key
    /// it needs for ``TablePage/nextCursor`` even when they are not listed. Unknown columns throw
    /// ``StorageError/Code-swift.struct/unknownColumn``.
    public var columns: [String]?

    /// How the rows read are locked against other transactions; ``RowLocking/none`` by default.
    ///
    /// Only meaningful inside ``TableStore/withTransaction(_:)``: the locks last until the transaction ends.
    public var locking: RowLocking

    /// Creates a query.
    ///
    /// - Parameters:
    ///   - table: The table to read.
    ///   - predicate: The filter; `nil` (the default) for every row.
    ///   - ordering: The order; `nil` (the default) for primary key ascending.
    ///   - limit: The page size; `nil` (the default) for every row.
    ///   - after: The cursor; `nil` (the default) for the first page.
    ///   - columns: The projection; `nil` (the default) for every column.
    ///   - locking: The row locks to take inside a transaction; none by default.
    public init(
        table: String,
        predicate: TablePredicate? = nil,
        ordering: TableOrdering? = nil,
        limit: Int? = nil,
        after: KeysetCursor? = nil,
        columns: [String]? = nil,
        locking: RowLocking = .none
    ) {
        self.table = table
        self.predicate = predicate
        self.ordering = ordering
        self.limit = limit
        self.after = after
        self.columns = columns
        self.locking = locking
    }
}

/// Row locks a read takes inside a transaction, for work queues that several processes share.
public enum RowLocking: Hashable, Sendable {
    /// No row locks (the default).
    case none

    /// Lock the rows read for update, waiting for other transactions that hold them.
    ///
    /// Use it to read a row, change it and write it back inside one transaction with no other transaction
    /// changing it in between. PostgreSQL appends `FOR UPDATE`. SQLite's write transactions (`BEGIN
    /// IMMEDIATE`) already run one at a time across processes, so the option changes nothing there.
    case forUpdate

    /// Lock the rows read for update and skip rows another transaction has locked.
    ///
    /// Two transactions reading the same query concurrently get disjoint rows, so each can claim what it read
    /// without waiting for the other. PostgreSQL appends `FOR UPDATE SKIP LOCKED`. SQLite has no row locks: its
    /// write transactions (`BEGIN IMMEDIATE`) already run one at a time across processes, so the read sees no row
    /// that another transaction holds and the option changes nothing.
    case forUpdateSkipLocked
}
