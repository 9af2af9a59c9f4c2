public import StorageRefs

/// A piece of a document with its embedding, as a vector index stores it.
public struct Chunk: Hashable, Sendable {
    /// The chunk's id; unique in an index. ``ChunkID/generate(documentID:chunkText:window:)`` makes llama-stack's.
    public var id: String
    /// The document the chunk belongs to; ``VectorIndex/delete(documentIDs:)`` removes by it.
    public var documentID: String
    /// The chunk's text, which keyword search indexes.
    public var content: String
    /// Metadata that filters match against (``MetadataFilter``); any JSON values.
    public var metadata: [String: JSONValue]
    /// The embedding; its length must equal the index's dimension and every value must be finite.
    public var embedding: [Float]

    /// Creates a chunk.
    ///
    /// - Parameters:
    ///   - id: The chunk id; `nil` (the default) for ``ChunkID/generate(documentID:chunkText:window:)`` of
    ///     `documentID` and `content`.
    ///   - documentID: The document the chunk belongs to.
    ///   - content: The chunk's text.
    ///   - metadata: Metadata for filters; empty by default.
    ///   - embedding: The embedding.
    public init(
        id: String? = nil,
        documentID: String,
        content: String,
        metadata: [String: JSONValue] = [:],
        embedding: [Float]
    ) {
        self.id = id ?? ChunkID.generate(documentID: documentID, chunkText: content)
        self.documentID = documentID
        self.content = content
        self.metadata = metadata
        self.embedding = embedding
    }
}

/// A chunk a query found, with its score (higher is better).
public struct ChunkMatch: Hashable, Sendable {
    /// The chunk.
    public var chunk: Chunk
    /// The score: for vector queries the similarity of ``DistanceMetric``; for keyword queries the backend's
    /// relevance (higher is better); for hybrid queries the fused score of ``Ranker``.
    public var score: Double

    /// Creates a match.
    public init(chunk: Chunk, score: Double) {
        self.chunk = chunk
        self.score = score
    }
}
