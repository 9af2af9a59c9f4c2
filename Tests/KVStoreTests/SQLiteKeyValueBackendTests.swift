import CSQLite
import Foundation
import KVStore
import StorageRefs
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SQLiteKeyValueBackendTests {
    @Test func fileDatabaseUsesWALAndCreatesParentDirectories() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a/b/c/kv.db").path
        let backend = try SQLiteKeyValueBackend(path: path)
        let store = try await backend.keyValueStore(namespace: "ns")
        try await store.set("k", string: "v")
        try await backend.shutdown()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try pragma("journal_mode", path: path) == "wal")
    }

    @Test func everyConcurrentWriterReadsItsOwnWriteAsSoonAsSetReturns() async throws {
        // Group commit resumes a caller only after the transaction holding its write has committed.
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backend = try SQLiteKeyValueBackend(path: directory.appendingPathComponent("kv.db").path)
        let store = try await backend.keyValueStore(namespace: "ns")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<64 {
                group.addTask {
                    for round in 0..<20 {
                        let value = [UInt8(writer), UInt8(round)]
                        if round % 5 == 4 {
                            try await store.delete("w\(writer)")
                            #expect(try await store.get("w\(writer)") == nil)
                        } else {
                            try await store.set("w\(writer)", value: value, expiration: nil)
                            #expect(try await store.get("w\(writer)") == value)
                        }
                    }
                    try await store.set([KeyValueEntry(key: "batch\(writer)-a", value: [1]), KeyValueEntry(key: "batch\(writer)-b", value: [2])])
                    #expect(try await store.get(["batch\(writer)-a", "batch\(writer)-b"]).count == 2)
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.count() == 128)
        try await backend.shutdown()
    }

    @Test func memoryDatabasesArePrivateToTheirBackend() async throws {
        let first = try SQLiteKeyValueBackend(path: ":memory:")
        let second = try SQLiteKeyValueBackend(path: ":memory:")
        try await first.keyValueStore(namespace: "ns").set("k", string: "first")
        #expect(try await second.keyValueStore(namespace: "ns").get("k") == nil)
        #expect(try await first.keyValueStore(namespace: "ns").string(forKey: "k") == "first")
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func twoBackendsOnOneFileSeeEachOthersWritesButNotOtherNamespaces() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kv.db").path
        let first = try SQLiteKeyValueBackend(path: path)
        let second = try SQLiteKeyValueBackend(path: path)
        try await first.keyValueStore(namespace: "registry").set("model", string: "llama")
        #expect(try await second.keyValueStore(namespace: "registry").string(forKey: "model") == "llama")
        #expect(try await second.keyValueStore(namespace: "agents").get("model") == nil)
        try await first.shutdown()
        try await second.shutdown()
    }

    @Test func expiredRowsAreDeletedByReclaim() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kv.db").path
        let clock = ManualWallClock()
        var options = SQLiteKeyValueBackend.Options()
        options.clock = clock
        let backend = try SQLiteKeyValueBackend(path: path, options: options)
        let store = try await backend.keyValueStore(namespace: "ns")
        try await store.set("short", value: [1], expiration: clock.now().addingTimeInterval(10))
        try await store.set("long", value: [2], expiration: nil)
        #expect(try rowCount(path: path) == 2)
        clock.advance(by: 11)
        #expect(try await backend.reclaimExpired() == 1)
        #expect(try rowCount(path: path) == 1)
        try await backend.shutdown()
    }

    @Test func writesReclaimExpiredRowsEventually() async throws {
        let clock = ManualWallClock()
        var options = SQLiteKeyValueBackend.Options()
        options.clock = clock
        options.reclaimEvery = 10
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kv.db").path
        let backend = try SQLiteKeyValueBackend(path: path, options: options)
        let store = try await backend.keyValueStore(namespace: "ns")
        try await store.set("old", value: [1], expiration: clock.now().addingTimeInterval(1))
        clock.advance(by: 2)
        for index in 0..<10 { try await store.set("k\(index)", value: [], expiration: nil) }
        #expect(try rowCount(path: path) == 10)
        try await backend.shutdown()
    }

    @Test func catalogOpensTheBackendThroughTheDriver() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try RunConfig(yaml: """
            storage:
              backends:
                kv_default: {type: kv_sqlite, db_path: "${env.DIR}/kv.db"}
              stores:
                metadata: {backend: kv_default, namespace: registry}
            """, environment: ["DIR": directory.path])
        let catalog = try StorageCatalog(config: config.storage, drivers: [SQLiteKeyValueDriver()])
        let registry = try await catalog.keyValueStore(for: config.storage.stores.metadata!)
        try await registry.set("model:llama", string: "{}")
        let again = try await catalog.keyValueStore(for: KVStoreReference(backend: "kv_default", namespace: "registry"))
        #expect(try await again.string(forKey: "model:llama") == "{}")
        try await catalog.shutdown()
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("kv.db").path))
    }

    @Test func unwritablePathNamesThePath() async throws {
        let error = #expect(throws: StorageError.self) { try SQLiteKeyValueBackend(path: "/proc/stackkit-cannot-write/kv.db") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("/proc/stackkit-cannot-write") == true)
    }

    // MARK: Helpers reading the file with the raw C API

    func pragma(_ name: String, path: String) throws -> String {
        try query("PRAGMA \(name)", path: path)
    }

    func rowCount(path: String) throws -> Int {
        Int(try query("SELECT count(*) FROM stackkit_kv", path: path)) ?? -1
    }

    func query(_ sql: String, path: String) throws -> String {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { throw StorageError(code: .backendFailure, message: "open") }
        defer { sqlite3_close_v2(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { throw StorageError(code: .backendFailure, message: "prepare") }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else { return "" }
        return String(cString: text)
    }
}
