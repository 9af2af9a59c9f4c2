/// The direction of a ``TableOrdering``: ``ascending`` or ``descending``.
public struct SortDirection: Hashable, Sendable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case ascending
        case descending
    }

    private var base: Base

    private init(_ base: Base) {
        self.base = base
    }

    /// Smallest order value first; `NULL` before every value.
    public static var ascending: SortDirection { SortDirection(.ascending) }

    /// Largest order value first; `NULL` after every value.
    public static var descending: SortDirection { SortDirection(.descending) }

    /// Whether this is ``ascending``.
    public var isAscending: Bool {
        self.base == .ascending
    }

    /// `ascending` or `descending`.
    public var description: String {
        self.isAscending ? "ascending" : "descending"
    }
}
