import Foundation
public import StorageRefs
public import VectorIO
import _Instrumentation
import Tracing

extension VectorStoreService {
    /// Searches a store (OpenAI's `POST /vector_stores/{id}/search`).
    ///
    /// - Parameters:
    ///   - queries: The query, or several (joined with spaces for the search; reported as `search_query`).
    ///   - filters: OpenAI's comparison / compound filter JSON (`eq ne gt gte lt lte in nin`, `and`/`or`) over file
    ///     attributes, applied before the top-k cut.
    ///   - maxNumResults: 1…50, default 10.
    ///   - ranker: `rrf` (default), `weighted`, `normalized`, or OpenAI's `auto` / `default-2024-11-15` (= rrf);
    ///     `rankerParams` as llama-stack's (`k`, `weights`).
    ///   - scoreThreshold: The lowest score kept.
    ///   - searchMode: `vector` (default), `keyword` or `hybrid`.
    ///   - rewriteQuery: Must be `false`: query rewriting is not supported, and asking for it is an error, not ignored.
    /// - Throws: ``MemoryError`` / ``VectorIO/VectorIOError`` naming the bad field; the embedder's or index's error.
    ///   Never an empty page for a failure.
    public func search(
        storeID: String,
        queries: [String],
        filters: JSONValue? = nil,
        maxNumResults: Int = 10,
        ranker: String? = nil,
        rankerParams: [String: JSONValue] = [:],
        scoreThreshold: Double? = nil,
        searchMode: String = "vector",
        rewriteQuery: Bool = false
    ) async throws -> VectorStoreSearchPage {
        return try await instrumentation.run("search", attributes: { $0["stackkit.vector_store"] = storeID; $0["stackkit.count"] = queries.count }) { _ in
            guard !rewriteQuery else { throw MemoryError.invalid("rewrite_query", "query rewriting is not supported") }
            guard (1...50).contains(maxNumResults) else { throw MemoryError.invalid("max_num_results", "\(maxNumResults) is outside 1...50") }
            guard let mode = RetrievalParameters.Mode(rawValue: searchMode) else {
                throw MemoryError.invalid("search_mode", "unknown mode '\(searchMode)'; expected vector, keyword or hybrid")
            }
            let query = queries.joined(separator: " ")
            guard !query.trimmingCharacters(in: .whitespaces).isEmpty else { throw MemoryError.invalid("query", "empty") }
            let filter = try filters.map { try MetadataFilter(json: $0) }
            let strategy = ranker.flatMap { ["auto", "default-2024-11-15", "none"].contains($0) ? "rrf" : $0 }
            let parameters = RetrievalParameters(
                maxChunks: maxNumResults, mode: mode, scoreThreshold: scoreThreshold,
                ranker: try Ranker(strategy: strategy, params: rankerParams), filter: filter
            )
            let (retriever, _) = try await retriever(storeID)
            let matches = try await retriever.query(query, parameters: parameters)
            let results = matches.map { match in
                VectorStoreSearchResult(
                    fileID: match.chunk.documentID,
                    filename: match.chunk.metadata["filename"]?.stringValue ?? "",
                    score: match.score,
                    attributes: match.chunk.metadata.filter { !Self.internalKeys.contains($0.key) },
                    content: [.init(text: match.chunk.content)]
                )
            }
            return VectorStoreSearchPage(searchQuery: queries, data: results)
        }
    }
}

extension VectorStoreService {
    /// Inserts chunks straight into a store's index (llama-stack's `insert_chunks`), embedding those without an
    /// embedding with the store's model; see ``ChunkRetriever/insert(_:)``.
    public func insertChunks(storeID: String, chunks: [PendingChunk]) async throws {
        try await instrumentation.run("insertChunks", attributes: { $0["stackkit.vector_store"] = storeID; $0["stackkit.count"] = chunks.count }) { _ in
            let (retriever, _) = try await retriever(storeID)
            try await retriever.insert(chunks)
        }
    }

    /// Queries a store's index (llama-stack's `query_chunks`); see ``ChunkRetriever/query(_:parameters:)``.
    public func queryChunks(storeID: String, query: String, parameters: RetrievalParameters = RetrievalParameters()) async throws -> [ChunkMatch] {
        return try await instrumentation.run("queryChunks", attributes: { $0["stackkit.vector_store"] = storeID }) { _ in
            let (retriever, _) = try await retriever(storeID)
            return try await retriever.query(query, parameters: parameters)
        }
    }

    func retriever(_ storeID: String) async throws -> (ChunkRetriever, VectorStoreObject) {
        let store = try await activeStoreRow(storeID).store
        guard let embedder = embedders[store.embeddingModel] else {
            throw MemoryError.invalid("embedding_model", "the store's model '\(store.embeddingModel)' has no embedder here")
        }
        return (try ChunkRetriever(index: try await index(for: store), embedder: embedder), store)
    }
}
