public import Foundation
public import StorageRefs

/// Jobs in any StorageRefs key-value store (SQLite, PostgreSQL, Redis, in memory), one JSON value per job.
///
/// Each job lives under `<prefix><id>` as its JSON encoding. The store serves **one scheduler process**: key-value
/// stores have no compare-and-set, so atomicity comes from this actor, which also keeps the jobs not yet finished
/// in memory (loaded by ``open(store:prefix:)`` with one range scan) so that claims and lease renewals read no
/// storage. Several processes sharing one queue need ``TableJobStore``.
///
/// Every change is written before it is applied in memory, so a failed write leaves both as they were.
public actor KeyValueJobStore: JobStore {
    private let store: any KeyValueStore
    private let prefix: String
    /// The jobs not in a terminal status, by id.
    private var active: [String: Job]
    private var index = ScheduledJobIndex()
    /// Whether a change is in progress, and the changes waiting for it, first come first served.
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    private init(store: any KeyValueStore, prefix: String, active: [String: Job]) {
        self.store = store
        self.prefix = prefix
        self.active = active
        for job in active.values { index.replace(nil, with: job) }
    }

    /// Opens the jobs stored under `prefix` in `store`, loading the unfinished ones.
    ///
    /// - Parameters:
    ///   - store: The key-value store.
    ///   - prefix: The key prefix of every job (default `"scheduler/jobs/"`); not empty.
    /// - Throws: ``JobSchedulerError/invalidArgument(_:)`` for an empty prefix,
    ///   ``JobSchedulerError/corruptRecord(_:)`` naming the key of a value that is not a job, or the store's error.
    public static func open(store: any KeyValueStore, prefix: String = "scheduler/jobs/") async throws -> KeyValueJobStore {
        guard !prefix.isEmpty else { throw JobSchedulerError.invalidArgument("the key prefix of a KeyValueJobStore must not be empty") }
        var active: [String: Job] = [:]
        for entry in try await store.entries(in: .prefix(prefix), limit: nil) {
            let job = try decode(entry.value, key: entry.key)
            if !job.status.isTerminal { active[job.id] = job }
        }
        return KeyValueJobStore(store: store, prefix: prefix, active: active)
    }

    public func insert(_ job: Job) async throws {
        try await exclusively { try await self.insertLocked(job) }
    }

    private func insertLocked(_ job: Job) async throws {
        if active[job.id] != nil {
            throw JobSchedulerError.duplicateJob(id: job.id)
        }
        if try await store.get(key(job.id)) != nil {
            throw JobSchedulerError.duplicateJob(id: job.id)
        }
        try await write(job)
    }

    public func job(id: String) async throws -> Job? {
        if let job = active[id] { return job }
        return try await store.get(key(id)).map { try Self.decode($0, key: key(id)) }
    }

    public func jobs(type: String?, status: JobStatus?) async throws -> [Job] {
        if let status, !status.isTerminal {
            return active.values.filter { JobSelection.matches($0, type: type, status: status) }
                .sorted(by: JobSelection.listOrder)
        }
        return try await store.entries(in: .prefix(prefix), limit: nil)
            .map { try Self.decode($0.value, key: $0.key) }
            .filter { JobSelection.matches($0, type: type, status: status) }
            .sorted(by: JobSelection.listOrder)
    }

    public func claim(_ request: JobClaimRequest) async throws -> [Job] {
        try await exclusively { try await self.claimLocked(request) }
    }

    private func claimLocked(_ request: JobClaimRequest) async throws -> [Job] {
        var changed: [Job] = []
        for id in index.running where request.recoverExpiredLeases {
            guard var job = active[id], job.hasExpiredLease(at: request.now) else { continue }
            job.recoverExpiredLease(now: request.now, maxLogEntries: request.maxLogEntries)
            changed.append(job)
        }
        // Recovered jobs are due no earlier than now + their backoff: claim from the index as it was.
        var claimed: [Job] = []
        for id in index.due(for: request) {
            guard var job = active[id] else { continue }
            job.claim(owner: request.owner, leaseExpiresAt: request.leaseExpiresAt, now: request.now)
            claimed.append(job)
        }
        try await write(changed + claimed)
        return claimed
    }

    public func renewLeases(_ ids: [String], owner: String, expiresAt: Date) async throws -> [String: JobLeaseState] {
        try await exclusively { try await self.renewLeasesLocked(ids, owner: owner, expiresAt: expiresAt) }
    }

    private func renewLeasesLocked(_ ids: [String], owner: String, expiresAt: Date) async throws -> [String: JobLeaseState] {
        var renewed: [Job] = []
        for id in ids {
            guard var job = active[id], job.status == .running, job.leaseOwner == owner else { continue }
            job.leaseExpiresAt = expiresAt
            renewed.append(job)
        }
        try await write(renewed)
        return Dictionary(uniqueKeysWithValues: renewed.map { ($0.id, JobLeaseState(cancelRequested: $0.cancelRequested)) })
    }

    public func update(
        id: String,
        ifLeasedBy owner: String?,
        _ change: @Sendable (inout Job) throws -> Void
    ) async throws -> Job? {
        try await exclusively { try await self.updateLocked(id: id, ifLeasedBy: owner, change) }
    }

    private func updateLocked(
        id: String,
        ifLeasedBy owner: String?,
        _ change: @Sendable (inout Job) throws -> Void
    ) async throws -> Job? {
        guard var job = try await self.job(id: id) else { throw JobSchedulerError.unknownJob(id: id) }
        if let owner, job.status != .running || job.leaseOwner != owner { return nil }
        try change(&job)
        try await write(job)
        return job
    }

    private func key(_ id: String) -> String { prefix + id }

    /// Runs `body` with no other change in progress. The actor alone is not enough: it is reentrant at every
    /// `await` on the key-value store, and two claims interleaved there would claim the same job twice.
    private func exclusively<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        }
        return try await body()
    }

    /// Writes `jobs` in one batch, then mirrors them in memory.
    private func write(_ jobs: [Job]) async throws {
        guard !jobs.isEmpty else { return }
        let entries = try jobs.map { KeyValueEntry(key: key($0.id), value: Array(try Self.encoder.encode($0))) }
        try await store.set(entries)
        for job in jobs {
            let old = job.status.isTerminal ? active.removeValue(forKey: job.id) : active.updateValue(job, forKey: job.id)
            index.replace(old, with: job)
        }
    }

    private func write(_ job: Job) async throws { try await write([job]) }

    private static func decode(_ bytes: [UInt8], key: String) throws -> Job {
        do {
            return try decoder.decode(Job.self, from: Data(bytes))
        } catch {
            throw JobSchedulerError.corruptRecord("the value at key '\(key)' is not a job (\(error))")
        }
    }
}
