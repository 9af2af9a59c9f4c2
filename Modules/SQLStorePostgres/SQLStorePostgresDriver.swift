public import Logging
public import StorageRefs

/// Opens `sql_postgres` backends for a ``StorageRefs/StorageCatalog``: table stores in a PostgreSQL database.
///
/// ```swift
/// let catalog = try StorageCatalog(config: config.storage, drivers: [SQLStorePostgresDriver()])
/// ```
public struct SQLStorePostgresDriver: StorageDriver {
    /// Settings of every backend a ``SQLStorePostgresDriver`` opens.
    public struct Options: Sendable {
        /// How long opening a backend waits for a connection to the server. Default 5 seconds; must be positive.
        public var connectTimeout: Duration

        /// The most connections one backend keeps open. Default 20; at least 1.
        public var maximumConnections: Int

        /// Creates options.
        ///
        /// - Parameters:
        ///   - connectTimeout: The connect timeout; default 5 seconds.
        ///   - maximumConnections: The pool's size limit; default 20.
        public init(connectTimeout: Duration = .seconds(5), maximumConnections: Int = 20) {
            self.connectTimeout = connectTimeout
            self.maximumConnections = maximumConnections
        }
    }

    /// The options every backend this driver opens gets.
    public var options: Options

    /// Creates a driver.
    ///
    /// - Parameter options: The options of every backend it opens; the defaults by default.
    public init(options: Options = .init()) {
        self.options = options
    }

    /// `sql_postgres`.
    public var backendTypes: Set<StorageBackendType> { [.sqlPostgres] }

    /// Opens a `sql_postgres` backend; see ``PostgresTableBackend/open(named:config:options:logger:)``.
    ///
    /// - Throws: As ``PostgresTableBackend/open(named:config:options:logger:)``, or
    ///   ``StorageRefs/StorageError/Code-swift.struct/notSupported`` when `config` is not a `sql_postgres`
    ///   configuration.
    public func openTableBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any TableBackend {
        guard case .sqlPostgres(let postgres) = config else {
            throw StorageError(
                code: .notSupported,
                message: "backend '\(name)' has type '\(config.type)'; this driver opens sql_postgres only"
            )
        }
        return try await PostgresTableBackend.open(named: name, config: postgres, options: options, logger: logger)
    }
}
