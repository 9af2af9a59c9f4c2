/// The per-value rules of a storage section, shared by ``StorageConfig/validate()`` and the loader.
enum StorageConfigRules {
    /// The TLS modes libpq understands.
    static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// Why `name` is not a valid table name, or nil.
    static func tableNameProblem(_ name: String) -> String? {
        guard !SQLIdentifier.isValid(name) else { return nil }
        if name.utf8.count > SQLIdentifier.maximumLength {
            return
                "'\(name)' is not a valid table name: it is \(name.utf8.count) bytes long, at most \(SQLIdentifier.maximumLength) are allowed"
        }
        return "'\(name)' is not a valid table name: it must match ^[A-Za-z_][A-Za-z0-9_]*$"
    }

    static func check(_ backend: StorageBackendConfig, at path: ConfigPath) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        func nonEmpty(_ value: String, _ key: String) {
            if value.isEmpty { issues.append(ConfigIssue(path: path.appending(key), problem: "must not be empty")) }
        }
        func port(_ value: Int) {
            if !(1...65535).contains(value) {
                issues.append(
                    ConfigIssue(path: path.appending("port"), problem: "must be between 1 and 65535, got \(value)")
                )
            }
        }
        func sslMode(_ value: String?) {
            if let value, !sslModes.contains(value) {
                issues.append(
                    ConfigIssue(
                        path: path.appending("ssl_mode"),
                        problem: "'\(value)' is not a TLS mode; allowed: \(sslModes.joined(separator: ", "))"
                    )
                )
            }
        }
        switch backend {
        case .kvSQLite(let config):
            nonEmpty(config.dbPath, "db_path")
        case .sqlSQLite(let config):
            nonEmpty(config.dbPath, "db_path")
        case .kvPostgres(let config):
            nonEmpty(config.host, "host")
            port(config.port)
            nonEmpty(config.db, "db")
            nonEmpty(config.user, "user")
            sslMode(config.sslMode)
            if let problem = tableNameProblem(config.tableName) {
                issues.append(ConfigIssue(path: path.appending("table_name"), problem: problem))
            }
        case .sqlPostgres(let config):
            nonEmpty(config.host, "host")
            port(config.port)
            nonEmpty(config.db, "db")
            nonEmpty(config.user, "user")
            sslMode(config.sslMode)
        case .kvRedis(let config):
            nonEmpty(config.host, "host")
            port(config.port)
            if config.db < 0 {
                issues.append(ConfigIssue(path: path.appending("db"), problem: "must be 0 or more, got \(config.db)"))
            }
        case .kvMongoDB(let config):
            nonEmpty(config.host, "host")
            port(config.port)
            nonEmpty(config.db, "db")
            nonEmpty(config.collectionName, "collection_name")
        }
        return issues
    }

    static func checkQueue(_ reference: InferenceStoreReference, at path: ConfigPath) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if reference.maxWriteQueueSize < 1 {
            issues.append(
                ConfigIssue(
                    path: path.appending("max_write_queue_size"),
                    problem: "must be at least 1, got \(reference.maxWriteQueueSize)"
                )
            )
        }
        if reference.numWriters < 1 {
            issues.append(
                ConfigIssue(
                    path: path.appending("num_writers"),
                    problem: "must be at least 1, got \(reference.numWriters)"
                )
            )
        }
        return issues
    }
}
