public import Logging
public import NIOCore
import NIOPosix
public import StorageRefs

/// Opens `kv_redis` backends: Redis servers speaking RESP over SwiftNIO.
///
/// Pass it to a ``StorageRefs/StorageCatalog``; each backend gets its own pool of connections.
///
/// ```swift
/// let driver = RedisKeyValueDriver()
/// let backend = try await driver.openBackend(named: "cache", configuration: RedisKVStoreConfig(), logger: logger)
/// let store = try await backend.keyValueStore(namespace: "sessions")
/// ```
public struct RedisKeyValueDriver: StorageDriver {
    /// Knobs shared by every backend this driver opens.
    public struct Options: Sendable {
        /// The most connections one backend opens at once, at least 1. Default 8.
        public var maxConnections: Int

        /// How long opening a connection, including `AUTH` and `SELECT`, may take before it fails with
        /// ``StorageRefs/StorageError/Code-swift.struct/connectionFailed``. Default 5 seconds.
        public var connectTimeout: Duration

        /// Creates options with the defaults: 8 connections, a 5-second connect timeout.
        public init() {
            self.maxConnections = 8
            self.connectTimeout = .seconds(5)
        }
    }

    /// The options every backend is opened with.
    public var options: Options

    /// The event loops connections run on.
    public let eventLoopGroup: any EventLoopGroup

    /// The backend types this driver opens: `kv_redis`.
    public var backendTypes: Set<StorageBackendType> { [.kvRedis] }

    /// Creates a driver whose connections run on `MultiThreadedEventLoopGroup.singleton`.
    ///
    /// - Parameter options: The options for every backend. Default ``Options/init()``.
    public init(options: Options = Options()) {
        self.init(options: options, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
    }

    /// Creates a driver whose connections run on `eventLoopGroup`.
    ///
    /// - Parameters:
    ///   - options: The options for every backend.
    ///   - eventLoopGroup: The event loops; the caller keeps it running until every backend is shut down.
    public init(options: Options, eventLoopGroup: any EventLoopGroup) {
        self.options = options
        self.eventLoopGroup = eventLoopGroup
    }

    /// Opens a `kv_redis` backend; see ``openBackend(named:configuration:logger:)``.
    ///
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/notSupported``
    ///   when `config` is not `kv_redis`, or as ``openBackend(named:configuration:logger:)``.
    public func openKeyValueBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any KeyValueBackend {
        guard case .kvRedis(let configuration) = config else {
            throw StorageError(
                code: .notSupported,
                message: "the Redis driver opens kv_redis backends, not '\(config.type)' (backend '\(name)')"
            )
        }
        return try await self.openBackend(named: name, configuration: configuration, logger: logger)
    }

    /// Opens a Redis backend and checks it by opening its first connection.
    ///
    /// The connection sends `AUTH default <password>` when a password is configured and `SELECT <db>` when `db` is
    /// not 0. The configuration's `namespace` is ignored: every store chooses its own.
    ///
    /// - Parameters:
    ///   - name: The backend's name, for messages and logs.
    ///   - configuration: The server to connect to.
    ///   - logger: Where the backend logs: connections opened and closed at debug level, failures at warning.
    /// - Returns: The opened backend.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/connectionFailed``
    ///   naming the backend and `host:port` (never the password) when the server cannot be reached within
    ///   ``Options/connectTimeout``, refuses the password or the database.
    public func openBackend(
        named name: String,
        configuration: RedisKVStoreConfig,
        logger: Logger
    ) async throws -> RedisKeyValueBackend {
        var logger = logger
        logger[metadataKey: "storage.backend"] = "\(name)"
        let connectionConfiguration = RedisConnection.Configuration(
            host: configuration.host,
            port: configuration.port,
            password: configuration.password,
            database: configuration.db,
            connectTimeout: self.options.connectTimeout
        )
        let pool = RedisConnectionPool(
            configuration: connectionConfiguration,
            maximumConnections: self.options.maxConnections,
            eventLoopGroup: self.eventLoopGroup,
            logger: logger
        )
        let scriptSHAs: [String: [UInt8]]
        do {
            let connection = try await pool.acquire()
            pool.release(connection)
            scriptSHAs = try await RedisKeyValueBackend.loadScripts(
                on: pool,
                endpoint: connectionConfiguration.endpoint
            )
        } catch {
            await pool.close()
            guard let error = error as? StorageError else { throw error }
            throw StorageError(
                code: error.code,
                message: "kv_redis backend '\(name)': \(error.message)",
                cause: error.cause,
                location: error.location
            )
        }
        return RedisKeyValueBackend(
            pool: pool,
            endpoint: connectionConfiguration.endpoint,
            scriptSHAs: scriptSHAs,
            logger: logger
        )
    }
}
