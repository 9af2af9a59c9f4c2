import Foundation
public import StorageRefs
import _Instrumentation
public import CoreMetrics
public import Tracing

/// An exact vector index: every query scores every chunk (cosine, dot product or Euclidean) over contiguous
/// `Float32` rows with the SIMD kernels of `CVectorKernels`, and keeps the best `k`.
///
/// - **Persistence**: chunks live in a table of a ``StorageRefs/TableStore`` (SQLite or PostgreSQL) and are loaded
///   into memory by ``open(store:table:dimension:metric:keywordSearch:)``. Every write goes to the table first
///   (all rows of a call in one transaction) and changes memory only when the table write succeeded, so memory and
///   table never diverge. One index object per table: a second process writing the same table is not seen until
///   it reopens.
/// - **Keyword search** comes from a ``KeywordSearchBackend`` over the same table (SQLite FTS5, PostgreSQL full-text
///   search), kept in step by the database itself.
/// - **Filters** are applied before the top-`k` cut (see ``SearchOptions/filter``).
/// - Results are ordered by score descending, equal scores by chunk id ascending.
///
/// The table's columns: `id` (STRING primary key), `seq` (INTEGER, unique, insertion order), `document_id`
/// (STRING, indexed), `content` (TEXT), `metadata` (JSON), `embedding` (TEXT: base64 of little-endian `Float32`).
public actor FlatVectorIndex: VectorIndex {
    /// The embedding dimension.
    public nonisolated let dimension: Int
    /// How vectors are compared.
    public nonisolated let metric: DistanceMetric
    /// The table holding the chunks.
    public nonisolated let table: String

    private let store: any TableStore
    private let keywordSearch: (any KeywordSearchBackend)?
    private var storage: FlatVectorStorage
    private var records: [ChunkRecord] = []
    private var slotByID: [String: Int] = [:]
    private var idsByDocument: [String: Set<String>] = [:]
    private var nextSeq: Int64 = 1
    private let writeLock = SerialWriteLock()
    private let instrumentation: OperationInstrumentation

    /// The most child tasks one large scan uses: the number of active processors by default.
    public var parallelism: Int = ProcessInfo.processInfo.activeProcessorCount

    /// Sets ``parallelism`` (at least 1).
    public func setParallelism(_ parallelism: Int) {
        self.parallelism = max(1, parallelism)
    }

    /// Rows per statement when writing or deleting many chunks (all in one transaction).
    static let writeBatch = 500

    private struct ChunkRecord: Sendable {
        var id: String
        var documentID: String
        var content: String
        var metadata: [String: JSONValue]
        var seq: Int64
    }

    private init(
        store: any TableStore,
        table: String,
        dimension: Int,
        metric: DistanceMetric,
        keywordSearch: (any KeywordSearchBackend)?,
        instrumentation: OperationInstrumentation
    ) {
        self.instrumentation = instrumentation
        self.store = store
        self.table = table
        self.dimension = dimension
        self.metric = metric
        self.keywordSearch = keywordSearch
        self.storage = FlatVectorStorage(dimension: dimension, metric: metric)
    }

    /// The schema of an index table.
    public static func schema(table: String) -> TableSchema {
        TableSchema(
            name: table,
            columns: [
                ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                ColumnDefinition(name: "seq", type: .integer, isNullable: false),
                ColumnDefinition(name: "document_id", type: .string, isNullable: false),
                ColumnDefinition(name: "content", type: .text, isNullable: false),
                ColumnDefinition(name: "metadata", type: .json, isNullable: false),
                ColumnDefinition(name: "embedding", type: .text, isNullable: false),
            ],
            indexes: [
                IndexDefinition(columns: ["seq"], isUnique: true),
                IndexDefinition(columns: ["document_id"]),
            ]
        )
    }

    /// Opens the index stored in `table`, creating the table when missing, and loads every chunk.
    ///
    /// - Parameters:
    ///   - store: The table store holding the chunks.
    ///   - table: The table name (validated by the store).
    ///   - dimension: The embedding dimension, 1…65,536.
    ///   - metric: How vectors are compared; cosine by default.
    ///   - keywordSearch: The keyword search over the same database, or `nil` for vector search only.
    /// - Throws: ``VectorIOError`` with code ``VectorIOError/Code-swift.struct/invalidArgument`` for a bad dimension,
    ///   ``VectorIOError/Code-swift.struct/corruptRecord`` naming the chunk whose stored row cannot be read or whose
    ///   embedding has another dimension; or the store's error.
    public static func open(
        store: any TableStore,
        table: String,
        dimension: Int,
        metric: DistanceMetric = .cosine,
        keywordSearch: (any KeywordSearchBackend)? = nil,
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) async throws -> FlatVectorIndex {
        guard (1...65_536).contains(dimension) else {
            throw VectorIOError.invalidArgument("dimension: \(dimension) is outside 1...65536")
        }
        try await store.createTable(schema(table: table))
        let index = FlatVectorIndex(
            store: store, table: table, dimension: dimension, metric: metric, keywordSearch: keywordSearch,
            instrumentation: OperationInstrumentation(
                component: "FlatVectorIndex",
                operations: ["add", "queryVector", "queryVectors", "queryKeyword"],
                tracer: tracer,
                metricsFactory: metricsFactory
            )
        )
        try await index.load()
        if let keywordSearch { try await keywordSearch.prepare(table: table) }
        return index
    }

    private func load() async throws {
        var cursor: KeysetCursor?
        repeat {
            let page = try await store.fetchPage(
                TableQuery(table: table, ordering: TableOrdering(column: "seq"), limit: 2_000, after: cursor)
            )
            storage.reserve(storage.count + page.rows.count)
            for row in page.rows {
                let (record, embedding) = try Self.decode(row, dimension: dimension, table: table)
                insertInMemory(record, embedding: embedding)
                nextSeq = max(nextSeq, record.seq + 1)
            }
            cursor = page.hasMore ? page.nextCursor : nil
        } while cursor != nil
    }

    private static func decode(_ row: TableRow, dimension: Int, table: String) throws -> (ChunkRecord, [Float]) {
        let id = row["id"]?.stringValue ?? "?"
        func corrupt(_ what: String) -> VectorIOError {
            VectorIOError(code: .corruptRecord, message: "chunk '\(id)' in table \(table): \(what)")
        }
        guard let seq = row["seq"]?.integerValue else { throw corrupt("seq is missing") }
        guard let documentID = row["document_id"]?.stringValue else { throw corrupt("document_id is missing") }
        guard let content = row["content"]?.stringValue else { throw corrupt("content is missing") }
        guard case .json(.object(let metadata))? = row["metadata"] else { throw corrupt("metadata is not an object") }
        guard let text = row["embedding"]?.stringValue, let embedding = EmbeddingCoding.decode(text) else {
            throw corrupt("embedding is not base64 Float32 data")
        }
        guard embedding.count == dimension else {
            throw corrupt("embedding has dimension \(embedding.count), the index has \(dimension)")
        }
        return (ChunkRecord(id: id, documentID: documentID, content: content, metadata: metadata, seq: seq), embedding)
    }

    // MARK: Reading

    /// The number of chunks.
    public func count() -> Int { records.count }

    /// The chunk with this id, or `nil`.
    public func chunk(id: String) -> Chunk? {
        slotByID[id].map(chunk(at:))
    }

    /// Every chunk of a document, in insertion order (the order they were first added).
    public func chunks(documentID: String) -> [Chunk] {
        (idsByDocument[documentID] ?? []).compactMap { slotByID[$0] }
            .sorted { records[$0].seq < records[$1].seq }
            .map(chunk(at:))
    }

    private func chunk(at slot: Int) -> Chunk {
        let record = records[slot]
        return Chunk(
            id: record.id,
            documentID: record.documentID,
            content: record.content,
            metadata: record.metadata,
            embedding: storage.embedding(at: slot)
        )
    }

    // MARK: Writing

    /// Adds chunks, replacing those with the same id; see ``VectorIndex/add(_:)``.
    public func add(_ chunks: [Chunk]) async throws {
        try await instrumentation.run("add", attributes: { $0["stackkit.table"] = table; $0["stackkit.count"] = chunks.count }) { _ in
            guard !chunks.isEmpty else { return }
            var seen = Set<String>()
            for (position, chunk) in chunks.enumerated() {
                guard !chunk.id.isEmpty else { throw VectorIOError.invalidArgument("chunks[\(position)].id: empty") }
                guard seen.insert(chunk.id).inserted else {
                    throw VectorIOError.invalidArgument("chunks[\(position)].id: '\(chunk.id)' appears twice in the batch")
                }
                try EmbeddingValidation.validate(chunk.embedding, index: position, dimension: dimension)
            }
            try await writeLock.withLock {
                try await self.write(chunks)
            }
        }
    }

    private func write(_ chunks: [Chunk]) async throws {
        var seq = nextSeq
        var records: [ChunkRecord] = []
        var rows: [TableRow] = []
        for chunk in chunks {
            let chunkSeq: Int64
            if let slot = slotByID[chunk.id] {
                chunkSeq = self.records[slot].seq
            } else {
                chunkSeq = seq
                seq += 1
            }
            let record = ChunkRecord(
                id: chunk.id, documentID: chunk.documentID, content: chunk.content, metadata: chunk.metadata, seq: chunkSeq
            )
            records.append(record)
            rows.append(
                TableRow([
                    "id": .string(chunk.id),
                    "seq": .integer(chunkSeq),
                    "document_id": .string(chunk.documentID),
                    "content": .string(chunk.content),
                    "metadata": .json(.object(chunk.metadata)),
                    "embedding": .string(EmbeddingCoding.encode(chunk.embedding)),
                ])
            )
        }
        let table = self.table
        let batches = stride(from: 0, to: rows.count, by: Self.writeBatch).map {
            Array(rows[$0..<min($0 + Self.writeBatch, rows.count)])
        }
        if batches.count == 1 {
            try await store.upsert(into: table, rows: batches[0], onConflict: ["id"])
        } else {
            try await store.withTransaction { tx in
                for batch in batches { try await tx.upsert(into: table, rows: batch, onConflict: ["id"]) }
            }
        }
        // The table holds the rows: now memory.
        for (record, chunk) in zip(records, chunks) {
            if let slot = slotByID[record.id] {
                let old = self.records[slot]
                idsByDocument[old.documentID]?.remove(old.id)
                if idsByDocument[old.documentID]?.isEmpty == true { idsByDocument[old.documentID] = nil }
                self.records[slot] = record
                storage.replace(slot, with: chunk.embedding)
                idsByDocument[record.documentID, default: []].insert(record.id)
            } else {
                insertInMemory(record, embedding: chunk.embedding)
            }
        }
        nextSeq = seq
    }

    private func insertInMemory(_ record: ChunkRecord, embedding: [Float]) {
        slotByID[record.id] = records.count
        records.append(record)
        storage.append(embedding)
        idsByDocument[record.documentID, default: []].insert(record.id)
    }

    /// Deletes chunks by id; see ``VectorIndex/delete(chunkIDs:)``.
    @discardableResult
    public func delete(chunkIDs: [String]) async throws -> Int {
        try await writeLock.withLock {
            try await self.deleteRows(ids: Array(Set(chunkIDs)).filter { self.slotByID[$0] != nil })
        }
    }

    /// Deletes every chunk of these documents; see ``VectorIndex/delete(documentIDs:)``.
    @discardableResult
    public func delete(documentIDs: [String]) async throws -> Int {
        try await writeLock.withLock {
            let ids = Set(documentIDs).flatMap { self.idsByDocument[$0] ?? [] }
            return try await self.deleteRows(ids: ids)
        }
    }

    private func deleteRows(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let table = self.table
        let batches = stride(from: 0, to: ids.count, by: Self.writeBatch).map {
            ids[$0..<min($0 + Self.writeBatch, ids.count)].map { TableValue.string($0) }
        }
        try await store.withTransaction { tx in
            for batch in batches { _ = try await tx.delete(from: table, where: .in("id", batch)) }
        }
        for id in ids {
            guard let slot = slotByID.removeValue(forKey: id) else { continue }
            let record = records[slot]
            idsByDocument[record.documentID]?.remove(id)
            if idsByDocument[record.documentID]?.isEmpty == true { idsByDocument[record.documentID] = nil }
            let last = records.count - 1
            if slot != last {
                records[slot] = records[last]
                slotByID[records[slot].id] = slot
            }
            records.removeLast()
            storage.remove(slot)
        }
        return ids.count
    }

    // MARK: Queries

    /// The chunks most similar to `embedding`; see ``VectorIndex/queryVector(_:options:)``.
    public func queryVector(_ embedding: [Float], options: SearchOptions = SearchOptions()) async throws -> [ChunkMatch] {
        return try await instrumentation.run("queryVector", attributes: { $0["stackkit.table"] = table; $0["stackkit.limit"] = options.k }) { _ in
            try await queryVectors([embedding], options: options)[0]
        }
    }

    /// ``queryVector(_:options:)`` for several queries at once: each stored vector is read once for all of them,
    /// which is faster than one query at a time.
    ///
    /// - Returns: One result list per query, in the order of `embeddings`.
    /// - Throws: ``VectorIOError`` naming the position of a bad embedding, or for bad options.
    ///
    /// Large indexes are scanned by up to ``parallelism`` child tasks at once, each over a contiguous range of rows.
    /// While a scan is under way, a write to the index copies the rows first (copy-on-write), so the scan sees the
    /// rows as they were when it started.
    public func queryVectors(_ embeddings: [[Float]], options: SearchOptions = SearchOptions()) async throws -> [[ChunkMatch]] {
        return try await instrumentation.run("queryVectors", attributes: { $0["stackkit.table"] = table; $0["stackkit.count"] = embeddings.count; $0["stackkit.limit"] = options.k }) { _ in
            try options.validate()
            for (position, embedding) in embeddings.enumerated() {
                try EmbeddingValidation.validate(embedding, index: position, dimension: dimension)
            }
            let records = self.records
            let storage = self.storage
            var include: (@Sendable (Int) -> Bool)?
            if let filter = options.filter {
                include = { @Sendable slot in filter.matches(records[slot].metadata) }
            }
            let better: @Sendable (TopK.Entry, TopK.Entry) -> Bool = { lhs, rhs in
                lhs.score != rhs.score
                    ? lhs.score > rhs.score
                    : records[lhs.slot].id.utf8.lexicographicallyPrecedes(records[rhs.slot].id.utf8)
            }
            let found = await storage.search(
                embeddings,
                k: options.k,
                threshold: options.scoreThreshold.map { Float($0) },
                parallelism: parallelism,
                include: include,
                better: better
            )
            return found.map { entries in entries.map { ChunkMatch(chunk: chunk(at: $0.slot), score: Double($0.score)) } }
        }
    }

    /// The chunks that best match the words of `query`; see ``VectorIndex/queryKeyword(_:options:)``.
    ///
    /// With a filter, the backend's ranked matches are read page by page until `k` pass the filter or none are
    /// left, so the filter applies before the cut.
    public func queryKeyword(_ query: String, options: SearchOptions = SearchOptions()) async throws -> [ChunkMatch] {
        return try await instrumentation.run("queryKeyword", attributes: { $0["stackkit.table"] = table; $0["stackkit.limit"] = options.k }) { _ in
            try options.validate()
            guard let keywordSearch else {
                throw VectorIOError(
                    code: .keywordSearchUnavailable,
                    message: "the index in table \(table) was opened without a keyword search backend"
                )
            }
            let pageSize = options.filter == nil ? options.k : max(64, options.k * 4)
            var offset = 0
            var matches: [ChunkMatch] = []
            var seen = Set<String>()
            while matches.count < options.k {
                let page = try await keywordSearch.search(table: table, query: query, limit: pageSize, offset: offset)
                for hit in page {
                    if let threshold = options.scoreThreshold, hit.score < threshold { continue }
                    // A row the backend sees but this index does not (written by another process) is skipped.
                    guard let slot = slotByID[hit.id], seen.insert(hit.id).inserted else { continue }
                    if let filter = options.filter, !filter.matches(records[slot].metadata) { continue }
                    matches.append(ChunkMatch(chunk: chunk(at: slot), score: hit.score))
                    if matches.count == options.k { break }
                }
                if page.count < pageSize { break }
                offset += pageSize
            }
            return matches
        }
    }

    /// Vector and keyword results fused by `ranker`; see ``VectorIndex/queryHybrid(embedding:query:options:ranker:)``.
    public func queryHybrid(
        embedding: [Float],
        query: String,
        options: SearchOptions = SearchOptions(),
        ranker: Ranker = .default
    ) async throws -> [ChunkMatch] {
        try ranker.validate()
        let vector = try await queryVector(embedding, options: options)
        let keyword = try await queryKeyword(query, options: options)
        var chunks: [String: Chunk] = [:]
        for match in vector + keyword { chunks[match.chunk.id] = match.chunk }
        let fused = ScoreFusion.combine(
            vector: vector.map { ($0.chunk.id, $0.score) },
            keyword: keyword.map { ($0.chunk.id, $0.score) },
            ranker: ranker
        )
        return fused.prefix(options.k)
            .filter { item in options.scoreThreshold.map { item.score >= $0 } ?? true }
            .compactMap { item in chunks[item.id].map { ChunkMatch(chunk: $0, score: item.score) } }
    }
}
