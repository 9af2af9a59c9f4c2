import Foundation
import Logging
import NIOCore
import PostgresNIO
public import StorageRefs
import Synchronization
import _PostgresSupport

/// An opened `kv_postgres` backend: one PostgreSQL connection pool and one table, shared by every namespace.
///
/// Open one with ``PostgresKeyValueDriver``. The backend owns a postgres-nio `PostgresClient` and the task that
/// runs it; every ``PostgresKeyValueStore`` it hands out uses that client, and ``shutdown()`` cancels the task,
/// which closes the connections. Afterwards every operation of every store throws
/// ``StorageError/Code-swift.struct/closed``.
///
/// All namespaces live in one table (named by the configuration's `table_name`), whose primary key is
/// `(namespace, key)`.
///
/// ## Connections
///
/// Statements do not lease a connection from the pool each time: the backend keeps the connections it has leased
/// and lends them to one statement after another, leasing more (up to
/// ``PostgresKeyValueDriver/Options-swift.struct/maximumConnections``) only while all of them are busy. A
/// connection nobody used for about a second goes back to the pool, where postgres-nio's keep-alive and idle
/// timeout apply to it.
///
/// ## Reclaiming expired rows
///
/// Expired rows are invisible at once (every read compares `expires_at` with the injected clock's "now") and are
/// deleted eventually: after every ``PostgresKeyValueDriver/Options-swift.struct/writesBetweenReclaims`` writes
/// (single and batch `set`s, counted across all namespaces of this backend), a background task deletes every
/// expired row of the table. ``reclaimExpired()`` does the same on demand. Other processes using the same table
/// reclaim too; the deletes are idempotent.
public final class PostgresKeyValueBackend: Sendable {
    /// The backend's name in `storage.backends`.
    public let name: String

    let statements: PostgresKeyValueStatements
    let errors: PostgresErrorMapping
    /// The connections statements run on, leased from the backend's `PostgresClient`.
    let connections: PostgresConnectionCache
    let clock: any WallClock
    let logger: Logger
    private let writesBetweenReclaims: Int
    private let runTask: Task<Void, Never>
    private let state = Mutex(State())
    /// Whether ``shutdown()`` has begun; only set under `state`'s lock, read without it on every statement.
    private let isClosed = Atomic(false)
    /// Writes since the last background reclaim started; counted without a lock on every write.
    private let writesSinceReclaim = Atomic(0)

    /// How long a connection stays leased without being used before it goes back to the pool.
    static let connectionIdleTime = Duration.seconds(1)

    private struct State {
        var isClosed = false
        var reclaimTask: Task<Void, Never>?
    }

    /// Starts running `client`; the caller has already created the table.
    init(
        name: String,
        statements: PostgresKeyValueStatements,
        errors: PostgresErrorMapping,
        client: PostgresClient,
        options: PostgresKeyValueDriver.Options,
        logger: Logger
    ) {
        self.name = name
        self.statements = statements
        self.errors = errors
        self.clock = options.clock
        self.logger = logger
        self.writesBetweenReclaims = options.writesBetweenReclaims
        let connections = PostgresConnectionCache(
            client: client,
            limit: options.maximumConnections,
            closedError: Self.closedError(name)
        )
        self.connections = connections
        self.runTask = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await client.run() }
                group.addTask {
                    await connections.returnIdleConnectionsUntilCancelled(every: Self.connectionIdleTime)
                }
            }
        }
    }

    /// Opens a backend: validates the table name, connects once to check the server and create the table, then
    /// starts the pool.
    static func open(
        named name: String,
        config: PostgresKVStoreConfig,
        options: PostgresKeyValueDriver.Options,
        logger: Logger
    ) async throws -> PostgresKeyValueBackend {
        let statements = try PostgresKeyValueStatements(tableName: config.tableName)
        guard options.maximumConnections >= 1 else {
            throw StorageError(
                code: .invalidValue,
                message: "maximumConnections must be at least 1, got \(options.maximumConnections)"
            )
        }
        guard options.connectTimeout > .zero else {
            throw StorageError(code: .invalidValue, message: "connectTimeout must be positive")
        }
        let tls = try PostgresTLSSettings(sslMode: config.sslMode, caCertPath: config.caCertPath)
        let errors = PostgresErrorMapping(
            backendName: name,
            host: config.host,
            port: config.port,
            database: config.db,
            user: config.user
        )
        var logger = logger
        logger[metadataKey: "storage.backend"] = "\(name)"

        // One plain connection first: it fails fast and clearly when the server is unreachable or rejects the
        // credentials (the pool would retry for a minute), and it creates the table before any store exists.
        var connectionConfiguration = PostgresConnection.Configuration(
            host: config.host,
            port: config.port,
            username: config.user,
            password: config.password?.revealed,
            database: config.db,
            tls: try tls.connectionTLS()
        )
        connectionConfiguration.options.connectTimeout = TimeAmount(options.connectTimeout)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration,
                id: 0,
                logger: logger
            )
        } catch {
            let failure = errors.connectFailure(error)
            logger.warning("cannot open the PostgreSQL key-value backend", metadata: ["error": "\(failure)"])
            throw failure
        }
        do {
            try await PostgresKeyValueSchema.prepare(on: connection, statements: statements, logger: logger)
        } catch {
            try? await connection.close()
            throw errors.operationFailure(error, operation: "preparing table \"\(statements.tableName)\"")
        }
        try? await connection.close()

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
        logger.debug("opened the PostgreSQL key-value backend", metadata: ["postgres.endpoint": "\(errors.endpoint)"])
        return PostgresKeyValueBackend(
            name: name,
            statements: statements,
            errors: errors,
            client: client,
            options: options,
            logger: logger
        )
    }

    /// Deletes every expired row of the backend's table, in every namespace, now.
    ///
    /// A row is expired when its expiration is at or before the injected clock's current instant. Reads never
    /// return expired rows, so calling this only frees space; the backend also calls it on its own (see
    /// "Reclaiming expired rows" above).
    ///
    /// - Returns: The number of rows deleted.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/closed`` after ``shutdown()``, or a
    ///   backend error.
    @discardableResult
    public func reclaimExpired() async throws -> Int {
        try self.checkOpen()
        return try await self.deleteExpiredRows()
    }

    /// Deletes the expired rows without checking whether the backend is closed (a running reclaim finishes).
    @discardableResult
    private func deleteExpiredRows() async throws -> Int {
        var binds = PostgresBindings(capacity: 1)
        binds.append(self.clock.now())
        let query = PostgresQuery(unsafeSQL: self.statements.reclaimExpired, binds: binds)
        let removed = try await self.run(query, "deleting expired keys") { rows in
            var removed = 0
            for try await count in rows.decode(Int64.self) {
                removed = Int(count)
            }
            return removed
        }
        self.logger.debug("reclaimed expired keys", metadata: ["postgres.rows": "\(removed)"])
        return removed
    }

    /// Returns once the background reclaim that is running, if any, has finished (for this package's tests).
    package func waitForBackgroundReclaim() async {
        await self.state.withLock { $0.reclaimTask }?.value
    }

    /// Throws ``StorageError/Code-swift.struct/closed`` once ``shutdown()`` has begun.
    func checkOpen() throws(StorageError) {
        if self.isClosed.load(ordering: .acquiring) {
            throw Self.closedError(self.name)
        }
    }

    /// The error of every operation after ``shutdown()``.
    private static func closedError(_ name: String) -> StorageError {
        StorageError(code: .closed, message: "PostgreSQL backend '\(name)' has been shut down")
    }

    /// Runs `query` on one of the backend's connections and hands its rows to `body`, which must consume them;
    /// maps what either throws to a ``StorageError`` that describes `operation` (built only on failure).
    func run<Result>(
        _ query: PostgresQuery,
        _ operation: @autoclosure () -> String,
        _ body: (PostgresRowSequence) async throws -> Result
    ) async throws -> Result {
        try await self.perform(operation()) {
            try await self.connections.withConnection { connection in
                try await body(try await connection.query(query, logger: self.logger))
            }
        }
    }

    /// Runs `body`, mapping what it throws to a ``StorageError`` that describes `operation`.
    func perform<Result>(
        _ operation: @autoclosure () -> String,
        _ body: () async throws -> Result
    ) async throws
        -> Result
    {
        do {
            return try await body()
        } catch {
            throw self.errors.operationFailure(error, operation: operation())
        }
    }

    /// Counts one write and starts a background reclaim once enough writes have happened.
    ///
    /// The count is one atomic increment; only the write that reaches the interval takes the lock, and it only
    /// starts the reclaim in a task of its own, so no caller waits for the `DELETE`.
    func recordWrite() {
        guard self.writesBetweenReclaims > 0 else { return }
        let writes = self.writesSinceReclaim.wrappingAdd(1, ordering: .relaxed).newValue
        guard writes >= self.writesBetweenReclaims else { return }
        self.state.withLock { state in
            guard !state.isClosed, state.reclaimTask == nil else { return }
            self.writesSinceReclaim.store(0, ordering: .relaxed)
            // The task clears itself under the same lock, which is held until it has been stored.
            state.reclaimTask = Task {
                do {
                    try await self.deleteExpiredRows()
                } catch {
                    self.logger.warning("could not delete expired keys", metadata: ["error": "\(error)"])
                }
                self.state.withLock { $0.reclaimTask = nil }
            }
        }
    }
}

extension PostgresKeyValueBackend: KeyValueBackend {
    /// Returns the store of `namespace`; every store shares this backend's connections and table.
    ///
    /// Stores of the same namespace see the same keys; different namespaces never see each other's keys.
    ///
    /// - Parameter namespace: A non-empty namespace without U+0000 (PostgreSQL `text` cannot hold it).
    /// - Returns: A ``PostgresKeyValueStore``.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` for an empty namespace
    ///   or one containing U+0000, or ``StorageError/Code-swift.struct/closed`` after ``shutdown()``.
    public func keyValueStore(namespace: String) async throws -> any KeyValueStore {
        try self.store(namespace: namespace)
    }

    /// Returns the store of `namespace`, as its concrete type.
    ///
    /// Same as ``keyValueStore(namespace:)``.
    ///
    /// - Parameter namespace: A non-empty namespace without U+0000.
    /// - Returns: The namespace's store.
    /// - Throws: As ``keyValueStore(namespace:)``.
    public func store(namespace: String) throws(StorageError) -> PostgresKeyValueStore {
        try KeyValueKey.validateNamespace(namespace)
        try self.checkOpen()
        return PostgresKeyValueStore(namespace: namespace, backend: self)
    }

    /// Closes the backend's connections.
    ///
    /// Waits for a running reclaim, gives the backend's connections back to the pool (a statement still running
    /// gives its connection back when it ends), then cancels the client's run task and waits for it to end. Every
    /// store of this backend throws ``StorageError/Code-swift.struct/closed`` afterwards. Calling it again does
    /// nothing.
    public func shutdown() async throws {
        let (wasClosed, reclaim) = self.state.withLock { state in
            let wasClosed = state.isClosed
            state.isClosed = true
            self.isClosed.store(true, ordering: .releasing)
            return (wasClosed, state.reclaimTask)
        }
        await reclaim?.value
        guard !wasClosed else { return }
        self.connections.close()
        self.runTask.cancel()
        await self.runTask.value
        self.logger.debug("closed the PostgreSQL key-value backend")
    }
}

extension TimeAmount {
    /// The same span as `duration`, in nanoseconds.
    fileprivate init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
