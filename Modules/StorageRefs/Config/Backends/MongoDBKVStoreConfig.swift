/// A `kv_mongodb` backend. It parses and validates so existing configs load, but no driver exists yet:
/// opening it fails with ``StorageError/Code/notSupported``.
public struct MongoDBKVStoreConfig: Sendable, Hashable {
    /// Server host name or address. Default `localhost`.
    public var host: String
    /// Server port, 1–65535. Default 27017.
    public var port: Int
    /// Database name. Default `llamastack`.
    public var db: String
    /// User name, if any.
    public var user: String?
    /// Password, if any.
    public var password: Secret?
    /// Collection holding the keys. Default `llamastack_kvstore`.
    public var collectionName: String
    /// llama-stack's backend-level `namespace`; accepted but unused (see ``SQLiteKVStoreConfig/namespace``).
    public var namespace: String?

    /// Creates a configuration with llama-stack's defaults.
    public init(
        host: String = "localhost",
        port: Int = 27017,
        db: String = "llamastack",
        user: String? = nil,
        password: Secret? = nil,
        collectionName: String = "llamastack_kvstore",
        namespace: String? = nil
    ) {
        self.host = host
        self.port = port
        self.db = db
        self.user = user
        self.password = password
        self.collectionName = collectionName
        self.namespace = namespace
    }
}
