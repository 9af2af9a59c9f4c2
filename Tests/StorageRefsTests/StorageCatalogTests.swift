import Foundation
import Logging
import StorageRefs
import Synchronization
import Testing

/// A driver that counts openings and shutdowns, and hands out in-memory stores.
final class CountingDriver: StorageDriver {
    let backendTypes: Set<StorageBackendType>
    let opened = Mutex<[String]>([])
    let closed = Mutex<[String]>([])
    let failuresLeft = Mutex(0)

    init(types: Set<StorageBackendType>, failFirst: Int = 0) {
        self.backendTypes = types
        failuresLeft.withLock { $0 = failFirst }
    }

    func openKeyValueBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any KeyValueBackend {
        let fail = failuresLeft.withLock { left -> Bool in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
        if fail { throw StorageError(code: .connectionFailed, message: "backend '\(name)' is unreachable") }
        opened.withLock { $0.append(name) }
        return CountingBackend(name: name, driver: self)
    }

    func openTableBackend(
        named name: String,
        config: StorageBackendConfig,
        logger: Logger
    ) async throws -> any TableBackend {
        opened.withLock { $0.append(name) }
        return CountingBackend(name: name, driver: self)
    }
}

final class CountingBackend: KeyValueBackend, TableBackend {
    let name: String
    let driver: CountingDriver

    init(name: String, driver: CountingDriver) {
        self.name = name
        self.driver = driver
    }

    func keyValueStore(namespace: String) async throws -> any KeyValueStore {
        NamespaceStore(backend: self, namespace: namespace)
    }

    var tableStore: any TableStore { UnusedTableStore(backend: self) }

    func shutdown() async throws {
        driver.closed.withLock { $0.append(name) }
    }
}

struct NamespaceStore: KeyValueStore {
    let backend: CountingBackend
    let namespace: String
    func get(_ key: String) async throws -> [UInt8]? { nil }
    func set(_ key: String, value: [UInt8], expiration: Date?) async throws {}
    func delete(_ key: String) async throws {}
    func get(_ keys: [String]) async throws -> [String: [UInt8]] { [:] }
    func set(_ entries: [KeyValueEntry]) async throws {}
    func entries(in range: KeyRange, limit: Int?) async throws -> [KeyValueEntry] { [] }
    func count() async throws -> Int { 0 }
}

struct UnusedTableStore: TableStore {
    let backend: CountingBackend
    var dialect: TableStoreDialect { .sqlite }
    func createTable(_ schema: TableSchema) async throws {}
    func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws {}
    func withTransaction<Result: Sendable>(
        _ body: @Sendable (any TableOperations) async throws -> Result
    ) async throws -> Result {
        try await body(self)
    }
    func insert(into table: String, rows: [TableRow]) async throws {}
    func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {}
    func fetchPage(_ query: TableQuery) async throws -> TablePage { TablePage(rows: [], hasMore: false) }
    func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? { nil }
    func count(in table: String, where predicate: TablePredicate?) async throws -> Int { 0 }
    func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int { 0 }
    func delete(from table: String, where predicate: TablePredicate) async throws -> Int { 0 }
    func describeTable(_ table: String) async throws -> TableDescription {
        throw StorageError(code: .unknownTable, message: "table \(table) does not exist")
    }
}

@Suite(.timeLimit(.minutes(1)))
struct StorageCatalogTests {
    let config = StorageConfig(
        backends: [
            "kv_default": .kvSQLite(SQLiteKVStoreConfig(dbPath: ":memory:")),
            "sql_default": .sqlSQLite(SQLiteSQLStoreConfig(dbPath: ":memory:")),
            "sql_pg": .sqlPostgres(PostgresSQLStoreConfig(user: "app", password: Secret("pw"))),
            "mongo": .kvMongoDB(MongoDBKVStoreConfig()),
        ],
        stores: StorageStores(
            metadata: KVStoreReference(backend: "kv_default", namespace: "registry"),
            inference: InferenceStoreReference(backend: "sql_default", tableName: "inference_store"),
            conversations: SQLStoreReference(backend: "sql_default", tableName: "openai_conversations")
        )
    )

    @Test func twoReferencesShareOneBackendOpenedOnce() async throws {
        let kv = CountingDriver(types: [.kvSQLite])
        let sql = CountingDriver(types: [.sqlSQLite])
        let catalog = try StorageCatalog(config: config, drivers: [kv, sql])
        #expect(kv.opened.withLock { $0 }.isEmpty)  // lazily

        let registry = try await catalog.keyValueStore(
            for: KVStoreReference(backend: "kv_default", namespace: "registry")
        )
        let agents = try await catalog.keyValueStore(for: KVStoreReference(backend: "kv_default", namespace: "agents"))
        // The catalog hands out its stores traced; the stores underneath share the backend.
        let first = try #require((registry as? TracedKeyValueStore)?.base as? NamespaceStore)
        let second = try #require((agents as? TracedKeyValueStore)?.base as? NamespaceStore)
        #expect(first.backend === second.backend)
        #expect(kv.opened.withLock { $0 } == ["kv_default"])

        let inference = try await catalog.tableStore(for: config.stores.inference!.tableReference)
        let conversations = try await catalog.tableStore(for: config.stores.conversations!)
        let inferenceBase = try #require((inference as? TracedTableStore)?.base as? UnusedTableStore)
        let conversationsBase = try #require((conversations as? TracedTableStore)?.base as? UnusedTableStore)
        #expect(inferenceBase.backend === conversationsBase.backend)
        #expect(sql.opened.withLock { $0 } == ["sql_default"])
        #expect(await catalog.openedBackendNames == ["kv_default", "sql_default"])

        try await catalog.shutdown()
        #expect(kv.closed.withLock { $0 } == ["kv_default"])
        #expect(sql.closed.withLock { $0 } == ["sql_default"])
    }

    @Test func concurrentFirstRequestsShareOneOpening() async throws {
        let kv = CountingDriver(types: [.kvSQLite])
        let catalog = try StorageCatalog(config: config, drivers: [kv])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    _ = try await catalog.keyValueStore(
                        for: KVStoreReference(backend: "kv_default", namespace: "ns\(index)")
                    )
                }
            }
            try await group.waitForAll()
        }
        #expect(kv.opened.withLock { $0 } == ["kv_default"])
    }

    @Test func unknownBackendAndWrongFamilyUseTheValidationMessages() async throws {
        let catalog = try StorageCatalog(config: config, drivers: [CountingDriver(types: [.kvSQLite, .sqlSQLite])])
        let unknown = await #expect(throws: StorageError.self) {
            try await catalog.keyValueStore(for: KVStoreReference(backend: "missing", namespace: "x"))
        }
        #expect(unknown?.code == .unknownBackend)
        #expect(
            unknown?.message
                == "namespace x references unknown backend 'missing'; available backends: kv_default, mongo, sql_default, sql_pg"
        )
        let wrong = await #expect(throws: StorageError.self) {
            try await catalog.tableStore(for: SQLStoreReference(backend: "kv_default", tableName: "t"))
        }
        #expect(wrong?.code == .wrongBackendFamily)
        #expect(
            wrong?.message
                == "table t references backend 'kv_default' of type 'kv_sqlite', but a sql_* backend is required"
        )
    }

    @Test func missingDriverNamesTheProduct() async throws {
        let catalog = try StorageCatalog(config: config, drivers: [])
        let error = await #expect(throws: StorageError.self) {
            try await catalog.tableStore(for: SQLStoreReference(backend: "sql_pg", tableName: "t"))
        }
        #expect(error?.code == .driverMissing)
        #expect(error?.message.contains("add the SQLStorePostgres product") == true)
        #expect(error.map { "\($0)" }?.contains("pw") == false)
    }

    @Test func mongoDBIsNotSupportedYet() async throws {
        let catalog = try StorageCatalog(config: config, drivers: [CountingDriver(types: [.kvSQLite])])
        let error = await #expect(throws: StorageError.self) {
            try await catalog.keyValueStore(for: KVStoreReference(backend: "mongo", namespace: "x"))
        }
        #expect(error?.code == .notSupported)
        #expect(error?.message.contains("cannot open yet") == true)
    }

    @Test func failedOpeningIsRetriedOnTheNextRequest() async throws {
        let kv = CountingDriver(types: [.kvSQLite], failFirst: 1)
        let catalog = try StorageCatalog(config: config, drivers: [kv])
        let reference = KVStoreReference(backend: "kv_default", namespace: "registry")
        let error = await #expect(throws: StorageError.self) { try await catalog.keyValueStore(for: reference) }
        #expect(error?.code == .connectionFailed)
        _ = try await catalog.keyValueStore(for: reference)
        #expect(kv.opened.withLock { $0 } == ["kv_default"])
    }

    @Test func requestsAfterShutdownFail() async throws {
        let kv = CountingDriver(types: [.kvSQLite])
        let catalog = try StorageCatalog(config: config, drivers: [kv])
        try await catalog.shutdown()
        try await catalog.shutdown()  // a second call does nothing
        let error = await #expect(throws: StorageError.self) {
            try await catalog.keyValueStore(for: KVStoreReference(backend: "kv_default", namespace: "x"))
        }
        #expect(error?.code == .closed)
        #expect(kv.opened.withLock { $0 }.isEmpty)
    }

    @Test func invalidConfigIsRejectedAtInit() {
        let bad = StorageConfig(
            backends: [:],
            stores: StorageStores(metadata: KVStoreReference(backend: "none", namespace: "x"))
        )
        let error = #expect(throws: StorageConfigError.self) { try StorageCatalog(config: bad, drivers: []) }
        #expect(
            error?.issues.map(\.description) == [
                "storage.stores.metadata references unknown backend 'none'; available backends: none are defined"
            ]
        )
    }
}
