/// A `kv_postgres` backend: a key-value table in a PostgreSQL database.
public struct PostgresKVStoreConfig: Sendable, Hashable {
    /// Server host name or address. Default `localhost`.
    public var host: String
    /// Server port, 1–65535. Default 5432.
    public var port: Int
    /// Database name. Default `llamastack`.
    public var db: String
    /// User name. Required.
    public var user: String
    /// Password, if the server asks for one.
    public var password: Secret?
    /// libpq-style TLS mode: `disable`, `allow`, `prefer`, `require`, `verify-ca` or `verify-full`. Nil means the
    /// driver's default.
    public var sslMode: String?
    /// A PEM file of certificate authorities to trust, for `verify-ca` / `verify-full`.
    public var caCertPath: String?
    /// The table holding the keys; a valid SQL identifier of at most 63 bytes. Default `llamastack_kvstore`.
    public var tableName: String
    /// llama-stack's backend-level `namespace`; accepted but unused (see ``SQLiteKVStoreConfig/namespace``).
    public var namespace: String?

    /// Creates a configuration with llama-stack's defaults.
    public init(
        host: String = "localhost",
        port: Int = 5432,
        db: String = "llamastack",
        user: String,
        password: Secret? = nil,
        sslMode: String? = nil,
        caCertPath: String? = nil,
        tableName: String = "llamastack_kvstore",
        namespace: String? = nil
    ) {
        self.host = host
        self.port = port
        self.db = db
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.caCertPath = caCertPath
        self.tableName = tableName
        self.namespace = namespace
    }
}
