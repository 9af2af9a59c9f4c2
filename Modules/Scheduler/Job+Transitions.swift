public import Foundation
import StorageRefs

/// The state changes every job store applies, so each store only has to make them atomic.
extension Job {
    /// Whether a scheduler may claim the job at `now`.
    public func isDue(at now: Date) -> Bool {
        status == .scheduled && runAfter <= now
    }

    /// Whether the job is running under a lease that ended before `now`.
    public func hasExpiredLease(at now: Date) -> Bool {
        status == .running && (leaseExpiresAt ?? .distantPast) < now
    }

    /// Starts an attempt: `running` under `owner`'s lease until `leaseExpiresAt`.
    public mutating func claim(owner: String, leaseExpiresAt: Date, now: Date) {
        attempt += 1
        status = .running
        leaseOwner = owner
        self.leaseExpiresAt = leaseExpiresAt
        transitions.append(JobTransition(status: .running, at: now))
    }

    /// Recovers a running job whose worker stopped renewing its lease: cancelled when a cancel was asked for,
    /// otherwise scheduled again after its backoff when attempts remain, otherwise failed.
    public mutating func recoverExpiredLease(now: Date, maxLogEntries: Int = 1_000) {
        let expired = leaseExpiresAt.map { "\($0)" } ?? "unknown"
        let previousOwner = leaseOwner ?? "unknown"
        if cancelRequested {
            appendLog("cancelled: the worker \(previousOwner) stopped (its lease ended at \(expired))", at: now, cap: maxLogEntries)
            enter(.cancelled, at: now)
        } else {
            fail(
                "attempt \(attempt) of \(retry.maxAttempts) lost its worker \(previousOwner) (its lease ended at \(expired))",
                now: now,
                maxLogEntries: maxLogEntries
            )
        }
    }

    /// Ends the current attempt as completed.
    public mutating func complete(now: Date) {
        enter(.completed, at: now)
    }

    /// Ends the current attempt as failed with `message`: cancelled when a cancel was asked for, scheduled again
    /// after the backoff when attempts remain, otherwise `failed`. The message goes to the logs and ``error``.
    public mutating func fail(_ message: String, now: Date, maxLogEntries: Int = 1_000) {
        error = message
        if cancelRequested {
            appendLog("cancelled: the attempt ended with an error after a cancel request: \(message)", at: now, cap: maxLogEntries)
            enter(.cancelled, at: now)
        } else if attempt < retry.maxAttempts {
            let delay = retry.delay(afterAttempt: attempt)
            let next = now.addingTimeInterval(delay)
            appendLog("attempt \(attempt) of \(retry.maxAttempts) failed: \(message); retrying at \(next)", at: now, cap: maxLogEntries)
            runAfter = next
            enter(.scheduled, at: now)
        } else {
            appendLog("failed: \(message)", at: now, cap: maxLogEntries)
            enter(.failed, at: now)
        }
    }

    /// Ends the current attempt as cancelled.
    public mutating func cancel(reason: String, now: Date, maxLogEntries: Int = 1_000) {
        appendLog("cancelled: \(reason)", at: now, cap: maxLogEntries)
        enter(.cancelled, at: now)
    }

    /// Gives the job back to the queue without counting the attempt (its scheduler shut down before it finished).
    public mutating func requeue(reason: String, now: Date, maxLogEntries: Int = 1_000) {
        appendLog("requeued: \(reason)", at: now, cap: maxLogEntries)
        attempt = max(attempt - 1, 0)
        runAfter = now
        enter(.scheduled, at: now)
    }

    /// Asks the job to stop: a job not yet running is cancelled at once, a running job is marked so its
    /// worker cancels its handler.
    ///
    /// - Throws: ``JobSchedulerError/alreadyFinished(id:status:)`` for a job in a terminal status.
    public mutating func requestCancel(now: Date, maxLogEntries: Int = 1_000) throws(JobSchedulerError) {
        switch status {
        case .completed, .failed, .cancelled:
            throw .alreadyFinished(id: id, status: status)
        case .new, .scheduled:
            cancel(reason: "cancelled before it ran", now: now, maxLogEntries: maxLogEntries)
        case .running:
            if !cancelRequested {
                cancelRequested = true
                appendLog("cancel requested", at: now, cap: maxLogEntries)
            }
        }
    }

    /// Appends a log line, dropping the oldest line when the log holds `cap` lines already.
    public mutating func appendLog(_ message: String, at now: Date, cap: Int) {
        logs.append(JobLogEntry(timestamp: now, message: message))
        let excess = logs.count - max(cap, 1)
        if excess > 0 {
            logs.removeFirst(excess)
            droppedLogCount += excess
        }
    }

    private mutating func enter(_ next: JobStatus, at now: Date) {
        status = next
        leaseOwner = nil
        leaseExpiresAt = nil
        if next.isTerminal { cancelRequested = false }
        transitions.append(JobTransition(status: next, at: now))
    }
}
