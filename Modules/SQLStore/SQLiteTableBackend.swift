public import StorageRefs

/// A `sql_sqlite` backend: one ``SQLiteTableStore`` over one database file (or `:memory:`).
public final class SQLiteTableBackend: TableBackend {
    private let store: SQLiteTableStore

    /// The backend's table store; every reference to this backend shares it.
    public var tableStore: any TableStore { store }

    /// Opens (creating if needed) the database at `path`; see ``SQLiteTableStore/init(path:options:)``.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/connectionFailed`` naming
    ///   the path.
    public init(path: String, options: SQLiteTableStore.Options = .init()) throws(StorageError) {
        store = try SQLiteTableStore(path: path, options: options)
    }

    /// Closes the store's connections; it fails with ``StorageError/Code-swift.struct/closed``
    /// afterwards.
    public func shutdown() async throws {
        await store.close()
    }
}
