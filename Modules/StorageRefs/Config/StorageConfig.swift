/// The `storage` section of a run config: named backends and the stores that reference them.
///
/// ```yaml
/// storage:
///   backends:
///     kv_default: { type: kv_sqlite, db_path: ~/.stackkit/kvstore.db }
///     sql_default: { type: sql_sqlite, db_path: ~/.stackkit/sql_store.db }
///   stores:
///     metadata: { backend: kv_default, namespace: registry }
///     inference: { backend: sql_default, table_name: inference_store }
/// ```
///
/// Load one with ``RunConfig``; a value built in code can be checked with ``validate()``.
public struct StorageConfig: Sendable, Hashable {
    /// Backends by name.
    public var backends: [String: StorageBackendConfig]
    /// The server's stores.
    public var stores: StorageStores

    /// Creates a storage section.
    public init(backends: [String: StorageBackendConfig], stores: StorageStores = StorageStores()) {
        self.backends = backends
        self.stores = stores
    }

    /// Backend names in sorted order, as messages list them.
    public var backendNames: [String] { backends.keys.sorted() }

    /// The references of the `stores` block with their paths (`storage.stores.metadata`, …), in block order.
    public var storeReferences: [(path: ConfigPath, reference: StoreReference)] {
        let base = ConfigPath("storage.stores")
        var result: [(ConfigPath, StoreReference)] = []
        if let metadata = stores.metadata { result.append((base.appending("metadata"), .keyValue(metadata))) }
        if let inference = stores.inference {
            result.append((base.appending("inference"), .table(inference.tableReference)))
        }
        if let conversations = stores.conversations {
            result.append((base.appending("conversations"), .table(conversations)))
        }
        if let responses = stores.responses {
            result.append((base.appending("responses"), .table(responses.tableReference)))
        }
        return result
    }

    /// Checks every rule of the storage section and returns every problem found, each with its path under
    /// `storage`; an empty result means the section is valid.
    ///
    /// Checked: references name an existing backend of the right family; table names are SQL identifiers of at
    /// most 63 bytes (reference `table_name`s and the `kv_postgres` `table_name`); namespaces are not empty; ports
    /// are 1–65535; `ssl_mode` is a libpq mode; required strings are not empty; queue sizes are at least 1.
    public func validate() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for name in backendNames {
            issues += StorageConfigRules.check(backends[name]!, at: ConfigPath("storage.backends").appending(name))
        }
        for (path, reference) in storeReferences {
            issues += check(reference, at: path)
        }
        if let inference = stores.inference {
            issues += StorageConfigRules.checkQueue(inference, at: ConfigPath("storage.stores.inference"))
        }
        if let responses = stores.responses {
            issues += StorageConfigRules.checkQueue(responses, at: ConfigPath("storage.stores.responses"))
        }
        return issues
    }

    /// Checks one reference against this section's backends: the backend exists and is of the family the
    /// reference needs, the namespace is not empty, the table name is valid.
    ///
    /// - Returns: The problems found, with `path` (the reference's own path) in each message.
    public func check(_ reference: StoreReference, at path: ConfigPath) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if let problem = backendProblem(for: reference) {
            issues.append(ConfigIssue(path: path, problem: problem))
        }
        switch reference {
        case .keyValue(let kv):
            if kv.namespace.isEmpty {
                issues.append(ConfigIssue(path: path.appending("namespace"), problem: "must not be empty"))
            }
        case .table(let table):
            if let problem = StorageConfigRules.tableNameProblem(table.tableName) {
                issues.append(ConfigIssue(path: path.appending("table_name"), problem: problem))
            }
        }
        return issues
    }

    /// Why `reference` cannot use its backend (unknown, or the wrong family), or nil when it can.
    ///
    /// The text follows the reference's path: `references unknown backend 'missing'; available backends: …`.
    public func backendProblem(for reference: StoreReference) -> String? {
        guard let backend = backends[reference.backend] else {
            let available = backendNames.isEmpty ? "none are defined" : backendNames.joined(separator: ", ")
            return "references unknown backend '\(reference.backend)'; available backends: \(available)"
        }
        guard backend.family == reference.requiredFamily else {
            return
                "references backend '\(reference.backend)' of type '\(backend.type)', but a \(reference.requiredFamily) backend is required"
        }
        return nil
    }
}
