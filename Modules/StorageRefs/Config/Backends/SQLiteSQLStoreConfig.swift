/// A `sql_sqlite` backend: a table store in one SQLite file (the embedded default).
public struct SQLiteSQLStoreConfig: Sendable, Hashable {
    /// Path of the database file, as written; drivers expand a leading `~` when the backend opens
    /// (``StoragePath/expandingTilde(_:home:)``). `:memory:` is a private in-memory database. Parent directories
    /// are created.
    public var dbPath: String

    /// Creates a configuration.
    public init(dbPath: String) {
        self.dbPath = dbPath
    }
}
