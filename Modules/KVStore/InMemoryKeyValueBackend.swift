public import Foundation
public import StorageRefs
import Synchronization

/// Key-value stores held in memory, for tests and single-process caches; nothing survives the process.
///
/// Same semantics as every other backend (namespaces, half-open UTF-8 ranges, expiry against the injected
/// clock). Each namespace keeps its keys sorted, so ranges cost O(log n + k).
public final class InMemoryKeyValueBackend: KeyValueBackend {
    struct Item {
        var value: [UInt8]
        var expiration: Date?
    }

    struct Namespace {
        /// Items by key, compared by UTF-8 bytes (see ``ByteKey``).
        var items: [ByteKey: Item] = [:]
        /// Every key of `items`, sorted by UTF-8 bytes.
        var sortedKeys: [String] = []

        /// The index of the first key not below `key`.
        func lowerBound(_ key: String) -> Int {
            var low = 0
            var high = sortedKeys.count
            while low < high {
                let middle = (low + high) / 2
                if KeyRange.utf8Precedes(sortedKeys[middle], key) { low = middle + 1 } else { high = middle }
            }
            return low
        }

        func item(_ key: String) -> Item? {
            items[ByteKey(key)]
        }

        mutating func set(_ key: String, _ item: Item) {
            if items.updateValue(item, forKey: ByteKey(key)) == nil {
                sortedKeys.insert(key, at: lowerBound(key))
            }
        }

        mutating func remove(_ key: String) {
            if items.removeValue(forKey: ByteKey(key)) != nil {
                sortedKeys.remove(at: lowerBound(key))
            }
        }
    }

    struct State {
        var namespaces: [String: Namespace] = [:]
        var isClosed = false
    }

    let state = Mutex(State())
    let clock: any WallClock

    /// Creates an empty backend whose expiry follows `clock`.
    public init(clock: any WallClock = SystemWallClock()) {
        self.clock = clock
    }

    /// A store whose keys live in `namespace`.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidKey`` for an empty namespace.
    public func keyValueStore(namespace: String) async throws -> any KeyValueStore {
        try KeyValueKey.validateNamespace(namespace)
        return InMemoryKeyValueStore(backend: self, namespace: namespace)
    }

    /// Drops every key. Stores fail with ``StorageError/Code-swift.struct/closed`` afterwards.
    public func shutdown() async throws {
        state.withLock { $0 = State(namespaces: [:], isClosed: true) }
    }

    /// Runs `body` on a namespace under the lock, failing when the backend is closed.
    func withNamespace<Result>(
        _ name: String,
        _ body: (inout Namespace, Date) throws(StorageError) -> Result
    ) throws(StorageError) -> Result {
        let now = clock.now()
        return try state.withLock { (state: inout State) throws(StorageError) -> Result in
            guard !state.isClosed else {
                throw StorageError(code: .closed, message: "the in-memory key-value backend has been shut down")
            }
            return try body(&state.namespaces[name, default: Namespace()], now)
        }
    }
}

/// A dictionary key that compares strings by their UTF-8 bytes.
///
/// Swift's `String` equality is Unicode canonical equivalence, under which `"é"` and `"e\u{301}"` are one key;
/// every StackKit backend compares keys by bytes, so the in-memory one must too.
struct ByteKey: Hashable {
    let string: String

    init(_ string: String) {
        self.string = string
    }

    static func == (lhs: ByteKey, rhs: ByteKey) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// One namespace of an ``InMemoryKeyValueBackend``; see ``KeyValueStore`` for the semantics.
public struct InMemoryKeyValueStore: KeyValueStore {
    private let backend: InMemoryKeyValueBackend
    /// The namespace this store's keys live in.
    public let namespace: String

    init(backend: InMemoryKeyValueBackend, namespace: String) {
        self.backend = backend
        self.namespace = namespace
    }

    /// Creates a store in a backend of its own, for tests and caches.
    public init(namespace: String = "default", clock: any WallClock = SystemWallClock()) {
        self.init(backend: InMemoryKeyValueBackend(clock: clock), namespace: namespace)
    }

    private static func isLive(_ item: InMemoryKeyValueBackend.Item, at now: Date) -> Bool {
        item.expiration.map { $0 > now } ?? true
    }

    public func get(_ key: String) async throws -> [UInt8]? {
        try KeyValueKey.validate(key)
        return try backend.withNamespace(namespace) { namespace, now in
            namespace.item(key).flatMap { Self.isLive($0, at: now) ? $0.value : nil }
        }
    }

    public func set(_ key: String, value: [UInt8], expiration: Date?) async throws {
        try await set([KeyValueEntry(key: key, value: value, expiration: expiration)])
    }

    public func delete(_ key: String) async throws {
        try KeyValueKey.validate(key)
        try backend.withNamespace(namespace) { namespace, _ in namespace.remove(key) }
    }

    public func get(_ keys: [String]) async throws -> [String: [UInt8]] {
        try KeyValueKey.validate(keys)
        return try backend.withNamespace(namespace) { namespace, now in
            var found: [String: [UInt8]] = [:]
            for key in keys {
                if let item = namespace.item(key), Self.isLive(item, at: now) { found[key] = item.value }
            }
            return found
        }
    }

    public func set(_ entries: [KeyValueEntry]) async throws {
        try KeyValueKey.validate(entries.map(\.key))
        try backend.withNamespace(namespace) { namespace, now in
            for entry in entries {
                if let expiration = entry.expiration, expiration <= now {
                    namespace.remove(entry.key)  // already expired: reclaimed at once
                } else {
                    namespace.set(entry.key, .init(value: entry.value, expiration: entry.expiration))
                }
            }
        }
    }

    public func entries(in range: KeyRange, limit: Int?) async throws -> [KeyValueEntry] {
        try KeyValueKey.validate(limit: limit)
        if limit == 0 || range.isEmpty { return [] }
        return try backend.withNamespace(namespace) { namespace, now in
            var result: [KeyValueEntry] = []
            var index = namespace.lowerBound(range.lowerBound)
            var expired: [String] = []
            while index < namespace.sortedKeys.count, result.count < (limit ?? .max) {
                let key = namespace.sortedKeys[index]
                index += 1
                guard range.contains(key) else { break }
                let item = namespace.item(key)!
                if Self.isLive(item, at: now) {
                    result.append(KeyValueEntry(key: key, value: item.value, expiration: item.expiration))
                } else {
                    expired.append(key)
                }
            }
            for key in expired { namespace.remove(key) }
            return result
        }
    }

    public func count() async throws -> Int {
        try backend.withNamespace(namespace) { namespace, now in
            namespace.items.values.reduce(0) { $0 + (Self.isLive($1, at: now) ? 1 : 0) }
        }
    }
}
