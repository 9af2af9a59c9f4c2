/// Where the next page of a ``TableQuery`` starts: just after a given row of the query's order.
///
/// Two kinds exist:
///
/// - ``after(primaryKey:)``: after the row with this primary key. The store looks that row up to
///   learn its order value, so the row must still exist; when it does not, the query throws
///   ``StorageError/Code-swift.struct/unknownCursor``. This is what APIs with an `after=<id>`
///   parameter (OpenAI list endpoints) need.
/// - ``after(orderValue:primaryKey:)``: after the position `(orderValue, primaryKey)`. Stateless:
///   it stays valid after that row is deleted or changed. ``TablePage/nextCursor`` is always of
///   this kind.
///
/// See ``TableQuery`` for the exact rows a cursor selects.
public struct KeysetCursor: Hashable, Sendable {
    /// The two kinds of cursor; `package` so drivers in this package can switch over it.
    package enum Kind: Hashable, Sendable {
        /// After the row with this primary key; its order value is looked up.
        case primaryKey(TableValue)
        /// After the position (order value, primary key).
        case position(orderValue: TableValue, primaryKey: TableValue)
    }

    /// The cursor's kind.
    package var kind: Kind

    package init(kind: Kind) {
        self.kind = kind
    }

    /// A cursor just after the row whose primary key is `primaryKey`.
    ///
    /// The row must exist when the query runs: otherwise the query throws
    /// ``StorageError/Code-swift.struct/unknownCursor``.
    ///
    /// - Parameter primaryKey: The primary key of the last row already seen; must not be `NULL`.
    /// - Returns: A cursor.
    public static func after(primaryKey: TableValue) -> KeysetCursor {
        KeysetCursor(kind: .primaryKey(primaryKey))
    }

    /// A cursor just after the position `(orderValue, primaryKey)` in the query's order.
    ///
    /// No row is looked up, so the cursor works after that row is deleted. `orderValue` may be
    /// ``TableValue/null`` when the order column is `NULL` for that row. For a query without an
    /// ordering, only `primaryKey` is used.
    ///
    /// - Parameters:
    ///   - orderValue: The order-column value of the last row already seen.
    ///   - primaryKey: The primary key of that row; must not be `NULL`.
    /// - Returns: A cursor.
    public static func after(orderValue: TableValue, primaryKey: TableValue) -> KeysetCursor {
        KeysetCursor(kind: .position(orderValue: orderValue, primaryKey: primaryKey))
    }

    /// The primary key of the row the cursor is after (both kinds have one).
    public var primaryKey: TableValue {
        switch self.kind {
        case .primaryKey(let key): key
        case .position(_, let key): key
        }
    }

    /// The order value of the position, or `nil` for an ``after(primaryKey:)`` cursor (whose
    /// order value the store looks up).
    public var orderValue: TableValue? {
        switch self.kind {
        case .primaryKey: nil
        case .position(let value, _): value
        }
    }
}
