import Foundation
import Logging
import SQLStore
import SQLStorePostgres
import Scheduler
import StorageRefs
import Synchronization

/// One backend of the scheduler benchmark: where its job stores live, and each measured loop.
struct SchedulerBenchTarget: Sendable {
    let name: String
    /// The table store; `nil` for the in-memory job store.
    let tables: (any TableStore)?
    /// The PostgreSQL server's URL variable and the schema of the tables, for worker processes.
    let postgres: (variable: String, schema: String)?
    let close: @Sendable () async -> Void
    let logger: Logger

    static let concurrency = 8

    /// Opens `name`; `nil` (with a note) when it is PostgreSQL, no server is configured and it was not asked for.
    static func open(_ name: String, logger: Logger, required: Bool) async throws -> SchedulerBenchTarget? {
        switch name {
        case "memory":
            return SchedulerBenchTarget(name: name, tables: nil, postgres: nil, close: {}, logger: logger)
        case "sqlite":
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bench-scheduler-\(UUID())")
            let store = try SQLiteTableStore(path: directory.appendingPathComponent("jobs.db").path)
            return SchedulerBenchTarget(
                name: name, tables: store, postgres: nil,
                close: { await store.close(); try? FileManager.default.removeItem(at: directory) }, logger: logger
            )
        case "postgres":
            let variables = ["STACKKIT_BENCH_POSTGRES_URL", "STACKKIT_TEST_POSTGRES_URL"]
            guard let (variable, value) = ServerURL.fromEnvironment(variables) else {
                if !required {
                    StandardError.print("skipping postgres: no server configured")
                    return nil
                }
                throw BenchError("postgres: no server configured (set \(variables.joined(separator: " or ")))")
            }
            let url = try ServerURL(value, schemes: ["postgres", "postgresql"], defaultPort: 5432, variable: variable)
            let schema = "stackkit_bench_scheduler"
            let backend = try await PostgresTableBackend.open(
                named: "bench",
                config: PostgresSQLStoreConfig(
                    host: url.host, port: url.port, db: url.database.isEmpty ? (url.user ?? "") : url.database,
                    user: url.user ?? "", password: url.password.map(Secret.init), sslMode: "disable"
                ),
                options: .init(),
                schema: schema,
                logger: logger
            )
            try? await backend.dropSchema()
            try await backend.createSchema()
            return SchedulerBenchTarget(
                name: name, tables: backend.tableStore, postgres: (variable, schema),
                close: { try? await backend.dropSchema(); try? await backend.shutdown() }, logger: logger
            )
        default:
            throw BenchError("unknown backend '\(name)'; choose from memory, sqlite, postgres")
        }
    }

    // MARK: Ours

    /// A fresh job store (a new table per call on table stores).
    private func jobStore(_ label: String) async throws -> any JobStore {
        guard let tables else { return InMemoryJobStore() }
        return try await TableJobStore.open(store: tables, table: "jobs_\(label)")
    }

    private func scheduler(_ store: any JobStore, owner: String = "bench") throws -> JobScheduler {
        try JobScheduler(
            store: store,
            configuration: JobScheduler.Configuration(
                owner: owner,
                maxConcurrentJobs: Self.concurrency,
                leaseDuration: .seconds(60),
                heartbeatInterval: .seconds(10),
                pollInterval: .milliseconds(50)
            ),
            logger: logger
        )
    }

    /// Schedules `jobs` no-op jobs (untimed) through a scheduler that does not run.
    private func fill(_ store: any JobStore, jobs: Int) async throws {
        let producer = try scheduler(store, owner: "producer")
        try await producer.register("noop") { _ in }
        for index in 0..<jobs { try await producer.schedule(type: "noop", id: "job-\(index)") }
    }

    func schedulerThroughput(jobs: Int, run: Int) async throws -> Double {
        let store = try await jobStore("ours_\(run)_\(UUID().uuidString.prefix(8).lowercased())")
        try await fill(store, jobs: jobs)
        let scheduler = try scheduler(store)
        try await scheduler.register("noop") { _ in }
        let changes = await scheduler.changes()
        let start = ContinuousClock.now
        let running = Task { try await scheduler.run() }
        var completed = 0
        for await job in changes where job.status == .completed {
            completed += 1
            if completed == jobs { break }
        }
        let elapsed = ContinuousClock.now - start
        await scheduler.shutdown()
        try await running.value
        try BenchError.check(completed == jobs, "throughput: \(completed) of \(jobs) jobs completed")
        return ConcurrentRunner.rate(jobs, in: elapsed)
    }

    func processThroughput(jobs: Int, processes: Int, run: Int) async throws -> Double {
        guard let postgres else { throw BenchError("worker processes need PostgreSQL") }
        let table = "jobs_processes\(processes)_\(run)"
        let store = try await jobStore("processes\(processes)_\(run)")
        try await fill(store, jobs: jobs)
        let workers = try (0..<processes).map { index in
            try BenchWorkerProcess(arguments: [
                "--url-variable", postgres.variable, "--schema", postgres.schema, "--table", table, "--type", "noop",
                "--owner", "bench-worker-\(index)", "--expect", String(jobs), "--concurrency", String(Self.concurrency),
                "--poll-milliseconds", "20", "--max-attempts", "1", "--wait-for-go",
            ])
        }
        for worker in workers {
            try BenchError.check(await worker.waitForReady(), "a worker exited before it was ready: \(worker.standardError)")
        }
        let start = ContinuousClock.now
        for worker in workers { worker.go() }
        for worker in workers {
            let status = await worker.waitForExit()
            try BenchError.check(status == 0, "a worker exited \(status): \(worker.standardError)")
        }
        let elapsed = ContinuousClock.now - start
        let completed = try await store.jobs(type: "noop", status: .completed).count
        try BenchError.check(completed == jobs, "processes: \(completed) of \(jobs) jobs completed")
        return ConcurrentRunner.rate(jobs, in: elapsed)
    }

    func schedulerLatencies(samples: Int, run: Int) async throws -> [Double] {
        let store = try await jobStore("latency_\(run)_\(UUID().uuidString.prefix(8).lowercased())")
        let scheduler = try scheduler(store)
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        try await scheduler.register("noop") { _ in signal.yield() }
        let running = Task { try await scheduler.run() }
        var iterator = started.makeAsyncIterator()
        var latencies: [Double] = []
        for index in 0..<samples {
            let start = ContinuousClock.now
            try await scheduler.schedule(type: "noop", id: "latency-\(index)")
            _ = await iterator.next()
            latencies.append(Self.milliseconds(ContinuousClock.now - start))
        }
        await scheduler.shutdown()
        try await running.value
        return latencies
    }

    // MARK: Baselines

    /// The same jobs through the bare store, on 8 tasks.
    func baselineThroughput(jobs: Int, run: Int) async throws -> Double {
        guard let tables else {
            let queue = MemoryQueue()
            for index in 0..<jobs { await queue.enqueue("job-\(index)") }
            let (elapsed, counts) = try await ConcurrentRunner.run(tasks: Self.concurrency, total: jobs) { _, _ in
                var done = 0
                while let id = await queue.claim() {
                    await Task {}.value  // the no-op job, on a task of its own as the scheduler runs it
                    await queue.complete(id)
                    done += 1
                }
                return done
            }
            try BenchError.check(counts.reduce(0, +) == jobs, "baseline: \(counts.reduce(0, +)) of \(jobs) jobs completed")
            return ConcurrentRunner.rate(jobs, in: elapsed)
        }
        let table = "queue_throughput_\(run)_\(UUID().uuidString.prefix(8).lowercased())"
        try await createQueue(table, tables: tables)
        let now = Date()
        var index = 0
        while index < jobs {
            let rows: [TableRow] = (index..<min(index + 500, jobs)).map { ["id": .string("job-\($0)"), "status": "scheduled", "run_after": .datetime(now)] }
            try await tables.insert(into: table, rows: rows)
            index += 500
        }
        let (elapsed, counts) = try await ConcurrentRunner.run(tasks: Self.concurrency, total: jobs) { _, _ in
            var done = 0
            while let id = try await Self.claimOne(table, tables: tables) {
                _ = try await tables.update(table, set: ["status": "completed"], where: .equal("id", .string(id)))
                done += 1
            }
            return done
        }
        try BenchError.check(counts.reduce(0, +) == jobs, "baseline: \(counts.reduce(0, +)) of \(jobs) jobs completed")
        return ConcurrentRunner.rate(jobs, in: elapsed)
    }

    func baselineLatencies(samples: Int, run: Int) async throws -> [Double] {
        var latencies: [Double] = []
        guard let tables else {
            let queue = MemoryQueue()
            for index in 0..<samples {
                let start = ContinuousClock.now
                await queue.enqueue("job-\(index)")
                let claimed = await queue.claim()
                await Task {}.value
                latencies.append(Self.milliseconds(ContinuousClock.now - start))
                try BenchError.check(claimed != nil, "baseline latency: nothing claimed")
            }
            return latencies
        }
        let table = "queue_latency_\(run)_\(UUID().uuidString.prefix(8).lowercased())"
        try await createQueue(table, tables: tables)
        for index in 0..<samples {
            let start = ContinuousClock.now
            try await tables.insert(into: table, rows: [["id": .string("job-\(index)"), "status": "scheduled", "run_after": .datetime(Date())]])
            let claimed = try await Self.claimOne(table, tables: tables)
            latencies.append(Self.milliseconds(ContinuousClock.now - start))
            try BenchError.check(claimed != nil, "baseline latency: nothing claimed")
        }
        return latencies
    }

    private func createQueue(_ table: String, tables: any TableStore) async throws {
        try await tables.createTable(
            TableSchema(
                name: table,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "status", type: .string, isNullable: false),
                    ColumnDefinition(name: "run_after", type: .datetime, isNullable: false),
                ],
                indexes: [IndexDefinition(columns: ["status", "run_after"])]
            )
        )
    }

    /// One claim transaction of the hand-rolled queue: the earliest due row, locked and skipped by others, marked
    /// running. `nil` when no row is due.
    private static func claimOne(_ table: String, tables: any TableStore) async throws -> String? {
        try await tables.withTransaction { tx in
            let page = try await tx.fetchPage(
                TableQuery(
                    table: table,
                    predicate: .and([.equal("status", "scheduled"), .lessOrEqual("run_after", .datetime(Date()))]),
                    ordering: .ascending("run_after"),
                    limit: 1,
                    locking: .forUpdateSkipLocked
                )
            )
            guard let id = page.rows.first?["id"]?.stringValue else { return nil }
            _ = try await tx.update(table, set: ["status": "running"], where: .and([.equal("id", .string(id)), .equal("status", "scheduled")]))
            return id
        }
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) * 1e-15
    }
}

/// The in-memory baseline: a hand-rolled queue, an array of waiting ids and a status per id behind an actor.
actor MemoryQueue {
    private var waiting: [String] = []
    private var next = 0
    private var status: [String: String] = [:]

    func enqueue(_ id: String) {
        waiting.append(id)
        status[id] = "scheduled"
    }

    func claim() -> String? {
        guard next < waiting.count else { return nil }
        let id = waiting[next]
        next += 1
        status[id] = "running"
        return id
    }

    func complete(_ id: String) {
        status[id] = "completed"
    }
}

/// A `stackkit-scheduler-worker` started with `--wait-for-go`.
final class BenchWorkerProcess: Sendable {
    private let process: Process
    private let input: Pipe
    private let lines: AsyncStream<String>
    private let exit: AsyncStream<Int32>
    private let errorFile: URL

    /// The built worker, next to this executable.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("stackkit-scheduler-worker")
    }

    init(arguments: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable.path) else {
            throw BenchError("\(Self.executable.path) is missing: build it with `swift build -c release --product stackkit-scheduler-worker`")
        }
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        input = Pipe()
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bench-worker-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        let (lines, lineContinuation) = AsyncStream.makeStream(of: String.self)
        self.lines = lines
        let buffer = Mutex<[UInt8]>([])
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                lineContinuation.finish()
                return
            }
            let complete = buffer.withLock { bytes -> [String] in
                bytes += data
                var found: [String] = []
                while let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    found.append(String(decoding: bytes[..<newline], as: UTF8.self))
                    bytes.removeSubrange(...newline)
                }
                return found
            }
            for line in complete { lineContinuation.yield(line) }
        }
        let (exit, exitContinuation) = AsyncStream.makeStream(of: Int32.self)
        self.exit = exit
        process.terminationHandler = { process in
            exitContinuation.yield(process.terminationStatus)
            exitContinuation.finish()
        }
        try process.run()
    }

    /// Waits for `ready`; `false` when the process ended first.
    func waitForReady() async -> Bool {
        for await line in lines where line == "ready" { return true }
        return false
    }

    /// Lets the worker start claiming.
    func go() {
        input.fileHandleForWriting.write(Data("go\n".utf8))
    }

    /// Waits for the process to exit; its status.
    func waitForExit() async -> Int32 {
        for await _ in lines {}
        var status: Int32 = -1
        for await value in exit { status = value }
        try? FileManager.default.removeItem(at: errorFile)
        return status
    }

    var standardError: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }
}
