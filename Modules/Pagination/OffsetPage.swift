/// One page of an offset-paginated list: llama-stack's `paginate_records`.
public struct OffsetPage<Element> {
    /// The elements of the page, in the list's order.
    public var data: [Element]
    /// Whether elements follow the page.
    public var hasMore: Bool

    /// Creates a page.
    public init(data: [Element], hasMore: Bool) {
        self.data = data
        self.hasMore = hasMore
    }
}

extension OffsetPage: Sendable where Element: Sendable {}
extension OffsetPage: Equatable where Element: Equatable {}
extension OffsetPage: Hashable where Element: Hashable {}

extension Collection {
    /// The page of this collection starting at `startIndex` with at most `limit` elements.
    ///
    /// As llama-stack's `paginate_records`: a `nil` start is 0; a `nil` or `-1` limit means every
    /// element from the start (and `hasMore` is `false`); `hasMore` is `true` exactly when elements
    /// follow the page. A start at or past the end gives an empty page.
    ///
    /// - Parameters:
    ///   - startIndex: The offset of the first element, at least 0.
    ///   - limit: The page size (at least 1), or `nil`/`-1` for everything.
    /// - Returns: The page.
    /// - Throws: ``PaginationError`` ``PaginationError/Code-swift.struct/invalidArgument`` naming
    ///   `start_index` when it is negative, or `limit` when it is 0 or below -1.
    public func page(startIndex: Int? = nil, limit: Int? = nil) throws(PaginationError) -> OffsetPage<Element> {
        let start = startIndex ?? 0
        guard start >= 0 else {
            throw PaginationError(code: .invalidArgument, message: "start_index must be at least 0, not \(start)")
        }
        let elements = Array(self)
        let from = Swift.min(start, elements.count)
        guard let limit, limit != -1 else {
            return OffsetPage(data: Array(elements[from...]), hasMore: false)
        }
        guard limit >= 1 else {
            throw PaginationError(code: .invalidArgument, message: "limit must be at least 1 (or -1 for everything), not \(limit)")
        }
        let end = from + Swift.min(limit, elements.count - from)
        return OffsetPage(data: Array(elements[from..<end]), hasMore: end < elements.count)
    }
}
