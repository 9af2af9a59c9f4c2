/// The `type` of a storage backend, as written in `storage.backends.<name>.type`.
///
/// The six types are llama-stack's. A `kv_*` type is a key-value backend and can serve only ``KVStoreReference``s;
/// a `sql_*` type is a table backend and can serve only ``SQLStoreReference``s.
public struct StorageBackendType: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name as written in YAML, e.g. `kv_sqlite`.
    public let rawValue: String

    /// Creates a type from its YAML name; nil for a name that is not one of ``allCases``.
    public init?(rawValue: String) {
        guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    private init(known: String) { self.rawValue = known }

    /// SQLite key-value store (the embedded default), product `KVStore`.
    public static let kvSQLite = StorageBackendType(known: "kv_sqlite")
    /// PostgreSQL key-value store, product `KVStorePostgres`.
    public static let kvPostgres = StorageBackendType(known: "kv_postgres")
    /// Redis key-value store, product `KVStoreRedis`.
    public static let kvRedis = StorageBackendType(known: "kv_redis")
    /// MongoDB key-value store: parses and validates, but no driver exists yet.
    public static let kvMongoDB = StorageBackendType(known: "kv_mongodb")
    /// SQLite table store (the embedded default), product `SQLStore`.
    public static let sqlSQLite = StorageBackendType(known: "sql_sqlite")
    /// PostgreSQL table store, product `SQLStorePostgres`.
    public static let sqlPostgres = StorageBackendType(known: "sql_postgres")

    /// Every type, in the order messages list them.
    public static let allCases: [StorageBackendType] = [
        .kvSQLite, .kvPostgres, .kvRedis, .kvMongoDB, .sqlSQLite, .sqlPostgres,
    ]

    /// Whether this is a key-value (`kv_*`) or table (`sql_*`) backend.
    public var family: StorageBackendFamily {
        rawValue.hasPrefix("kv_") ? .keyValue : .sql
    }

    /// The StackKit library product whose driver opens this type, or nil when none exists yet (`kv_mongodb`).
    public var driverProduct: String? {
        switch rawValue {
        case "kv_sqlite": return "KVStore"
        case "kv_postgres": return "KVStorePostgres"
        case "kv_redis": return "KVStoreRedis"
        case "sql_sqlite": return "SQLStore"
        case "sql_postgres": return "SQLStorePostgres"
        default: return nil
        }
    }

    public var description: String { rawValue }

    public static func < (lhs: StorageBackendType, rhs: StorageBackendType) -> Bool {
        let order = allCases.map(\.rawValue)
        return order.firstIndex(of: lhs.rawValue)! < order.firstIndex(of: rhs.rawValue)!
    }
}

/// The two kinds of storage backend.
public struct StorageBackendFamily: Sendable, Hashable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }

    /// `kv_*` backends, serving namespaced key-value stores.
    public static let keyValue = StorageBackendFamily("kv")
    /// `sql_*` backends, serving table stores.
    public static let sql = StorageBackendFamily("sql")

    /// `kv_*` or `sql_*`, as used in messages.
    public var description: String { "\(name)_*" }
}
