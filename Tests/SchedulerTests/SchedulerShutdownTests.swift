import Foundation
import Logging
import Scheduler
import ServiceLifecycle
import StorageRefs
import Testing

/// Graceful shutdown: claiming stops, running handlers get the grace period, then are cancelled and requeued.
@Suite(.timeLimit(.minutes(1)))
struct SchedulerShutdownTests {
    @Test("a handler that finishes within the grace period completes; nothing is claimed after shutdown starts")
    func runningJobsFinishWithinTheGracePeriod() async throws {
        let store = InMemoryJobStore()
        let scheduler = try JobScheduler(store: store, configuration: testConfiguration(maxConcurrentJobs: 1, shutdownGracePeriod: .seconds(60)), logger: quietLogger)
        let started = EventLog()
        let release = Gate()
        try await scheduler.register("slow") { context in
            started.record(context.id)
            await release.wait()
        }
        try await scheduler.schedule(type: "slow", id: "first")
        try await scheduler.schedule(type: "slow", id: "second")
        let run = Task { try await scheduler.run() }
        #expect(await started.next(1) == ["first"])
        await scheduler.shutdown()
        release.open()
        try await run.value
        #expect(try await scheduler.job(id: "first").status == .completed)
        let second = try await scheduler.job(id: "second")
        #expect(second.status == .scheduled, "not claimed once shutdown started")
        #expect(second.attempt == 0)
        await #expect(throws: JobSchedulerError.self) { try await scheduler.run() }
    }

    @Test("past the grace period a handler is cancelled and its job requeued without using up an attempt")
    func pastTheGracePeriodJobsAreRequeued() async throws {
        let store = InMemoryJobStore()
        let scheduler = try JobScheduler(store: store, configuration: testConfiguration(shutdownGracePeriod: .zero), logger: quietLogger)
        let started = EventLog()
        try await scheduler.register("endless") { context in
            started.record(context.id)
            let never = Gate()
            await withTaskCancellationHandler { await never.wait() } onCancel: { never.open() }
            try context.checkCancellation()
        }
        try await scheduler.schedule(type: "endless", id: "e")
        let run = Task { try await scheduler.run() }
        #expect(await started.next(1) == ["e"])
        await scheduler.shutdown()
        try await run.value
        let job = try await scheduler.job(id: "e")
        #expect(job.status == .scheduled)
        #expect(job.attempt == 0)
        #expect(job.leaseOwner == nil)
        #expect(job.logs.map(\.message) == ["requeued: its scheduler shut down before it finished"])

        // The next scheduler runs it from the start.
        let next = try JobScheduler(store: store, configuration: testConfiguration(), logger: quietLogger)
        try await next.register("endless") { _ in }
        try await whileRunning(next) {
            let finished = try await next.waitUntilFinished(id: "e")
            #expect(finished.status == .completed)
            #expect(finished.attempt == 1)
        }
    }

    @Test("in a ServiceGroup, graceful shutdown stops the scheduler")
    func serviceGroupShutdown() async throws {
        let scheduler = try JobScheduler(store: InMemoryJobStore(), configuration: testConfiguration(), logger: quietLogger)
        let ran = EventLog()
        try await scheduler.register("work") { context in ran.record(context.id) }
        let group = ServiceGroup(services: [scheduler], logger: quietLogger)
        let running = Task { try await group.run() }
        try await scheduler.schedule(type: "work", id: "w")
        let job = try await scheduler.waitUntilFinished(id: "w")
        #expect(job.status == .completed)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(await ran.next(1) == ["w"])
    }

    @Test("a lost lease cancels the handler and its result is not stored")
    func lostLeaseStopsTheHandler() async throws {
        let store = InMemoryJobStore()
        let clock = ManualWallClock()
        let scheduler = try JobScheduler(
            store: store,
            configuration: testConfiguration(owner: "slow-worker", leaseDuration: .seconds(30)),
            clock: clock,
            logger: quietLogger
        )
        let events = EventLog()
        try await scheduler.register("work", options: JobTypeOptions(retry: JobRetryPolicy(maxAttempts: 3, initialDelay: 0))) { context in
            events.record("start \(context.attempt)")
            if context.attempt == 1 {
                let stop = Gate()
                await withTaskCancellationHandler { await stop.wait() } onCancel: { stop.open() }
                events.record("stopped 1")
            }
        }
        try await scheduler.schedule(type: "work", id: "l")
        try await whileRunning(scheduler) {
            #expect(await events.next(1) == ["start 1"])
            // This scheduler "missed its heartbeats": the lease ends and another worker recovers and claims the job.
            clock.advance(by: 31)
            let other = JobClaimRequest(
                owner: "other", now: clock.now(), leaseExpiresAt: clock.now().addingTimeInterval(30), limits: ["work": 1], maxJobs: 1
            )
            #expect(await store.claim(other).map(\.id) == ["l"])
            // This scheduler's next heartbeat finds the lease gone and cancels its handler; its result is dropped.
            #expect(await events.next(1) == ["stopped 1"])
            let taken = try await scheduler.job(id: "l")
            #expect(taken.status == .running)
            #expect(taken.leaseOwner == "other")
            // "other" dies in turn; this scheduler recovers the job and runs the third attempt.
            clock.advance(by: 31)
            await scheduler.wake()
            #expect(await events.next(1) == ["start 3"])
            let job = try await scheduler.waitUntilFinished(id: "l")
            #expect(job.status == .completed)
            #expect(job.attempt == 3)
            #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .scheduled, .running, .scheduled, .running, .completed])
        }
    }
}

/// A scheduler that recovers and claims again a job it is still running (it missed its own heartbeats).
@Suite(.timeLimit(.minutes(1)))
struct SchedulerStaleAttemptTests {
    @Test("the stale attempt is cancelled and its result discarded; the new attempt's result is stored")
    func reclaimingOwnJobCancelsTheStaleAttempt() async throws {
        let store = InMemoryJobStore()
        let clock = ManualWallClock()
        // Heartbeats far apart (real time) so that none renews the lease while the test moves the clock.
        let configuration = testConfiguration(owner: "forgetful", leaseDuration: .seconds(7_200), heartbeatInterval: .seconds(3_600))
        let scheduler = try JobScheduler(store: store, configuration: configuration, clock: clock, logger: quietLogger)
        let events = EventLog()
        try await scheduler.register("work", options: JobTypeOptions(retry: JobRetryPolicy(maxAttempts: 2, initialDelay: 0))) { context in
            events.record("start \(context.attempt)")
            if context.attempt == 1 {
                let stop = Gate()
                await withTaskCancellationHandler { await stop.wait() } onCancel: { stop.open() }
                events.record("stopped 1")
            }
        }
        try await scheduler.schedule(type: "work", id: "s")
        try await whileRunning(scheduler) {
            #expect(await events.next(1) == ["start 1"])
            clock.advance(by: 7_201)
            await scheduler.wake()
            #expect(Set(await events.next(2)) == ["stopped 1", "start 2"])
            let job = try await scheduler.waitUntilFinished(id: "s")
            #expect(job.status == .completed)
            #expect(job.attempt == 2)
            #expect(job.transitions.map(\.status) == [.new, .scheduled, .running, .scheduled, .running, .completed])
            #expect(await scheduler.runningCount == 0)
        }
    }
}
