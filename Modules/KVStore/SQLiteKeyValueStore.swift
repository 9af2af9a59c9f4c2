public import Foundation
public import StorageRefs

/// One namespace of an ``SQLiteKeyValueBackend``; see ``KeyValueStore`` for the semantics.
public struct SQLiteKeyValueStore: KeyValueStore {
    private let backend: SQLiteKeyValueBackend
    /// The namespace this store's keys live in.
    public let namespace: String

    init(backend: SQLiteKeyValueBackend, namespace: String) {
        self.backend = backend
        self.namespace = namespace
    }

    public func get(_ key: String) async throws -> [UInt8]? {
        try KeyValueKey.validate(key)
        try backend.checkOpen()
        return try await backend.reader().get(namespace: namespace, key: key, now: backend.now())
    }

    public func set(_ key: String, value: [UInt8], expiration: Date?) async throws {
        try KeyValueKey.validate(key)
        try backend.checkOpen()
        try await backend.perform(
            .set(namespace: namespace, key: key, value: value, expiresAt: expiration.map(Milliseconds.from))
        )
    }

    public func delete(_ key: String) async throws {
        try KeyValueKey.validate(key)
        try backend.checkOpen()
        try await backend.perform(.delete(namespace: namespace, key: key))
    }

    public func get(_ keys: [String]) async throws -> [String: [UInt8]] {
        try KeyValueKey.validate(keys)
        try backend.checkOpen()
        guard !keys.isEmpty else { return [:] }
        return try await backend.reader().get(namespace: namespace, keys: keys, now: backend.now())
    }

    public func set(_ entries: [KeyValueEntry]) async throws {
        try KeyValueKey.validate(entries.map(\.key))
        try backend.checkOpen()
        guard !entries.isEmpty else { return }
        try await backend.perform(
            .setMany(
                namespace: namespace,
                entries: entries.map {
                    (key: $0.key, value: $0.value, expiresAt: $0.expiration.map(Milliseconds.from))
                }
            )
        )
    }

    public func entries(in range: KeyRange, limit: Int?) async throws -> [KeyValueEntry] {
        try KeyValueKey.validate(limit: limit)
        try backend.checkOpen()
        if limit == 0 || range.isEmpty { return [] }
        return try await backend.reader().entries(
            namespace: namespace,
            from: range.lowerBound,
            to: range.upperBoundKey,
            limit: limit,
            now: backend.now()
        )
    }

    public func count() async throws -> Int {
        try backend.checkOpen()
        return try await backend.reader().count(namespace: namespace, now: backend.now())
    }
}
