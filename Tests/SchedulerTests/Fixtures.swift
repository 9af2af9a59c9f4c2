import Foundation
import KVStore
import Logging
import Scheduler
import StorageRefs
import Synchronization
import Testing
import _TestBackends

/// The job stores every behaviour test runs on.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// ``InMemoryJobStore``.
    case memory
    /// ``KeyValueJobStore`` on a SQLite key-value file.
    case keyValue
    /// ``TableJobStore`` on a SQLite table file.
    case sqliteTable
    /// ``TableJobStore`` on PostgreSQL.
    case postgresTable

    var description: String { rawValue }

    /// Whether the jobs survive reopening the store.
    var isDurable: Bool { self != .memory }
}

/// Every kind, PostgreSQL included when its server is configured or this is CI (where a missing server fails).
let storeKinds: [StoreKind] = StoreKind.allCases.filter { $0 != .postgresTable || TestTableBackend.postgresMustRun }
/// The kinds whose jobs survive a restart.
let durableStoreKinds = storeKinds.filter(\.isDurable)

let quietLogger = Logger(label: "stackkit.tests.scheduler", factory: { _ in SwiftLogNoOpLogHandler() })

/// A job store opened for one test, which it can reopen as a restarted process would.
final class TestJobStore: Sendable {
    let store: any JobStore
    private let closer: @Sendable () async -> Void
    private let reopener: @Sendable () async throws -> TestJobStore

    private init(
        store: any JobStore,
        close: @escaping @Sendable () async -> Void,
        reopen: @escaping @Sendable () async throws -> TestJobStore
    ) {
        self.store = store
        self.closer = close
        self.reopener = reopen
    }

    static func open(_ kind: StoreKind) async throws -> TestJobStore {
        switch kind {
        case .memory:
            let store = InMemoryJobStore()
            return TestJobStore(store: store, close: {}, reopen: { throw JobSchedulerError.notAvailable("memory stores do not reopen") })
        case .keyValue:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-scheduler-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("jobs.db").path
            @Sendable func open(removing: Bool) async throws -> TestJobStore {
                let backend = try SQLiteKeyValueBackend(path: path)
                let store = try await KeyValueJobStore.open(store: try await backend.keyValueStore(namespace: "jobs"))
                return TestJobStore(
                    store: store,
                    close: {
                        try? await backend.shutdown()
                        if removing { try? FileManager.default.removeItem(at: directory) }
                    },
                    reopen: { try await open(removing: false) }
                )
            }
            return try await open(removing: true)
        case .sqliteTable, .postgresTable:
            let backend = try await TestTableBackend.open(kind == .sqliteTable ? .sqlite : .postgres)
            return try await tableStore(backend)
        }
    }

    private static func tableStore(_ backend: TestTableBackend) async throws -> TestJobStore {
        TestJobStore(
            store: try await TableJobStore.open(store: backend.store),
            close: { await backend.close() },
            reopen: { try await tableStore(try await backend.reopen()) }
        )
    }

    /// Opens the same jobs again, with new connections.
    func reopen() async throws -> TestJobStore { try await reopener() }

    func close() async { await closer() }
}

/// Runs `body` with a store of `kind`, closing it afterwards whatever happens.
func withJobStore(_ kind: StoreKind, _ body: (TestJobStore) async throws -> Void) async throws {
    let store = try await TestJobStore.open(kind)
    do {
        try await body(store)
    } catch {
        await store.close()
        throw error
    }
    await store.close()
}

/// Runs `body` with `scheduler` running, then shuts it down and waits for `run()` to return.
func whileRunning(_ scheduler: JobScheduler, _ body: () async throws -> Void) async throws {
    let run = Task { try await scheduler.run() }
    do {
        try await body()
    } catch {
        await scheduler.shutdown()
        _ = await run.result
        throw error
    }
    await scheduler.shutdown()
    try await run.value
}

/// A configuration for tests: quick polls and heartbeats, a short grace period.
func testConfiguration(
    owner: String = "test-\(UUID().uuidString.prefix(6))",
    maxConcurrentJobs: Int = 8,
    leaseDuration: Duration = .seconds(30),
    heartbeatInterval: Duration = .milliseconds(200),
    shutdownGracePeriod: Duration = .seconds(5),
    maxLogEntries: Int = 1_000,
    maxLogMessageBytes: Int = 4_096
) -> JobScheduler.Configuration {
    JobScheduler.Configuration(
        owner: owner,
        maxConcurrentJobs: maxConcurrentJobs,
        leaseDuration: leaseDuration,
        heartbeatInterval: heartbeatInterval,
        pollInterval: .milliseconds(100),
        shutdownGracePeriod: shutdownGracePeriod,
        maxLogEntries: maxLogEntries,
        maxLogMessageBytes: maxLogMessageBytes
    )
}

/// A one-shot signal a test waits on and a handler fires (or the other way round).
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resume = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }
}

/// Events handlers report to the test, in order.
final class EventLog: Sendable {
    private let continuation: AsyncStream<String>.Continuation
    let events: AsyncStream<String>

    init() {
        (events, continuation) = AsyncStream.makeStream(of: String.self)
    }

    func record(_ event: String) { continuation.yield(event) }

    /// Waits for the next `count` events.
    func next(_ count: Int) async -> [String] {
        var seen: [String] = []
        for await event in events {
            seen.append(event)
            if seen.count == count { break }
        }
        return seen
    }
}

/// Waits until the scheduler stores a change for which `matches` holds, and returns that job.
func firstChange(
    _ changes: AsyncStream<Job>,
    where matches: (Job) -> Bool
) async throws -> Job {
    for await job in changes where matches(job) {
        return job
    }
    throw JobSchedulerError.notAvailable("the scheduler stopped before the expected change")
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}
