import ArgumentParser
import Foundation
import Logging
import SQLStorePostgres
import Scheduler
import StorageRefs
import Synchronization

/// A scheduler process on a shared PostgreSQL job table: what the multi-process tests start (and kill), and what
/// `stackkit-bench scheduler` runs as its second worker process.
///
/// It registers one job type, runs a ``JobScheduler`` on ``TableJobStore``, and exits once the table holds the
/// expected number of finished jobs, printing `done <n>` (the jobs this process completed) on stdout.
@main
struct SchedulerWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stackkit-scheduler-worker",
        abstract: "One scheduler process on a shared PostgreSQL job table (for the multi-process tests and benchmarks)."
    )

    @Option(help: "The environment variable holding the postgres:// URL (the URL never goes on the command line).")
    var urlVariable = "STACKKIT_TEST_POSTGRES_URL"

    @Option(help: "The PostgreSQL schema of the tables (the server's default when absent).")
    var schema: String?

    @Option(help: "The job table.")
    var table = "scheduler_jobs"

    @Option(help: "This scheduler's owner name.")
    var owner: String

    @Option(help: "The job type to run.")
    var type = "work"

    @Option(help: "Exit once this many jobs of the table are finished.")
    var expect: Int

    @Option(help: "Jobs run at once.")
    var concurrency = 8

    @Option(help: "Attempts per job.")
    var maxAttempts = 3

    @Option(help: "Lease duration, milliseconds.")
    var leaseMilliseconds = 2_000

    @Option(help: "Heartbeat interval, milliseconds.")
    var heartbeatMilliseconds = 500

    @Option(help: "Poll interval, milliseconds.")
    var pollMilliseconds = 50

    @Option(help: "When set, every handler run inserts a row (id, job_id, owner, attempt) into this table.")
    var executionsTable: String?

    @Flag(help: "Print `ready` once connected, then wait for a line on stdin before claiming (for benchmarks).")
    var waitForGo = false

    @Option(help: "After this many handler runs, every later one waits forever; `stalled` is printed once the earlier runs are stored as completed and a stalled one has started.")
    var stallAfter: Int?

    func run() async throws {
        guard let value = ProcessInfo.processInfo.environment[urlVariable], let components = URLComponents(string: value),
            let host = components.host, let user = components.user
        else {
            throw ValidationError("\(urlVariable) does not hold a postgres://user:password@host:port/db URL")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        var logger = Logger(label: "stackkit.scheduler-worker")
        logger.logLevel = .warning
        let backend = try await PostgresTableBackend.open(
            named: "worker",
            config: PostgresSQLStoreConfig(
                host: host, port: components.port ?? 5432, db: database.isEmpty ? user : database, user: user,
                password: components.password.map(Secret.init), sslMode: "disable"
            ),
            options: .init(),
            schema: schema,
            logger: logger
        )
        let tables = backend.tableStore
        let store = try await TableJobStore.open(store: tables, table: table)
        let scheduler = try JobScheduler(
            store: store,
            configuration: JobScheduler.Configuration(
                owner: owner,
                maxConcurrentJobs: concurrency,
                leaseDuration: .milliseconds(leaseMilliseconds),
                heartbeatInterval: .milliseconds(heartbeatMilliseconds),
                pollInterval: .milliseconds(pollMilliseconds),
                shutdownGracePeriod: .seconds(5)
            ),
            logger: logger
        )
        let started = Atomic<Int>(0)
        let (stallStarts, stallStart) = AsyncStream.makeStream(of: Void.self)
        let completed = Atomic<Int>(0)
        let (owner, executionsTable, stallAfter) = (self.owner, self.executionsTable, self.stallAfter)
        try await scheduler.register(type, options: JobTypeOptions(retry: JobRetryPolicy(maxAttempts: maxAttempts, initialDelay: 0))) { context in
            let count = started.add(1, ordering: .relaxed).newValue
            if let stallAfter, count > stallAfter {
                if count == stallAfter + 1 { stallStart.yield() }
                let never = AsyncStream<Void> { _ in }
                for await _ in never {}
                throw CancellationError()
            }
            if let executionsTable {
                try await tables.insert(
                    into: executionsTable,
                    rows: [[
                        "id": .string("\(context.id)/\(owner)/\(context.attempt)"),
                        "job_id": .string(context.id),
                        "owner": .string(owner),
                        "attempt": .integer(Int64(context.attempt)),
                    ]]
                )
            }
            completed.add(1, ordering: .relaxed)
        }
        if waitForGo {
            Self.say("ready")
            // readLine blocks: it runs on a thread of its own, never on the cooperative pool.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread {
                    _ = readLine()
                    continuation.resume()
                }.start()
            }
        }
        if let stallAfter {
            // `stalled` is printed once the first stalled run has started and the runs before it are all stored
            // as completed: from then on, this process holds only jobs whose handlers did nothing, so a test that
            // kills it knows that each job it recovers was never executed.
            let changes = await scheduler.changes()
            Task {
                var completedHere = 0
                for await job in changes where job.status == .completed {
                    completedHere += 1
                    if completedHere == stallAfter { break }
                }
                for await _ in stallStarts { break }
                Self.say("stalled")
            }
        }
        let running = Task { try await scheduler.run() }
        let finished: TablePredicate = .in("status", [.string("completed"), .string("failed"), .string("cancelled")])
        while try await tables.count(in: table, where: finished) < expect {
            try await Task.sleep(for: .milliseconds(pollMilliseconds * 4))
        }
        await scheduler.shutdown()
        try await running.value
        try await backend.shutdown()
        Self.say("done \(completed.load(ordering: .relaxed))")
    }

    /// Writes `line` to stdout at once (no buffering: the test reading it may kill this process next).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
