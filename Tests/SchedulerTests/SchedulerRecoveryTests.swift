import Foundation
import Scheduler
import StorageRefs
import Synchronization
import Testing

/// Jobs survive restarts: scheduled jobs run, and jobs whose worker stopped are retried or failed.
@Suite(.timeLimit(.minutes(2)))
struct SchedulerRecoveryTests {
    @Test("jobs scheduled before a restart run after it", arguments: durableStoreKinds)
    func scheduledJobsRunAfterRestart(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let before = try JobScheduler(store: stores.store, configuration: testConfiguration(), logger: quietLogger)
            try await before.register("work") { _ in }
            for index in 0..<5 { try await before.schedule(type: "work", id: "j\(index)", payload: ["n": .int(Int64(index))]) }

            let reopened = try await stores.reopen()
            do {
                let after = try JobScheduler(store: reopened.store, configuration: testConfiguration(), logger: quietLogger)
                let seen = EventLog()
                try await after.register("work") { context in seen.record("\(context.id)=\(context.payload.objectValue?["n"]?.intValue ?? -1)") }
                try await whileRunning(after) {
                    for index in 0..<5 {
                        let finished = try await after.waitUntilFinished(id: "j\(index)")
                    #expect(finished.status == .completed)
                    }
                }
                #expect(Set(await seen.next(5)) == Set((0..<5).map { "j\($0)=\($0)" }))
            } catch {
                await reopened.close()
                throw error
            }
            await reopened.close()
        }
    }

    @Test("a job whose worker stopped is retried after its lease ends when its type allows", arguments: durableStoreKinds)
    func runningJobIsRetried(_ kind: StoreKind) async throws {
        try await withStoppedWorker(kind, retry: JobRetryPolicy(maxAttempts: 2, initialDelay: 0)) { job, stores in
            #expect(job.status == .completed)
            #expect(job.attempt == 2)
            #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .scheduled, .running, .completed])
            #expect(job.logs.first?.message.hasPrefix("attempt 1 of 2 failed: attempt 1 of 2 lost its worker crashed-worker") == true)
        }
    }

    @Test("a job whose worker stopped fails after its lease ends when no attempts remain", arguments: durableStoreKinds)
    func runningJobFailsWithoutRetries(_ kind: StoreKind) async throws {
        try await withStoppedWorker(kind, retry: .none) { job, stores in
            #expect(job.status == .failed)
            #expect(job.attempt == 1)
            #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .failed])
            #expect(job.error?.hasPrefix("attempt 1 of 1 lost its worker crashed-worker") == true)
        }
    }

    /// Starts a job in a worker whose store then stops answering (as if its process died mid-job), restarts on a
    /// reopened store with the clock past the lease, and hands the recovered job to `check`.
    private func withStoppedWorker(
        _ kind: StoreKind,
        retry: JobRetryPolicy,
        check: (Job, TestJobStore) async throws -> Void
    ) async throws {
        try await withJobStore(kind) { stores in
            let clock = ManualWallClock()
            let crashable = CrashableJobStore(stores.store)
            let worker = try JobScheduler(
                store: crashable,
                configuration: testConfiguration(owner: "crashed-worker", leaseDuration: .seconds(30), shutdownGracePeriod: .zero),
                clock: clock,
                logger: quietLogger
            )
            let started = EventLog()
            try await worker.register("long", options: JobTypeOptions(retry: retry)) { context in
                started.record(context.id)
                let never = Gate()
                await withTaskCancellationHandler { await never.wait() } onCancel: { never.open() }
            }
            try await worker.schedule(type: "long", id: "victim")
            let workerRun = Task { try await worker.run() }
            #expect(await started.next(1) == ["victim"])
            // The process "dies": nothing it does reaches the store any more.
            crashable.crash()
            await worker.shutdown()
            _ = await workerRun.result

            let stored = try await stores.store.job(id: "victim")
            #expect(stored?.status == .running, "a dead worker leaves its job running")
            #expect(stored?.leaseOwner == "crashed-worker")

            let reopened = try await stores.reopen()
            do {
                let survivor = try JobScheduler(
                    store: reopened.store,
                    configuration: testConfiguration(owner: "survivor"),
                    clock: clock,
                    logger: quietLogger
                )
                try await survivor.register("long", options: JobTypeOptions(retry: retry)) { _ in }
                try await whileRunning(survivor) {
                    // The lease has not ended: the job is left alone.
                    #expect(try await survivor.job(id: "victim").status == .running)
                    clock.advance(by: 31)
                    await survivor.wake()
                    let job = try await survivor.waitUntilFinished(id: "victim")
                    try await check(job, reopened)
                }
            } catch {
                await reopened.close()
                throw error
            }
            await reopened.close()
        }
    }
}

/// A store that forwards to another until ``crash()``, then fails every call, as a dead process would.
final class CrashableJobStore: JobStore {
    private let base: any JobStore
    private let crashed = Atomic<Bool>(false)

    init(_ base: any JobStore) { self.base = base }

    func crash() { crashed.store(true, ordering: .sequentiallyConsistent) }

    private func check() throws {
        if crashed.load(ordering: .sequentiallyConsistent) { throw JobSchedulerError.notAvailable("crashed") }
    }

    func insert(_ job: Job) async throws {
        try check()
        try await base.insert(job)
    }

    func job(id: String) async throws -> Job? {
        try check()
        return try await base.job(id: id)
    }

    func jobs(type: String?, status: JobStatus?) async throws -> [Job] {
        try check()
        return try await base.jobs(type: type, status: status)
    }

    func claim(_ request: JobClaimRequest) async throws -> [Job] {
        try check()
        return try await base.claim(request)
    }

    func renewLeases(_ ids: [String], owner: String, expiresAt: Date) async throws -> [String: JobLeaseState] {
        try check()
        return try await base.renewLeases(ids, owner: owner, expiresAt: expiresAt)
    }

    func update(id: String, ifLeasedBy owner: String?, _ change: @Sendable (inout Job) throws -> Void) async throws -> Job? {
        try check()
        return try await base.update(id: id, ifLeasedBy: owner, change)
    }
}
