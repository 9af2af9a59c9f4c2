public import Logging

/// Opens backends of the types it supports; each backend module (`KVStore`, `SQLStore`, `KVStorePostgres`, …)
/// provides one.
///
/// Drivers are values you pass to ``StorageCatalog``; there is no global registry. A driver is asked to open a
/// given backend at most once per catalog.
///
/// Conforming types implement the `open` method of each family they support; the default implementations
/// throw ``StorageError/Code/notSupported``.
public protocol StorageDriver: Sendable {
    /// The backend types this driver opens.
    var backendTypes: Set<StorageBackendType> { get }

    /// Opens a `kv_*` backend.
    ///
    /// - Parameters:
    ///   - name: The backend's name in `storage.backends`, for messages and logs.
    ///   - config: Its configuration; its type is one of ``backendTypes``.
    ///   - logger: Where the backend logs.
    /// - Throws: ``StorageError`` (``StorageError/Code/connectionFailed`` and so on) naming the backend; never a
    ///   message containing its password.
    func openKeyValueBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any KeyValueBackend

    /// Opens a `sql_*` backend. Parameters and errors as for ``openKeyValueBackend(named:config:logger:)``.
    func openTableBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any TableBackend
}

extension StorageDriver {
    /// Throws ``StorageError/Code/notSupported``.
    public func openKeyValueBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any KeyValueBackend {
        throw StorageError(
            code: .notSupported,
            message: "this driver does not open key-value backends (backend '\(name)', type '\(config.type)')"
        )
    }

    /// Throws ``StorageError/Code/notSupported``.
    public func openTableBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any TableBackend {
        throw StorageError(
            code: .notSupported,
            message: "this driver does not open table backends (backend '\(name)', type '\(config.type)')"
        )
    }
}
