import Foundation
import Scheduler
import StorageRefs
import Testing

/// llama-stack's scheduler behaviours, and ours beyond them (cancel, retries, limits), on every job store.
@Suite(.timeLimit(.minutes(2)))
struct SchedulerBehaviourTests {
    @Test("an unknown job id is a typed error", arguments: storeKinds)
    func unknownJob(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(), logger: quietLogger)
            await #expect(throws: JobSchedulerError.unknownJob(id: "nope")) { try await scheduler.job(id: "nope") }
            await #expect(throws: JobSchedulerError.unknownJob(id: "nope")) { try await scheduler.cancel(id: "nope") }
        }
    }

    @Test("schedule → completed, with logs, progress and artifacts in order and ordered timestamps", arguments: storeKinds)
    func runsToCompletion(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(), logger: quietLogger)
            try await scheduler.register("train") { context in
                #expect(context.payload == ["epochs": 2])
                #expect(context.attempt == 1)
                try await context.log("step one")
                try await context.reportProgress(0.5)
                try await context.attach(JobArtifact(type: "model", name: "first", uri: "file:///tmp/first", metadata: ["size": 1]))
                try await context.log("step two")
                try await context.attach(JobArtifact(type: "file", name: "second", uri: "file:///tmp/second"))
                try await context.reportProgress(1)
            }
            let scheduled = try await scheduler.schedule(type: "train", id: "job-1", payload: ["epochs": 2])
            #expect(scheduled.status == .scheduled)
            #expect(scheduled.transitions.map(\.status) == [.new, .scheduled])
            try await whileRunning(scheduler) {
                let job = try await scheduler.waitUntilFinished(id: "job-1")
                #expect(job.status == .completed)
                #expect(job.logs.map(\.message) == ["step one", "step two"])
                #expect(job.artifacts.map(\.name) == ["first", "second"])
                #expect(job.artifacts.first?.metadata == ["size": 1])
                #expect(job.progress == 1)
                #expect(job.attempt == 1)
                #expect(job.leaseOwner == nil)
                #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .completed])
                let scheduledAt = try #require(job.scheduledAt)
                let startedAt = try #require(job.startedAt)
                let completedAt = try #require(job.completedAt)
                #expect(scheduledAt < startedAt)
                #expect(startedAt < completedAt)
                #expect(job.logs.allSatisfy { $0.timestamp >= startedAt && $0.timestamp <= completedAt })
                #expect(try await scheduler.job(id: "job-1") == job)
                #expect(try await scheduler.jobs(type: "train").map(\.id) == ["job-1"])
                #expect(try await scheduler.jobs(status: .completed).map(\.id) == ["job-1"])
                #expect(try await scheduler.jobs(type: "other").isEmpty)
                #expect(try await scheduler.jobs(status: .failed).isEmpty)
            }
        }
    }

    @Test("a handler that throws fails the job, with the error in its logs", arguments: storeKinds)
    func failurePath(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(), logger: quietLogger)
            try await scheduler.register("flaky") { context in
                try await context.log("about to fail")
                throw TestFailure(description: "disk full on /scratch")
            }
            try await scheduler.schedule(type: "flaky", id: "job-f")
            try await whileRunning(scheduler) {
                let job = try await scheduler.waitUntilFinished(id: "job-f")
                #expect(job.status == .failed)
                #expect(job.error == "disk full on /scratch")
                #expect(job.logs.map(\.message) == ["about to fail", "failed: disk full on /scratch"])
                #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .failed])
                // A terminal status never changes.
                await #expect(throws: JobSchedulerError.alreadyFinished(id: "job-f", status: .failed)) {
                    try await scheduler.cancel(id: "job-f")
                }
                #expect(try await scheduler.job(id: "job-f").status == .failed)
            }
        }
    }

    @Test("duplicate ids, unknown types and bad ids are rejected and nothing is stored", arguments: storeKinds)
    func rejections(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(), logger: quietLogger)
            try await scheduler.register("a") { _ in }
            await #expect(throws: JobSchedulerError.duplicateJobType(type: "a")) { try await scheduler.register("a") { _ in } }
            try await scheduler.schedule(type: "a", id: "same", runAt: Date.distantFuture)
            await #expect(throws: JobSchedulerError.duplicateJob(id: "same")) {
                try await scheduler.schedule(type: "a", id: "same")
            }
            await #expect(throws: JobSchedulerError.unknownJobType(type: "b", registered: ["a"])) {
                try await scheduler.schedule(type: "b", id: "other")
            }
            for bad in ["", "nul\u{0}byte", String(repeating: "x", count: 513)] {
                await #expect(throws: JobSchedulerError.self) { try await scheduler.schedule(type: "a", id: bad) }
            }
            #expect(try await scheduler.jobs().map(\.id) == ["same"])
            #expect(throws: JobSchedulerError.self) {
                try JobScheduler(store: stores.store, configuration: testConfiguration(maxConcurrentJobs: 0))
            }
            await #expect(throws: JobSchedulerError.self) {
                try await scheduler.register("bad-retry", options: JobTypeOptions(retry: JobRetryPolicy(maxAttempts: 0))) { _ in }
            }
        }
    }

    @Test("cancel: a scheduled job never runs; a running job's handler is cancelled", arguments: storeKinds)
    func cancel(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(), logger: quietLogger)
            let events = EventLog()
            try await scheduler.register("wait") { context in
                events.record("started \(context.id)")
                // Runs until cancelled.
                let stop = Gate()
                await withTaskCancellationHandler { await stop.wait() } onCancel: { stop.open() }
                events.record("stopped \(context.id)")
                try context.checkCancellation()
            }
            try await scheduler.schedule(type: "wait", id: "later", runAt: Date().addingTimeInterval(3_600))
            let cancelled = try await scheduler.cancel(id: "later")
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.transitions.map(\.status) == [.new, .scheduled, .cancelled])
            try await whileRunning(scheduler) {
                try await scheduler.schedule(type: "wait", id: "now")
                #expect(await events.next(1) == ["started now"])
                let requested = try await scheduler.cancel(id: "now")
                #expect(requested.status == .running)
                #expect(requested.cancelRequested)
                let job = try await scheduler.waitUntilFinished(id: "now")
                #expect(await events.next(1) == ["stopped now"])
                #expect(job.status == .cancelled)
                #expect(job.cancelRequested == false)
                #expect(job.logs.map(\.message) == ["cancel requested", "cancelled: stopped while running"])
                #expect(try await scheduler.job(id: "later").status == .cancelled, "the cancelled job never ran")
                await #expect(throws: JobSchedulerError.alreadyFinished(id: "now", status: .cancelled)) {
                    try await scheduler.cancel(id: "now")
                }
            }
        }
    }

    @Test("retries wait their backoff by the injected clock, then the job completes", arguments: storeKinds)
    func retriesWithBackoff(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let clock = ManualWallClock()
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(), clock: clock, logger: quietLogger)
            let retry = JobRetryPolicy(maxAttempts: 3, initialDelay: 10, multiplier: 3, maximumDelay: 20)
            try await scheduler.register("flaky", options: JobTypeOptions(retry: retry)) { context in
                if context.attempt < 3 { throw TestFailure(description: "attempt \(context.attempt) broke") }
            }
            let changes = await scheduler.changes()
            let start = clock.now()
            try await scheduler.schedule(type: "flaky", id: "r")
            try await whileRunning(scheduler) {
                let first = try await firstChange(changes) { $0.status == .scheduled && $0.attempt == 1 }
                #expect(first.runAfter == start.addingTimeInterval(10))
                #expect(first.error == "attempt 1 broke")
                // Not due yet: a wake-up claims nothing until the clock reaches runAfter.
                #expect(try await scheduler.job(id: "r").status == .scheduled)
                clock.advance(by: 10)
                await scheduler.wake()
                let second = try await firstChange(changes) { $0.status == .scheduled && $0.attempt == 2 }
                #expect(second.runAfter == start.addingTimeInterval(10 + 20), "min(10·3, 20) seconds after the second failure")
                clock.advance(by: 20)
                await scheduler.wake()
                let job = try await scheduler.waitUntilFinished(id: "r")
                #expect(job.status == .completed)
                #expect(job.attempt == 3)
                #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .scheduled, .running, .scheduled, .running, .completed])
                #expect(job.logs.count == 2)
                #expect(job.logs[0].message.hasPrefix("attempt 1 of 3 failed: attempt 1 broke; retrying at"))
                #expect(job.logs[1].message.hasPrefix("attempt 2 of 3 failed: attempt 2 broke; retrying at"))
            }
        }
    }

    @Test("when no attempts remain the job fails with every attempt in its logs", arguments: storeKinds)
    func retriesExhausted(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(), logger: quietLogger)
            let retry = JobRetryPolicy(maxAttempts: 2, initialDelay: 0)
            try await scheduler.register("broken", options: JobTypeOptions(retry: retry)) { context in
                throw TestFailure(description: "broken \(context.attempt)")
            }
            try await scheduler.schedule(type: "broken", id: "x")
            try await whileRunning(scheduler) {
                let job = try await scheduler.waitUntilFinished(id: "x")
                #expect(job.status == .failed)
                #expect(job.attempt == 2)
                #expect(job.error == "broken 2")
                #expect(job.logs.count == 2)
                #expect(job.logs[0].message.hasPrefix("attempt 1 of 2 failed: broken 1"))
                #expect(job.logs[1].message == "failed: broken 2")
            }
        }
    }

    @Test("logs keep the newest lines up to the cap and cut long lines", arguments: storeKinds)
    func logCaps(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let configuration = testConfiguration(maxLogEntries: 3, maxLogMessageBytes: 16)
            let scheduler = try JobScheduler(store: stores.store, configuration: configuration, logger: quietLogger)
            try await scheduler.register("chatty") { context in
                for line in 1...5 { try await context.log("line \(line)") }
                try await context.log("ééééééééééé")  // 22 bytes: cut to 6 × 2 bytes + "…" (3 bytes) ≤ 16
                await #expect(throws: JobSchedulerError.self) { try await context.reportProgress(1.5) }
                await #expect(throws: JobSchedulerError.self) { try await context.attach(JobArtifact(type: "", name: "x", uri: "u")) }
            }
            try await scheduler.schedule(type: "chatty", id: "c")
            try await whileRunning(scheduler) {
                let job = try await scheduler.waitUntilFinished(id: "c")
                #expect(job.status == .completed)
                #expect(job.logs.map(\.message) == ["line 4", "line 5", "éééééé…"])
                #expect(job.droppedLogCount == 3)
                #expect(job.artifacts.isEmpty)
                #expect(job.progress == nil)
            }
        }
    }

    @Test("at most maxConcurrentJobs run at once, and at most the type's own limit", arguments: [StoreKind.memory, .sqliteTable])
    func concurrencyLimits(_ kind: StoreKind) async throws {
        try await withJobStore(kind) { stores in
            let scheduler = try JobScheduler(store: stores.store, configuration: testConfiguration(maxConcurrentJobs: 3), logger: quietLogger)
            let tracker = ConcurrencyTracker()
            let release = Gate()
            try await scheduler.register("wide") { context in
                await tracker.enter("wide")
                await release.wait()
                await tracker.leave("wide")
            }
            try await scheduler.register("narrow", options: JobTypeOptions(maxConcurrentJobs: 1)) { context in
                await tracker.enter("narrow")
                await release.wait()
                await tracker.leave("narrow")
            }
            for index in 0..<6 {
                try await scheduler.schedule(type: "wide", id: "w\(index)")
                try await scheduler.schedule(type: "narrow", id: "n\(index)")
            }
            try await whileRunning(scheduler) {
                await tracker.waitForRunning(3)
                #expect(await scheduler.runningCount == 3)
                release.open()
                for index in 0..<6 {
                    let finished = try await scheduler.waitUntilFinished(id: "w\(index)")
                    #expect(finished.status == .completed)
                    let narrow = try await scheduler.waitUntilFinished(id: "n\(index)")
                    #expect(narrow.status == .completed)
                }
            }
            #expect(await tracker.maximum["all"] == 3)
            #expect(await tracker.maximum["narrow"] == 1)
        }
    }
}

/// Counts handlers running at once, overall and per type.
actor ConcurrencyTracker {
    private(set) var current: [String: Int] = [:]
    private(set) var maximum: [String: Int] = [:]
    private var waiters: [(Int, CheckedContinuation<Void, Never>)] = []

    func enter(_ type: String) {
        for key in [type, "all"] {
            current[key, default: 0] += 1
            maximum[key] = max(maximum[key] ?? 0, current[key]!)
        }
        let ready = waiters.filter { $0.0 <= current["all"]! }
        waiters.removeAll { $0.0 <= current["all"]! }
        for (_, waiter) in ready { waiter.resume() }
    }

    func leave(_ type: String) {
        for key in [type, "all"] { current[key, default: 0] -= 1 }
    }

    func waitForRunning(_ count: Int) async {
        if current["all", default: 0] >= count { return }
        await withCheckedContinuation { waiters.append((count, $0)) }
    }
}
