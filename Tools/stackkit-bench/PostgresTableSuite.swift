import Foundation
import Logging
import NIOCore
import PostgresNIO
import SQLStore
import SQLStorePostgres
import StorageRefs

/// The PostgreSQL table store (and the access decorator over it) against the same SQL on one bare postgres-nio
/// `PostgresConnection`, in the schema `stackkit_bench_sql`, dropped at the end.
final class PostgresTableSuite: SQLBenchSuite {
    static let schema = "stackkit_bench_sql"
    static let insertTable = "bench_insert"
    static let baselineInsertTable = "bench_insert_baseline"
    static let pageTable = "bench_page"

    private let backendHandle: PostgresTableBackend
    private let loop: TableStoreLoop
    private let connection: PostgresConnection
    private let workload: SQLWorkload
    private let logger: Logger

    var backend: String { "postgres" }

    var baselineDescription: String {
        "the store's SQL on one bare postgres-nio PostgresConnection (no pool), same tables; a batch is one "
            + "multi-row INSERT; JSON read as text, not parsed"
    }

    private init(
        backend: PostgresTableBackend,
        loop: TableStoreLoop,
        connection: PostgresConnection,
        workload: SQLWorkload,
        logger: Logger
    ) {
        self.backendHandle = backend
        self.loop = loop
        self.connection = connection
        self.workload = workload
        self.logger = logger
    }

    static func open(_ url: ServerURL, workload: SQLWorkload, logger: Logger) async throws -> PostgresTableSuite {
        guard let user = url.user else { throw BenchError("the PostgreSQL URL names no user") }
        let database = url.database.isEmpty ? user : url.database
        let config = PostgresSQLStoreConfig(
            host: url.host,
            port: url.port,
            db: database,
            user: user,
            password: url.password.map(Secret.init),
            sslMode: "disable"
        )
        let backend = try await PostgresTableBackend.open(
            named: "bench",
            config: config,
            options: .init(),
            schema: Self.schema,
            logger: logger
        )
        do {
            try? await backend.dropSchema()
            try await backend.createSchema()
            let store = backend.tableStore
            let decorated = AuthorizedTableStore(base: store)
            try await store.createTable(SQLWorkload.schema(Self.insertTable))
            try await store.createTable(SQLWorkload.schema(Self.baselineInsertTable))
            try await decorated.createTable(SQLWorkload.schema(Self.pageTable))
            let loop = TableStoreLoop(
                store: store,
                decorated: decorated,
                workload: workload,
                insertTable: Self.insertTable,
                pageTable: Self.pageTable
            )
            StandardError.print("[postgres] filling \(Self.pageTable) with \(workload.pageRows) rows")
            try await loop.populate()
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: url.host,
                    port: url.port,
                    username: user,
                    password: url.password,
                    database: database,
                    tls: .disable
                ),
                id: 1,
                logger: logger
            )
            _ = try await connection.query("ANALYZE \"\(unescaped: Self.schema)\".\"\(unescaped: Self.pageTable)\"", logger: logger)
            return PostgresTableSuite(
                backend: backend,
                loop: loop,
                connection: connection,
                workload: workload,
                logger: logger
            )
        } catch {
            try? await backend.dropSchema()
            try? await backend.shutdown()
            throw error
        }
    }

    func measureOurs(_ operation: SQLOperation, total: Int, run: Int) async throws -> Double {
        let elapsed = try await self.loop.run(operation, total: total, run: run, seed: operation.seed(run: run))
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    private static func qualified(_ table: String) -> String {
        "\"\(schema)\".\"\(table)\""
    }

    private static let columns =
        "\"id\", \"created_at\", \"model\", \"body\"::text AS \"body\", \"owner_principal\", "
        + "\"access_attributes\"::text AS \"access_attributes\""

    private typealias Row = (String, Int64, String?, String?, String?, String?)

    private func rows(_ query: PostgresQuery) async throws -> [Row] {
        var result: [Row] = []
        for try await row in try await self.connection.query(query, logger: self.logger) {
            result.append(try row.decode(Row.self))
        }
        return result
    }

    func measureBaseline(_ operation: SQLOperation, total: Int, run: Int) async throws -> Double {
        var random = BenchRandom(seed: operation.seed(run: run), stream: 0)
        let clock = ContinuousClock()
        let table = Self.qualified(Self.baselineInsertTable)
        switch operation {
        case .insert, .batchInsert:
            var inputs: [(String, Int64, String)] = []
            for index in 0..<total {
                let id = "baseline-\(operation.rawValue)-\(run)-\(index)"
                inputs.append((try self.workload.bodyText(index, id: id), SQLWorkload.createdAt(index), id))
            }
            let size = operation == .insert ? 1 : SQLWorkload.batchSize
            let start = clock.now
            var index = 0
            while index < inputs.count {
                var bindings = PostgresBindings()
                var tuples: [String] = []
                for (body, createdAt, id) in inputs[index..<min(index + size, inputs.count)] {
                    let base = bindings.count
                    bindings.append(body)
                    bindings.append(createdAt)
                    bindings.append(id)
                    bindings.append("llama-3.1-8b-instruct")
                    tuples.append("($\(base + 1)::jsonb, $\(base + 2), $\(base + 3), $\(base + 4))")
                }
                let sql = "INSERT INTO \(table) (\"body\", \"created_at\", \"id\", \"model\") VALUES "
                    + tuples.joined(separator: ", ")
                _ = try await self.rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
                index += size
            }
            let elapsed = clock.now - start
            var counted: Int64 = 0
            for try await row in try await self.connection.query(
                PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table)"),
                logger: self.logger
            ) {
                counted = try row.decode(Int64.self)
            }
            try BenchError.check(counted == Int64(total), "baseline \(operation.rawValue): rows lost")
            _ = try await self.connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"), logger: self.logger)
            return ConcurrentRunner.rate(total, in: elapsed)
        case .get:
            let sql = "SELECT \(Self.columns) FROM \(Self.qualified(Self.pageTable)) WHERE \"id\" = $1 "
                + "ORDER BY \"id\" ASC LIMIT 1"
            let start = clock.now
            for _ in 0..<total {
                let id = SQLWorkload.id(random.next(below: self.workload.pageRows))
                var bindings = PostgresBindings()
                bindings.append(id)
                let found = try await self.rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
                try BenchError.check(found.first?.0 == id, "baseline get: row \(id) not found")
            }
            return ConcurrentRunner.rate(total, in: clock.now - start)
        case .page, .pageACL:
            let sql = "SELECT \(Self.columns) FROM \(Self.qualified(Self.pageTable)) WHERE (\"created_at\", \"id\") < ($1, $2) "
                + "ORDER BY \"created_at\" DESC, \"id\" DESC LIMIT $3"
            let start = clock.now
            for _ in 0..<total {
                let index = self.workload.pageStart(&random)
                var bindings = PostgresBindings()
                bindings.append(SQLWorkload.createdAt(index))
                bindings.append(SQLWorkload.id(index))
                bindings.append(Int64(SQLWorkload.pageSize + 1))
                let page = try await self.rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
                try BenchError.check(
                    page.count == SQLWorkload.pageSize + 1 && page[0].0 == SQLWorkload.id(index - 1),
                    "baseline page: wrong page after row \(index)"
                )
            }
            return ConcurrentRunner.rate(total, in: clock.now - start)
        }
    }

    func shutdown() async {
        try? await self.connection.close()
        do {
            try await self.backendHandle.dropSchema()
        } catch {
            StandardError.print("[postgres] could not drop schema \(Self.schema): \(error)")
        }
        try? await self.backendHandle.shutdown()
    }
}
