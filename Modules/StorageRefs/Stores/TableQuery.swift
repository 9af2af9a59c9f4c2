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

    /// Creates a query.
    ///
    /// - Parameters:
    ///   - table: The table to read.
    ///   - predicate: The filter; `nil` (the default) for every row.
    ///   - ordering: The order; `nil` (the default) for primary key ascending.
    ///   - limit: The page size; `nil` (the default) for every row.
    ///   - after: The cursor; `nil` (the default) for the first page.
    ///   - columns: The projection; `nil` (the default) for every column.
    public init(
        table: String,
        predicate: TablePredicate? = nil,
        ordering: TableOrdering? = nil,
        limit: Int? = nil,
        after: KeysetCursor? = nil,
        columns: [String]? = nil
    ) {
        self.table = table
        self.predicate = predicate
        self.ordering = ordering
        self.limit = limit
        self.after = after
        self.columns = columns
    }
}
