/// The SQL dialect a ``TableStore`` speaks: ``sqlite`` or ``postgres``.
///
/// Lets callers that must differ per backend (for example the access-control filter's JSON
/// membership test) choose their strategy. Compare with `==`.
public struct TableStoreDialect: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Hashable, Sendable {
        case sqlite
        case postgres
    }

    private var base: Base

    private init(_ base: Base) {
        self.base = base
    }

    /// SQLite (embedded and in-memory stores).
    public static var sqlite: TableStoreDialect { TableStoreDialect(.sqlite) }

    /// PostgreSQL.
    public static var postgres: TableStoreDialect { TableStoreDialect(.postgres) }

    /// `sqlite` or `postgres`.
    public var description: String {
        self.base.rawValue
    }
}
