import ArgumentParser
import Foundation
import Logging
import OpenAITypes
import Responses
import SQLStore
import SQLStorePostgres
import StorageRefs

/// `stackkit-bench stores`: the responses store, durable and buffered, against raw table-store inserts.
struct StoresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stores",
        abstract: "The responses store (durable, buffered, list) against raw table-store inserts in the same run.",
        discussion: """
            Each response is a ~2 KB Responses API object stored with two input
            items and one message. Operations, one calling task:
              durable   store(_:input:messages:) in durable mode: each call
                        returns after its commit. Baseline: the same rows
                        through the table store's insert, one per call.
              buffered  the same calls in buffered mode (4 writers), timed
                        until flush() returns. Baseline: the same rows
                        through the table store's insert, 200 per call.
              list      list(after:limit: 20) from a random response of
                        the table. Baseline: the same keyset page through
                        the table store's fetchPage, rows not decoded.
            Interleaved --runs times; medians; ratio = ours / baseline.
            Targets: buffered >= 10,000 responses/s on SQLite; durable >=
            20x llama-stack's single-row inserts here (576/s SQLite, 902/s
            PostgreSQL).
            """
    )

    @Option(name: .long, parsing: .upToNextOption, help: "sqlite, postgres (default both).")
    var backend: [String] = []

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    @Option(name: .long, help: "Interleaved runs per measurement.")
    var runs = 5

    @Option(name: .long, help: "Multiplies the operation counts.")
    var scale = 1.0

    func run() async throws {
        var logger = Logger(label: "stackkit-bench")
        logger.logLevel = .warning
        let names = backend.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let backends = names.isEmpty ? ["sqlite", "postgres"] : names
        var lines: [(backend: String, op: String, ours: Double, baseline: Double)] = []
        for name in backends {
            let opened: (store: any TableStore, close: @Sendable () async -> Void)
            switch name {
            case "sqlite":
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bench-stores-\(UUID())")
                let store = try SQLiteTableStore(path: directory.appendingPathComponent("stores.db").path)
                opened = (store, { await store.close(); try? FileManager.default.removeItem(at: directory) })
            case "postgres":
                let variables = ["STACKKIT_BENCH_POSTGRES_URL", "STACKKIT_TEST_POSTGRES_URL"]
                guard let (variable, value) = ServerURL.fromEnvironment(variables) else {
                    if names.isEmpty {
                        StandardError.print("skipping postgres: no server configured")
                        continue
                    }
                    throw BenchError("postgres: no server configured (set \(variables.joined(separator: " or ")))")
                }
                let url = try ServerURL(value, schemes: ["postgres", "postgresql"], defaultPort: 5432, variable: variable)
                let backend = try await PostgresTableBackend.open(
                    named: "bench",
                    config: PostgresSQLStoreConfig(
                        host: url.host, port: url.port, db: url.database.isEmpty ? (url.user ?? "") : url.database,
                        user: url.user ?? "", password: url.password.map(Secret.init), sslMode: "disable"
                    ),
                    options: .init(),
                    schema: "stackkit_bench_stores",
                    logger: logger
                )
                try? await backend.dropSchema()
                try await backend.createSchema()
                opened = (backend.tableStore, { try? await backend.dropSchema(); try? await backend.shutdown() })
            default:
                throw ValidationError("unknown backend '\(name)'; choose from sqlite, postgres")
            }
            do {
                let suite = StoresSuite(tables: opened.store, logger: logger)
                for op in ["durable", "buffered", "list"] {
                    let total = max(100, Int(Double(op == "list" ? 2_000 : op == "durable" ? 2_000 : 10_000) * scale))
                    var ours: [Double] = []
                    var baseline: [Double] = []
                    for run in 0..<runs {
                        ours.append(try await suite.measure(op, total: total, run: run, baseline: false))
                        baseline.append(try await suite.measure(op, total: total, run: run, baseline: true))
                        StandardError.print("[\(name)] \(op) n=\(total) run \(run + 1)/\(runs): ours \(Int(ours[run]))/s, baseline \(Int(baseline[run]))/s")
                    }
                    let line = (name, op, KVMeasurement.median(ours), KVMeasurement.median(baseline))
                    lines.append(line)
                    let text = JSONLine([
                        ("suite", .string("stores")), ("backend", .string(name)), ("op", .string(op)), ("tasks", .integer(1)),
                        ("n", .integer(total)), ("ops_per_s", .number(line.2, digits: 1)),
                        ("baseline", .number(line.3, digits: 1)),
                        ("ratio", .number(line.3 > 0 ? line.2 / line.3 : 0, digits: 3)),
                        ("ms_per_op", .number(line.2 > 0 ? 1_000 / line.2 : 0, digits: 4)),
                    ]).text
                    ResultTable.write(json ? text : "\(name) \(op) n=\(total): \(Int(line.2))/s vs baseline \(Int(line.3))/s (\(String(format: "%.2f", line.3 > 0 ? line.2 / line.3 : 0))x)")
                }
            } catch {
                await opened.close()
                throw error
            }
            await opened.close()
        }
        var targets: [KVTarget] = []
        if let buffered = lines.first(where: { $0.backend == "sqlite" && $0.op == "buffered" }) {
            targets.append(KVTarget(name: "sqlite_buffered", requirement: "SQLite buffered >= 10,000 responses/s",
                                    values: [("buffered", buffered.ours / 10_000)], threshold: 1))
        }
        for (name, reference) in [("sqlite", 576.0), ("postgres", 902.0)] {
            if let durable = lines.first(where: { $0.backend == name && $0.op == "durable" }) {
                targets.append(KVTarget(name: "\(name)_durable", requirement: "\(name) durable >= 20x llama-stack's \(Int(reference))/s",
                                        values: [("durable", durable.ours / reference)], threshold: 20))
            }
        }
        StandardError.print("targets:")
        for target in targets { StandardError.print("  " + target.summary) }
        if json {
            let measured = targets.compactMap(\.met)
            ResultTable.write(JSONLine([
                ("suite", .string("stores-targets")),
                ("all_met", measured.isEmpty ? .null : .bool(!measured.contains(false))),
                ("targets", .array(targets.map { .object($0.json) })),
            ]).text)
        }
    }
}

/// One backend's stores and rows.
struct StoresSuite: Sendable {
    let tables: any TableStore
    let logger: Logger

    static func response(_ id: String, createdAt: Int64) throws -> ResponseObject {
        let text = "The answer for \(id). " + String(repeating: "lorem ipsum ", count: 140)
        return try ResponseObject(json: [
            "id": .string(id), "object": "response", "created_at": .int(createdAt), "model": "llama-3.1-8b",
            "status": "completed",
            "output": [
                [
                    "type": "message", "id": .string("msg_\(id)"), "role": "assistant", "status": "completed",
                    "content": [["type": "output_text", "text": .string(text), "annotations": []]],
                ]
            ],
            "usage": ["input_tokens": 10, "output_tokens": 20, "total_tokens": 30],
        ])
    }

    static let input: [ResponseInputItem] = [
        try! ResponseInputItem(json: ["type": "message", "id": "m1", "role": "user", "content": "What is a keyset page?"]),
        try! ResponseInputItem(json: ["type": "message", "id": "m2", "role": "user", "content": "And a cursor?"]),
    ]
    static let messages: [ChatMessage] = [try! ChatMessage(json: ["role": "user", "content": "What is a keyset page?"])]

    /// Operations per second of `op` (ours or its baseline).
    func measure(_ op: String, total: Int, run: Int, baseline: Bool) async throws -> Double {
        let table = "bench_\(op)_\(baseline ? "raw" : "ours")_\(run)"
        let reference = ResponsesStoreReference(backend: "bench", tableName: table)
        let clock = ContinuousClock()
        switch op {
        case "durable", "buffered":
            let responses = try (0..<total).map { try Self.response("resp_\(run)_\($0)", createdAt: Int64($0)) }
            let store = ResponsesStore(tables: tables, reference: reference, mode: op == "durable" ? .durable : .buffered, logger: logger)
            try await store.prepare()
            if baseline {
                let rows: [TableRow] = responses.map { response in
                    [
                        "id": .string(response.id), "created_at": .integer(response.createdAt), "model": .string(response.model),
                        "response_object": .json(response.json), "input": .json(.array(Self.input.map(\.json))),
                        "messages": .json(.array(Self.messages.map(\.json))),
                    ]
                }
                let size = op == "durable" ? 1 : 200
                let start = clock.now
                var index = 0
                while index < rows.count {
                    try await tables.insert(into: table, rows: Array(rows[index..<min(index + size, rows.count)]))
                    index += size
                }
                let elapsed = clock.now - start
                try BenchError.check(try await tables.count(in: table) == total, "baseline \(op): rows lost")
                return ConcurrentRunner.rate(total, in: elapsed)
            }
            let workers = Task { try await store.run() }
            let start = clock.now
            for response in responses {
                try await store.store(response, input: Self.input, messages: Self.messages)
            }
            await store.flush()
            let elapsed = clock.now - start
            await store.writer.finish()
            try await workers.value
            try BenchError.check(try await tables.count(in: table) == total, "ours \(op): rows lost")
            return ConcurrentRunner.rate(total, in: elapsed)
        default:
            // list: a table of `total` responses, read from random positions.
            let listTable = "bench_list_\(run)"
            let store = ResponsesStore(tables: tables, reference: ResponsesStoreReference(backend: "bench", tableName: listTable), logger: logger)
            try await store.prepare()
            if try await tables.count(in: listTable) == 0 {
                let rows: [TableRow] = try (0..<total).map { index in
                    let response = try Self.response("resp_\(index)", createdAt: Int64(index / 4))
                    return [
                        "id": .string(response.id), "created_at": .integer(response.createdAt), "model": .string(response.model),
                        "response_object": .json(response.json), "input": .json(.array(Self.input.map(\.json))),
                        "messages": .json(.array(Self.messages.map(\.json))),
                    ]
                }
                var index = 0
                while index < rows.count {
                    try await tables.insert(into: listTable, rows: Array(rows[index..<min(index + 500, rows.count)]))
                    index += 500
                }
            }
            var random = BenchRandom(seed: UInt64(run), stream: 0)
            let pages = max(100, total / 10)
            let start = clock.now
            for _ in 0..<pages {
                let index = 40 + random.next(below: total - 40)
                if baseline {
                    let page = try await tables.fetchPage(
                        TableQuery(table: listTable, ordering: .descending("created_at"), limit: 20, after: .after(primaryKey: .string("resp_\(index)")))
                    )
                    try BenchError.check(page.rows.count == 20, "baseline list: short page")
                } else {
                    let page = try await store.list(after: "resp_\(index)", limit: 20)
                    try BenchError.check(page.data.count == 20, "ours list: short page")
                }
            }
            return ConcurrentRunner.rate(pages, in: clock.now - start)
        }
    }
}
