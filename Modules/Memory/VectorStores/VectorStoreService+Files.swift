import Foundation
public import StorageRefs
import VectorIO
import _Instrumentation
import Tracing

extension VectorStoreService {
    /// Metadata keys the service adds to chunks; search results report the file's attributes without them.
    static let internalKeys: Set<String> = [
        "document_id", "chunk_id", "token_count", "metadata_token_count", "chunk_window", "chunk_tokenizer", "filename",
        "chunk_index", "chunk_embedding_model", "chunk_embedding_dimension",
    ]

    /// Attaches a file: reads it from the file source, extracts its text, chunks, embeds and indexes it before
    /// returning. Idempotent: a file already attached is returned as it is.
    ///
    /// The file is recorded `in_progress` (and counted) first; then `completed`, or `failed` with `last_error`
    /// (`unsupported_file` for content that cannot become text, `server_error` otherwise) — the status and the
    /// store's counts change in one transaction. A failure to process the file is not thrown: it is the file's status.
    ///
    /// - Throws: ``MemoryError`` for an unknown store, bad `attributes` (values must be strings, numbers or booleans)
    ///   or a bad strategy; or the table store's error.
    public func attachFile(
        storeID: String,
        fileID: String,
        attributes: [String: JSONValue] = [:],
        chunkingStrategy: ChunkingStrategy? = nil
    ) async throws -> VectorStoreFileObject {
        return try await instrumentation.run("attachFile", attributes: { $0["stackkit.vector_store"] = storeID }) { _ in
            try await attachFile(storeID: storeID, fileID: fileID, attributes: attributes, chunkingStrategy: chunkingStrategy, batchID: nil)
        }
    }

    func attachFile(
        storeID: String,
        fileID: String,
        attributes: [String: JSONValue],
        chunkingStrategy: ChunkingStrategy?,
        batchID: String?
    ) async throws -> VectorStoreFileObject {
        let (store, storeStrategy) = try await activeStoreRow(storeID)
        let strategy = chunkingStrategy ?? storeStrategy
        try strategy.validate()
        try Self.validateAttributes(attributes)
        let key = VectorStoreTables.key(store: storeID, file: fileID)
        if let existing = try await tables.fetchOne(from: configuration.filesTable, where: .equal("key", .string(key))) {
            return try VectorStoreTables.file(from: existing)
        }
        let created = now
        let row = TableRow([
            "key": .string(key), "store_id": .string(storeID), "file_id": .string(fileID), "filename": "",
            "created_at": .integer(created), "status": "in_progress", "last_error": .null,
            "attributes": .json(.object(attributes)), "chunking_strategy": .json(VectorStoreTables.strategyJSON(strategy)),
            "usage_bytes": 0, "chunk_count": 0, "batch_id": batchID.map { .string($0) } ?? .null,
        ])
        let filesTable = configuration.filesTable
        do {
            try await changeCounts(storeID: storeID, deltas: ["in_progress": 1, "total": 1]) { tx in
                try await tx.insert(into: filesTable, rows: [row])
            }
        } catch let error as StorageError where error.code == .constraintViolation {
            // Attached concurrently by another call: that call processes it.
            return try await retrieveFile(storeID: storeID, fileID: fileID)
        }
        try await process(store: store, fileID: fileID, key: key, attributes: attributes, strategy: strategy)
        return try await retrieveFile(storeID: storeID, fileID: fileID)
    }

    /// Reads, chunks, embeds and indexes one file, then records the outcome.
    func process(store: VectorStoreObject, fileID: String, key: String, attributes: [String: JSONValue], strategy: ChunkingStrategy) async throws {
        let filesTable = configuration.filesTable
        var filename = ""
        do {
            let source = try await files.file(id: fileID)
            filename = source.filename
            let text = try await extractor.text(of: source.document)
            var metadata = attributes
            metadata["filename"] = .string(filename)
            let chunks = try chunker.chunks(documentID: fileID, text: text, strategy: strategy, metadata: metadata)
            let pending = chunks.enumerated().map { position, chunk in
                var chunk = chunk
                chunk.metadata["chunk_index"] = .int(Int64(position))
                return PendingChunk(chunk)
            }
            let index = try await index(for: store)
            guard let embedder = embedders[store.embeddingModel] else {
                throw MemoryError.invalid("embedding_model", "the store's model '\(store.embeddingModel)' has no embedder here")
            }
            // Chunks of an earlier, interrupted attempt are replaced.
            _ = try await index.delete(documentIDs: [fileID])
            try await ChunkRetriever(index: index, embedder: embedder).insert(pending)
            let bytes = source.document.bytes.count
            let storedName = filename
            try await changeCounts(storeID: store.id, deltas: ["in_progress": -1, "completed": 1, "usage_bytes": bytes]) { tx in
                _ = try await tx.update(
                    filesTable,
                    set: TableRow(["status": "completed", "filename": .string(storedName), "usage_bytes": .integer(Int64(bytes)), "chunk_count": .integer(Int64(chunks.count))]),
                    where: .equal("key", .string(key))
                )
            }
        } catch where error is CancellationError || Task.isCancelled {
            // Stopped (a cancelled batch, a shutting-down process), not failed: the file stays in_progress for a
            // resumed batch to process again, or for the cancel to record as cancelled.
            throw error
        } catch {
            let code = (error as? MemoryError).map { [.unsupportedContent, .undecodableText].contains($0.code) } == true ? "unsupported_file" : "server_error"
            let message = (error as? MemoryError)?.message ?? String(describing: error)
            let storedName = filename
            try await changeCounts(storeID: store.id, deltas: ["in_progress": -1, "failed": 1]) { tx in
                _ = try await tx.update(
                    filesTable,
                    set: TableRow(["status": "failed", "filename": .string(storedName), "last_error": .json(["code": .string(code), "message": .string(message)])]),
                    where: .equal("key", .string(key))
                )
            }
        }
    }

    /// Runs `body` and adds `deltas` to the store's counters, in one transaction (the store row is locked on
    /// PostgreSQL; SQLite write transactions are serial). Also bumps `last_active_at`.
    func changeCounts(storeID: String, deltas: [String: Int], _ body: @escaping @Sendable (any TableOperations) async throws -> Void) async throws {
        let storesTable = configuration.storesTable
        let now = self.now
        try await tables.withTransaction { tx in
            try await body(tx)
            let page = try await tx.fetchPage(
                TableQuery(table: storesTable, predicate: .equal("id", .string(storeID)), limit: 1, locking: .forUpdate)
            )
            guard let row = page.rows.first else {
                throw MemoryError.invalid("vector_store_id", "no vector store with id '\(storeID)'")
            }
            var values: [String: TableValue] = ["last_active_at": .integer(now)]
            // `expires_after` counts from the last activity.
            if let days = try? VectorStoreService.expirationDays(row["expires_after"]?.jsonValue) {
                values["expires_at"] = .integer(now + Int64(days) * 86_400)
            }
            for (column, delta) in deltas {
                values[column] = .integer((row[column]?.integerValue ?? 0) + Int64(delta))
            }
            _ = try await tx.update(storesTable, set: TableRow(values), where: .equal("id", .string(storeID)))
        }
    }

    /// The file `fileID` of store `storeID`.
    public func retrieveFile(storeID: String, fileID: String) async throws -> VectorStoreFileObject {
        guard let row = try await tables.fetchOne(
            from: configuration.filesTable, where: .equal("key", .string(VectorStoreTables.key(store: storeID, file: fileID)))
        ) else {
            throw MemoryError.invalid("file_id", "file '\(fileID)' is not in vector store '\(storeID)'")
        }
        return try VectorStoreTables.file(from: row)
    }

    /// One page of a store's files, newest first by default, optionally only those with `status`; `first_id` and
    /// `last_id` are this page's.
    public func listFiles(
        storeID: String, limit: Int = 20, order: SortDirection = .descending, after: String? = nil, before: String? = nil, status: String? = nil
    ) async throws -> VectorStorePage<VectorStoreFileObject> {
        _ = try await storeRow(storeID)
        if let status, !["in_progress", "completed", "failed", "cancelled"].contains(status) {
            throw MemoryError.invalid("filter", "unknown status '\(status)'")
        }
        let page = try await VectorStoreTables.page(
            tables, table: configuration.filesTable, scope: ("store_id", storeID), limit: limit, order: order, after: after,
            before: before, extra: status.map { .equal("status", .string($0)) }
        )
        let files = try page.rows.map(VectorStoreTables.file(from:))
        return VectorStorePage(data: files, firstID: files.first?.id, lastID: files.last?.id, hasMore: page.hasMore)
    }

    /// A file's text, chunk by chunk, in the order of the file.
    public func fileContents(storeID: String, fileID: String) async throws -> VectorStoreFileContent {
        let file = try await retrieveFile(storeID: storeID, fileID: fileID)
        let index = try await index(for: try await storeRow(storeID).store)
        let chunks = await index.chunks(documentID: fileID).sorted {
            ($0.metadata["chunk_index"]?.intValue ?? 0) < ($1.metadata["chunk_index"]?.intValue ?? 0)
        }
        return VectorStoreFileContent(
            fileID: fileID, filename: file.filename, attributes: file.attributes, data: chunks.map { .init(text: $0.content) }
        )
    }

    /// Replaces a file's attributes, in its record and in every chunk's metadata (so search filters see them).
    public func updateFile(storeID: String, fileID: String, attributes: [String: JSONValue]) async throws -> VectorStoreFileObject {
        try Self.validateAttributes(attributes)
        let file = try await retrieveFile(storeID: storeID, fileID: fileID)
        let index = try await index(for: try await storeRow(storeID).store)
        let updated = await index.chunks(documentID: fileID).map { chunk in
            var chunk = chunk
            for key in file.attributes.keys where !Self.internalKeys.contains(key) { chunk.metadata[key] = nil }
            chunk.metadata.merge(attributes) { _, new in new }
            return chunk
        }
        try await index.add(updated)
        _ = try await tables.update(
            configuration.filesTable, set: TableRow(["attributes": .json(.object(attributes))]),
            where: .equal("key", .string(VectorStoreTables.key(store: storeID, file: fileID)))
        )
        return try await retrieveFile(storeID: storeID, fileID: fileID)
    }

    /// Detaches a file: its chunks, then its record and the counts (one transaction).
    public func deleteFile(storeID: String, fileID: String) async throws -> VectorStoreDeletion {
        let file = try await retrieveFile(storeID: storeID, fileID: fileID)
        let index = try await index(for: try await storeRow(storeID).store)
        _ = try await index.delete(documentIDs: [fileID])
        let key = VectorStoreTables.key(store: storeID, file: fileID)
        let filesTable = configuration.filesTable
        var deltas = ["total": -1, "usage_bytes": -file.usageBytes]
        deltas[file.status] = -1
        try await changeCounts(storeID: storeID, deltas: deltas) { tx in
            guard try await tx.delete(from: filesTable, where: .equal("key", .string(key))) == 1 else {
                throw MemoryError.invalid("file_id", "file '\(fileID)' is not in vector store '\(storeID)'")
            }
        }
        return VectorStoreDeletion(id: fileID, object: "vector_store.file.deleted")
    }

    static func validateAttributes(_ attributes: [String: JSONValue]) throws(MemoryError) {
        for (key, value) in attributes {
            switch value {
            case .string, .int, .double, .bool: continue
            default: throw .invalid("attributes.\(key)", "values must be strings, numbers or booleans")
            }
        }
    }
}
