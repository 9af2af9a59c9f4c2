public import Logging
public import StorageRefs

/// Opens `sql_sqlite` backends for a ``StorageCatalog``.
///
/// ```swift
/// let catalog = try StorageCatalog(config: config.storage, drivers: [SQLiteTableDriver()])
/// ```
public struct SQLiteTableDriver: StorageDriver {
    /// The options every backend this driver opens gets.
    public var options: SQLiteTableStore.Options

    /// Creates a driver.
    ///
    /// - Parameter options: The options of every store it opens; the defaults by default.
    public init(options: SQLiteTableStore.Options = .init()) {
        self.options = options
    }

    /// `sql_sqlite`.
    public var backendTypes: Set<StorageBackendType> { [.sqlSQLite] }

    /// Opens the SQLite database of a `sql_sqlite` backend (`~` expanded, parent directories
    /// created, `:memory:` private to the backend).
    public func openTableBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any TableBackend {
        guard case .sqlSQLite(let sqlite) = config else {
            throw StorageError(
                code: .notSupported,
                message: "backend '\(name)' has type '\(config.type)'; this driver opens sql_sqlite only"
            )
        }
        let backend = try SQLiteTableBackend(path: sqlite.dbPath, options: options)
        logger.debug("opened SQLite table database", metadata: ["backend": "\(name)", "path": "\(sqlite.dbPath)"])
        return backend
    }
}
