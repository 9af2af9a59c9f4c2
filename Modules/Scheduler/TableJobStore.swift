public import Foundation
public import StorageRefs

/// Jobs in a StorageRefs table store (SQLite or PostgreSQL): the store several scheduler processes can share.
///
/// One row per job. The columns a claim or a listing filters on (`status`, `type`, `run_after`, `lease_owner`,
/// `lease_expires_at`, `cancel_requested`, `created_at`) are real columns; the rest of the job (payload,
/// transitions, logs, artifacts, attempts, retry policy) is one JSON text column, `record`.
///
/// Every operation is one transaction. Claims read due rows with ``StorageRefs/RowLocking/forUpdateSkipLocked``
/// (PostgreSQL's `FOR UPDATE SKIP LOCKED`: concurrent claimers get disjoint rows and never wait for each other)
/// and changes read their row with ``StorageRefs/RowLocking/forUpdate``; on SQLite, write transactions are
/// serial across processes, which gives the same guarantees. Each write is also conditional on the status it
/// read, so a row another claimer changed is never claimed twice even on a store without row locks.
public struct TableJobStore: JobStore {
    private let store: any TableStore
    /// The table name.
    public let table: String

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    private init(store: any TableStore, table: String) {
        self.store = store
        self.table = table
    }

    /// Opens the jobs in `table`, creating the table and its indexes when missing.
    ///
    /// - Parameters:
    ///   - store: The table store.
    ///   - table: The table name (default `"scheduler_jobs"`).
    /// - Throws: The store's errors: `invalidIdentifier` for a bad table name, `schemaMismatch` when an existing
    ///   table of that name is not a job table.
    public static func open(store: any TableStore, table: String = "scheduler_jobs") async throws -> TableJobStore {
        try await store.createTable(
            TableSchema(
                name: table,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "type", type: .string, isNullable: false),
                    ColumnDefinition(name: "status", type: .string, isNullable: false),
                    ColumnDefinition(name: "run_after", type: .datetime, isNullable: false),
                    ColumnDefinition(name: "lease_owner", type: .string),
                    ColumnDefinition(name: "lease_expires_at", type: .datetime),
                    ColumnDefinition(name: "cancel_requested", type: .boolean, isNullable: false),
                    ColumnDefinition(name: "created_at", type: .datetime, isNullable: false),
                    ColumnDefinition(name: "record", type: .text, isNullable: false),
                ],
                indexes: [
                    IndexDefinition(columns: ["status", "type", "run_after"]),
                    IndexDefinition(columns: ["status", "lease_expires_at"]),
                    IndexDefinition(columns: ["created_at"]),
                ]
            )
        )
        return TableJobStore(store: store, table: table)
    }

    public func insert(_ job: Job) async throws {
        do {
            try await store.insert(into: table, rows: [try row(job)])
        } catch let error as StorageError where error.code == .constraintViolation {
            throw JobSchedulerError.duplicateJob(id: job.id)
        }
    }

    public func job(id: String) async throws -> Job? {
        try await store.fetchOne(from: table, where: .equal("id", .string(id))).map(job(from:))
    }

    public func jobs(type: String?, status: JobStatus?) async throws -> [Job] {
        var conditions: [TablePredicate] = []
        if let type { conditions.append(.equal("type", .string(type))) }
        if let status { conditions.append(.equal("status", .string(status.rawValue))) }
        var query = TableQuery(
            table: table,
            predicate: conditions.isEmpty ? nil : .and(conditions),
            ordering: .ascending("created_at"),
            limit: 500
        )
        var jobs: [Job] = []
        repeat {
            let page = try await store.fetchPage(query)
            jobs += try page.rows.map(job(from:))
            query.after = page.nextCursor
        } while query.after != nil
        return jobs
    }

    public func claim(_ request: JobClaimRequest) async throws -> [Job] {
        try await store.withTransaction { tx in
            let expired = !request.recoverExpiredLeases ? TablePage(rows: [], hasMore: false) : try await tx.fetchPage(
                TableQuery(
                    table: table,
                    predicate: .and([
                        .equal("status", .string(JobStatus.running.rawValue)),
                        .less("lease_expires_at", .datetime(request.now)),
                    ]),
                    limit: 100,
                    locking: .forUpdateSkipLocked
                )
            )
            for row in expired.rows {
                var job = try job(from: row)
                job.recoverExpiredLease(now: request.now, maxLogEntries: request.maxLogEntries)
                _ = try await write(job, in: tx, ifStatus: .running)
            }
            var claimed: [Job] = []
            // Types in random order, so that when `maxJobs` cuts the claim short no type is always last.
            for (type, typeLimit) in request.limits.shuffled() {
                let limit = min(typeLimit, request.maxJobs - claimed.count)
                guard limit > 0 else { continue }
                let due = try await tx.fetchPage(
                    TableQuery(
                        table: table,
                        predicate: .and([
                            .equal("status", .string(JobStatus.scheduled.rawValue)),
                            .equal("type", .string(type)),
                            .lessOrEqual("run_after", .datetime(request.now)),
                        ]),
                        ordering: .ascending("run_after"),
                        limit: limit,
                        locking: .forUpdateSkipLocked
                    )
                )
                for row in due.rows {
                    var job = try job(from: row)
                    job.claim(owner: request.owner, leaseExpiresAt: request.leaseExpiresAt, now: request.now)
                    if try await write(job, in: tx, ifStatus: .scheduled) { claimed.append(job) }
                }
            }
            return claimed
        }
    }

    public func renewLeases(_ ids: [String], owner: String, expiresAt: Date) async throws -> [String: JobLeaseState] {
        guard !ids.isEmpty else { return [:] }
        let held: TablePredicate = .and([
            .in("id", ids.map { .string($0) }),
            .equal("status", .string(JobStatus.running.rawValue)),
            .equal("lease_owner", .string(owner)),
        ])
        return try await store.withTransaction { tx in
            // The renewed lease lives in the column; `record` keeps the claim's value, which reads ignore.
            _ = try await tx.update(table, set: ["lease_expires_at": .datetime(expiresAt)], where: held)
            let rows = try await tx.fetchPage(TableQuery(table: table, predicate: held, columns: ["id", "cancel_requested"])).rows
            var states: [String: JobLeaseState] = [:]
            for row in rows {
                guard let id = row["id"]?.stringValue else { continue }
                states[id] = JobLeaseState(cancelRequested: row["cancel_requested"]?.booleanValue ?? false)
            }
            return states
        }
    }

    public func update(
        id: String,
        ifLeasedBy owner: String?,
        _ change: @Sendable (inout Job) throws -> Void
    ) async throws -> Job? {
        try await store.withTransaction { tx in
            let rows = try await tx.fetchPage(
                TableQuery(table: table, predicate: .equal("id", .string(id)), limit: 1, locking: .forUpdate)
            ).rows
            guard let row = rows.first else { throw JobSchedulerError.unknownJob(id: id) }
            var job = try job(from: row)
            if let owner, job.status != .running || job.leaseOwner != owner { return nil }
            let status = job.status
            try change(&job)
            guard try await write(job, in: tx, ifStatus: status) else { return nil }
            return job
        }
    }

    /// Writes `job` over its row when the row still has `status`; returns whether it did.
    private func write(_ job: Job, in tx: any TableOperations, ifStatus status: JobStatus) async throws -> Bool {
        var values = try row(job)
        values.values["id"] = nil
        let updated = try await tx.update(
            table,
            set: values,
            where: .and([.equal("id", .string(job.id)), .equal("status", .string(status.rawValue))])
        )
        return updated == 1
    }

    private func row(_ job: Job) throws -> TableRow {
        let record: String
        do {
            record = String(decoding: try Self.encoder.encode(job), as: UTF8.self)
        } catch {
            throw JobSchedulerError.invalidArgument("job '\(job.id)' cannot be encoded as JSON: \(error)")
        }
        return [
            "id": .string(job.id),
            "type": .string(job.type),
            "status": .string(job.status.rawValue),
            "run_after": .datetime(job.runAfter),
            "lease_owner": job.leaseOwner.map { .string($0) } ?? .null,
            "lease_expires_at": job.leaseExpiresAt.map { .datetime($0) } ?? .null,
            "cancel_requested": .boolean(job.cancelRequested),
            "created_at": .datetime(job.createdAt),
            "record": .string(record),
        ]
    }

    /// The job in `row`: the record, with the columns that are changed on their own laid over it.
    private func job(from row: TableRow) throws -> Job {
        let id = row["id"]?.stringValue ?? "?"
        guard let text = row["record"]?.stringValue else {
            throw JobSchedulerError.corruptRecord("job '\(id)' in table '\(table)' has no record")
        }
        var job: Job
        do {
            job = try Self.decoder.decode(Job.self, from: Data(text.utf8))
        } catch {
            throw JobSchedulerError.corruptRecord("the record of job '\(id)' in table '\(table)' is not a job (\(error))")
        }
        job.leaseExpiresAt = row["lease_expires_at"]?.datetimeValue
        return job
    }
}
