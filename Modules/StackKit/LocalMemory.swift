public import Files
public import Memory
public import StorageRefs
public import VectorIO

/// Memory wired with StackKit's embedded defaults: attached files read from a ``FileStore`` and embedded in-process
/// by all-MiniLM-L6-v2, no server needed.
public enum LocalMemory {
    /// A prepared (tables created) vector-store service over `tables`, reading attached files from `files`.
    ///
    /// - Parameters:
    ///   - embedder: The default embedder (stores that name no model use it); when nil,
    ///     ``DefaultEmbeddingModel/load(directory:batchSize:maximumParallelism:)`` loads all-MiniLM-L6-v2 from
    ///     `modelDirectory`, else `$STACKKIT_MINILM_DIR`, else `$STACKKIT_HOME/models/all-MiniLM-L6-v2`.
    ///   - modelDirectory: Where the default model's folder is, when `embedder` is nil.
    ///   - additionalEmbedders: Further models stores may name (`embedding_model`).
    ///   - tokenizer: What chunk sizes count; ``UnicodeScalarTokenizer`` by default (see there why).
    ///   - keywordSearch: The full-text backend for `keyword` and `hybrid` search (for SQLite tables,
    ///     `SQLiteKeywordSearch(store:)`); without one those modes are rejected.
    /// - Throws: ``DefaultEmbeddingModelError`` or `LocalEmbeddingsError` when the default model cannot be loaded;
    ///   ``Memory/MemoryError`` for an invalid setting; the table store's error when the tables cannot be created.
    public static func vectorStoreService(
        tables: any TableStore,
        files: FileStore,
        embedder: (any Embedder)? = nil,
        modelDirectory: String? = nil,
        additionalEmbedders: [any Embedder] = [],
        tokenizer: any TextTokenizer = UnicodeScalarTokenizer(),
        extractor: ContentExtractor = ContentExtractor(),
        keywordSearch: (any KeywordSearchBackend)? = nil,
        configuration: VectorStoreService.Configuration = VectorStoreService.Configuration()
    ) async throws -> VectorStoreService {
        let primary: any Embedder
        if let embedder {
            primary = embedder
        } else {
            primary = try await DefaultEmbeddingModel.load(directory: modelDirectory)
        }
        let service = try VectorStoreService(
            tables: tables, configuration: configuration, embedders: [primary] + additionalEmbedders,
            files: FileStoreSource(files), extractor: extractor, tokenizer: tokenizer, keywordSearch: keywordSearch)
        try await service.prepare()
        return service
    }
}
