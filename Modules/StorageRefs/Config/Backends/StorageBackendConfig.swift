/// The configuration of one named backend in `storage.backends`, discriminated by its `type`.
public enum StorageBackendConfig: Sendable, Hashable {
    /// `kv_sqlite`.
    case kvSQLite(SQLiteKVStoreConfig)
    /// `kv_postgres`.
    case kvPostgres(PostgresKVStoreConfig)
    /// `kv_redis`.
    case kvRedis(RedisKVStoreConfig)
    /// `kv_mongodb` (validates; cannot be opened yet).
    case kvMongoDB(MongoDBKVStoreConfig)
    /// `sql_sqlite`.
    case sqlSQLite(SQLiteSQLStoreConfig)
    /// `sql_postgres`.
    case sqlPostgres(PostgresSQLStoreConfig)

    /// The backend's `type`.
    public var type: StorageBackendType {
        switch self {
        case .kvSQLite: return .kvSQLite
        case .kvPostgres: return .kvPostgres
        case .kvRedis: return .kvRedis
        case .kvMongoDB: return .kvMongoDB
        case .sqlSQLite: return .sqlSQLite
        case .sqlPostgres: return .sqlPostgres
        }
    }

    /// Key-value or table backend.
    public var family: StorageBackendFamily { type.family }

    /// Where the data lives, for people: the file path, or `host:port/db` (never a password).
    public var location: String {
        switch self {
        case .kvSQLite(let config): return config.dbPath
        case .sqlSQLite(let config): return config.dbPath
        case .kvPostgres(let config): return "\(config.host):\(config.port)/\(config.db) table \(config.tableName)"
        case .sqlPostgres(let config): return "\(config.host):\(config.port)/\(config.db)"
        case .kvRedis(let config): return "\(config.host):\(config.port)/\(config.db)"
        case .kvMongoDB(let config):
            return "\(config.host):\(config.port)/\(config.db) collection \(config.collectionName)"
        }
    }
}
