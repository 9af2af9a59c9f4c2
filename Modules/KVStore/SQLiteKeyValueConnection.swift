import StorageRefs
import _SQLiteSupport

/// An actor owning one SQLite connection of a key-value database, running the key-value statements on it.
///
/// Each actor serialises its connection's use; the writer actor is the only one that writes, so writes in
/// this process never contend for SQLite's lock, and readers (WAL) never wait for the writer.
actor SQLiteKeyValueConnection {
    /// One key to write: the key, its value and its expiry in milliseconds since 1970.
    typealias Row = (key: String, value: [UInt8], expiresAt: Int64?)

    private let connection: SQLiteConnection
    private var isClosed = false

    /// The table every key-value backend uses inside its database file.
    static let table = "stackkit_kv"

    init(path: String, readOnly: Bool, busyTimeout: Duration, isWriter: Bool) throws(StorageError) {
        let connection = try SQLiteConnection(path: path, readOnly: readOnly, busyTimeout: busyTimeout)
        if isWriter {
            if path != ":memory:" {
                try connection.execute("PRAGMA journal_mode=WAL")
            }
            try connection.execute(
                """
                PRAGMA synchronous=NORMAL;
                CREATE TABLE IF NOT EXISTS \(Self.table) (
                    namespace TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL,
                    expires_at INTEGER,
                    PRIMARY KEY (namespace, key)
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS \(Self.table)_expires_at ON \(Self.table) (expires_at) WHERE expires_at IS NOT NULL;
                """
            )
        } else {
            try connection.execute("PRAGMA query_only=1")
        }
        self.connection = connection
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        connection.close()
    }

    // MARK: Reads

    func get(namespace: String, key: String, now: Int64) throws(StorageError) -> [UInt8]? {
        let statement = try connection.statement(
            """
            SELECT value FROM \(Self.table) WHERE namespace = ?1 AND key = ?2 AND (expires_at IS NULL OR expires_at > ?3)
            """
        )
        statement.bind(1, namespace)
        statement.bind(2, key)
        statement.bind(3, now)
        defer { statement.reset() }
        return try statement.step() ? statement.bytes(0) : nil
    }

    func get(namespace: String, keys: [String], now: Int64) throws(StorageError) -> [String: [UInt8]] {
        try connection.transaction(immediate: false) { () throws(StorageError) -> [String: [UInt8]] in
            var found: [String: [UInt8]] = [:]
            for key in keys where found[key] == nil {
                if let value = try get(namespace: namespace, key: key, now: now) { found[key] = value }
            }
            return found
        }
    }

    func entries(
        namespace: String,
        from lower: String,
        to upper: String?,
        limit: Int?,
        now: Int64
    ) throws(StorageError) -> [KeyValueEntry] {
        let statement: SQLiteStatement
        if let upper {
            statement = try connection.statement(
                """
                SELECT key, value, expires_at FROM \(Self.table)
                WHERE namespace = ?1 AND key >= ?2 AND key < ?5 AND (expires_at IS NULL OR expires_at > ?3)
                ORDER BY key LIMIT ?4
                """
            )
            statement.bind(5, upper)
        } else {
            statement = try connection.statement(
                """
                SELECT key, value, expires_at FROM \(Self.table)
                WHERE namespace = ?1 AND key >= ?2 AND (expires_at IS NULL OR expires_at > ?3)
                ORDER BY key LIMIT ?4
                """
            )
        }
        statement.bind(1, namespace)
        statement.bind(2, lower)
        statement.bind(3, now)
        statement.bind(4, Int64(limit ?? -1))
        defer { statement.reset() }
        var entries: [KeyValueEntry] = []
        while try statement.step() {
            entries.append(
                KeyValueEntry(
                    key: statement.text(0),
                    value: statement.bytes(1),
                    expiration: statement.int64(2).map(Milliseconds.date)
                )
            )
        }
        return entries
    }

    func count(namespace: String, now: Int64) throws(StorageError) -> Int {
        let statement = try connection.statement(
            """
            SELECT count(*) FROM \(Self.table) WHERE namespace = ?1 AND (expires_at IS NULL OR expires_at > ?2)
            """
        )
        statement.bind(1, namespace)
        statement.bind(2, now)
        defer { statement.reset() }
        _ = try statement.step()
        return Int(statement.int64(0) ?? 0)
    }

    // MARK: Writes

    /// Runs `writes` in one transaction and reports each one's outcome; when the transaction fails, each write is
    /// retried alone so that one failing write cannot fail the others. A single write runs on its own.
    func commit(_ writes: [SQLiteWriteQueue.Write]) -> [Result<Void, StorageError>] {
        if writes.count == 1 {
            return [Result { () throws(StorageError) in try run(writes[0]) }]
        }
        do {
            try connection.transaction(immediate: true) { () throws(StorageError) in
                for write in writes { try run(write, insideTransaction: true) }
            }
            return Array(repeating: .success(()), count: writes.count)
        } catch {
            return writes.map { write in Result { () throws(StorageError) in try run(write) } }
        }
    }

    private func run(_ write: SQLiteWriteQueue.Write, insideTransaction: Bool = false) throws(StorageError) {
        switch write {
        case .set(let namespace, let key, let value, let expiresAt):
            try upsert(namespace: namespace, key: key, value: value, expiresAt: expiresAt)
        case .delete(let namespace, let key):
            try delete(namespace: namespace, key: key)
        case .setMany(let namespace, let entries):
            if insideTransaction {
                for entry in entries {
                    try upsert(namespace: namespace, key: entry.key, value: entry.value, expiresAt: entry.expiresAt)
                }
            } else {
                try set(namespace: namespace, entries: entries)
            }
        }
    }

    func set(namespace: String, entries: [Row]) throws(StorageError) {
        try connection.transaction(immediate: true) { () throws(StorageError) in
            for entry in entries {
                try upsert(namespace: namespace, key: entry.key, value: entry.value, expiresAt: entry.expiresAt)
            }
        }
    }

    func delete(namespace: String, key: String) throws(StorageError) {
        let statement = try connection.statement("DELETE FROM \(Self.table) WHERE namespace = ?1 AND key = ?2")
        statement.bind(1, namespace)
        statement.bind(2, key)
        defer { statement.reset() }
        try statement.run()
    }

    /// Deletes every expired row of every namespace; returns how many.
    func deleteExpired(now: Int64) throws(StorageError) -> Int {
        let statement = try connection.statement(
            "DELETE FROM \(Self.table) WHERE expires_at IS NOT NULL AND expires_at <= ?1"
        )
        statement.bind(1, now)
        defer { statement.reset() }
        try statement.run()
        return connection.changes
    }

    private func upsert(namespace: String, key: String, value: [UInt8], expiresAt: Int64?) throws(StorageError) {
        let statement = try connection.statement(
            """
            INSERT INTO \(Self.table) (namespace, key, value, expires_at) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
            """
        )
        statement.bind(1, namespace)
        statement.bind(2, key)
        statement.bind(3, value)
        statement.bind(4, expiresAt)
        defer { statement.reset() }
        try statement.run()
    }
}
