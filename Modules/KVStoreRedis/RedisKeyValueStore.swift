public import Foundation
public import StorageRefs

/// A namespaced key-value store in Redis, from ``RedisKeyValueBackend/keyValueStore(namespace:)``.
///
/// Follows the ``StorageRefs/KeyValueStore`` contract. Each value is a Redis string and each namespace has a
/// sorted-set index of its keys (see ``RedisKeyLayout``), so ranges come back in UTF-8 byte order:
///
/// - Writes run as Lua scripts, so a value and its index member change together: `set` is `SET` (with `PXAT` for
///   an expiration) plus `ZADD`, `delete` is `DEL` plus `ZREM`, and a batch `set` is one script for all entries,
///   atomic. An expiration at or before the server's `TIME` deletes the key instead.
/// - `get` is `GET` and the batch get `MGET`: Redis's native expiry hides expired values.
/// - ``entries(in:limit:)`` and ``count()`` walk the index with `ZRANGEBYLEX` in one script and remove the members
///   of expired values, which is how the index is cleaned.
///
/// Expirations are kept to the millisecond, on the server's clock; an entry becomes invisible at the start of the
/// millisecond its expiration falls in. Keys must be non-empty and must not contain U+0000.
///
/// > Note: A range scan or count runs as one script, during which the server serves no other client; it reads the
/// > index in batches of ``RedisScript/scanBatchSize`` members but does not yield between them.
public struct RedisKeyValueStore: KeyValueStore {
    /// The namespace this store's keys are isolated in.
    public let namespace: String

    /// Where this namespace's keys live on the server.
    package let layout: RedisKeyLayout

    private let backend: RedisKeyValueBackend

    init(namespace: String, backend: RedisKeyValueBackend) {
        self.namespace = namespace
        self.layout = RedisKeyLayout(namespace: namespace)
        self.backend = backend
    }

    /// Returns the value stored under `key`, or `nil` when the key is missing or expired.
    ///
    /// - Parameter key: A non-empty key without U+0000.
    /// - Returns: The value's bytes, or `nil`.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidKey`` for
    ///   an invalid key (before any I/O), or a connection or server error.
    public func get(_ key: String) async throws -> [UInt8]? {
        try KeyValueKey.validate(key)
        let reply = try await self.backend.send([RedisCommandName.get, self.layout.valueKey(key)])
        guard case .bulkString(let value) = reply else { throw self.unexpectedReply(to: "GET") }
        return value
    }

    /// Stores `value` under `key`, replacing any previous value and expiration.
    ///
    /// - Parameters:
    ///   - key: A non-empty key without U+0000.
    ///   - value: The bytes to store; may be empty.
    ///   - expiration: The instant from which the key is invisible, on the server's clock, or `nil` for never. An
    ///     instant at or before the server's time deletes the key.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidKey`` for
    ///   an invalid key (before any I/O), or a connection or server error.
    public func set(_ key: String, value: [UInt8], expiration: Date?) async throws {
        try KeyValueKey.validate(key)
        // The batch script with one entry, built directly: no entry array, no key array to validate.
        let command = self.backend.command(
            .set,
            keys: [self.layout.indexKey],
            arguments: [self.layout.valueKeyPrefix, Array(key.utf8), value, try Self.expiryArgument(expiration)]
        )
        _ = try await self.backend.evaluate(.set, command: command)
    }

    /// Removes `key` and its value; a missing or expired key is a no-op.
    ///
    /// - Parameter key: A non-empty key without U+0000.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidKey`` for
    ///   an invalid key (before any I/O), or a connection or server error.
    public func delete(_ key: String) async throws {
        try KeyValueKey.validate(key)
        _ = try await self.backend.evaluate(
            .delete,
            command: self.backend.command(
                .delete,
                keys: [self.layout.indexKey, self.layout.valueKey(key)],
                arguments: [Array(key.utf8)]
            )
        )
    }

    /// Returns the values of several keys with one `MGET`.
    ///
    /// - Parameter keys: Non-empty keys without U+0000; duplicates are read once.
    /// - Returns: The value of every present key, by key.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidKey`` when
    ///   any key is invalid (nothing is read), or a connection or server error.
    public func get(_ keys: [String]) async throws -> [String: [UInt8]] {
        for key in keys { try KeyValueKey.validate(key) }
        var seen = Set<String>()
        let unique = keys.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return [:] }
        var command: [[UInt8]] = [RedisCommandName.mget]
        command.reserveCapacity(1 + unique.count)
        for key in unique {
            command.append(self.layout.valueKey(key))
        }
        let reply = try await self.backend.send(command)
        guard let values = reply.array, values.count == unique.count else { throw self.unexpectedReply(to: "MGET") }
        var result: [String: [UInt8]] = [:]
        for (key, value) in zip(unique, values) {
            if case .bulkString(let bytes?) = value {
                result[key] = bytes
            }
        }
        return result
    }

    /// Stores several entries with one script call: atomically, every entry or (when the call throws) none.
    ///
    /// When a key appears more than once the last entry wins. Each entry's expiration behaves as in
    /// ``set(_:value:expiration:)``.
    ///
    /// - Parameter entries: The entries; an empty array does nothing.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidKey`` when
    ///   any key is invalid (nothing is written), or a connection or server error.
    public func set(_ entries: [KeyValueEntry]) async throws {
        try KeyValueKey.validate(entries.lazy.map(\.key))
        guard !entries.isEmpty else { return }
        // The EVALSHA command is built in place: one array for every argument.
        var command = self.backend.command(.set, keys: [self.layout.indexKey], arguments: [self.layout.valueKeyPrefix])
        command.reserveCapacity(command.count + 3 * entries.count)
        for entry in entries {
            command.append(Array(entry.key.utf8))
            command.append(entry.value)
            command.append(try Self.expiryArgument(entry.expiration))
        }
        _ = try await self.backend.evaluate(.set, command: command)
    }

    /// Returns the live entries whose keys lie in `range`, ascending by UTF-8 bytes, each with its expiration.
    ///
    /// Walks the index from `range.lowerBound` to ``StorageRefs/KeyRange/upperBoundKey`` (exclusive) in one script;
    /// index members whose value has expired are skipped and removed.
    ///
    /// - Parameters:
    ///   - range: The keys to return.
    ///   - limit: The most entries to return, or `nil` for all; `0` returns `[]`.
    /// - Returns: The entries, ascending by the UTF-8 bytes of their keys.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidValue``
    ///   for a negative limit, or a connection or server error.
    public func entries(in range: KeyRange, limit: Int?) async throws -> [KeyValueEntry] {
        try KeyValueKey.validate(limit: limit)
        if limit == 0 || range.isEmpty { return [] }
        let minimum = range.lowerBound.isEmpty ? RedisCommandName.lowest : Self.bound("[", range.lowerBound)
        let maximum = range.upperBoundKey.map { Self.bound("(", $0) } ?? RedisCommandName.highest
        let reply = try await self.backend.evaluate(
            .entries,
            command: self.backend.command(
                .entries,
                keys: [self.layout.indexKey],
                arguments: [
                    self.layout.valueKeyPrefix, minimum, maximum,
                    limit.map { Array(String($0).utf8) } ?? RedisCommandName.noLimit, RedisCommandName.scanBatchSize,
                ]
            )
        )
        guard let flat = reply.array, flat.count % 3 == 0 else { throw self.unexpectedReply(to: "the range script") }
        var entries: [KeyValueEntry] = []
        entries.reserveCapacity(flat.count / 3)
        var index = 0
        while index < flat.count {
            guard case .bulkString(let key?) = flat[index], case .bulkString(let value?) = flat[index + 1],
                case .integer(let expireTime) = flat[index + 2]
            else { throw self.unexpectedReply(to: "the range script") }
            entries.append(
                KeyValueEntry(
                    key: String(decoding: key, as: UTF8.self),
                    value: value,
                    expiration: expireTime >= 0 ? Self.expiration(lastVisibleMillisecond: expireTime) : nil
                )
            )
            index += 3
        }
        return entries
    }

    /// The number of live keys in the namespace, counted in one script that also removes expired index members.
    ///
    /// - Returns: The number of keys that have not expired.
    /// - Throws: ``StorageRefs/StorageError`` for a connection or server error.
    public func count() async throws -> Int {
        let reply = try await self.backend.evaluate(
            .count,
            command: self.backend.command(
                .count,
                keys: [self.layout.indexKey],
                arguments: [self.layout.valueKeyPrefix, RedisCommandName.scanBatchSize]
            )
        )
        guard case .integer(let count) = reply else { throw self.unexpectedReply(to: "the count script") }
        return Int(count)
    }

    /// The set script's expiry argument: the last visible millisecond in decimal, or empty for none.
    private static func expiryArgument(_ expiration: Date?) throws -> [UInt8] {
        guard let expiration else { return RedisCommandName.empty }
        return Array(String(try Self.lastVisibleMillisecond(expiration)).utf8)
    }

    /// A `ZRANGEBYLEX` bound: `marker` (`[` inclusive, `(` exclusive) followed by the key's UTF-8 bytes.
    private static func bound(_ marker: Character, _ key: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + key.utf8.count)
        bytes.append(contentsOf: marker.utf8)
        bytes.append(contentsOf: key.utf8)
        return bytes
    }

    private func unexpectedReply(to command: String) -> StorageError {
        StorageError(
            code: .backendFailure,
            message: "Redis at \(self.backend.endpoint) sent an unexpected reply to \(command)"
        )
    }
}
