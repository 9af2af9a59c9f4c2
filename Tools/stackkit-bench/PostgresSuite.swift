import KVStorePostgres
import Logging
import PostgresNIO
import StorageRefs

/// The `kv_postgres` backend (opened through ``PostgresKeyValueDriver`` as a ``StorageDriver``) against
/// ``PostgresBareLoop``, both in the table `stackkit_bench_kv`, which is emptied before every measurement and
/// dropped at the end.
final class PostgresSuite: KVSuite {
    static let tableName = "stackkit_bench_kv"

    let workload: KVWorkload
    let logger: Logger
    private let backendHandle: any KeyValueBackend
    private let admin: PostgresConnection
    private let bare: PostgresBareLoop

    var backend: KVBackendKind { .postgres }

    var baselineDescription: String {
        "the driver's SQL on bare postgres-nio PostgresConnections (no pool), c connections at c tasks, same table"
    }

    private init(
        workload: KVWorkload,
        logger: Logger,
        backend: any KeyValueBackend,
        admin: PostgresConnection,
        bare: PostgresBareLoop
    ) {
        self.workload = workload
        self.logger = logger
        self.backendHandle = backend
        self.admin = admin
        self.bare = bare
    }

    /// Opens the backend through the driver (which creates the table) and one connection for housekeeping.
    static func open(_ url: ServerURL, workload: KVWorkload, logger: Logger) async throws -> PostgresSuite {
        guard let user = url.user else {
            throw BenchError("the PostgreSQL URL names no user")
        }
        let database = url.database.isEmpty ? user : url.database
        let config = PostgresKVStoreConfig(
            host: url.host,
            port: url.port,
            db: database,
            user: user,
            password: url.password.map(Secret.init),
            sslMode: "disable",
            tableName: Self.tableName
        )
        let driver: any StorageDriver = PostgresKeyValueDriver()
        let backend = try await driver.openKeyValueBackend(named: "bench", config: .kvPostgres(config), logger: logger)
        let configuration = PostgresConnection.Configuration(
            host: url.host,
            port: url.port,
            username: user,
            password: url.password,
            database: database,
            tls: .disable
        )
        let bare = PostgresBareLoop(
            configuration: configuration,
            workload: workload,
            logger: logger,
            table: "\"\(Self.tableName)\""
        )
        do {
            let admin = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresSuite(workload: workload, logger: logger, backend: backend, admin: admin, bare: bare)
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    func measureOurs(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        try await self.truncate()
        let store = try await self.backendHandle.keyValueStore(namespace: "ours-\(run)")
        let loop = StoreLoop(workload: self.workload)
        if operation.readsData {
            try await loop.populate(store)
        }
        // Let the pool open its connections before the clock starts, as the baseline does.
        _ = try await ConcurrentRunner.run(tasks: tasks, total: tasks) { _, _ in
            _ = try await store.get(self.workload.keys[0])
        }
        let seed = BenchRandom.seed(operation: operation, tasks: tasks, run: run)
        let elapsed = try await loop.run(operation, on: store, tasks: tasks, total: total, seed: seed)
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    func measureBaseline(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        try await self.truncate()
        let seed = BenchRandom.seed(operation: operation, tasks: tasks, run: run)
        let elapsed = try await self.bare.measure(
            operation,
            namespace: "baseline-\(run)",
            tasks: tasks,
            total: total,
            seed: seed
        )
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    func shutdown() async {
        try? await self.backendHandle.shutdown()
        do {
            try await self.execute("DROP TABLE IF EXISTS \(self.bare.table)")
        } catch {
            StandardError.print("[postgres] could not drop \(self.bare.table): \(error)")
        }
        try? await self.admin.close()
    }

    private func truncate() async throws {
        try await self.execute("TRUNCATE \(self.bare.table)")
    }

    private func execute(_ sql: String) async throws {
        let rows = try await self.admin.query(PostgresQuery(unsafeSQL: sql), logger: self.logger)
        for try await _ in rows {}
    }
}
