/// How a store's writes reach the database: ``durable`` or ``buffered``.
public enum TableWriteMode: Sendable, Hashable {
    /// Each call returns after its row is committed; failures are thrown to the caller.
    case durable

    /// Each call returns once its row is queued; workers commit batches in the background.
    ///
    /// The queue is bounded (a full queue makes callers wait), failures are retried with
    /// exponential backoff, and a write that still fails is reported on the failure stream,
    /// counted in the `stackkit_table_writes_dead_lettered` metric and kept in the dead-letter
    /// table: it is never silently dropped. `flush()` waits for every queued write; shutting the
    /// store's service down drains the queue first.
    case buffered
}

/// Tuning of the buffered write path.
public struct TableWriteConfiguration: Sendable, Hashable {
    /// The most writes queued at once (llama-stack's `max_write_queue_size`); callers wait when full.
    public var maxQueueSize: Int
    /// Concurrent writers (`num_writers`), each committing one batch at a time.
    public var writerCount: Int
    /// The most writes one worker commits in one transaction.
    public var maxBatchSize: Int
    /// Attempts per write before it is dead-lettered (transient errors only; a permanent error such
    /// as a constraint violation is dead-lettered at once).
    public var maxAttempts: Int
    /// The first retry delay; each later one doubles, up to ``maxRetryDelay``, with jitter.
    public var initialRetryDelay: Duration
    /// The longest retry delay.
    public var maxRetryDelay: Duration
    /// How long one attempt (a transaction) may take before it is abandoned and retried (buffered)
    /// or reported as a `backendFailure` (durable; the write may then have been committed).
    public var operationTimeout: Duration

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - maxQueueSize: The queue bound; at least 1 (default 10,000, llama-stack's).
    ///   - writerCount: The number of workers; at least 1 (default 4).
    ///   - maxBatchSize: Writes per transaction; at least 1 (default 200).
    ///   - maxAttempts: Attempts per write; at least 1 (default 10).
    ///   - initialRetryDelay: The first retry delay (default 50 ms).
    ///   - maxRetryDelay: The longest retry delay (default 5 s).
    ///   - operationTimeout: The longest one attempt may take (default 15 s).
    public init(
        maxQueueSize: Int = 10_000,
        writerCount: Int = 4,
        maxBatchSize: Int = 200,
        maxAttempts: Int = 10,
        initialRetryDelay: Duration = .milliseconds(50),
        maxRetryDelay: Duration = .seconds(5),
        operationTimeout: Duration = .seconds(15)
    ) {
        self.maxQueueSize = max(1, maxQueueSize)
        self.writerCount = max(1, writerCount)
        self.maxBatchSize = max(1, maxBatchSize)
        self.maxAttempts = max(1, maxAttempts)
        self.initialRetryDelay = initialRetryDelay
        self.maxRetryDelay = maxRetryDelay
        self.operationTimeout = operationTimeout
    }
}

/// A buffered write that could not be committed, as reported on a store's failure stream.
public struct TableWriteFailure: Sendable, CustomStringConvertible {
    /// The write's label, such as `response resp_123`.
    public var label: String
    /// The last error.
    public var error: any Error
    /// How many times it was attempted.
    public var attempts: Int
    /// Whether the write was saved in the dead-letter table (`false` when that failed too; the
    /// write is then only in this report and the error log).
    public var deadLettered: Bool

    /// `"<label>: <error> after <n> attempts"`.
    public var description: String {
        "\(label): \(error) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
            + (deadLettered ? " (kept in the dead-letter table)" : " (the dead-letter table could not be written)")
    }
}
