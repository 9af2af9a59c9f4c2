import ArgumentParser
import Foundation

/// `stackkit-bench kv`: the key-value stores against their baselines.
struct KVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kv",
        abstract: "Key-value stores (memory, sqlite, postgres, redis) against a baseline measured in the same run.",
        discussion: """
            Operations (10,000 keys "p:0000"…"p:9999", 100-byte values):
              set        set(_:value:) of one random key (autocommit)
              get        get(_:) of a random existing key
              range      entries(in:) of a random range holding 1,000 keys
              prefix     entries(withPrefix:) of a random prefix (100 keys)
              batch_set  one set(_:) call writing 100 keys
            Each runs at every --tasks count (a task group; the operations
            are split across the tasks). Every run starts from fresh state
            (new files, namespace, truncated table) and checks every result.

            Baselines, measured in this process interleaved with ours (ours,
            baseline, ours, …) --runs times; the medians are reported with
            ratio = ours / baseline:
              memory    a [String: [UInt8]] behind a Mutex (set, get,
                        batch_set: one lock per call) and a sorted array
                        behind a Mutex (range, prefix: binary search, copy
                        out), at the same task count.
              sqlite    the store's SQL (same table DDL, same statements)
                        through the raw SQLite C API with the same pragmas
                        (WAL, synchronous=NORMAL, busy_timeout): one
                        connection, statements prepared once, a synchronous
                        loop on one dedicated thread, its own database file.
                        It is the one-connection ceiling: the same loop
                        serves every task count.
              postgres  the driver's SQL on bare postgres-nio
                        PostgresConnections (no pool), same table: at c
                        tasks, c connections each running its share.
              redis     redis-benchmark against the same server, -c <tasks>
                        -P 1 --csv, sending the commands the store sends:
                        EVALSHA of the store's own Lua scripts (loaded with
                        SCRIPT LOAD, same SHA-1) with the same keys and
                        arguments, __rand_int__ where the key varies (-r):
                        the set script with one entry (set) or 100
                        (batch_set); the entries script from a random start
                        for 1,000 entries (range) or a random prefix of 100
                        (prefix), returning values and expiries; GET key
                        (get). So the ratio is our client's overhead.
            Ours uses each driver's default pool (PostgreSQL 20 connections;
            Redis 8, each pipelining the requests of any number of tasks).

            Servers: PostgreSQL from STACKKIT_BENCH_POSTGRES_URL or
            STACKKIT_TEST_POSTGRES_URL (postgres://user:pass@127.0.0.1:port/db),
            Redis from STACKKIT_BENCH_REDIS_URL or STACKKIT_TEST_REDIS_URL
            (redis://default:pass@127.0.0.1:port/db). Without --backend, a
            backend whose server is not configured is skipped with a note;
            named with --backend, it is an error. Scripts/bench.sh starts
            both servers.

            Targets, checked at the end: SQLite get >= 0.5x and set >= 0.7x
            the raw loop; PostgreSQL >= 0.8x the bare loop, and >= 5x the
            throughput at 64 tasks over 1 task; Redis >= 0.5x redis-benchmark.
            """
    )

    @Option(
        name: .long,
        parsing: .upToNextOption,
        help: "Backends to measure: memory, sqlite, postgres, redis (repeat or separate with commas; default all)."
    )
    var backend: [String] = []

    @Flag(name: .long, help: "Print one JSON object per result line instead of a table.")
    var json = false

    @Option(name: .long, help: "Interleaved runs of ours and the baseline per measurement; medians are reported.")
    var runs = 5

    @Option(name: .long, help: "Concurrent task counts, separated by commas.")
    var tasks = "1,8,64"

    @Option(name: .long, help: "Multiplies every operation count (e.g. 0.1 for a quick run).")
    var scale = 1.0

    /// The backends named with `--backend`, in the order given, without repeats.
    private func namedBackends() throws -> [KVBackendKind] {
        var result: [KVBackendKind] = []
        for name in self.backend.flatMap({ $0.split(separator: ",") }) {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let kind = KVBackendKind(rawValue: trimmed) else {
                throw ValidationError(
                    "unknown backend '\(name)'; choose from "
                        + KVBackendKind.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            if !result.contains(kind) {
                result.append(kind)
            }
        }
        return result
    }

    /// The task counts of `--tasks`.
    private func taskCounts() throws -> [Int] {
        let counts = self.tasks.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 1_024 }) else {
            throw ValidationError("--tasks must be a comma-separated list of numbers from 1 to 1024")
        }
        return counts.compactMap { $0 }
    }

    func validate() throws {
        _ = try self.namedBackends()
        _ = try self.taskCounts()
        guard (1...100).contains(self.runs) else {
            throw ValidationError("--runs must be from 1 to 100")
        }
        guard self.scale > 0, self.scale <= 100 else {
            throw ValidationError("--scale must be above 0 and at most 100")
        }
    }

    func run() async throws {
        let named = try self.namedBackends()
        let benchmark = KVBenchmark(
            backends: named.isEmpty ? KVBackendKind.allCases : named,
            explicit: !named.isEmpty,
            runs: self.runs,
            taskCounts: try self.taskCounts(),
            scale: self.scale,
            json: self.json
        )
        do {
            try await benchmark.run()
        } catch {
            StandardError.print("stackkit-bench: error: \(error)")
            throw ExitCode.failure
        }
    }
}
