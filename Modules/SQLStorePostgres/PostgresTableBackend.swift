public import Logging
import NIOCore
import PostgresNIO
public import StorageRefs
import Synchronization
import _PostgresSupport

/// A `sql_postgres` backend: one ``PostgresTableStore`` over one PostgreSQL database.
///
/// The backend owns a postgres-nio `PostgresClient` connection pool and the task that runs it;
/// ``shutdown()`` cancels that task, which closes the connections, and every later operation of the store
/// throws ``StorageRefs/StorageError/Code-swift.struct/closed``.
public final class PostgresTableBackend: TableBackend {
    private let store: PostgresTableStore
    private let runTask: Task<Void, Never>
    private let logger: Logger
    private let isClosed = Mutex(false)

    /// The backend's table store; every reference to this backend shares it.
    public var tableStore: any TableStore { store }

    private init(store: PostgresTableStore, runTask: Task<Void, Never>, logger: Logger) {
        self.store = store
        self.runTask = runTask
        self.logger = logger
    }

    /// Connects to the server of `config` and starts the backend's connection pool.
    ///
    /// One connection is made first (within ``SQLStorePostgresDriver/Options-swift.struct/connectTimeout``) to
    /// check the server and the credentials; then the pool starts.
    ///
    /// - Parameters:
    ///   - name: The backend's name in `storage.backends`, for messages and logs.
    ///   - config: Where the server is, how to authenticate and the TLS settings.
    ///   - options: Timeouts and pool size.
    ///   - logger: Where the backend logs; the password is never logged.
    /// - Returns: The opened backend; call ``shutdown()`` when done.
    /// - Throws: ``StorageRefs/StorageError`` with code
    ///   ``StorageRefs/StorageError/Code-swift.struct/invalidValue`` for an unknown `ssl_mode` or an unreadable
    ///   `ca_cert_path`, or ``StorageRefs/StorageError/Code-swift.struct/connectionFailed`` naming `host:port` and
    ///   the database (never the password) when the server cannot be reached or rejects the credentials.
    public static func open(
        named name: String,
        config: PostgresSQLStoreConfig,
        options: SQLStorePostgresDriver.Options = .init(),
        logger: Logger
    ) async throws -> PostgresTableBackend {
        try await open(named: name, config: config, options: options, schema: nil, logger: logger)
    }

    /// Opens a backend whose tables live in `schema` (for this package's tests); see
    /// ``open(named:config:options:logger:)``.
    package static func open(
        named name: String,
        config: PostgresSQLStoreConfig,
        options: SQLStorePostgresDriver.Options,
        schema: String?,
        logger: Logger
    ) async throws -> PostgresTableBackend {
        if let schema { _ = try SQLIdentifier.validate(schema, kind: "schema") }
        guard options.connectTimeout > .zero, options.maximumConnections >= 1 else {
            throw StorageError(
                code: .invalidValue,
                message: "the connect timeout must be positive and the pool hold at least one connection"
            )
        }
        let tls = try PostgresTLSSettings(sslMode: config.sslMode, caCertPath: config.caCertPath)
        let errors = PostgresErrorMapping(
            backendName: name,
            host: config.host,
            port: config.port,
            database: config.db,
            user: config.user
        )
        var connectionConfiguration = PostgresConnection.Configuration(
            host: config.host,
            port: config.port,
            username: config.user,
            password: config.password?.revealed,
            database: config.db,
            tls: try tls.connectionTLS()
        )
        connectionConfiguration.options.connectTimeout = TimeAmount(options.connectTimeout)
        do {
            let connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration,
                id: 0,
                logger: logger
            )
            try? await connection.close()
        } catch {
            let failure = errors.connectFailure(error)
            logger.warning("cannot open the PostgreSQL table backend", metadata: ["error": "\(failure)"])
            throw failure
        }
        var clientConfiguration = PostgresClient.Configuration(
            host: config.host,
            port: config.port,
            username: config.user,
            password: config.password?.revealed,
            database: config.db,
            tls: tls.clientTLS
        )
        clientConfiguration.options.connectTimeout = options.connectTimeout
        clientConfiguration.options.maximumConnections = options.maximumConnections
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        let runTask = Task { await client.run() }
        let context = PostgresTableContext(
            cache: PostgresSchemaCache(),
            errors: errors,
            logger: logger,
            schema: schema
        )
        logger.debug("opened the PostgreSQL table backend", metadata: ["postgres.endpoint": "\(errors.endpoint)"])
        return PostgresTableBackend(
            store: PostgresTableStore(client: client, context: context),
            runTask: runTask,
            logger: logger
        )
    }

    /// Creates the schema the backend was opened on, when missing (for this package's tests).
    package func createSchema() async throws {
        guard let schema = store.context.schema else { return }
        try await store.session { session in
            try await session.execute("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"", "creating schema \(schema)")
        }
    }

    /// Drops the schema the backend was opened on, with every table in it (for this package's tests).
    package func dropSchema() async throws {
        guard let schema = store.context.schema else { return }
        try await store.session { session in
            try await session.execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE", "dropping schema \(schema)")
        }
    }

    /// Closes the backend's connections; the store throws ``StorageRefs/StorageError/Code-swift.struct/closed``
    /// afterwards. Calling it again does nothing.
    public func shutdown() async throws {
        let wasClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        store.close()
        runTask.cancel()
        await runTask.value
        logger.debug("closed the PostgreSQL table backend")
    }
}

extension TimeAmount {
    /// The same span as `duration`, in nanoseconds.
    fileprivate init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
