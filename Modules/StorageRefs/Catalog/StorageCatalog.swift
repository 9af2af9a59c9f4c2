public import Logging
public import Tracing
public import CoreMetrics

/// Opens each named backend of a ``StorageConfig`` once, lazily, and hands the same backend to every reference
/// that names it.
///
/// ```swift
/// let catalog = try StorageCatalog(config: runConfig.storage,
///                                  drivers: [SQLiteKeyValueDriver(), SQLiteTableDriver()])
/// let registry = try await catalog.keyValueStore(for: runConfig.storage.stores.metadata!)
/// ...
/// try await catalog.shutdown()
/// ```
///
/// - A backend opens on first use. Concurrent first requests share one opening; a failed opening is not
///   remembered, so the next request tries again.
/// - Unknown backends and references to the wrong family fail with the same messages as validation
///   (``StorageConfig/backendProblem(for:)``); a type whose driver was not passed in fails with
///   ``StorageError/Code/driverMissing`` naming the product to add; `kv_mongodb` fails with
///   ``StorageError/Code/notSupported``.
/// - ``shutdown()`` closes every opened backend; afterwards every request fails with ``StorageError/Code/closed``.
public actor StorageCatalog {
    /// The configuration this catalog serves.
    public nonisolated let config: StorageConfig

    private let drivers: [StorageBackendType: any StorageDriver]
    private let logger: Logger
    private let tracer: (any Tracer)?
    private let metricsFactory: (any MetricsFactory)?
    private var openings: [String: Task<OpenedBackend, any Error>] = [:]
    private var isShutDown = false

    /// Creates a catalog. Nothing is opened until a store is asked for.
    ///
    /// - Parameters:
    ///   - config: The storage section; it is validated here.
    ///   - drivers: The drivers the application links. When two drivers support the same type, the later one
    ///     in the array is used.
    ///   - logger: Where the catalog and the backends it opens log.
    ///   - tracer: Traces every operation of the stores handed out (``TracedKeyValueStore``,
    ///     ``TracedTableStore``); `nil` uses the bootstrapped tracer, a no-op until the application bootstraps one.
    ///   - metricsFactory: Receives the stores' operation timers and error counters; `nil` uses the bootstrapped one.
    /// - Throws: ``StorageConfigError`` when `config` does not pass ``StorageConfig/validate()``.
    public init(
        config: StorageConfig,
        drivers: [any StorageDriver],
        logger: Logger = Logger(label: "stackkit.storage"),
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(StorageConfigError) {
        let issues = config.validate()
        guard issues.isEmpty else { throw StorageConfigError(code: .invalidConfig, issues: issues) }
        self.config = config
        var byType: [StorageBackendType: any StorageDriver] = [:]
        for driver in drivers {
            for type in driver.backendTypes { byType[type] = driver }
        }
        self.drivers = byType
        self.logger = logger
        self.tracer = tracer
        self.metricsFactory = metricsFactory
    }

    /// The key-value store a reference names: its backend's store for its namespace, traced (``TracedKeyValueStore``).
    ///
    /// - Throws: ``StorageError``: ``StorageError/Code/unknownBackend``, ``StorageError/Code/wrongBackendFamily``,
    ///   ``StorageError/Code/driverMissing``, ``StorageError/Code/notSupported``, ``StorageError/Code/closed``, or
    ///   the driver's error when the backend cannot be opened.
    public func keyValueStore(for reference: KVStoreReference) async throws -> any KeyValueStore {
        let backend = try await keyValueBackend(for: .keyValue(reference))
        let store = try await backend.keyValueStore(namespace: reference.namespace)
        return TracedKeyValueStore(store, namespace: reference.namespace, tracer: tracer, metricsFactory: metricsFactory)
    }

    /// The table store a reference's backend serves. The reference's `table_name` is for the store built on top
    /// (responses, chat completions, …) to use; every reference to one backend gets the same table store, traced
    /// (``TracedTableStore``).
    ///
    /// - Throws: As ``keyValueStore(for:)``.
    public func tableStore(for reference: SQLStoreReference) async throws -> any TableStore {
        TracedTableStore(try await tableBackend(for: .table(reference)).tableStore, tracer: tracer, metricsFactory: metricsFactory)
    }

    /// The opened `kv_*` backend a reference names, opening it if needed.
    public func keyValueBackend(for reference: StoreReference) async throws -> any KeyValueBackend {
        guard case .keyValue(let backend) = try await backend(for: reference) else {
            throw StorageError(code: .wrongBackendFamily, message: "\(reference.target) needs a key-value reference")
        }
        return backend
    }

    /// The opened `sql_*` backend a reference names, opening it if needed.
    public func tableBackend(for reference: StoreReference) async throws -> any TableBackend {
        guard case .table(let backend) = try await backend(for: reference) else {
            throw StorageError(code: .wrongBackendFamily, message: "\(reference.target) needs a table reference")
        }
        return backend
    }

    /// Closes every backend opened so far, waiting for openings in progress first.
    ///
    /// Every backend is shut down even when one fails; the first failure is rethrown. Calling it again does
    /// nothing.
    public func shutdown() async throws {
        guard !isShutDown else { return }
        isShutDown = true
        let pending = openings
        openings = [:]
        var firstError: (any Error)?
        for name in pending.keys.sorted() {
            guard let opened = try? await pending[name]!.value else { continue }
            do {
                try await opened.backend.shutdown()
                logger.debug("closed storage backend", metadata: ["backend": "\(name)"])
            } catch {
                logger.error("closing storage backend failed", metadata: ["backend": "\(name)", "error": "\(error)"])
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// The names of the backends opened (or opening) so far, sorted.
    public var openedBackendNames: [String] { openings.keys.sorted() }

    private func backend(for reference: StoreReference) async throws -> OpenedBackend {
        guard !isShutDown else {
            throw StorageError(
                code: .closed,
                message:
                    "the storage catalog has been shut down; \(reference.target) on backend '\(reference.backend)' is no longer available"
            )
        }
        if let problem = config.backendProblem(for: reference) {
            let code: StorageError.Code =
                config.backends[reference.backend] == nil ? .unknownBackend : .wrongBackendFamily
            throw StorageError(code: code, message: "\(reference.target) \(problem)")
        }
        let name = reference.backend
        if let opening = openings[name] {
            return try await opening.value
        }
        let backendConfig = config.backends[name]!
        guard let driver = drivers[backendConfig.type] else {
            throw Self.missingDriverError(name: name, type: backendConfig.type)
        }
        let logger = self.logger
        let opening = Task<OpenedBackend, any Error> {
            switch backendConfig.family {
            case .keyValue:
                return .keyValue(
                    try await driver.openKeyValueBackend(named: name, config: backendConfig, logger: logger)
                )
            default:
                return .table(try await driver.openTableBackend(named: name, config: backendConfig, logger: logger))
            }
        }
        openings[name] = opening
        do {
            let opened = try await opening.value
            logger.debug(
                "opened storage backend",
                metadata: [
                    "backend": "\(name)", "type": "\(backendConfig.type)", "location": "\(backendConfig.location)",
                ]
            )
            return opened
        } catch {
            // Forget a failed opening so the next request retries, unless shutdown already took it.
            if !isShutDown { openings[name] = nil }
            throw error
        }
    }

    private static func missingDriverError(name: String, type: StorageBackendType) -> StorageError {
        guard let product = type.driverProduct else {
            return StorageError(
                code: .notSupported,
                message:
                    "backend '\(name)' has type '\(type)', which StackKit cannot open yet (there is no driver for it); use kv_sqlite, kv_postgres or kv_redis"
            )
        }
        return StorageError(
            code: .driverMissing,
            message:
                "backend '\(name)' has type '\(type)', but no driver for it was passed to the catalog; add the \(product) product to your target's dependencies and pass its driver to StorageCatalog"
        )
    }
}

/// A backend the catalog has opened.
private enum OpenedBackend: Sendable {
    case keyValue(any KeyValueBackend)
    case table(any TableBackend)

    var backend: any StorageBackend {
        switch self {
        case .keyValue(let backend): return backend
        case .table(let backend): return backend
        }
    }
}
