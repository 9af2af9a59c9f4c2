import Foundation
public import StorageRefs

/// What a handler receives: its job's input, and the means to log, report progress, attach artifacts and
/// observe cancellation.
///
/// Log lines, progress and artifacts are written to the job store at once, so ``JobScheduler/job(id:)`` shows
/// them while the job runs (from any process). Each write happens only while this worker holds the job's
/// lease; once it has lost it (its lease ended and another worker took the job, or the job was cancelled), the
/// write throws ``JobSchedulerError/leaseLost(id:)`` and the handler should stop.
///
/// Cancellation (``JobScheduler/cancel(id:)``, a lost lease, a shutdown past its grace period) cancels the
/// handler's task: check ``isCancelled`` or call ``checkCancellation()`` in long loops.
public struct JobContext: Sendable {
    /// The job's id.
    public let id: String
    /// The job's type.
    public let type: String
    /// The job's input.
    public let payload: JSONValue
    /// Which attempt this is, counting from 1.
    public let attempt: Int

    private let store: any JobStore
    private let owner: String
    private let clock: any WallClock
    private let maxLogEntries: Int
    private let maxLogMessageBytes: Int

    init(job: Job, store: any JobStore, owner: String, clock: any WallClock, maxLogEntries: Int, maxLogMessageBytes: Int) {
        self.id = job.id
        self.type = job.type
        self.payload = job.payload
        self.attempt = job.attempt
        self.store = store
        self.owner = owner
        self.clock = clock
        self.maxLogEntries = maxLogEntries
        self.maxLogMessageBytes = maxLogMessageBytes
    }

    /// Appends a timestamped line to the job's log.
    ///
    /// A line longer than the configured byte cap is cut at a character boundary and ends with `…`; past the
    /// configured number of lines, the oldest lines are dropped (``Job/droppedLogCount`` counts them).
    ///
    /// - Throws: ``JobSchedulerError/leaseLost(id:)``, or the store's error.
    public func log(_ message: String) async throws {
        let line = Self.capped(message, bytes: maxLogMessageBytes)
        let now = clock.now()
        let cap = maxLogEntries
        try await change { $0.appendLog(line, at: now, cap: cap) }
    }

    /// Records how far the job has come, from 0 to 1.
    ///
    /// - Throws: ``JobSchedulerError/invalidArgument(_:)`` when `fraction` is not within 0...1,
    ///   ``JobSchedulerError/leaseLost(id:)``, or the store's error.
    public func reportProgress(_ fraction: Double) async throws {
        guard fraction.isFinite, (0...1).contains(fraction) else {
            throw JobSchedulerError.invalidArgument("progress of job '\(id)' must be within 0...1 (got \(fraction))")
        }
        try await change { $0.progress = fraction }
    }

    /// Attaches something the job produced.
    ///
    /// - Throws: ``JobSchedulerError/invalidArgument(_:)`` when the artifact's type or name is empty,
    ///   ``JobSchedulerError/leaseLost(id:)``, or the store's error.
    public func attach(_ artifact: JobArtifact) async throws {
        guard !artifact.type.isEmpty, !artifact.name.isEmpty else {
            throw JobSchedulerError.invalidArgument(
                "an artifact of job '\(id)' needs a type and a name (got type '\(artifact.type)', name '\(artifact.name)')"
            )
        }
        try await change { $0.artifacts.append(artifact) }
    }

    /// Whether the handler has been asked to stop.
    public var isCancelled: Bool { Task.isCancelled }

    /// Throws `CancellationError` when the handler has been asked to stop.
    public func checkCancellation() throws { try Task.checkCancellation() }

    private func change(_ body: @escaping @Sendable (inout Job) -> Void) async throws {
        guard try await store.update(id: id, ifLeasedBy: owner, { body(&$0) }) != nil else {
            throw JobSchedulerError.leaseLost(id: id)
        }
    }

    /// `message`, cut to at most `bytes` UTF-8 bytes at a character boundary (with `…` when cut).
    static func capped(_ message: String, bytes: Int) -> String {
        guard message.utf8.count > bytes else { return message }
        let budget = max(bytes - 3, 0)  // "…" is 3 bytes
        var used = 0
        var end = message.startIndex
        for index in message.indices {
            let size = message[index].utf8.count
            if used + size > budget { break }
            used += size
            end = message.index(after: index)
        }
        return message[..<end] + "…"
    }
}
