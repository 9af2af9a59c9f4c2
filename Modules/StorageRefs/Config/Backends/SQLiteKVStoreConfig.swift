/// A `kv_sqlite` backend: a key-value store in one SQLite file (the embedded default).
public struct SQLiteKVStoreConfig: Sendable, Hashable {
    /// Path of the database file, as written; drivers expand a leading `~` when the backend opens
    /// (``StoragePath/expandingTilde(_:home:)``). `:memory:` is a private in-memory database. Parent directories
    /// are created.
    public var dbPath: String

    /// llama-stack's backend-level `namespace`. Accepted so existing configs load; every store gets its
    /// namespace from its ``KVStoreReference``, so this value is not used.
    public var namespace: String?

    /// Creates a configuration.
    public init(dbPath: String, namespace: String? = nil) {
        self.dbPath = dbPath
        self.namespace = namespace
    }
}
