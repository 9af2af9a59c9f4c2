/// The code that runs a job of one type.
///
/// Returning completes the job; throwing fails the attempt (the job is retried when its type's
/// ``JobRetryPolicy`` allows, otherwise it fails with the error in its logs).
public typealias JobHandler = @Sendable (JobContext) async throws -> Void

/// How a job type runs: its retries and how many of its jobs one scheduler runs at once.
public struct JobTypeOptions: Sendable, Hashable {
    /// How the type's jobs are retried; ``JobRetryPolicy/none`` by default.
    public var retry: JobRetryPolicy
    /// How many of the type's jobs one scheduler runs at once, or `nil` (the default) for no limit beyond the
    /// scheduler's ``JobScheduler/Configuration/maxConcurrentJobs``.
    public var maxConcurrentJobs: Int?

    /// Creates options.
    public init(retry: JobRetryPolicy = .none, maxConcurrentJobs: Int? = nil) {
        self.retry = retry
        self.maxConcurrentJobs = maxConcurrentJobs
    }
}
