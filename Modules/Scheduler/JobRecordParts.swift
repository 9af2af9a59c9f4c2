public import Foundation
public import StorageRefs

/// One change of a job's status, with when it happened.
public struct JobTransition: Codable, Sendable, Hashable {
    /// The status the job entered.
    public var status: JobStatus
    /// When it entered it, by the scheduler's clock.
    public var at: Date

    /// Creates a transition.
    public init(status: JobStatus, at: Date) {
        self.status = status
        self.at = at
    }
}

/// One line a handler (or the scheduler) logged for a job.
public struct JobLogEntry: Codable, Sendable, Hashable {
    /// When the line was logged, by the scheduler's clock.
    public var timestamp: Date
    /// The text; lines longer than the configured cap are cut at a character boundary and end with `…`.
    public var message: String

    /// Creates a log entry.
    public init(timestamp: Date, message: String) {
        self.timestamp = timestamp
        self.message = message
    }
}

/// Something a job produced, by reference: a file, a model, a dataset.
public struct JobArtifact: Codable, Sendable, Hashable {
    /// What kind of thing it is (`"file"`, `"model"`, …); never empty.
    public var type: String
    /// Its name; never empty.
    public var name: String
    /// Where it is.
    public var uri: String
    /// Anything else worth keeping about it.
    public var metadata: [String: JSONValue]

    /// Creates an artifact.
    public init(type: String, name: String, uri: String, metadata: [String: JSONValue] = [:]) {
        self.type = type
        self.name = name
        self.uri = uri
        self.metadata = metadata
    }
}

/// How many times a job type's jobs are attempted, and how long to wait between attempts.
///
/// The wait before attempt `n + 1` (after attempt `n` failed or lost its worker) is
/// `min(initialDelay · multiplierⁿ⁻¹, maximumDelay)`. The policy is stored with each job, so any scheduler that
/// recovers the job (another process, after a restart) applies the policy it was scheduled with.
public struct JobRetryPolicy: Codable, Sendable, Hashable {
    /// Attempts in all, at least 1; 1 (the default) means no retries.
    public var maxAttempts: Int
    /// The wait after the first failed attempt, in seconds (≥ 0).
    public var initialDelay: Double
    /// How much each wait grows over the previous one (≥ 1).
    public var multiplier: Double
    /// The longest wait, in seconds (≥ `initialDelay`).
    public var maximumDelay: Double

    /// No retries: a failed attempt fails the job.
    public static let none = JobRetryPolicy(maxAttempts: 1)

    /// Creates a policy; see the type's description for the delays.
    public init(maxAttempts: Int, initialDelay: Double = 1, multiplier: Double = 2, maximumDelay: Double = 300) {
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
    }

    /// The wait, in seconds, after attempt `attempt` (counting from 1) failed.
    public func delay(afterAttempt attempt: Int) -> Double {
        let grown = initialDelay * pow(multiplier, Double(max(attempt - 1, 0)))
        return min(grown.isFinite ? grown : maximumDelay, maximumDelay)
    }

    /// Throws ``JobSchedulerError/invalidArgument(_:)`` naming the field that is out of range.
    func validate(type: String) throws(JobSchedulerError) {
        guard maxAttempts >= 1 else {
            throw .invalidArgument("retry.maxAttempts of job type '\(type)' must be at least 1 (got \(maxAttempts))")
        }
        guard initialDelay >= 0, initialDelay.isFinite else {
            throw .invalidArgument("retry.initialDelay of job type '\(type)' must be a finite number ≥ 0")
        }
        guard multiplier >= 1, multiplier.isFinite else {
            throw .invalidArgument("retry.multiplier of job type '\(type)' must be a finite number ≥ 1")
        }
        guard maximumDelay >= initialDelay, maximumDelay.isFinite else {
            throw .invalidArgument("retry.maximumDelay of job type '\(type)' must be finite and ≥ initialDelay")
        }
    }
}
