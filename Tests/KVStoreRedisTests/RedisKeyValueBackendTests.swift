import Foundation
import KVStoreRedis
import StorageRefs
import Testing

/// Redis-specific behaviour of the backend and its stores: key layout, databases, index cleaning, errors.
@Suite(
    .enabled(if: RedisTestServer.mustRun, "\(RedisTestServer.missingMessage)"),
    .timeLimit(.minutes(1))
)
struct RedisKeyValueBackendTests {
    private func command(_ parts: [UInt8]...) -> [[UInt8]] { parts }
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    private func server() throws -> RedisTestServer {
        try #require(RedisTestServer.configured, "\(RedisTestServer.missingMessage)")
    }

    /// The members of a namespace's index, read with a raw `ZRANGE`.
    private func indexMembers(_ store: RedisKeyValueStore, on backend: RedisKeyValueBackend) async throws -> [String] {
        let reply = try await backend.send(command(bytes("ZRANGE"), store.layout.indexKey, bytes("0"), bytes("-1")))
        return try #require(reply.array).map { String(decoding: $0.bytes ?? [], as: UTF8.self) }
    }

    private func redisStore(_ backend: RedisKeyValueBackend, _ namespace: String) async throws -> RedisKeyValueStore {
        try #require(try await backend.keyValueStore(namespace: namespace) as? RedisKeyValueStore)
    }

    @Test func valuesAndIndexLiveUnderTheDocumentedKeys() async throws {
        let backend = try await server().open()
        let namespace = RedisTestServer.uniqueNamespace("layout")
        let store = try await redisStore(backend, namespace)
        try await store.set("k:1", value: bytes("v"), expiration: nil)
        let length = namespace.utf8.count
        let raw = try await backend.send(command(bytes("GET"), bytes("skv:v:\(length):\(namespace):k:1")))
        #expect(raw == .bulkString("v"))
        #expect(try await indexMembers(store, on: backend) == ["k:1"])
        let score = try await backend.send(
            command(bytes("ZSCORE"), bytes("skv:i:\(length):\(namespace)"), bytes("k:1"))
        )
        #expect(score.integer == 0)
        try await store.delete("k:1")
        #expect(try await backend.send(command(bytes("EXISTS"), store.layout.valueKey("k:1"))) == .integer(0))
        #expect(try await indexMembers(store, on: backend).isEmpty)
        try await backend.shutdown()
    }

    @Test func databaseSelectionIsolates() async throws {
        let server = try server()
        let zero = try await server.open(database: 0)
        let one = try await server.open(database: 1)
        let namespace = RedisTestServer.uniqueNamespace("db")
        let inZero = try await redisStore(zero, namespace)
        let inOne = try await redisStore(one, namespace)
        try await inZero.set("shared", value: bytes("zero"), expiration: nil)
        #expect(try await inOne.get("shared") == nil)
        #expect(try await inOne.count() == 0)
        #expect(try await inOne.keys(in: .all).isEmpty)
        #expect(try await one.send(command(bytes("EXISTS"), inOne.layout.valueKey("shared"))) == .integer(0))
        try await inOne.set("shared", value: bytes("one"), expiration: nil)
        #expect(try await inZero.get("shared") == bytes("zero"))
        #expect(try await inOne.get("shared") == bytes("one"))
        try await inZero.delete("shared")
        try await inOne.delete("shared")
        try await zero.shutdown()
        try await one.shutdown()
    }

    @Test func rangeScansRemoveExpiredMembersFromTheIndex() async throws {
        let backend = try await server().open()
        let store = try await redisStore(backend, RedisTestServer.uniqueNamespace("clean"))
        // 10 s of margin: the set must reach the server before the expiry, even on a loaded 2-core CI machine.
        let expiry = try await backend.serverTime().addingTimeInterval(10)
        try await store.set("brief", value: bytes("1"), expiration: expiry)
        try await store.set("lasting", value: bytes("2"), expiration: nil)
        try await waitForServerTime(of: backend, pastInstant: expiry)
        #expect(try await store.get("brief") == nil)
        // Redis expired the value natively; the index member stays until a scan walks over it.
        #expect(try await indexMembers(store, on: backend) == ["brief", "lasting"])
        #expect(try await store.keys(in: .all) == ["lasting"])
        #expect(try await indexMembers(store, on: backend) == ["lasting"])
        try await backend.shutdown()
    }

    @Test func countRemovesExpiredMembersFromTheIndex() async throws {
        let backend = try await server().open()
        let store = try await redisStore(backend, RedisTestServer.uniqueNamespace("count"))
        // 10 s of margin: the writes and the first count must reach the server before the expiry, even when CI runs
        // every suite at once on two cores. The first count is only checked when it provably ran before the expiry.
        let expiry = try await backend.serverTime().addingTimeInterval(10)
        try await store.set([
            KeyValueEntry(key: "a", value: [1], expiration: expiry),
            KeyValueEntry(key: "b", value: [2], expiration: expiry),
            KeyValueEntry(key: "c", value: [3]),
        ])
        let countBeforeExpiry = try await store.count()
        if try await backend.serverTime() < expiry {
            #expect(countBeforeExpiry == 3)
        }
        try await waitForServerTime(of: backend, pastInstant: expiry)
        #expect(try await indexMembers(store, on: backend) == ["a", "b", "c"])
        #expect(try await store.count() == 1)
        #expect(try await indexMembers(store, on: backend) == ["c"])
        try await backend.shutdown()
    }

    @Test func aPastExpirationDeletesTheValueAndItsIndexMember() async throws {
        let backend = try await server().open()
        let store = try await redisStore(backend, RedisTestServer.uniqueNamespace("past"))
        try await store.set("k", value: bytes("v"), expiration: nil)
        let now = try await backend.serverTime()
        try await store.set("k", value: bytes("w"), expiration: now.addingTimeInterval(-1))
        #expect(try await backend.send(command(bytes("EXISTS"), store.layout.valueKey("k"))) == .integer(0))
        #expect(try await indexMembers(store, on: backend).isEmpty)
        try await backend.shutdown()
    }

    @Test func overwritingWithoutExpirationClearsTheServerTTL() async throws {
        let backend = try await server().open()
        let store = try await redisStore(backend, RedisTestServer.uniqueNamespace("ttl"))
        try await store.set("k", value: bytes("v"), expiration: try await backend.serverTime().addingTimeInterval(60))
        let ttl = try await backend.send(command(bytes("PTTL"), store.layout.valueKey("k")))
        #expect((ttl.integer ?? -1) > 0)
        try await store.set("k", value: bytes("w"), expiration: nil)
        #expect(try await backend.send(command(bytes("PTTL"), store.layout.valueKey("k"))) == .integer(-1))
        try await backend.shutdown()
    }

    @Test func scriptsAreReloadedAfterTheServerFlushesItsScriptCache() async throws {
        let backend = try await server().open()
        let store = try await redisStore(backend, RedisTestServer.uniqueNamespace("flush"))
        try await store.set("a", value: [1], expiration: nil)
        _ = try await backend.send(command(bytes("SCRIPT"), bytes("FLUSH")))
        try await store.set("b", value: [2], expiration: nil)
        #expect(try await store.keys(in: .all) == ["a", "b"])
        try await backend.shutdown()
    }

    @Test func everyScriptIsLoadedAtOpenUnderTheServersName() async throws {
        let backend = try await server().open()
        #expect(backend.scriptSHAs.count == RedisScript.all.count)
        for script in RedisScript.all {
            let loaded = try await backend.send(command(bytes("SCRIPT"), bytes("LOAD"), bytes(script.source)))
            #expect(loaded.bytes == backend.scriptSHAs[script.name], "script \(script.name)")
            #expect(backend.scriptSHAs[script.name]?.count == 40, "script \(script.name)")
        }
        try await backend.shutdown()
    }

    @Test func aRedisErrorReplyIsABackendFailureWithTheServerMessage() async throws {
        let backend = try await server().open()
        let store = try await redisStore(backend, RedisTestServer.uniqueNamespace("wrongtype"))
        // Another client put a list where a value belongs.
        _ = try await backend.send(command(bytes("RPUSH"), store.layout.valueKey("k"), bytes("x")))
        do {
            _ = try await store.get("k")
            Issue.record("reading a list as a value must fail")
        } catch let error as StorageError {
            #expect(error.code == .backendFailure)
            #expect(error.message.contains("WRONGTYPE"), "\(error.message)")
        }
        _ = try await backend.send(command(bytes("DEL"), store.layout.valueKey("k")))
        try await backend.shutdown()
    }

    @Test func aMissingDatabaseFailsToOpen() async throws {
        let server = try server()
        do {
            _ = try await server.open(database: 100_000)
            Issue.record("a database index out of range must fail")
        } catch let error as StorageError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("database 100000"), "\(error.message)")
        }
    }
}

/// Behaviour that needs no server: key layout, script commands and validation before any I/O.
struct RedisKeyLayoutTests {
    @Test func scriptCommandsAreEvalshaWithTheKeyCountKeysAndArguments() {
        let sha = Array("0123456789abcdef0123456789abcdef01234567".utf8)
        let command = RedisScript.delete.command(sha: sha, keys: [[1], [2]], arguments: [[3]])
        #expect(command == [Array("EVALSHA".utf8), sha, Array("2".utf8), [1], [2], [3]])
    }

    @Test func namespacesThatArePrefixesOfEachOtherGetDifferentKeys() {
        let outer = RedisKeyLayout(namespace: "a")
        let inner = RedisKeyLayout(namespace: "a:b")
        #expect(outer.valueKey("b:c") == Array("skv:v:1:a:b:c".utf8))
        #expect(inner.valueKey("c") == Array("skv:v:3:a:b:c".utf8))
        #expect(outer.indexKey == Array("skv:i:1:a".utf8))
        #expect(inner.indexKey == Array("skv:i:3:a:b".utf8))
    }

    @Test func lengthsCountUTF8Bytes() {
        #expect(RedisKeyLayout(namespace: "日本").valueKey("k") == Array("skv:v:6:日本:k".utf8))
    }

    @Test(.timeLimit(.minutes(1)))
    func invalidKeysAreRejectedBeforeAnyIO() async throws {
        // A backend whose server does not exist: any I/O would fail with connectionFailed, not invalidKey.
        let pool = RedisConnectionPool(
            configuration: RedisConnection.Configuration(host: "127.0.0.1", port: try unusedLoopbackPort()),
            logger: testLogger
        )
        let backend = RedisKeyValueBackend(pool: pool, endpoint: "nowhere", scriptSHAs: [:], logger: testLogger)
        let store = try await backend.keyValueStore(namespace: "n")
        for key in ["", "a\u{0}b"] {
            let shown = key.debugDescription
            await expect(.invalidKey, "set(\(shown))") { try await store.set(key, value: [], expiration: nil) }
            await expect(.invalidKey, "get(\(shown))") { _ = try await store.get(key) }
            await expect(.invalidKey, "delete(\(shown))") { try await store.delete(key) }
            await expect(.invalidKey, "batch get with \(shown)") { _ = try await store.get(["ok", key]) }
            await expect(.invalidKey, "batch set with \(shown)") {
                try await store.set([KeyValueEntry(key: "ok", value: []), KeyValueEntry(key: key, value: [])])
            }
        }
        await expect(.invalidValue, "a negative limit") { _ = try await store.entries(in: .all, limit: -1) }
        await expect(.invalidKey, "an empty namespace") { _ = try await backend.keyValueStore(namespace: "") }
        #expect(pool.peakConnectionCount == 0, "nothing was sent")
        try await backend.shutdown()
        await expect(.closed, "get after shutdown") { _ = try await store.get("k") }
    }
}

/// Expects `body` to throw a ``StorageError`` with `code`.
func expect(
    _ code: StorageError.Code,
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("\(what) must throw \(code)", sourceLocation: sourceLocation)
    } catch let error as StorageError {
        #expect(error.code == code, "\(what): \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what) threw \(error), expected a StorageError", sourceLocation: sourceLocation)
    }
}
