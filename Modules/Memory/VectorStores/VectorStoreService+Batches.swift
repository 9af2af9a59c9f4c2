import Foundation
public import Scheduler
public import StorageRefs
import _Instrumentation
import Tracing

extension VectorStoreService {
    /// The scheduler job type that processes file batches.
    public static let batchJobType = "vector_store.file_batch"

    /// Registers the batch job on `scheduler` and uses it for ``createFileBatch(storeID:fileIDs:attributes:chunkingStrategy:)``.
    /// Every process serving the same tables registers it, so any of them can resume a batch whose process died.
    public func useScheduler(_ scheduler: JobScheduler) async throws {
        try await scheduler.register(Self.batchJobType, options: JobTypeOptions(retry: JobRetryPolicy(maxAttempts: 5))) { [self] context in
            guard let batchID = context.payload["batch_id"]?.stringValue else {
                throw MemoryError.invalid("payload.batch_id", "missing")
            }
            try await self.runBatch(id: batchID)
        }
        self.scheduler = scheduler
    }

    /// Creates a batch and schedules it; files are processed by the scheduler, a few at a time.
    ///
    /// - Throws: ``MemoryError`` when no scheduler is set, the store is unknown, `file_ids` is empty or has
    ///   duplicates, or the attributes or strategy are invalid.
    public func createFileBatch(
        storeID: String,
        fileIDs: [String],
        attributes: [String: JSONValue] = [:],
        chunkingStrategy: ChunkingStrategy? = nil
    ) async throws -> VectorStoreFileBatch {
        return try await instrumentation.run("createFileBatch", attributes: { $0["stackkit.vector_store"] = storeID; $0["stackkit.count"] = fileIDs.count }) { _ in
            guard let scheduler else { throw MemoryError.invalid("scheduler", "file batches need useScheduler(_:) first") }
            guard !fileIDs.isEmpty else { throw MemoryError.invalid("file_ids", "empty") }
            guard Set(fileIDs).count == fileIDs.count else { throw MemoryError.invalid("file_ids", "duplicate ids") }
            try Self.validateAttributes(attributes)
            let (_, storeStrategy) = try await activeStoreRow(storeID)
            let strategy = chunkingStrategy ?? storeStrategy
            try strategy.validate()
            let id = "vsfb_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let created = now
            try await tables.insert(
                into: configuration.batchesTable,
                rows: [
                    TableRow([
                        "id": .string(id), "store_id": .string(storeID), "created_at": .integer(created),
                        "expires_at": .integer(created + 7 * 86_400), "status": "in_progress",
                        "file_ids": .json(.array(fileIDs.map { .string($0) })), "attributes": .json(.object(attributes)),
                        "chunking_strategy": .json(VectorStoreTables.strategyJSON(strategy)),
                    ])
                ]
            )
            _ = try await scheduler.schedule(type: Self.batchJobType, id: id, payload: ["batch_id": .string(id)])
            return try await retrieveFileBatch(storeID: storeID, batchID: id)
        }
    }

    /// A batch with its counts.
    ///
    /// - Throws: ``MemoryError`` for an unknown batch, one of another store, or an expired one.
    public func retrieveFileBatch(storeID: String, batchID: String) async throws -> VectorStoreFileBatch {
        let row = try await batchRow(batchID)
        guard row["store_id"]?.stringValue == storeID else {
            throw MemoryError.invalid("batch_id", "batch '\(batchID)' does not belong to vector store '\(storeID)'")
        }
        let expiresAt = row["expires_at"]?.integerValue ?? 0
        guard expiresAt > now else { throw MemoryError.invalid("batch_id", "batch '\(batchID)' has expired") }
        let fileIDs = row["file_ids"]?.jsonValue?.arrayValue?.compactMap(\.stringValue) ?? []
        let statuses = try await tables.fetchPage(
            TableQuery(table: configuration.filesTable, predicate: .equal("batch_id", .string(batchID)), columns: ["status"])
        ).rows.compactMap { $0["status"]?.stringValue }
        func count(_ status: String) -> Int { statuses.filter { $0 == status }.count }
        var counts = VectorStoreFileCounts(
            inProgress: count("in_progress"), completed: count("completed"), failed: count("failed"),
            cancelled: count("cancelled"), total: fileIDs.count
        )
        let status = row["status"]?.stringValue ?? "in_progress"
        // Files not started yet count as in progress while the batch runs.
        if status == "in_progress" { counts.inProgress = fileIDs.count - counts.completed - counts.failed - counts.cancelled }
        return VectorStoreFileBatch(
            id: batchID, createdAt: row["created_at"]?.integerValue ?? 0, vectorStoreID: storeID, status: status,
            fileCounts: counts, expiresAt: expiresAt
        )
    }

    /// The files of a batch, a page at a time (as ``listFiles(storeID:limit:order:after:before:status:)``).
    public func listFilesInBatch(
        storeID: String, batchID: String, limit: Int = 20, order: SortDirection = .descending, after: String? = nil,
        before: String? = nil, status: String? = nil
    ) async throws -> VectorStorePage<VectorStoreFileObject> {
        _ = try await retrieveFileBatch(storeID: storeID, batchID: batchID)
        var extra: TablePredicate = .equal("batch_id", .string(batchID))
        if let status { extra = .and([extra, .equal("status", .string(status))]) }
        let page = try await VectorStoreTables.page(
            tables, table: configuration.filesTable, scope: ("store_id", storeID), limit: limit, order: order, after: after,
            before: before, extra: extra
        )
        let files = try page.rows.map(VectorStoreTables.file(from:))
        return VectorStorePage(data: files, firstID: files.first?.id, lastID: files.last?.id, hasMore: page.hasMore)
    }

    /// Cancels a running batch: its job is cancelled and waited for, then every file of the batch not completed or
    /// failed is recorded `cancelled`, with the store's counts, so the counts are exact.
    ///
    /// - Throws: ``MemoryError`` when the batch is not `in_progress` ("cannot cancel batch X with status Y").
    public func cancelFileBatch(storeID: String, batchID: String) async throws -> VectorStoreFileBatch {
        let batch = try await retrieveFileBatch(storeID: storeID, batchID: batchID)
        guard batch.status == "in_progress" else {
            throw MemoryError.invalid("batch_id", "cannot cancel batch '\(batchID)' with status \(batch.status)")
        }
        _ = try await tables.update(configuration.batchesTable, set: TableRow(["status": "cancelled"]), where: .equal("id", .string(batchID)))
        if let scheduler {
            _ = try? await scheduler.cancel(id: batchID)
            _ = try? await scheduler.waitUntilFinished(id: batchID)
        }
        let row = try await batchRow(batchID)
        let fileIDs = row["file_ids"]?.jsonValue?.arrayValue?.compactMap(\.stringValue) ?? []
        let filesTable = configuration.filesTable
        let created = now
        let keys = fileIDs.map { VectorStoreTables.key(store: storeID, file: $0) }
        var statusByKey: [String: String] = [:]
        for row in try await tables.fetchPage(
            TableQuery(table: filesTable, predicate: .in("key", keys.map { .string($0) }), columns: ["key", "status"])
        ).rows {
            if let key = row["key"]?.stringValue { statusByKey[key] = row["status"]?.stringValue ?? "" }
        }
        for (fileID, key) in zip(fileIDs, keys) {
            if let status = statusByKey[key] {
                guard status == "in_progress" else { continue }
                try await changeCounts(storeID: storeID, deltas: ["in_progress": -1, "cancelled": 1]) { tx in
                    _ = try await tx.update(filesTable, set: TableRow(["status": "cancelled"]), where: .equal("key", .string(key)))
                }
            } else {
                let strategy = row["chunking_strategy"] ?? .json(["type": "auto"])
                try await changeCounts(storeID: storeID, deltas: ["cancelled": 1, "total": 1]) { tx in
                    try await tx.insert(into: filesTable, rows: [TableRow([
                        "key": .string(key), "store_id": .string(storeID), "file_id": .string(fileID), "filename": "",
                        "created_at": .integer(created), "status": "cancelled", "last_error": .null,
                        "attributes": row["attributes"] ?? .json([:]), "chunking_strategy": strategy,
                        "usage_bytes": 0, "chunk_count": 0, "batch_id": .string(batchID),
                    ])])
                }
            }
        }
        return try await retrieveFileBatch(storeID: storeID, batchID: batchID)
    }

    /// Processes a batch: every file not yet completed or failed, `batchConcurrency` at a time. Idempotent, so a
    /// batch whose process died resumes where it stopped: files recorded `in_progress` by the dead process are
    /// processed again (their earlier chunks replaced), finished files are skipped.
    func runBatch(id batchID: String) async throws {
        let row = try await batchRow(batchID)
        guard row["status"]?.stringValue == "in_progress", let storeID = row["store_id"]?.stringValue else { return }
        let (store, _) = try await storeRow(storeID)
        let fileIDs = row["file_ids"]?.jsonValue?.arrayValue?.compactMap(\.stringValue) ?? []
        let attributes = row["attributes"]?.jsonValue?.objectValue ?? [:]
        let strategy = VectorStoreTables.strategy(from: row["chunking_strategy"]?.jsonValue)
        let limit = configuration.batchConcurrency
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for fileID in fileIDs {
                if running == limit {
                    try await group.next()
                    running -= 1
                }
                try Task.checkCancellation()
                group.addTask {
                    try await self.runBatchFile(store: store, fileID: fileID, attributes: attributes, strategy: strategy, batchID: batchID)
                }
                running += 1
            }
            try await group.waitForAll()
        }
        let completed = try await tables.count(
            in: configuration.filesTable, where: .and([.equal("batch_id", .string(batchID)), .equal("status", "completed")])
        )
        let status = completed == 0 ? "failed" : "completed"
        _ = try await tables.update(
            configuration.batchesTable, set: TableRow(["status": .string(status)]),
            where: .and([.equal("id", .string(batchID)), .equal("status", "in_progress")])
        )
    }

    private func runBatchFile(store: VectorStoreObject, fileID: String, attributes: [String: JSONValue], strategy: ChunkingStrategy, batchID: String) async throws {
        // A cancelled batch stops taking files.
        guard try await batchRow(batchID)["status"]?.stringValue == "in_progress" else { return }
        let key = VectorStoreTables.key(store: store.id, file: fileID)
        if let existing = try await tables.fetchOne(from: configuration.filesTable, where: .equal("key", .string(key))) {
            // Interrupted by a process that died: process it again. Finished files are skipped.
            if existing["status"]?.stringValue == "in_progress" {
                try await process(store: store, fileID: fileID, key: key, attributes: attributes, strategy: strategy)
            }
            return
        }
        _ = try await attachFile(storeID: store.id, fileID: fileID, attributes: attributes, chunkingStrategy: strategy, batchID: batchID)
    }

    func batchRow(_ batchID: String) async throws -> TableRow {
        guard let row = try await tables.fetchOne(from: configuration.batchesTable, where: .equal("id", .string(batchID))) else {
            throw MemoryError.invalid("batch_id", "no file batch with id '\(batchID)'")
        }
        return row
    }
}
