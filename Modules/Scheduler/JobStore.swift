public import Foundation

/// Where a scheduler keeps its jobs: the seam between ``JobScheduler`` and a storage backend.
///
/// A store makes each operation atomic; the state changes themselves are ``Job``'s methods, so every store
/// behaves the same. Stores shared by several processes (``TableJobStore`` on PostgreSQL or SQLite) give each
/// claimable job to exactly one claimer; ``KeyValueJobStore`` and ``InMemoryJobStore`` serve one process.
public protocol JobStore: Sendable {
    /// Stores a new job.
    ///
    /// - Throws: ``JobSchedulerError/duplicateJob(id:)`` when a job with the same id exists (in any status).
    func insert(_ job: Job) async throws

    /// The job with `id`, or `nil`.
    func job(id: String) async throws -> Job?

    /// Every job of `type` (any type when `nil`) in `status` (any status when `nil`), oldest first (by
    /// ``Job/createdAt``, then id).
    func jobs(type: String?, status: JobStatus?) async throws -> [Job]

    /// When `request.recoverExpiredLeases` is set, recovers running jobs whose lease ended before `request.now` (see ``Job/recoverExpiredLease(now:maxLogEntries:)``),
    /// then claims due jobs for `request.owner`: at most `request.limits[type]` of each listed type and
    /// `request.maxJobs` in all, earliest
    /// ``Job/runAfter`` first, each moved to `running` with ``Job/claim(owner:leaseExpiresAt:now:)``.
    ///
    /// - Returns: The claimed jobs, as stored.
    func claim(_ request: JobClaimRequest) async throws -> [Job]

    /// Extends `owner`'s leases on the jobs in `ids` to `expiresAt`.
    ///
    /// - Returns: For each id, whether `owner` still holds it and whether a cancel was asked for. An id missing
    ///   from the result is no longer held by `owner`.
    func renewLeases(_ ids: [String], owner: String, expiresAt: Date) async throws -> [String: JobLeaseState]

    /// Reads, changes and writes one job atomically.
    ///
    /// - Parameters:
    ///   - id: The job.
    ///   - owner: When not `nil`, the change applies only while the job is running under `owner`'s lease.
    ///   - change: The change; what it throws is rethrown and nothing is written.
    /// - Returns: The job as stored after the change, or `nil` when `owner` does not hold the job.
    /// - Throws: ``JobSchedulerError/unknownJob(id:)`` when no job has `id`.
    func update(id: String, ifLeasedBy owner: String?, _ change: @Sendable (inout Job) throws -> Void) async throws -> Job?
}

/// What a scheduler asks a ``JobStore`` to claim.
public struct JobClaimRequest: Sendable, Hashable {
    /// The claiming scheduler.
    public var owner: String
    /// The current time.
    public var now: Date
    /// When the claimed jobs' leases end unless renewed.
    public var leaseExpiresAt: Date
    /// How many jobs of each type to claim at most; types not listed are not claimed.
    public var limits: [String: Int]
    /// How many jobs to claim at most, over every type.
    public var maxJobs: Int
    /// The most log lines a job keeps (for the lines recovery adds).
    public var maxLogEntries: Int
    /// Whether to recover running jobs whose lease ended before claiming. Schedulers ask for it at every poll and
    /// explicit wake-up, not at the claims that follow each finished job, which saves a read per job.
    public var recoverExpiredLeases: Bool

    /// Creates a request.
    public init(
        owner: String,
        now: Date,
        leaseExpiresAt: Date,
        limits: [String: Int],
        maxJobs: Int,
        maxLogEntries: Int = 1_000,
        recoverExpiredLeases: Bool = true
    ) {
        self.owner = owner
        self.now = now
        self.leaseExpiresAt = leaseExpiresAt
        self.limits = limits
        self.maxJobs = maxJobs
        self.recoverExpiredLeases = recoverExpiredLeases
        self.maxLogEntries = maxLogEntries
    }
}

/// A worker's hold on a running job, as a lease renewal found it.
public struct JobLeaseState: Sendable, Hashable {
    /// Whether ``JobScheduler/cancel(id:)`` asked for the job to stop.
    public var cancelRequested: Bool

    /// Creates a lease state.
    public init(cancelRequested: Bool) {
        self.cancelRequested = cancelRequested
    }
}
