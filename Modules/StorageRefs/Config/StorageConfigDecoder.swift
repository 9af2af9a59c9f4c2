/// Turns the resolved `storage` node into a ``StorageConfig``, collecting every structural problem.
struct StorageConfigDecoder {
    private(set) var issues: [ConfigIssue] = []
    /// Backends that are present but could not be decoded; references to them are not reported again as unknown.
    private(set) var brokenBackends: Set<String> = []

    static let backendKeys: [StorageBackendType: [String]] = [
        .kvSQLite: ["type", "namespace", "db_path"],
        .kvPostgres: [
            "type", "namespace", "host", "port", "db", "user", "password", "ssl_mode", "ca_cert_path", "table_name",
        ],
        .kvRedis: ["type", "namespace", "host", "port", "password", "db"],
        .kvMongoDB: ["type", "namespace", "host", "port", "db", "user", "password", "collection_name"],
        .sqlSQLite: ["type", "db_path"],
        .sqlPostgres: ["type", "host", "port", "db", "user", "password", "ssl_mode", "ca_cert_path"],
    ]

    mutating func clearIssues() {
        issues = []
    }

    static let storeNames = ["metadata", "inference", "conversations", "responses"]

    mutating func decode(_ node: ConfigNode, at path: ConfigPath) -> StorageConfig {
        var block = ConfigBlockReader(node, at: path)
        var config = StorageConfig(backends: [:])
        if let backendsNode = block["backends"] {
            config.backends = decodeBackends(backendsNode, at: path.appending("backends"))
        } else {
            issues.append(
                ConfigIssue(path: path.appending("backends"), problem: "is required: declare at least one backend")
            )
        }
        if let storesNode = block["stores"] {
            config.stores = decodeStores(storesNode, at: path.appending("stores"))
        }
        block.rejectUnknownKeys(allowed: ["backends", "stores"], what: "the storage section")
        issues = block.issues + issues
        return config
    }

    private mutating func decodeBackends(_ node: ConfigNode, at path: ConfigPath) -> [String: StorageBackendConfig] {
        guard let entries = node.entries else {
            issues.append(
                ConfigIssue(
                    path: path,
                    problem: "must be a mapping of backend names to backend configs, found \(node.kindDescription)"
                )
            )
            return [:]
        }
        if entries.isEmpty {
            issues.append(ConfigIssue(path: path, problem: "is empty: declare at least one backend"))
        }
        var backends: [String: StorageBackendConfig] = [:]
        for entry in entries {
            if let backend = decodeBackend(entry.value, at: path.appending(entry.key)) {
                backends[entry.key] = backend
            } else {
                brokenBackends.insert(entry.key)
            }
        }
        return backends
    }

    private mutating func decodeBackend(_ node: ConfigNode, at path: ConfigPath) -> StorageBackendConfig? {
        var block = ConfigBlockReader(node, at: path)
        defer { issues += block.issues }
        guard node.entries != nil else { return nil }
        let allowedTypes = StorageBackendType.allCases.map(\.rawValue).joined(separator: ", ")
        guard let typeName = block.string("type") else {
            if block.issues.isEmpty {
                block.issues(
                    append: ConfigIssue(
                        path: path.appending("type"),
                        problem: "is required; allowed types: \(allowedTypes)"
                    )
                )
            }
            return nil
        }
        guard let type = StorageBackendType(rawValue: typeName) else {
            block.issues(
                append: ConfigIssue(
                    path: path.appending("type"),
                    problem: "'\(typeName)' is not a backend type; allowed types: \(allowedTypes)"
                )
            )
            return nil
        }
        let config: StorageBackendConfig
        switch type {
        case .kvSQLite:
            config = .kvSQLite(
                SQLiteKVStoreConfig(dbPath: block.requiredString("db_path"), namespace: block.string("namespace"))
            )
        case .kvPostgres:
            config = .kvPostgres(
                PostgresKVStoreConfig(
                    host: block.string("host", default: "localhost"),
                    port: block.int("port", default: 5432),
                    db: block.string("db", default: "llamastack"),
                    user: block.requiredString("user"),
                    password: block.secret("password"),
                    sslMode: block.string("ssl_mode"),
                    caCertPath: block.string("ca_cert_path"),
                    tableName: block.string("table_name", default: "llamastack_kvstore"),
                    namespace: block.string("namespace")
                )
            )
        case .kvRedis:
            config = .kvRedis(
                RedisKVStoreConfig(
                    host: block.string("host", default: "localhost"),
                    port: block.int("port", default: 6379),
                    password: block.secret("password"),
                    db: block.int("db", default: 0),
                    namespace: block.string("namespace")
                )
            )
        case .kvMongoDB:
            config = .kvMongoDB(
                MongoDBKVStoreConfig(
                    host: block.string("host", default: "localhost"),
                    port: block.int("port", default: 27017),
                    db: block.string("db", default: "llamastack"),
                    user: block.string("user"),
                    password: block.secret("password"),
                    collectionName: block.string("collection_name", default: "llamastack_kvstore"),
                    namespace: block.string("namespace")
                )
            )
        case .sqlSQLite:
            config = .sqlSQLite(SQLiteSQLStoreConfig(dbPath: block.requiredString("db_path")))
        default:
            config = .sqlPostgres(
                PostgresSQLStoreConfig(
                    host: block.string("host", default: "localhost"),
                    port: block.int("port", default: 5432),
                    db: block.string("db", default: "llamastack"),
                    user: block.requiredString("user"),
                    password: block.secret("password"),
                    sslMode: block.string("ssl_mode"),
                    caCertPath: block.string("ca_cert_path")
                )
            )
        }
        block.rejectUnknownKeys(allowed: Self.backendKeys[type] ?? [], what: "a \(type) backend")
        // Unknown keys do not make the backend unusable for reference checks; invalid values do.
        return block.invalidFieldCount > 0 ? nil : config
    }

    private mutating func decodeStores(_ node: ConfigNode, at path: ConfigPath) -> StorageStores {
        var block = ConfigBlockReader(node, at: path)
        defer { issues += block.issues }
        var stores = StorageStores()
        if let metadata = block["metadata"], !metadata.isNull {
            stores.metadata = decodeKVReference(metadata, at: path.appending("metadata"))
        }
        if let inference = block["inference"], !inference.isNull {
            stores.inference = decodeQueuedReference(inference, at: path.appending("inference"))
        }
        if let conversations = block["conversations"], !conversations.isNull {
            stores.conversations = decodeSQLReference(conversations, at: path.appending("conversations"))
        }
        if let responses = block["responses"], !responses.isNull {
            stores.responses = decodeQueuedReference(responses, at: path.appending("responses"))
        }
        for key in block.keys where !Self.storeNames.contains(key) {
            block.issues(
                append: ConfigIssue(
                    path: path.appending(key),
                    problem: "is not a known store; known stores: \(Self.storeNames.joined(separator: ", "))"
                )
            )
        }
        return stores
    }

    mutating func decodeKVReference(_ node: ConfigNode, at path: ConfigPath) -> KVStoreReference? {
        var block = ConfigBlockReader(node, at: path)
        defer { issues += block.issues }
        guard node.entries != nil else { return nil }
        let reference = KVStoreReference(
            backend: block.requiredString("backend"),
            namespace: block.requiredString("namespace")
        )
        block.rejectUnknownKeys(allowed: ["backend", "namespace"], what: "a key-value store reference")
        return block.invalidFieldCount > 0 ? nil : reference
    }

    mutating func decodeSQLReference(_ node: ConfigNode, at path: ConfigPath) -> SQLStoreReference? {
        var block = ConfigBlockReader(node, at: path)
        defer { issues += block.issues }
        guard node.entries != nil else { return nil }
        let reference = SQLStoreReference(
            backend: block.requiredString("backend"),
            tableName: block.requiredString("table_name")
        )
        block.rejectUnknownKeys(allowed: ["backend", "table_name"], what: "a table store reference")
        return block.invalidFieldCount > 0 ? nil : reference
    }

    private mutating func decodeQueuedReference(_ node: ConfigNode, at path: ConfigPath) -> InferenceStoreReference? {
        var block = ConfigBlockReader(node, at: path)
        defer { issues += block.issues }
        guard node.entries != nil else { return nil }
        let reference = InferenceStoreReference(
            backend: block.requiredString("backend"),
            tableName: block.requiredString("table_name"),
            maxWriteQueueSize: block.int("max_write_queue_size", default: 10_000),
            numWriters: block.int("num_writers", default: 4)
        )
        block.rejectUnknownKeys(
            allowed: ["backend", "table_name", "max_write_queue_size", "num_writers"],
            what: "a store reference with a write queue"
        )
        return block.invalidFieldCount > 0 ? nil : reference
    }
}

extension ConfigNode {
    /// Whether this is a null scalar.
    package var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.isNull }
        return false
    }
}
