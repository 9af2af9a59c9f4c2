extension StorageConfig {
    /// The storage section as JSON, with the YAML's snake_case keys, defaults filled in, unset optional fields
    /// left out, and every secret shown as `"********"`.
    ///
    /// ```json
    /// {"backends":{"kv_default":{"db_path":"/home/me/.stackkit/kvstore.db","type":"kv_sqlite"}},
    ///  "stores":{"metadata":{"backend":"kv_default","namespace":"registry"}}}
    /// ```
    public var redactedJSON: JSONValue {
        var backendsObject: [String: JSONValue] = [:]
        for (name, backend) in backends {
            backendsObject[name] = backend.redactedJSON
        }
        var storesObject: [String: JSONValue] = [:]
        if let metadata = stores.metadata {
            storesObject["metadata"] = ["backend": .string(metadata.backend), "namespace": .string(metadata.namespace)]
        }
        if let inference = stores.inference { storesObject["inference"] = inference.json }
        if let conversations = stores.conversations {
            storesObject["conversations"] = [
                "backend": .string(conversations.backend), "table_name": .string(conversations.tableName),
            ]
        }
        if let responses = stores.responses { storesObject["responses"] = responses.json }
        return ["backends": .object(backendsObject), "stores": .object(storesObject)]
    }
}

extension InferenceStoreReference {
    fileprivate var json: JSONValue {
        [
            "backend": .string(backend), "table_name": .string(tableName),
            "max_write_queue_size": .int(Int64(maxWriteQueueSize)), "num_writers": .int(Int64(numWriters)),
        ]
    }
}

extension StorageBackendConfig {
    /// This backend as JSON with snake_case keys; secrets are `"********"`, unset optional fields are left out.
    public var redactedJSON: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type.rawValue)]
        func put(_ key: String, _ value: String?) { if let value { object[key] = .string(value) } }
        func put(_ key: String, _ value: Int) { object[key] = .int(Int64(value)) }
        func put(_ key: String, _ value: Secret?) { if value != nil { object[key] = .string(Secret.redacted) } }
        // The server fields both PostgreSQL backend types share.
        func putPostgres(
            _ host: String,
            _ port: Int,
            _ db: String,
            _ user: String,
            _ password: Secret?,
            _ sslMode: String?,
            _ caCertPath: String?
        ) {
            put("host", host)
            put("port", port)
            put("db", db)
            put("user", user)
            put("password", password)
            put("ssl_mode", sslMode)
            put("ca_cert_path", caCertPath)
        }
        switch self {
        case .kvSQLite(let config):
            put("db_path", config.dbPath)
            put("namespace", config.namespace)
        case .sqlSQLite(let config):
            put("db_path", config.dbPath)
        case .kvPostgres(let config):
            putPostgres(
                config.host,
                config.port,
                config.db,
                config.user,
                config.password,
                config.sslMode,
                config.caCertPath
            )
            put("table_name", config.tableName)
            put("namespace", config.namespace)
        case .sqlPostgres(let config):
            putPostgres(
                config.host,
                config.port,
                config.db,
                config.user,
                config.password,
                config.sslMode,
                config.caCertPath
            )
        case .kvRedis(let config):
            put("host", config.host)
            put("port", config.port)
            put("password", config.password)
            put("db", config.db)
            put("namespace", config.namespace)
        case .kvMongoDB(let config):
            put("host", config.host)
            put("port", config.port)
            put("db", config.db)
            put("user", config.user)
            put("password", config.password)
            put("collection_name", config.collectionName)
            put("namespace", config.namespace)
        }
        return .object(object)
    }
}
