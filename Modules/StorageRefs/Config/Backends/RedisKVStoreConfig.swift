/// A `kv_redis` backend: a Redis server.
public struct RedisKVStoreConfig: Sendable, Hashable {
    /// Server host name or address. Default `localhost`.
    public var host: String
    /// Server port, 1–65535. Default 6379.
    public var port: Int
    /// Password for `AUTH`, if the server requires one (a StackKit addition; llama-stack has none).
    public var password: Secret?
    /// Logical database index for `SELECT`, 0 or more. Default 0 (a StackKit addition).
    public var db: Int
    /// llama-stack's backend-level `namespace`; accepted but unused (see ``SQLiteKVStoreConfig/namespace``).
    public var namespace: String?

    /// Creates a configuration with llama-stack's defaults.
    public init(
        host: String = "localhost",
        port: Int = 6379,
        password: Secret? = nil,
        db: Int = 0,
        namespace: String? = nil
    ) {
        self.host = host
        self.port = port
        self.password = password
        self.db = db
        self.namespace = namespace
    }
}
