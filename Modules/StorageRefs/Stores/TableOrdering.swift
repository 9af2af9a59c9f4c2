/// The order of a ``TableQuery``: one column and a direction, with the primary key as tie-breaker.
///
/// Rows are ordered by `(column, primary key)`, both in ``direction``, so the order is total and
/// keyset pagination never skips or repeats rows that share an order value.
///
/// Order values compare as in ``TablePredicate``: numbers numerically, strings by UTF-8 bytes,
/// datetimes by time, `false` before `true`. `NULL` sorts before every value (ascending) and after
/// every value (descending). JSON columns cannot be ordered by
/// (``StorageError/Code-swift.struct/invalidValue``).
public struct TableOrdering: Hashable, Sendable {
    /// The column to order by.
    public var column: String

    /// The direction, applied to both the column and the primary-key tie-breaker.
    public var direction: SortDirection

    /// Creates an ordering.
    ///
    /// - Parameters:
    ///   - column: The column to order by.
    ///   - direction: The direction; ascending by default.
    public init(column: String, direction: SortDirection = .ascending) {
        self.column = column
        self.direction = direction
    }

    /// Orders by `column`, smallest first.
    ///
    /// - Parameter column: The column to order by.
    /// - Returns: An ascending ordering.
    public static func ascending(_ column: String) -> TableOrdering {
        TableOrdering(column: column, direction: .ascending)
    }

    /// Orders by `column`, largest first.
    ///
    /// - Parameter column: The column to order by.
    /// - Returns: A descending ordering.
    public static func descending(_ column: String) -> TableOrdering {
        TableOrdering(column: column, direction: .descending)
    }
}
