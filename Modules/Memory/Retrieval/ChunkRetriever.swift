import StorageRefs
public import VectorIO

/// How ``ChunkRetriever/query(_:parameters:)`` searches: llama-stack's `query_chunks` parameters.
public struct RetrievalParameters: Hashable, Sendable {
    /// Which index search runs.
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        case vector, keyword, hybrid
    }

    /// The most chunks returned; default 3, as llama-stack.
    public var maxChunks: Int
    /// The search mode; default vector.
    public var mode: Mode
    /// The lowest score kept; default 0.0, as llama-stack (`nil` for none).
    public var scoreThreshold: Double?
    /// The fusion for hybrid mode; default RRF with k = 60.
    public var ranker: Ranker
    /// A condition on chunk metadata, applied before the top-k cut.
    public var filter: MetadataFilter?

    /// Creates parameters.
    public init(maxChunks: Int = 3, mode: Mode = .vector, scoreThreshold: Double? = 0.0, ranker: Ranker = .default, filter: MetadataFilter? = nil) {
        self.maxChunks = maxChunks
        self.mode = mode
        self.scoreThreshold = scoreThreshold
        self.ranker = ranker
        self.filter = filter
    }
}

/// A chunk to insert: with an embedding already, or without one (the retriever embeds it).
public struct PendingChunk: Hashable, Sendable {
    /// The text chunk.
    public var chunk: TextChunk
    /// Its embedding, or `nil` to have it embedded.
    public var embedding: [Float]?

    /// Creates a pending chunk.
    public init(_ chunk: TextChunk, embedding: [Float]? = nil) {
        self.chunk = chunk
        self.embedding = embedding
    }
}

/// A vector index with the embedder that fills it: inserts embed only the chunks that need it, in one call, and
/// queries embed their text (llama-stack's `VectorDBWithIndex`).
public struct ChunkRetriever: Sendable {
    /// The index.
    public let index: any VectorIndex
    /// The embedder.
    public let embedder: any Embedder

    /// Creates a retriever.
    ///
    /// - Throws: ``MemoryError`` naming `embedder.dimension` when it differs from the index's dimension.
    public init(index: any VectorIndex, embedder: any Embedder) throws(MemoryError) {
        guard index.dimension == embedder.dimension else {
            throw .invalid("embedder.dimension", "\(embedder.dimension) differs from the index's dimension \(index.dimension)")
        }
        self.index = index
        self.embedder = embedder
    }

    /// Inserts chunks, embedding those without an embedding in one batched call, in order; all or none.
    ///
    /// Every chunk's metadata gains `chunk_embedding_model` (for the chunks embedded here) and
    /// `chunk_embedding_dimension`.
    ///
    /// - Throws: The embedder's error (nothing is inserted); ``MemoryError`` when it returns the wrong number of
    ///   embeddings; ``VectorIO/VectorIOError`` naming the position of an embedding of the wrong dimension (nothing is
    ///   inserted); or the index's error.
    public func insert(_ chunks: [PendingChunk]) async throws {
        let missing = chunks.indices.filter { chunks[$0].embedding == nil }
        var embeddings = chunks.map(\.embedding)
        if !missing.isEmpty {
            let produced = try await embedder.embed(missing.map { chunks[$0].chunk.content })
            guard produced.count == missing.count else {
                throw MemoryError(
                    code: .invalidArgument,
                    message: "embedder \(embedder.model) returned \(produced.count) embeddings for \(missing.count) texts"
                )
            }
            for (position, index) in missing.enumerated() { embeddings[index] = produced[position] }
        }
        let missingSet = Set(missing)
        var ready: [Chunk] = []
        for (position, pending) in chunks.enumerated() {
            let embedding = embeddings[position] ?? []
            try EmbeddingValidation.validate(embedding, index: position, dimension: index.dimension)
            var chunk = pending.chunk.embedded(embedding)
            if missingSet.contains(position) { chunk.metadata["chunk_embedding_model"] = .string(embedder.model) }
            chunk.metadata["chunk_embedding_dimension"] = .int(Int64(index.dimension))
            ready.append(chunk)
        }
        try await index.add(ready)
    }

    /// The chunks that best answer `query`.
    ///
    /// - Throws: ``MemoryError`` naming `max_chunks` when it is below 1; the embedder's error (vector and hybrid
    ///   modes); the index's error. Never an empty result for a failure.
    public func query(_ query: String, parameters: RetrievalParameters = RetrievalParameters()) async throws -> [ChunkMatch] {
        guard parameters.maxChunks >= 1 else { throw MemoryError.invalid("max_chunks", "\(parameters.maxChunks) must be at least 1") }
        let options = SearchOptions(k: parameters.maxChunks, scoreThreshold: parameters.scoreThreshold, filter: parameters.filter)
        switch parameters.mode {
        case .keyword:
            return try await index.queryKeyword(query, options: options)
        case .vector:
            return try await index.queryVector(try await embedQuery(query), options: options)
        case .hybrid:
            return try await index.queryHybrid(embedding: try await embedQuery(query), query: query, options: options, ranker: parameters.ranker)
        }
    }

    private func embedQuery(_ query: String) async throws -> [Float] {
        let embeddings = try await embedder.embed([query])
        guard embeddings.count == 1 else {
            throw MemoryError(code: .invalidArgument, message: "embedder \(embedder.model) returned \(embeddings.count) embeddings for 1 query")
        }
        return embeddings[0]
    }
}
