public import Logging
public import StorageRefs

/// Opens `kv_postgres` backends: key-value stores in one PostgreSQL table, over a postgres-nio connection pool.
///
/// Pass the driver to ``StorageRefs/StorageCatalog`` with the other drivers your application links:
///
/// ```swift
/// let driver = PostgresKeyValueDriver()
/// let backend = try await driver.openBackend(named: "kv_default", config: config, logger: logger)
/// let store = try await backend.keyValueStore(namespace: "registry")
/// ```
///
/// Opening a backend validates the table name (before any SQL is built), connects once to check the server and
/// the credentials, creates the table and its expiry index when missing, and then starts the connection pool;
/// see ``PostgresKeyValueBackend``.
public struct PostgresKeyValueDriver: Sendable {
    /// Settings that apply to every backend this driver opens.
    public var options: Options

    /// Creates a driver.
    ///
    /// - Parameter options: Timeouts, pool size, clock and reclaim frequency; see ``Options-swift.struct``.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Opens a `kv_postgres` backend from its typed configuration.
    ///
    /// - Parameters:
    ///   - name: The backend's name in `storage.backends`, for messages and logs.
    ///   - config: Where the server is, how to authenticate, TLS settings and the table name.
    ///   - logger: Where the backend logs; the password is never logged.
    /// - Returns: The opened backend; call ``PostgresKeyValueBackend/shutdown()`` when done.
    /// - Throws: ``StorageError`` with code
    ///   - ``StorageError/Code-swift.struct/invalidIdentifier`` when `table_name` is not a valid SQL identifier
    ///     (before connecting);
    ///   - ``StorageError/Code-swift.struct/invalidValue`` for an unknown `ssl_mode`, an unreadable `ca_cert_path`,
    ///     or invalid ``Options-swift.struct``;
    ///   - ``StorageError/Code-swift.struct/connectionFailed`` when the server cannot be reached within
    ///     ``Options-swift.struct/connectTimeout`` or rejects the credentials; the message names `host:port` and
    ///     the database, never the password, and the postgres-nio error is the ``StorageError/cause``;
    ///   - ``StorageError/Code-swift.struct/schemaMismatch`` when the table exists with other columns;
    ///   - ``StorageError/Code-swift.struct/backendFailure`` when the server rejects creating the table.
    public func openBackend(
        named name: String,
        config: PostgresKVStoreConfig,
        logger: Logger
    ) async throws -> PostgresKeyValueBackend {
        try await PostgresKeyValueBackend.open(named: name, config: config, options: self.options, logger: logger)
    }
}

extension PostgresKeyValueDriver: StorageDriver {
    /// `[.kvPostgres]`.
    public var backendTypes: Set<StorageBackendType> { [.kvPostgres] }

    /// Opens a `kv_postgres` backend; see ``openBackend(named:config:logger:)``.
    ///
    /// - Throws: As ``openBackend(named:config:logger:)``, or ``StorageError/Code-swift.struct/notSupported``
    ///   when `config` is not a `kv_postgres` configuration.
    public func openKeyValueBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any KeyValueBackend {
        guard case .kvPostgres(let postgres) = config else {
            throw StorageError(
                code: .notSupported,
                message: "the PostgreSQL key-value driver cannot open backend '\(name)' of type '\(config.type)'"
            )
        }
        return try await self.openBackend(named: name, config: postgres, logger: logger)
    }
}
