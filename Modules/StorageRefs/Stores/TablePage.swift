/// One page of rows returned by ``TableOperations/fetchPage(_:)``.
public struct TablePage: Hashable, Sendable {
    /// The rows, in the query's order; at most the query's limit.
    public var rows: [TableRow]

    /// Whether more matching rows follow the last row of this page.
    ///
    /// When `true`, the page is full (it holds exactly the query's limit).
    public var hasMore: Bool

    /// The cursor for the next page, set by the store when ``hasMore`` is `true`; otherwise `nil`.
    ///
    /// Always a stateless ``KeysetCursor/after(orderValue:primaryKey:)`` cursor positioned at the
    /// last row of this page, so it stays valid when that row is deleted.
    public var nextCursor: KeysetCursor?

    /// Creates a page.
    ///
    /// - Parameters:
    ///   - rows: The rows, in the query's order.
    ///   - hasMore: Whether more matching rows follow.
    ///   - nextCursor: The position of the last row when `hasMore` is `true`; `nil` (the default)
    ///     otherwise.
    public init(rows: [TableRow], hasMore: Bool, nextCursor: KeysetCursor? = nil) {
        self.rows = rows
        self.hasMore = hasMore
        self.nextCursor = nextCursor
    }
}
