/// One page of a cursor-paginated list, in the shape of OpenAI's list objects.
public struct CursorPage<Element> {
    /// The elements of the page, in the list's order.
    public var data: [Element]
    /// Whether elements follow the page.
    public var hasMore: Bool
    /// The id of the first element, or `""` when the page is empty.
    public var firstID: String
    /// The id of the last element, or `""` when the page is empty.
    public var lastID: String
    /// The token for the next page when ``hasMore`` is `true`; otherwise `nil`.
    public var nextCursor: CursorToken?

    /// Creates a page.
    public init(data: [Element], hasMore: Bool, firstID: String, lastID: String, nextCursor: CursorToken?) {
        self.data = data
        self.hasMore = hasMore
        self.firstID = firstID
        self.lastID = lastID
        self.nextCursor = nextCursor
    }
}

extension CursorPage: Sendable where Element: Sendable {}
extension CursorPage: Equatable where Element: Equatable {}

/// The order of a cursor-paginated list.
public enum CursorOrder: Hashable, Sendable {
    /// Smallest sort values first (then smallest id).
    case ascending
    /// Largest sort values first (then largest id).
    case descending
}

extension Collection {
    /// The page of this collection after `cursor` in the order of (`sortKey`, `id`).
    ///
    /// The elements are ordered by their sort values (compared as ``CursorValue/compare(_:_:)``,
    /// lexicographically) and then by id (UTF-8 bytes), reversed for ``CursorOrder/descending``.
    /// The page holds the first `limit` elements strictly after the cursor's position; the cursor's
    /// own element need not exist any more. Following ``CursorPage/nextCursor`` visits every element
    /// exactly once, whatever the ties.
    ///
    /// - Parameters:
    ///   - sortKey: The sort values of an element (the same count for every element).
    ///   - id: The element's id, unique in the collection.
    ///   - order: Ascending or descending.
    ///   - cursor: The position to start after, or `nil` for the first page.
    ///   - limit: The page size, at least 1.
    /// - Returns: The page.
    /// - Throws: ``PaginationError``: ``PaginationError/Code-swift.struct/invalidArgument`` for a
    ///   limit below 1 or elements whose sort values cannot be compared;
    ///   ``PaginationError/Code-swift.struct/mismatchedCursor`` when the cursor's values do not fit
    ///   the sort key.
    public func cursorPage(
        sortKey: (Element) -> [CursorValue],
        id: (Element) -> String,
        order: CursorOrder = .ascending,
        after cursor: CursorToken? = nil,
        limit: Int
    ) throws(PaginationError) -> CursorPage<Element> {
        guard limit >= 1 else {
            throw PaginationError(code: .invalidArgument, message: "limit must be at least 1, not \(limit)")
        }
        var failure: PaginationError?
        func compare(_ a: ([CursorValue], String), _ b: ([CursorValue], String)) -> Int {
            guard a.0.count == b.0.count else {
                failure = PaginationError(code: .mismatchedCursor, message: "sort keys of different lengths")
                return 0
            }
            for (x, y) in zip(a.0, b.0) {
                guard let result = CursorValue.compare(x, y) else {
                    failure = PaginationError(code: .mismatchedCursor, message: "sort values of kinds that cannot be compared")
                    return 0
                }
                if result != 0 { return result }
            }
            return a.1.utf8.lexicographicallyPrecedes(b.1.utf8) ? -1 : (a.1.utf8.elementsEqual(b.1.utf8) ? 0 : 1)
        }
        let sign = order == .ascending ? 1 : -1
        let keyed = self.map { (element: $0, key: (sortKey($0), id($0))) }
        let sorted = keyed.sorted { compare($0.key, $1.key) * sign < 0 }
        if let failure {
            throw PaginationError(code: .invalidArgument, message: "the elements' \(failure.message)")
        }
        let remaining = cursor.map { cursor in
            sorted.filter { compare($0.key, (cursor.sortValues, cursor.id)) * sign > 0 }
        } ?? sorted
        if let failure { throw failure }
        let page = Array(remaining.prefix(limit))
        let hasMore = remaining.count > limit
        return CursorPage(
            data: page.map(\.element),
            hasMore: hasMore,
            firstID: page.first?.key.1 ?? "",
            lastID: page.last?.key.1 ?? "",
            nextCursor: hasMore ? page.last.map { CursorToken(sortValues: $0.key.0, id: $0.key.1) } : nil
        )
    }
}
