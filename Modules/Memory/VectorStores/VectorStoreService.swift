import Foundation
import Scheduler
public import StorageRefs
public import VectorIO
import _Instrumentation
public import CoreMetrics
public import Tracing

/// OpenAI-compatible vector stores over a table store: stores, their files, search and file contents.
///
/// All state lives in two tables (`vector_stores`, `vector_store_files`) and one chunk table per store
/// (`chunks_<store id>`, a ``VectorIO/FlatVectorIndex``). A file's status and the store's `file_counts` change in the
/// same transaction, so the counts always equal the statuses of the file rows. Every failure is thrown or recorded as
/// a file's `failed` status with its `last_error` (persisted); nothing answers an empty success.
public actor VectorStoreService {
    /// Table names and limits.
    public struct Configuration: Sendable {
        public var storesTable: String
        public var filesTable: String
        public var batchesTable: String
        /// Files of one batch processed at once. Default 3, as llama-stack.
        public var batchConcurrency: Int

        public init(
            storesTable: String = "vector_stores",
            filesTable: String = "vector_store_files",
            batchesTable: String = "vector_store_file_batches",
            batchConcurrency: Int = 3
        ) {
            self.storesTable = storesTable
            self.filesTable = filesTable
            self.batchesTable = batchesTable
            self.batchConcurrency = max(1, batchConcurrency)
        }
    }

    let tables: any TableStore
    let configuration: Configuration
    let embedders: [String: any Embedder]
    let defaultEmbedder: any Embedder
    let files: any VectorStoreFileSource
    let extractor: ContentExtractor
    let chunker: OverlappingChunker
    let keywordSearch: (any KeywordSearchBackend)?
    let clock: any WallClock
    var indexes: [String: FlatVectorIndex] = [:]
    var scheduler: JobScheduler?
    let instrumentation: OperationInstrumentation

    /// Creates the service; call ``prepare()`` before use.
    ///
    /// - Parameters:
    ///   - tables: The table store for every table.
    ///   - embedders: The embedders by model; the first is the default. At least one.
    ///   - files: Where attached files are read.
    ///   - extractor: Text from file bytes (PDF support comes from its extractor).
    ///   - tokenizer: The tokenizer chunk windows are counted in.
    ///   - keywordSearch: Keyword search over the chunk tables (SQLite FTS5 or PostgreSQL), or `nil` for vector
    ///     search only.
    ///   - clock: Time for `created_at` and `last_active_at`.
    ///   - tracer: Traces store creation and deletion, attaches, batches, searches and chunk inserts/queries as
    ///     `VectorStoreService.<operation>` spans; `nil` uses the bootstrapped tracer, a no-op until one is bootstrapped.
    ///   - metricsFactory: Receives their durations and failures; `nil` uses the bootstrapped backend.
    public init(
        tables: any TableStore,
        configuration: Configuration = Configuration(),
        embedders: [any Embedder],
        files: any VectorStoreFileSource,
        extractor: ContentExtractor = ContentExtractor(),
        tokenizer: any TextTokenizer,
        keywordSearch: (any KeywordSearchBackend)? = nil,
        clock: any WallClock = SystemWallClock(),
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(MemoryError) {
        self.instrumentation = OperationInstrumentation(
            component: "VectorStoreService",
            operations: ["createStore", "deleteStore", "attachFile", "createFileBatch", "search", "insertChunks", "queryChunks"],
            tracer: tracer,
            metricsFactory: metricsFactory
        )
        guard let first = embedders.first else { throw .invalid("embedders", "at least one embedder is needed") }
        self.tables = tables
        self.configuration = configuration
        self.embedders = Dictionary(embedders.map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        self.defaultEmbedder = first
        self.files = files
        self.extractor = extractor
        self.chunker = OverlappingChunker(tokenizer: tokenizer)
        self.keywordSearch = keywordSearch
        self.clock = clock
    }

    /// Creates the tables when missing.
    public func prepare() async throws {
        try await tables.createTable(VectorStoreTables.stores(configuration.storesTable))
        try await tables.createTable(VectorStoreTables.files(configuration.filesTable))
        try await tables.createTable(VectorStoreTables.batches(configuration.batchesTable))
    }

    var now: Int64 { Int64(clock.now().timeIntervalSince1970.rounded(.down)) }

    // MARK: Stores

    /// Creates a vector store and attaches `fileIDs` (each processed before this returns; a file that fails is
    /// recorded as failed, not thrown).
    ///
    /// The embedding model comes from `embeddingModel`, else `metadata["embedding_model"]` (both given must agree),
    /// else the default embedder; the dimension is the embedder's (a given `embeddingDimension` must equal it — never
    /// a silent 768).
    ///
    /// - Throws: ``MemoryError`` naming `embedding_model` (unknown, or disagreeing), `embedding_dimension`,
    ///   `chunking_strategy` or `expires_after`; or the table store's error.
    public func createStore(
        name: String? = nil,
        fileIDs: [String] = [],
        expiresAfter: JSONValue? = nil,
        chunkingStrategy: ChunkingStrategy = .auto,
        metadata: [String: JSONValue] = [:],
        embeddingModel: String? = nil,
        embeddingDimension: Int? = nil
    ) async throws -> VectorStoreObject {
        return try await instrumentation.run("createStore", attributes: { $0["stackkit.count"] = fileIDs.count }) { _ in
            try chunkingStrategy.validate()
            let fromMetadata = metadata["embedding_model"]?.stringValue
            if let embeddingModel, let fromMetadata, embeddingModel != fromMetadata {
                throw MemoryError.invalid("embedding_model", "'\(embeddingModel)' disagrees with metadata.embedding_model '\(fromMetadata)'")
            }
            let model = embeddingModel ?? fromMetadata ?? defaultEmbedder.model
            guard let embedder = embedders[model] else {
                throw MemoryError.invalid("embedding_model", "unknown model '\(model)'; known: \(embedders.keys.sorted().joined(separator: ", "))")
            }
            if let embeddingDimension, embeddingDimension != embedder.dimension {
                throw MemoryError.invalid("embedding_dimension", "\(embeddingDimension) differs from \(model)'s dimension \(embedder.dimension)")
            }
            let expiresDays = try Self.expirationDays(expiresAfter)
            let id = "vs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let created = now
            let store = VectorStoreObject(
                id: id, createdAt: created, name: name, usageBytes: 0, fileCounts: VectorStoreFileCounts(), status: "completed",
                expiresAfter: expiresAfter, expiresAt: expiresDays.map { created + Int64($0) * 86_400 }, lastActiveAt: created,
                metadata: metadata, embeddingModel: model, embeddingDimension: embedder.dimension
            )
            try await tables.insert(into: configuration.storesTable, rows: [VectorStoreTables.row(store, strategy: chunkingStrategy)])
            _ = try await index(for: store)
            for fileID in fileIDs {
                _ = try await attachFile(storeID: id, fileID: fileID, chunkingStrategy: chunkingStrategy)
            }
            return try await retrieveStore(id: id)
        }
    }

    /// The store with this id.
    ///
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/invalidArgument`` saying no store has the id.
    public func retrieveStore(id: String) async throws -> VectorStoreObject {
        try await storeRow(id).store
    }

    /// One page of stores, newest first by default; `after` / `before` are store ids (one of them at most).
    ///
    /// - Throws: ``MemoryError`` naming `limit` (1…100), `after`/`before` (unknown id, or both given).
    public func listStores(limit: Int = 20, order: SortDirection = .descending, after: String? = nil, before: String? = nil) async throws -> VectorStorePage<VectorStoreObject> {
        let page = try await VectorStoreTables.page(
            tables, table: configuration.storesTable, scope: nil, limit: limit, order: order, after: after, before: before
        )
        let now = self.now
        let stores = try page.rows.map { try VectorStoreTables.store(from: $0, now: now).store }
        return VectorStorePage(data: stores, firstID: stores.first?.id, lastID: stores.last?.id, hasMore: page.hasMore)
    }

    /// Updates a store's name, expiry and metadata (replaced wholesale when given); bumps `last_active_at`.
    public func updateStore(id: String, name: String? = nil, expiresAfter: JSONValue? = nil, metadata: [String: JSONValue]? = nil) async throws -> VectorStoreObject {
        let current = try await storeRow(id).store
        var values: [String: TableValue] = ["last_active_at": .integer(now)]
        if let days = try Self.expirationDays(current.expiresAfter) { values["expires_at"] = .integer(now + Int64(days) * 86_400) }
        if let name { values["name"] = .string(name) }
        if let metadata { values["metadata"] = .json(.object(metadata)) }
        if let expiresAfter {
            let days = try Self.expirationDays(expiresAfter)
            values["expires_after"] = .json(expiresAfter)
            values["expires_at"] = days.map { .integer(now + Int64($0) * 86_400) } ?? .null
        }
        _ = try await tables.update(configuration.storesTable, set: TableRow(values), where: .equal("id", .string(current.id)))
        return try await retrieveStore(id: id)
    }

    /// Deletes a store with its file records and chunks.
    public func deleteStore(id: String) async throws -> VectorStoreDeletion {
        return try await instrumentation.run("deleteStore", attributes: { $0["stackkit.vector_store"] = id }) { _ in
            let store = try await storeRow(id).store
            let index = try await index(for: store)
            let fileIDs = try await allFileRows(storeID: id).compactMap { $0["file_id"]?.stringValue }
            _ = try await index.delete(documentIDs: fileIDs)
            let storesTable = configuration.storesTable, filesTable = configuration.filesTable
            try await tables.withTransaction { tx in
                _ = try await tx.delete(from: filesTable, where: .equal("store_id", .string(id)))
                _ = try await tx.delete(from: storesTable, where: .equal("id", .string(id)))
            }
            indexes[id] = nil
            return VectorStoreDeletion(id: id, object: "vector_store.deleted")
        }
    }

    // MARK: Helpers shared by the extensions

    func storeRow(_ id: String) async throws -> (store: VectorStoreObject, strategy: ChunkingStrategy) {
        guard let row = try await tables.fetchOne(from: configuration.storesTable, where: .equal("id", .string(id))) else {
            throw MemoryError.invalid("vector_store_id", "no vector store with id '\(id)'")
        }
        return try VectorStoreTables.store(from: row, now: now)
    }

    /// The store, which must not have expired (an expired store can be read, listed and deleted, nothing else).
    func activeStoreRow(_ id: String) async throws -> (store: VectorStoreObject, strategy: ChunkingStrategy) {
        let row = try await storeRow(id)
        guard row.store.status != "expired" else {
            throw MemoryError.invalid("vector_store_id", "vector store '\(id)' has expired")
        }
        return row
    }

    func index(for store: VectorStoreObject) async throws -> FlatVectorIndex {
        if let index = indexes[store.id] { return index }
        let index = try await FlatVectorIndex.open(
            store: tables, table: "chunks_" + store.id, dimension: store.embeddingDimension, keywordSearch: keywordSearch
        )
        indexes[store.id] = indexes[store.id] ?? index
        return indexes[store.id]!
    }

    func allFileRows(storeID: String) async throws -> [TableRow] {
        var rows: [TableRow] = []
        var cursor: KeysetCursor?
        repeat {
            let page = try await tables.fetchPage(
                TableQuery(table: configuration.filesTable, predicate: .equal("store_id", .string(storeID)), limit: 1_000, after: cursor)
            )
            rows += page.rows
            cursor = page.hasMore ? page.nextCursor : nil
        } while cursor != nil
        return rows
    }

    static func expirationDays(_ value: JSONValue?) throws(MemoryError) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard case .object(let fields) = value, fields["anchor"]?.stringValue == "last_active_at",
            let days = fields["days"]?.intValue, (1...365).contains(days)
        else {
            throw .invalid("expires_after", "expected {\"anchor\": \"last_active_at\", \"days\": 1...365}")
        }
        return Int(days)
    }
}
