/// An opened storage backend: one connection pool (or file) shared by every store that references it.
///
/// Conforming types are returned by a ``StorageDriver`` and owned by a ``StorageCatalog``, which calls
/// ``shutdown()`` exactly once.
public protocol StorageBackend: Sendable {
    /// Closes the backend's connections and files. Stores handed out earlier fail with
    /// ``StorageError/Code/closed`` afterwards.
    func shutdown() async throws
}

/// An opened `kv_*` backend, handing out namespaced key-value stores that share its connections.
public protocol KeyValueBackend: StorageBackend {
    /// A store whose keys are isolated in `namespace`.
    ///
    /// Two calls with the same namespace return stores that see the same keys; different namespaces never see
    /// each other's keys.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code/invalidKey`` for an empty namespace.
    func keyValueStore(namespace: String) async throws -> any KeyValueStore
}

/// An opened `sql_*` backend: one table store over one database.
public protocol TableBackend: StorageBackend {
    /// The backend's table store. Every reference to this backend gets this same store; each uses its own table.
    var tableStore: any TableStore { get }
}
