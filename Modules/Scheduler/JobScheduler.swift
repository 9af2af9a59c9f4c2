import _Instrumentation
public import CoreMetrics
public import Foundation
public import Tracing
public import Logging
public import ServiceLifecycle
public import StorageRefs

/// Runs jobs from a ``JobStore``: registered handlers, leases with heartbeats, retries, cancellation, and a
/// graceful shutdown.
///
/// ``schedule(type:id:payload:runAt:)`` stores a job; ``run()`` (the scheduler is a swift-service-lifecycle
/// `Service`) claims due jobs from the store and runs their handlers, up to
/// ``Configuration/maxConcurrentJobs`` at once (and each type's ``JobTypeOptions/maxConcurrentJobs``). Several
/// schedulers, in one process or many, can share a ``TableJobStore``: each claimed job runs in exactly one of
/// them. While a job runs, its scheduler renews the job's lease every ``Configuration/heartbeatInterval``; when a
/// scheduler stops renewing (its process died), any scheduler recovers the job once the lease ends: it is retried
/// if its type allows, otherwise marked failed, never left running.
///
/// Graceful shutdown (or ``shutdown()``) stops claiming, lets running handlers finish for up to
/// ``Configuration/shutdownGracePeriod``, then cancels them; a job a shutdown interrupts goes back to the queue
/// without using up an attempt.
///
/// Timestamps and due times come from the injected ``StorageRefs/WallClock``, so tests control them with a
/// ``StorageRefs/ManualWallClock`` (call ``wake()`` after moving it to have due jobs claimed at once).
public actor JobScheduler: Service {
    /// How a scheduler claims and runs jobs.
    public struct Configuration: Sendable, Hashable {
        /// This scheduler's name in leases and logs; unique among the schedulers sharing a store. The default
        /// is `host:pid:random`.
        public var owner: String
        /// How many jobs this scheduler runs at once (≥ 1); 8 by default.
        public var maxConcurrentJobs: Int
        /// How long a claim or a renewal holds a job (> 0); 30 seconds by default.
        public var leaseDuration: Duration
        /// How often running jobs' leases are renewed (> 0, below ``leaseDuration``); 10 seconds by default.
        public var heartbeatInterval: Duration
        /// How often the store is checked for due jobs when nothing wakes the scheduler (> 0); 1 second by
        /// default. Jobs scheduled through this scheduler are claimed at once.
        public var pollInterval: Duration
        /// How long a shutdown waits for running handlers before cancelling them (≥ 0); 10 seconds by default.
        public var shutdownGracePeriod: Duration
        /// The most log lines a job keeps (≥ 1); 1,000 by default.
        public var maxLogEntries: Int
        /// The longest log line, in UTF-8 bytes (≥ 16); 4,096 by default.
        public var maxLogMessageBytes: Int

        /// Creates a configuration with the defaults above.
        public init(
            owner: String? = nil,
            maxConcurrentJobs: Int = 8,
            leaseDuration: Duration = .seconds(30),
            heartbeatInterval: Duration = .seconds(10),
            pollInterval: Duration = .seconds(1),
            shutdownGracePeriod: Duration = .seconds(10),
            maxLogEntries: Int = 1_000,
            maxLogMessageBytes: Int = 4_096
        ) {
            self.owner = owner ?? Self.defaultOwner()
            self.maxConcurrentJobs = maxConcurrentJobs
            self.leaseDuration = leaseDuration
            self.heartbeatInterval = heartbeatInterval
            self.pollInterval = pollInterval
            self.shutdownGracePeriod = shutdownGracePeriod
            self.maxLogEntries = maxLogEntries
            self.maxLogMessageBytes = maxLogMessageBytes
        }

        private static func defaultOwner() -> String {
            let host = ProcessInfo.processInfo.hostName
            let pid = ProcessInfo.processInfo.processIdentifier
            return "\(host):\(pid):\(UUID().uuidString.prefix(8).lowercased())"
        }

        func validate() throws(JobSchedulerError) {
            func check(_ condition: Bool, _ message: String) throws(JobSchedulerError) {
                if !condition { throw .invalidArgument("scheduler configuration: \(message)") }
            }
            try check(!owner.isEmpty && !owner.contains("\u{0}"), "owner must be non-empty text without U+0000")
            try check(maxConcurrentJobs >= 1, "maxConcurrentJobs must be at least 1 (got \(maxConcurrentJobs))")
            try check(leaseDuration > .zero, "leaseDuration must be positive (got \(leaseDuration))")
            try check(
                heartbeatInterval > .zero && heartbeatInterval < leaseDuration,
                "heartbeatInterval must be positive and shorter than leaseDuration (got \(heartbeatInterval))"
            )
            try check(pollInterval > .zero, "pollInterval must be positive (got \(pollInterval))")
            try check(shutdownGracePeriod >= .zero, "shutdownGracePeriod must not be negative")
            try check(maxLogEntries >= 1, "maxLogEntries must be at least 1 (got \(maxLogEntries))")
            try check(maxLogMessageBytes >= 16, "maxLogMessageBytes must be at least 16 (got \(maxLogMessageBytes))")
        }
    }

    private struct Registration {
        var options: JobTypeOptions
        var handler: JobHandler
    }

    /// Why a running handler was asked to stop.
    private enum StopReason {
        case cancelRequested
        case leaseLost
        case shutdown
    }

    private struct RunningJob {
        /// Tells this attempt's task from a later attempt of the same job in this scheduler.
        var token: UUID
        var type: String
        var task: Task<Void, Never>
        var stopReason: StopReason?
    }

    private enum State {
        case idle, running, stopping, stopped
    }

    /// The store the jobs live in.
    public nonisolated let store: any JobStore
    /// How this scheduler claims and runs jobs.
    public nonisolated let configuration: Configuration
    private nonisolated let clock: any WallClock
    private nonisolated let logger: Logger

    private var registrations: [String: Registration] = [:]
    private var running: [String: RunningJob] = [:]
    /// Handlers of attempts that lost their lease while this scheduler claimed the job again; ``drain()`` waits
    /// for them too, and their results are discarded.
    private var abandoned: [UUID: Task<Void, Never>] = [:]
    private var runningByType: [String: Int] = [:]
    private var state = State.idle
    private var wakeups: AsyncStream<Void>.Continuation?
    /// Whether the next claim also recovers expired leases: set by polls and ``wake()``, not by the wake-ups that
    /// follow a schedule or a finished job.
    private var recoveryDue = true
    /// Callers of ``waitUntilFinished(id:)``, resumed whenever a job finishes here and at every poll.
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Counts jobs finished here, so a waiter that read its job before a finish does not miss it.
    private var finishCount = 0
    /// The subscribers of ``changes()``.
    private var subscribers: [UUID: AsyncStream<Job>.Continuation] = [:]
    /// Spans and metrics of scheduling, cancelling and running jobs.
    private let instrumentation: OperationInstrumentation

    /// Creates a scheduler.
    ///
    /// - Parameters:
    ///   - store: Where the jobs live.
    ///   - configuration: How jobs are claimed and run.
    ///   - clock: The source of timestamps and due times; the system clock by default.
    ///   - logger: Where the scheduler logs claims that fail and jobs it recovers or abandons.
    ///   - tracer: Traces `schedule` and `cancel` (children of the caller's span) and every handler run (a root
    ///     span `JobScheduler.runJob` with the job's type, id and attempt, an error status when it throws);
    ///   `nil` uses the bootstrapped tracer, a no-op until one is bootstrapped.
    ///   - metricsFactory: Receives the durations and failures of those operations; `nil` uses the bootstrapped one.
    /// - Throws: ``JobSchedulerError/invalidArgument(_:)`` naming the configuration field out of range.
    public init(
        store: any JobStore,
        configuration: Configuration = Configuration(),
        clock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "stackkit.scheduler"),
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        try configuration.validate()
        self.instrumentation = OperationInstrumentation(
            component: "JobScheduler",
            operations: ["schedule", "cancel", "runJob"],
            tracer: tracer,
            metricsFactory: metricsFactory
        )
        self.store = store
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "scheduler.owner"] = "\(configuration.owner)"
        self.logger = logger
    }

    // MARK: Registration and scheduling

    /// Registers the handler of a job type.
    ///
    /// - Throws: ``JobSchedulerError/duplicateJobType(type:)`` when the type has a handler already,
    ///   ``JobSchedulerError/invalidArgument(_:)`` for an empty type or options out of range.
    public func register(_ type: String, options: JobTypeOptions = JobTypeOptions(), handler: @escaping JobHandler) throws {
        try Self.validateName(type, "job type")
        try options.retry.validate(type: type)
        if let limit = options.maxConcurrentJobs, limit < 1 {
            throw JobSchedulerError.invalidArgument("maxConcurrentJobs of job type '\(type)' must be at least 1 (got \(limit))")
        }
        guard registrations[type] == nil else { throw JobSchedulerError.duplicateJobType(type: type) }
        registrations[type] = Registration(options: options, handler: handler)
        wake()
    }

    /// Stores a new job of a registered type; a running scheduler (this one or another sharing the store) claims
    /// it once it is due.
    ///
    /// - Parameters:
    ///   - type: The job type; it must be registered in this scheduler (its retry policy is stored with the job).
    ///   - id: The job's id, unique across every type: non-empty, at most 512 UTF-8 bytes, no U+0000.
    ///   - payload: The handler's input.
    ///   - runAt: The earliest time to run it; now by default.
    /// - Returns: The stored job, ``JobStatus/scheduled``.
    /// - Throws: ``JobSchedulerError/duplicateJob(id:)``, ``JobSchedulerError/unknownJobType(type:registered:)``,
    ///   ``JobSchedulerError/invalidArgument(_:)`` for a bad id, or the store's error.
    @discardableResult
    public func schedule(type: String, id: String, payload: JSONValue = .null, runAt: Date? = nil) async throws -> Job {
        try await instrumentation.run("schedule", attributes: { $0["stackkit.job.type"] = type; $0["stackkit.job.id"] = id }) { _ in
            try await storeNewJob(type: type, id: id, payload: payload, runAt: runAt)
        }
    }

    private func storeNewJob(type: String, id: String, payload: JSONValue, runAt: Date?) async throws -> Job {
        try Self.validateName(id, "job id")
        guard let registration = registrations[type] else {
            throw JobSchedulerError.unknownJobType(type: type, registered: Array(registrations.keys))
        }
        let now = clock.now()
        let job = Job(id: id, type: type, payload: payload, retry: registration.options.retry, runAfter: runAt ?? now, now: now)
        try await store.insert(job)
        wake()
        return job
    }

    /// The job with `id`, as stored now.
    ///
    /// - Throws: ``JobSchedulerError/unknownJob(id:)``, or the store's error.
    public nonisolated func job(id: String) async throws -> Job {
        guard let job = try await store.job(id: id) else { throw JobSchedulerError.unknownJob(id: id) }
        return job
    }

    /// Every job of `type` in `status` (`nil` for any), oldest first.
    public nonisolated func jobs(type: String? = nil, status: JobStatus? = nil) async throws -> [Job] {
        try await store.jobs(type: type, status: status)
    }

    /// Cancels a job: at once when it has not started; a running job's handler is cancelled (at once when it
    /// runs here, at its scheduler's next heartbeat otherwise) and the job ends ``JobStatus/cancelled`` unless
    /// the handler completes anyway.
    ///
    /// - Returns: The job as stored after the request.
    /// - Throws: ``JobSchedulerError/unknownJob(id:)``, ``JobSchedulerError/alreadyFinished(id:status:)`` for a
    ///   job in a terminal status, or the store's error.
    @discardableResult
    public func cancel(id: String) async throws -> Job {
        try await instrumentation.run("cancel", attributes: { $0["stackkit.job.id"] = id }) { _ in try await requestCancel(id: id) }
    }

    private func requestCancel(id: String) async throws -> Job {
        let now = clock.now()
        let cap = configuration.maxLogEntries
        guard let job = try await store.update(id: id, ifLeasedBy: nil, { try $0.requestCancel(now: now, maxLogEntries: cap) })
        else { throw JobSchedulerError.unknownJob(id: id) }
        publish(job)
        if job.status == .running, job.leaseOwner == configuration.owner {
            stop(id, because: .cancelRequested)
        }
        if job.status.isTerminal { jobFinished() }
        return job
    }

    /// Waits until the job with `id` is in a terminal status, and returns it.
    ///
    /// Jobs that finish in this scheduler wake the wait at once; others are checked at every poll (every
    /// ``Configuration/pollInterval``, also when this scheduler is not running).
    ///
    /// - Throws: ``JobSchedulerError/unknownJob(id:)``, `CancellationError`, or the store's error.
    public func waitUntilFinished(id: String) async throws -> Job {
        while true {
            let seen = finishCount
            let job = try await self.job(id: id)
            if job.status.isTerminal { return job }
            try Task.checkCancellation()
            if finishCount != seen { continue }
            if state == .running {
                await withCheckedContinuation { waiters.append($0) }
            } else {
                try await Task.sleep(for: configuration.pollInterval)
            }
        }
    }

    /// Every change this scheduler makes to a job, as stored: claims (`running`), results (`completed`,
    /// `failed`, `scheduled` again for a retry or a requeue, `cancelled`) and cancel requests, in the order they
    /// were stored. Changes made by other schedulers sharing the store are not included.
    ///
    /// The stream ends when the scheduler's ``run()`` returns, or when the caller stops iterating.
    public func changes() -> AsyncStream<Job> {
        let (stream, continuation) = AsyncStream.makeStream(of: Job.self)
        if state == .stopped {
            continuation.finish()
            return stream
        }
        let key = UUID()
        subscribers[key] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(key) } }
        return stream
    }

    private func unsubscribe(_ key: UUID) {
        subscribers[key] = nil
    }

    private func publish(_ job: Job) {
        for subscriber in subscribers.values { subscriber.yield(job) }
    }

    /// Has the scheduler look for due jobs now instead of at its next poll (after moving a manual clock, say).
    public func wake() {
        recoveryDue = true
        wakeups?.yield()
    }

    // MARK: Running

    /// Claims and runs jobs until graceful shutdown, ``shutdown()`` or cancellation, then stops claiming, waits up
    /// to ``Configuration/shutdownGracePeriod`` for running handlers, cancels those still running, and returns.
    ///
    /// - Throws: ``JobSchedulerError/notAvailable(_:)`` when the scheduler is running already or has stopped.
    public func run() async throws {
        guard state == .idle else {
            throw JobSchedulerError.notAvailable("scheduler \(configuration.owner) is running already or has stopped")
        }
        state = .running
        let (wakes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeups = continuation
        continuation.yield()
        let pollInterval = configuration.pollInterval
        let heartbeatInterval = configuration.heartbeatInterval
        logger.debug("scheduler started")
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while (try? await Task.sleep(for: pollInterval)) != nil {
                        await self.wake()
                    }
                }
                group.addTask {
                    while (try? await Task.sleep(for: heartbeatInterval)) != nil {
                        await self.renewLeases()
                    }
                }
                for await _ in wakes {
                    guard self.state == .running else { break }
                    self.resumeWaiters()
                    await self.claimAndStart()
                }
                await self.drain()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
        state = .stopped
        wakeups = nil
        resumeWaiters()
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers.removeAll()
        logger.debug("scheduler stopped")
    }

    /// Starts a graceful shutdown: ``run()`` stops claiming, lets running handlers finish up to the grace
    /// period, cancels the rest, and returns.
    public func shutdown() {
        guard state == .running else { return }
        state = .stopping
        wakeups?.yield()
    }

    /// How many jobs this scheduler is running now.
    public var runningCount: Int { running.count }

    private func claimAndStart() async {
        let free = configuration.maxConcurrentJobs - running.count
        guard free > 0 else { return }
        var limits: [String: Int] = [:]
        for (type, registration) in registrations {
            let typeFree = min(free, (registration.options.maxConcurrentJobs ?? .max) - runningByType[type, default: 0])
            if typeFree > 0 { limits[type] = typeFree }
        }
        guard !limits.isEmpty else { return }
        let now = clock.now()
        let request = JobClaimRequest(
            owner: configuration.owner,
            now: now,
            leaseExpiresAt: now.addingTimeInterval(configuration.leaseDuration.seconds),
            limits: limits,
            maxJobs: free,
            maxLogEntries: configuration.maxLogEntries,
            recoverExpiredLeases: recoveryDue
        )
        recoveryDue = false
        let claimed: [Job]
        do {
            claimed = try await store.claim(request)
        } catch {
            logger.warning("claiming jobs failed; retrying at the next poll", metadata: ["error": "\(error)"])
            recoveryDue = recoveryDue || request.recoverExpiredLeases
            return
        }
        for job in claimed {
            start(job)
            publish(job)
        }
        // A full claim may have left due jobs behind: look again at once.
        if claimed.count == free, state == .running { wakeups?.yield() }
    }

    private func start(_ job: Job) {
        guard let registration = registrations[job.type] else {
            // Claimed only for registered types; a registration is never removed.
            return
        }
        let context = JobContext(
            job: job,
            store: store,
            owner: configuration.owner,
            clock: clock,
            maxLogEntries: configuration.maxLogEntries,
            maxLogMessageBytes: configuration.maxLogMessageBytes
        )
        let handler = registration.handler
        let id = job.id
        if let previous = running.removeValue(forKey: id) {
            // This scheduler lost the lease of an earlier attempt (it missed its heartbeats) and has now claimed
            // the retry: the earlier handler is cancelled and its result will be discarded.
            runningByType[previous.type, default: 1] -= 1
            abandoned[previous.token] = previous.task
            previous.task.cancel()
        }
        let token = UUID()
        let instrumentation = self.instrumentation
        let attempt = job.attempt
        let type = job.type
        let task = Task {
            let failure: (any Error)?
            do {
                // A root span per attempt: the claim loop, not a caller, starts it.
                try await InstrumentationContext.$current.withValue(nil) {
                    try await instrumentation.run("runJob", attributes: {
                        $0["stackkit.job.type"] = type
                        $0["stackkit.job.id"] = id
                        $0["stackkit.job.attempt"] = attempt
                    }) { _ in try await handler(context) }
                }
                failure = nil
            } catch {
                failure = error
            }
            // The result is stored from a task of its own: this one may be cancelled (that is how a handler is
            // stopped), and a cancelled task's store calls can fail (postgres-nio, for one, aborts them).
            await Task { await self.finish(id, token: token, failure: failure) }.value
        }
        running[id] = RunningJob(token: token, type: job.type, task: task, stopReason: nil)
        runningByType[job.type, default: 0] += 1
    }

    /// Records how a handler ended: completed, failed (retried when attempts remain), cancelled, or requeued by a
    /// shutdown; nothing when the lease was lost (another scheduler owns the job now).
    private func finish(_ id: String, token: UUID, failure: (any Error)?) async {
        guard let entry = running[id], entry.token == token else {
            if abandoned.removeValue(forKey: token) != nil {
                logger.warning("an attempt that lost its lease ended; its result is discarded", metadata: ["job.id": "\(id)"])
            }
            return
        }
        running[id] = nil
        runningByType[entry.type, default: 1] -= 1
        defer {
            jobFinished()
            // Claim again once half the slots are free (or a type with its own limit has a free slot), not after
            // every finished job: claims come in batches, a transaction per several jobs instead of one per job.
            // Polls still claim into any free slot.
            let limited = registrations[entry.type]?.options.maxConcurrentJobs != nil
            if running.count * 2 <= configuration.maxConcurrentJobs || limited {
                wakeups?.yield()
            }
        }
        let now = clock.now()
        let cap = configuration.maxLogEntries
        let change: @Sendable (inout Job) -> Void
        switch (failure, entry.stopReason) {
        case (nil, _):
            change = { $0.complete(now: now) }
        case (_, .leaseLost):
            logger.warning("job lost its lease while running; its result is discarded", metadata: ["job.id": "\(id)"])
            return
        case (_, .cancelRequested):
            change = { $0.cancel(reason: "stopped while running", now: now, maxLogEntries: cap) }
        case (_, .shutdown):
            change = { $0.requeue(reason: "its scheduler shut down before it finished", now: now, maxLogEntries: cap) }
        case (let error?, nil):
            let message = Self.describe(error)
            change = { $0.fail(message, now: now, maxLogEntries: cap) }
        }
        do {
            if let job = try await store.update(id: id, ifLeasedBy: configuration.owner, change) {
                publish(job)
            } else {
                logger.warning("job lost its lease before its result was stored; its result is discarded", metadata: ["job.id": "\(id)"])
            }
        } catch {
            // The lease ends unrenewed and a scheduler recovers the job (retried, or failed): it is never lost.
            logger.error("storing a job's result failed", metadata: ["job.id": "\(id)", "error": "\(error)"])
        }
    }

    private func renewLeases() async {
        let ids = Array(running.keys)
        guard !ids.isEmpty else { return }
        let expiresAt = clock.now().addingTimeInterval(configuration.leaseDuration.seconds)
        let states: [String: JobLeaseState]
        do {
            states = try await store.renewLeases(ids, owner: configuration.owner, expiresAt: expiresAt)
        } catch {
            logger.warning("renewing leases failed; retrying at the next heartbeat", metadata: ["error": "\(error)"])
            return
        }
        for id in ids where running[id] != nil {
            if let state = states[id] {
                if state.cancelRequested { stop(id, because: .cancelRequested) }
            } else {
                stop(id, because: .leaseLost)
            }
        }
    }

    private func stop(_ id: String, because reason: StopReason) {
        guard var entry = running[id], entry.stopReason == nil else { return }
        entry.stopReason = reason
        running[id] = entry
        entry.task.cancel()
    }

    /// Waits for running handlers up to the grace period, then cancels them, and waits for them to end.
    private func drain() async {
        state = .stopping
        let tasks = running.values.map(\.task) + abandoned.values
        guard !tasks.isEmpty else { return }
        logger.info("shutting down: waiting for running jobs", metadata: ["jobs": "\(tasks.count)"])
        let grace = configuration.shutdownGracePeriod
        let deadline = Task {
            try await Task.sleep(for: grace)
            self.stopAll(because: .shutdown)
        }
        if grace == .zero { stopAll(because: .shutdown) }
        for task in tasks { await task.value }
        deadline.cancel()
    }

    private func stopAll(because reason: StopReason) {
        for id in Array(running.keys) { stop(id, because: reason) }
    }

    private func jobFinished() {
        finishCount += 1
        resumeWaiters()
    }

    private func resumeWaiters() {
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume() }
    }

    private static func describe(_ error: any Error) -> String {
        if error is CancellationError { return "the handler was cancelled" }
        return String(describing: error)
    }

    private static func validateName(_ name: String, _ what: String) throws(JobSchedulerError) {
        guard !name.isEmpty, name.utf8.count <= 512, !name.contains("\u{0}") else {
            throw .invalidArgument("a \(what) must be non-empty, at most 512 UTF-8 bytes and without U+0000 (got '\(name.prefix(64))')")
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
