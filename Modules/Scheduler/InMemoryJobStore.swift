public import Foundation

/// Jobs in this process's memory: for tests, and for schedulers whose jobs need not survive a restart.
///
/// Every operation is atomic (the store is an actor). Scheduled jobs are indexed in claim order, so a claim
/// costs O(log n) per job claimed, whatever the number of jobs waiting.
public actor InMemoryJobStore: JobStore {
    private var records: [String: Job] = [:]
    private var index = ScheduledJobIndex()

    /// Creates an empty store.
    public init() {}

    public func insert(_ job: Job) throws {
        guard records[job.id] == nil else { throw JobSchedulerError.duplicateJob(id: job.id) }
        store(job)
    }

    public func job(id: String) -> Job? { records[id] }

    public func jobs(type: String?, status: JobStatus?) -> [Job] {
        records.values.filter { JobSelection.matches($0, type: type, status: status) }.sorted(by: JobSelection.listOrder)
    }

    public func claim(_ request: JobClaimRequest) -> [Job] {
        for id in index.running where request.recoverExpiredLeases {
            guard var job = records[id], job.hasExpiredLease(at: request.now) else { continue }
            job.recoverExpiredLease(now: request.now, maxLogEntries: request.maxLogEntries)
            store(job)
        }
        return index.due(for: request).compactMap { id in
            guard var job = records[id] else { return nil }
            job.claim(owner: request.owner, leaseExpiresAt: request.leaseExpiresAt, now: request.now)
            store(job)
            return job
        }
    }

    public func renewLeases(_ ids: [String], owner: String, expiresAt: Date) -> [String: JobLeaseState] {
        var states: [String: JobLeaseState] = [:]
        for id in ids {
            guard var job = records[id], job.status == .running, job.leaseOwner == owner else { continue }
            job.leaseExpiresAt = expiresAt
            records[id] = job
            states[id] = JobLeaseState(cancelRequested: job.cancelRequested)
        }
        return states
    }

    public func update(
        id: String,
        ifLeasedBy owner: String?,
        _ change: @Sendable (inout Job) throws -> Void
    ) throws -> Job? {
        guard var job = records[id] else { throw JobSchedulerError.unknownJob(id: id) }
        if let owner, job.status != .running || job.leaseOwner != owner { return nil }
        try change(&job)
        store(job)
        return job
    }

    private func store(_ job: Job) {
        index.replace(records.updateValue(job, forKey: job.id), with: job)
    }
}
