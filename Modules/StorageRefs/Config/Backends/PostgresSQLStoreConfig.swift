/// A `sql_postgres` backend: a table store in a PostgreSQL database.
public struct PostgresSQLStoreConfig: Sendable, Hashable {
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
    /// libpq-style TLS mode, as for ``PostgresKVStoreConfig/sslMode`` (a StackKit addition).
    public var sslMode: String?
    /// A PEM file of certificate authorities to trust (a StackKit addition).
    public var caCertPath: String?

    /// Creates a configuration with llama-stack's defaults.
    public init(
        host: String = "localhost",
        port: Int = 5432,
        db: String = "llamastack",
        user: String,
        password: Secret? = nil,
        sslMode: String? = nil,
        caCertPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.db = db
        self.user = user
        self.password = password
        self.sslMode = sslMode
        self.caCertPath = caCertPath
    }
}
