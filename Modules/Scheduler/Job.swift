public import Foundation
public import StorageRefs

/// A unit of work of some type, its payload, and everything that happened to it.
///
/// Jobs are values: ``JobScheduler/job(id:)`` returns a snapshot. Timestamps come from the scheduler's clock.
public struct Job: Codable, Sendable, Hashable {
    /// The id, unique across every type.
    public var id: String
    /// The job type, which selects the handler.
    public var type: String
    /// The handler's input.
    public var payload: JSONValue
    /// The current status.
    public var status: JobStatus
    /// Every status change, oldest first; a retried job enters `running` once per attempt.
    public var transitions: [JobTransition]
    /// Log lines, oldest first; at most the configured number (the oldest are dropped past it).
    public var logs: [JobLogEntry]
    /// How many of the oldest log lines were dropped to keep ``logs`` within its cap.
    public var droppedLogCount: Int
    /// What the job produced, in the order the handler attached it.
    public var artifacts: [JobArtifact]
    /// The handler's last reported progress, from 0 to 1, or `nil` when it reported none.
    public var progress: Double?
    /// Attempts started so far (0 before the first claim).
    public var attempt: Int
    /// How the job is retried, from its type's registration when it was scheduled.
    public var retry: JobRetryPolicy
    /// The earliest time a scheduler may claim the job while it is ``JobStatus/scheduled``.
    public var runAfter: Date
    /// The scheduler holding the job while it is ``JobStatus/running``.
    public var leaseOwner: String?
    /// When that scheduler's lease ends unless renewed; a running job whose lease ended is recovered by any
    /// scheduler (retried, or failed when no attempts remain).
    public var leaseExpiresAt: Date?
    /// Whether ``JobScheduler/cancel(id:)`` asked for a running job to stop.
    public var cancelRequested: Bool
    /// The last failure's message, when an attempt failed.
    public var error: String?
    /// When the job was scheduled.
    public var createdAt: Date

    /// When the job was scheduled (its last transition to ``JobStatus/scheduled``).
    public var scheduledAt: Date? { transitions.last { $0.status == .scheduled }?.at }
    /// When the current or last attempt started.
    public var startedAt: Date? { transitions.last { $0.status == .running }?.at }
    /// When the job reached its terminal status.
    public var completedAt: Date? { status.isTerminal ? transitions.last?.at : nil }

    /// Creates a new job, scheduled to run after `runAfter`.
    init(id: String, type: String, payload: JSONValue, retry: JobRetryPolicy, runAfter: Date, now: Date) {
        self.id = id
        self.type = type
        self.payload = payload
        self.status = .scheduled
        self.transitions = [JobTransition(status: .new, at: now), JobTransition(status: .scheduled, at: now)]
        self.logs = []
        self.droppedLogCount = 0
        self.artifacts = []
        self.progress = nil
        self.attempt = 0
        self.retry = retry
        self.runAfter = runAfter
        self.leaseOwner = nil
        self.leaseExpiresAt = nil
        self.cancelRequested = false
        self.error = nil
        self.createdAt = now
    }
}
