public import Foundation
import Logging
import NIOCore
import PostgresNIO
public import StorageRefs

/// One namespace of a `kv_postgres` backend: a ``KeyValueStore`` over rows `(namespace, key, value, expires_at)`.
///
/// Get one from ``PostgresKeyValueBackend/keyValueStore(namespace:)``. Every store of a backend shares its
/// connection pool and table; the namespace column isolates them completely. The store is a small value: copy it
/// freely and call it from many tasks at once.
///
/// It keeps the whole ``KeyValueStore`` contract:
///
/// - Keys are `text COLLATE "C"`, so ranges and their order are by UTF-8 bytes. PostgreSQL text cannot hold
///   U+0000, so a key containing it is rejected with ``StorageError/Code-swift.struct/invalidKey`` before any I/O,
///   like an empty key. (Range bounds may contain it; they are rewritten to an equivalent bound.)
/// - Every value is a bound parameter; values are `bytea`, stored byte for byte.
/// - Expiration is `timestamptz` (microsecond precision). A key is live while `expires_at IS NULL OR
///   expires_at > now`, where "now" is the backend's injected `WallClock`, bound as a parameter.
/// - The batch ``set(_:)`` is one `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` statement, hence atomic.
public struct PostgresKeyValueStore: Sendable {
    /// The namespace this store reads and writes.
    public let namespace: String

    private let backend: PostgresKeyValueBackend

    init(namespace: String, backend: PostgresKeyValueBackend) {
        self.namespace = namespace
        self.backend = backend
    }

    /// Runs `query` and decodes each row with `decode`, mapping failures to ``StorageError``.
    private func rows<Row>(
        _ query: PostgresQuery,
        _ operation: @autoclosure () -> String,
        decode: (PostgresRow) throws -> Row
    ) async throws -> [Row] {
        try self.backend.checkOpen()
        return try await self.backend.run(query, operation()) { rows in
            var result: [Row] = []
            for try await row in rows {
                result.append(try decode(row))
            }
            return result
        }
    }

    /// Runs `query`, which returns at most one row, and decodes that row with `decode`.
    private func row<Row>(
        _ query: PostgresQuery,
        _ operation: @autoclosure () -> String,
        decode: (PostgresRow) throws -> Row
    ) async throws -> Row? {
        try self.backend.checkOpen()
        return try await self.backend.run(query, operation()) { rows in
            var result: Row?
            for try await row in rows {
                result = try decode(row)
            }
            return result
        }
    }

    /// Runs `query`, which returns no rows.
    private func execute(_ query: PostgresQuery, _ operation: @autoclosure () -> String) async throws {
        try self.backend.checkOpen()
        try await self.backend.run(query, operation()) { rows in
            for try await _ in rows {}
        }
    }

    /// A bytea parameter holding `bytes`.
    private static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }
}

extension PostgresKeyValueStore: KeyValueStore {
    /// Returns the value stored under `key`, or `nil` when the key is missing or expired.
    ///
    /// - Parameter key: A non-empty key without U+0000.
    /// - Returns: The value's bytes, or `nil`.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` for an empty key or
    ///   one containing U+0000, ``StorageError/Code-swift.struct/closed`` after the backend's shutdown, or a
    ///   backend error.
    public func get(_ key: String) async throws -> [UInt8]? {
        try KeyValueKey.validate(key)
        var binds = PostgresBindings(capacity: 3)
        binds.append(self.namespace)
        binds.append(key)
        binds.append(self.backend.clock.now())
        let query = PostgresQuery(unsafeSQL: self.backend.statements.get, binds: binds)
        return try await self.row(query, "reading key \(key.debugDescription)") { row in
            Array(try row.decode(ByteBuffer.self).readableBytesView)
        }
    }

    /// Stores `value` under `key`, replacing any previous value and expiration (a `nil` expiration removes it).
    ///
    /// - Parameters:
    ///   - key: A non-empty key without U+0000.
    ///   - value: The bytes to store; may be empty.
    ///   - expiration: The absolute instant from which the key is invisible, or `nil` for never.
    /// - Throws: As ``get(_:)-(String)``.
    public func set(_ key: String, value: [UInt8], expiration: Date?) async throws {
        try KeyValueKey.validate(key)
        var binds = PostgresBindings(capacity: 4)
        binds.append(self.namespace)
        binds.append(key)
        binds.append(Self.buffer(value))
        binds.append(expiration)
        let query = PostgresQuery(unsafeSQL: self.backend.statements.set, binds: binds)
        try await self.execute(query, "writing key \(key.debugDescription)")
        self.backend.recordWrite()
    }

    /// Removes `key` and its value; a missing or expired key is a no-op.
    ///
    /// - Parameter key: A non-empty key without U+0000.
    /// - Throws: As ``get(_:)-(String)``.
    public func delete(_ key: String) async throws {
        try KeyValueKey.validate(key)
        var binds = PostgresBindings(capacity: 2)
        binds.append(self.namespace)
        binds.append(key)
        let query = PostgresQuery(unsafeSQL: self.backend.statements.delete, binds: binds)
        try await self.execute(query, "deleting key \(key.debugDescription)")
    }

    /// Returns the values of the live keys among `keys`, in one statement (`key = ANY($2)`).
    ///
    /// - Parameter keys: Non-empty keys without U+0000; duplicates are allowed. An empty array returns `[:]`
    ///   without I/O.
    /// - Returns: The value of every present, live key.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` when any key is invalid
    ///   (nothing is read), or as ``get(_:)-(String)``.
    public func get(_ keys: [String]) async throws -> [String: [UInt8]] {
        try KeyValueKey.validate(keys)
        try self.backend.checkOpen()
        guard !keys.isEmpty else { return [:] }
        var binds = PostgresBindings(capacity: 3)
        binds.append(self.namespace)
        binds.append(Array(Set(keys)))
        binds.append(self.backend.clock.now())
        let query = PostgresQuery(unsafeSQL: self.backend.statements.batchGet, binds: binds)
        let pairs = try await self.rows(query, "reading \(keys.count) keys") { row in
            let (key, value) = try row.decode((String, ByteBuffer).self)
            return (key, Array(value.readableBytesView))
        }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }

    /// Stores several entries atomically, in one statement; when a key repeats, its last entry wins.
    ///
    /// - Parameter entries: The entries to write, each with its own expiration; an empty array is a no-op.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` when any key is invalid
    ///   (nothing is written), or as ``get(_:)-(String)``; when it throws, no entry was written.
    public func set(_ entries: [KeyValueEntry]) async throws {
        try KeyValueKey.validate(entries.map(\.key))
        try self.backend.checkOpen()
        guard !entries.isEmpty else { return }
        // One ON CONFLICT statement cannot touch a row twice: keep each key's last entry. Sorting gives every
        // writer the same lock order, so two concurrent batches cannot deadlock on each other's keys.
        var last: [String: KeyValueEntry] = [:]
        for entry in entries {
            last[entry.key] = entry
        }
        let batch = last.values.sorted { KeyRange.utf8Precedes($0.key, $1.key) }
        let placeholder = Date(timeIntervalSince1970: 0)
        var binds = PostgresBindings(capacity: 5)
        binds.append(self.namespace)
        binds.append(batch.map(\.key))
        binds.append(batch.map { Self.buffer($0.value) })
        binds.append(batch.map { $0.expiration ?? placeholder })
        binds.append(batch.map { $0.expiration != nil })
        let query = PostgresQuery(unsafeSQL: self.backend.statements.batchSet, binds: binds)
        try await self.execute(query, "writing \(batch.count) keys")
        self.backend.recordWrite()
    }

    /// Returns the live entries whose keys lie in `range`, ascending by UTF-8 bytes, with their expirations.
    ///
    /// Runs `key >= lowerBound AND key < upperBoundKey` (no upper condition when the range is unbounded) in the
    /// `C` collation, `ORDER BY key`, with `LIMIT` when `limit` is set. Expired rows are filtered in SQL, so they
    /// never count toward the limit.
    ///
    /// - Parameters:
    ///   - range: The half-open range of keys.
    ///   - limit: The maximum number of entries, or `nil` for all. `0` returns `[]`.
    /// - Returns: At most `limit` entries.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidValue`` for a negative limit,
    ///   or as ``get(_:)-(String)``.
    public func entries(in range: KeyRange, limit: Int?) async throws -> [KeyValueEntry] {
        try KeyValueKey.validate(limit: limit)
        try self.backend.checkOpen()
        if limit == 0 || range.isEmpty {
            return []
        }
        let lower = Self.textBound(range.lowerBound, inclusive: true)
        let upper = range.upperBoundKey.map { Self.textBound($0, inclusive: false) }
        // An empty lower bound holds every key, so it needs no condition.
        let lowerCondition = range.lowerBound.isEmpty ? nil : lower
        var binds = PostgresBindings(capacity: 5)
        binds.append(self.namespace)
        binds.append(self.backend.clock.now())
        if let lowerCondition {
            binds.append(lowerCondition.text)
        }
        if let upper {
            binds.append(upper.text)
        }
        if let limit {
            binds.append(Int64(limit))
        }
        let sql = self.backend.statements.entries(
            lowerOperator: lowerCondition?.operator,
            upperOperator: upper?.operator,
            limited: limit != nil
        )
        return try await self.rows(PostgresQuery(unsafeSQL: sql, binds: binds), "reading a key range") { row in
            let (key, value, expiration) = try row.decode((String, ByteBuffer, Date?).self)
            return KeyValueEntry(key: key, value: Array(value.readableBytesView), expiration: expiration)
        }
    }

    /// The number of live keys in this namespace.
    ///
    /// - Throws: ``StorageError/Code-swift.struct/closed`` after the backend's shutdown, or a backend error.
    public func count() async throws -> Int {
        var binds = PostgresBindings(capacity: 2)
        binds.append(self.namespace)
        binds.append(self.backend.clock.now())
        let query = PostgresQuery(unsafeSQL: self.backend.statements.count, binds: binds)
        let count = try await self.row(query, "counting keys") { row in
            Int(try row.decode(Int64.self))
        }
        return count ?? 0
    }
}

extension PostgresKeyValueStore {
    /// A range bound PostgreSQL text can hold, and the comparison that keeps its meaning.
    ///
    /// Keys never contain U+0000, so a bound `b + "\0" + rest` is equivalent to `b` with a stricter or looser
    /// operator: `key >= b\0…` holds exactly when `key > b`, and `key < b\0…` exactly when `key <= b`.
    private static func textBound(_ bound: String, inclusive: Bool) -> (text: String, operator: String) {
        guard let nul = bound.utf8.firstIndex(of: 0) else {
            return (bound, inclusive ? ">=" : "<")
        }
        let text = String(bound.utf8[..<nul]) ?? ""
        return (text, inclusive ? ">" : "<=")
    }
}
