import StorageRefs

/// The SQL text of every statement a `kv_postgres` backend runs, built once from its validated table name.
///
/// Only the table and index names are spliced into the SQL, always double-quoted and only after
/// ``SQLIdentifier/validate(_:kind:)`` accepted them; every value is a bound parameter. "Now" is a parameter too,
/// so the injected `WallClock` decides what has expired.
struct PostgresKeyValueStatements: Sendable {
    /// The table name, unquoted, as validated.
    let tableName: String
    /// The index over `expires_at`, unquoted.
    let expiryIndexName: String
    /// The table name, double-quoted.
    let table: String
    /// The index name, double-quoted.
    let expiryIndex: String

    /// Validates `tableName` and builds the statements.
    ///
    /// - Throws: ``StorageError`` with code `invalidIdentifier` when `tableName` is not a valid SQL identifier.
    init(tableName: String) throws(StorageError) {
        self.tableName = try SQLIdentifier.validate(tableName, kind: "table")
        self.expiryIndexName = Self.indexName(forTable: tableName)
        self.table = "\"\(self.tableName)\""
        self.expiryIndex = "\"\(self.expiryIndexName)\""
    }

    /// The visibility condition: `$n` is "now".
    private static func live(_ now: Int) -> String {
        "(expires_at IS NULL OR expires_at > $\(now))"
    }

    /// Creates the table (when missing). Its columns compare in the `C` collation, which is UTF-8 byte order.
    var createTable: String {
        """
        CREATE TABLE IF NOT EXISTS \(self.table) (\
        namespace text COLLATE "C" NOT NULL, \
        key text COLLATE "C" NOT NULL, \
        value bytea NOT NULL, \
        expires_at timestamptz NULL, \
        PRIMARY KEY (namespace, key))
        """
    }

    /// Creates the partial index that makes reclaiming expired rows cheap.
    var createExpiryIndex: String {
        "CREATE INDEX IF NOT EXISTS \(self.expiryIndex) ON \(self.table) (expires_at) WHERE expires_at IS NOT NULL"
    }

    /// `$1` namespace, `$2` key, `$3` now → `value`.
    var get: String {
        "SELECT value FROM \(self.table) WHERE namespace = $1 AND key = $2 AND \(Self.live(3))"
    }

    /// `$1` namespace, `$2` key, `$3` value, `$4` expiration or NULL. Replaces the value and the expiration.
    var set: String {
        """
        INSERT INTO \(self.table) (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
        """
    }

    /// `$1` namespace, `$2` key.
    var delete: String {
        "DELETE FROM \(self.table) WHERE namespace = $1 AND key = $2"
    }

    /// `$1` namespace, `$2` keys (`text[]`), `$3` now → `key, value`.
    var batchGet: String {
        "SELECT key, value FROM \(self.table) WHERE namespace = $1 AND key = ANY($2) AND \(Self.live(3))"
    }

    /// `$1` namespace, `$2` keys, `$3` values, `$4` expirations, `$5` whether each expiration applies.
    ///
    /// One statement, so the batch is atomic. The keys must be distinct (a row cannot be updated twice by one
    /// `ON CONFLICT`). `timestamptz[]` cannot carry a `nil` from postgres-nio, hence the flags.
    var batchSet: String {
        """
        INSERT INTO \(self.table) (namespace, key, value, expires_at) \
        SELECT $1, batch.key, batch.value, CASE WHEN batch.has_expiration THEN batch.expiration END \
        FROM unnest($2::text[], $3::bytea[], $4::timestamptz[], $5::bool[]) \
        AS batch(key, value, expiration, has_expiration) \
        ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
        """
    }

    /// `$1` namespace, `$2` now → the number of live keys.
    var count: String {
        "SELECT count(*) FROM \(self.table) WHERE namespace = $1 AND \(Self.live(2))"
    }

    /// `$1` now → the number of rows deleted.
    var reclaimExpired: String {
        """
        WITH removed AS (DELETE FROM \(self.table) WHERE expires_at <= $1 RETURNING 1) \
        SELECT count(*) FROM removed
        """
    }

    /// A range scan: `$1` namespace, `$2` now, then the bounds and the limit that are present, in that order
    /// → `key, value, expires_at`, ascending by key in byte order.
    ///
    /// - Parameters:
    ///   - lowerOperator: `>=`, `>`, or `nil` for no lower bound.
    ///   - upperOperator: `<`, `<=`, or `nil` for no upper bound.
    ///   - limited: Whether a `LIMIT` parameter follows.
    func entries(lowerOperator: String?, upperOperator: String?, limited: Bool) -> String {
        var sql = "SELECT key, value, expires_at FROM \(self.table) WHERE namespace = $1 AND \(Self.live(2))"
        var parameter = 3
        if let lowerOperator {
            sql += " AND key \(lowerOperator) $\(parameter) COLLATE \"C\""
            parameter += 1
        }
        if let upperOperator {
            sql += " AND key \(upperOperator) $\(parameter) COLLATE \"C\""
            parameter += 1
        }
        sql += " ORDER BY key COLLATE \"C\""
        if limited {
            sql += " LIMIT $\(parameter)"
        }
        return sql
    }

    /// `$1` the lock's name → takes a transaction-scoped advisory lock, serialising table creation.
    var lockForSchemaChanges: String {
        "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.' || $1))"
    }

    /// `$1` a quoted relation name → the relation as text, or NULL when it does not exist.
    var relationExists: String {
        "SELECT to_regclass($1)::text"
    }

    /// `$1` the quoted table name → each column's name, type and collation.
    var tableColumns: String {
        """
        SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), c.collname::text \
        FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation \
        WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
        """
    }

    /// The name of the expiry index: `<table>_expires_at_idx`, or, when that would pass PostgreSQL's 63-byte
    /// limit, a prefix of the table name plus a hash of the whole name, so that two long names never share it.
    static func indexName(forTable table: String) -> String {
        let suffix = "_expires_at_idx"
        if table.utf8.count + suffix.utf8.count <= SQLIdentifier.maximumLength {
            return table + suffix
        }
        // FNV-1a, 32 bits: stable across runs and platforms (Swift's Hasher is seeded per process).
        var hash: UInt32 = 2_166_136_261
        for byte in table.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        let hashPart = "_" + String(repeating: "0", count: 8 - hex.count) + hex
        let keep = SQLIdentifier.maximumLength - suffix.utf8.count - hashPart.utf8.count
        // The table name is ASCII (it passed SQLIdentifier), so characters are bytes.
        return String(table.prefix(keep)) + hashPart + suffix
    }
}
