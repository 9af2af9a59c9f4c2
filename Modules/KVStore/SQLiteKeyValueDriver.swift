public import Logging
public import StorageRefs

/// Opens `kv_sqlite` backends for a ``StorageCatalog``.
///
/// ```swift
/// let catalog = try StorageCatalog(config: config.storage, drivers: [SQLiteKeyValueDriver()])
/// ```
public struct SQLiteKeyValueDriver: StorageDriver {
    /// The options every backend this driver opens gets.
    public var options: SQLiteKeyValueBackend.Options

    /// Creates a driver.
    public init(options: SQLiteKeyValueBackend.Options = .init()) {
        self.options = options
    }

    /// `kv_sqlite`.
    public var backendTypes: Set<StorageBackendType> { [.kvSQLite] }

    /// Opens the SQLite database of a `kv_sqlite` backend.
    public func openKeyValueBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any KeyValueBackend {
        guard case .kvSQLite(let sqlite) = config else {
            throw StorageError(
                code: .notSupported,
                message: "backend '\(name)' has type '\(config.type)'; this driver opens kv_sqlite only"
            )
        }
        let backend = try SQLiteKeyValueBackend(path: sqlite.dbPath, options: options)
        logger.debug("opened SQLite key-value database", metadata: ["backend": "\(name)", "path": "\(sqlite.dbPath)"])
        return backend
    }
}
