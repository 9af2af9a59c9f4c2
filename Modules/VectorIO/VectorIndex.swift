/// What a query returns and how it filters.
public struct SearchOptions: Hashable, Sendable {
    /// The most matches to return; at least 1. Default 10.
    public var k: Int
    /// The lowest score a match may have (inclusive); `nil` (the default) for no threshold.
    public var scoreThreshold: Double?
    /// A condition on chunk metadata, applied **before** the top-`k` cut, so a selective filter still returns `k`
    /// matches when that many chunks pass it; `nil` (the default) for none.
    public var filter: MetadataFilter?

    /// Creates options.
    public init(k: Int = 10, scoreThreshold: Double? = nil, filter: MetadataFilter? = nil) {
        self.k = k
        self.scoreThreshold = scoreThreshold
        self.filter = filter
    }

    /// Checks `k`, the threshold and the filter.
    ///
    /// - Throws: ``VectorIOError``: ``VectorIOError/Code-swift.struct/invalidArgument`` for `k < 1` or a
    ///   non-finite threshold; ``VectorIOError/Code-swift.struct/invalidFilter`` for a malformed filter.
    public func validate() throws(VectorIOError) {
        guard k >= 1 else { throw .invalidArgument("k: \(k) must be at least 1") }
        if let scoreThreshold, !scoreThreshold.isFinite {
            throw .invalidArgument("score_threshold: \(scoreThreshold) must be a finite number")
        }
        try filter?.validate()
    }
}

/// An index of chunks searchable by vector, by keywords, and by both.
///
/// Results are ordered by score descending, equal scores by chunk id ascending. Every failure is thrown; a query
/// never answers an empty list for an error.
public protocol VectorIndex: Sendable {
    /// The embedding dimension every chunk and query vector must have.
    var dimension: Int { get }

    /// The number of chunks in the index.
    func count() async -> Int

    /// Adds chunks, replacing those with the same id; all or none.
    ///
    /// - Throws: ``VectorIOError`` with code ``VectorIOError/Code-swift.struct/invalidEmbedding`` naming the
    ///   position of a bad embedding (nothing is added), ``VectorIOError/Code-swift.struct/invalidArgument`` for an
    ///   empty id or duplicate ids in the batch, or the storage error (nothing is added).
    func add(_ chunks: [Chunk]) async throws

    /// Deletes the chunks with these ids; unknown ids are ignored. Returns how many were deleted.
    func delete(chunkIDs: [String]) async throws -> Int

    /// Deletes every chunk of these documents. Returns how many were deleted.
    func delete(documentIDs: [String]) async throws -> Int

    /// The chunks most similar to `embedding`.
    ///
    /// - Throws: ``VectorIOError`` for a bad embedding or options.
    func queryVector(_ embedding: [Float], options: SearchOptions) async throws -> [ChunkMatch]

    /// The chunks that best match the words of `query`.
    ///
    /// - Throws: ``VectorIOError`` for bad options, or
    ///   ``VectorIOError/Code-swift.struct/keywordSearchUnavailable`` when the index has no keyword search.
    func queryKeyword(_ query: String, options: SearchOptions) async throws -> [ChunkMatch]

    /// Vector and keyword results fused by `ranker`: each side takes its top `k` (filter applied), the fused scores
    /// are ranked, and the top `k` with a fused score at or above the threshold are returned.
    func queryHybrid(
        embedding: [Float],
        query: String,
        options: SearchOptions,
        ranker: Ranker
    ) async throws -> [ChunkMatch]
}

/// Keyword search over the chunk table of a ``FlatVectorIndex``, inside the database that holds it.
///
/// The table has the columns ``FlatVectorIndex`` creates: `id` (primary key), `seq` (a unique integer),
/// `document_id`, `content`, `metadata`, `embedding`. A backend keeps its search structures in step with the table
/// by itself (triggers, expression indexes), so they change in the same transaction as the rows.
public protocol KeywordSearchBackend: Sendable {
    /// Creates the search structures for `table` (which exists), and fills them from the rows already there.
    /// Idempotent.
    func prepare(table: String) async throws

    /// Ids of chunks matching `query`, best first (relevance descending, ties by id ascending), from position
    /// `offset`, at most `limit`.
    ///
    /// The query is plain text: its words are matched (any of them), never interpreted as query syntax, so no input
    /// is malformed. A query without words matches nothing.
    func search(table: String, query: String, limit: Int, offset: Int) async throws -> [(id: String, score: Double)]
}
