/// Where a job is in its life.
///
/// A job starts as ``new``, becomes ``scheduled`` once stored, ``running`` while a handler works on it, and ends
/// ``completed``, ``failed`` or ``cancelled``. A job whose attempt fails (or whose worker stops) while its type
/// allows more attempts goes back to ``scheduled``. The three terminal statuses never change again.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    /// Created, not yet stored.
    case new
    /// Stored and waiting for a scheduler to claim it (now or at a later time).
    case scheduled
    /// Claimed by a scheduler, whose handler is working on it under a lease.
    case running
    /// The handler returned. Terminal.
    case completed
    /// The last attempt threw, or its worker stopped, and no attempts remain. Terminal.
    case failed
    /// Cancelled before it finished. Terminal.
    case cancelled

    /// Whether the status is final: ``completed``, ``failed`` or ``cancelled``.
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled: true
        case .new, .scheduled, .running: false
        }
    }
}
