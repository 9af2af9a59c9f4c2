public import StorageRefs

/// Counts of a vector store's files by status (OpenAI's `file_counts`).
public struct VectorStoreFileCounts: Hashable, Sendable, Codable {
    public var inProgress: Int
    public var completed: Int
    public var failed: Int
    public var cancelled: Int
    public var total: Int

    enum CodingKeys: String, CodingKey {
        case inProgress = "in_progress", completed, failed, cancelled, total
    }

    /// All zero.
    public init(inProgress: Int = 0, completed: Int = 0, failed: Int = 0, cancelled: Int = 0, total: Int = 0) {
        self.inProgress = inProgress
        self.completed = completed
        self.failed = failed
        self.cancelled = cancelled
        self.total = total
    }
}

/// A vector store, shaped as OpenAI's `vector_store` object.
public struct VectorStoreObject: Hashable, Sendable, Codable {
    public var id: String
    public var object: String = "vector_store"
    public var createdAt: Int64
    public var name: String?
    public var usageBytes: Int
    public var fileCounts: VectorStoreFileCounts
    /// `completed`, `in_progress` (files being processed) or `expired`.
    public var status: String
    public var expiresAfter: JSONValue?
    public var expiresAt: Int64?
    public var lastActiveAt: Int64?
    public var metadata: [String: JSONValue]
    /// The embedding model chunks are embedded with (an extension field, as llama-stack reports it).
    public var embeddingModel: String
    /// The embedding dimension.
    public var embeddingDimension: Int

    enum CodingKeys: String, CodingKey {
        case id, object, name, status, metadata
        case createdAt = "created_at", usageBytes = "usage_bytes", fileCounts = "file_counts", expiresAfter = "expires_after"
        case expiresAt = "expires_at", lastActiveAt = "last_active_at", embeddingModel = "embedding_model"
        case embeddingDimension = "embedding_dimension"
    }
}

/// The last error of a vector-store file (OpenAI's `last_error`).
public struct VectorStoreFileError: Hashable, Sendable, Codable {
    /// `server_error`, `unsupported_file` or `invalid_file`.
    public var code: String
    /// What went wrong.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// A file in a vector store, shaped as OpenAI's `vector_store.file` object.
public struct VectorStoreFileObject: Hashable, Sendable, Codable {
    /// The file's id (in the file source).
    public var id: String
    public var object: String = "vector_store.file"
    public var usageBytes: Int
    public var createdAt: Int64
    public var vectorStoreID: String
    /// `in_progress`, `completed`, `failed` or `cancelled`.
    public var status: String
    public var lastError: VectorStoreFileError?
    public var chunkingStrategy: JSONValue
    public var attributes: [String: JSONValue]
    /// The file's name (an extension field).
    public var filename: String
    /// How many chunks the file became (an extension field).
    public var chunkCount: Int

    enum CodingKeys: String, CodingKey {
        case id, object, status, attributes, filename
        case usageBytes = "usage_bytes", createdAt = "created_at", vectorStoreID = "vector_store_id", lastError = "last_error"
        case chunkingStrategy = "chunking_strategy", chunkCount = "chunk_count"
    }
}

/// One page of a list, with the ids of **this page's** first and last items.
public struct VectorStorePage<Item: Hashable & Sendable & Codable>: Hashable, Sendable, Codable {
    public var object: String = "list"
    public var data: [Item]
    public var firstID: String?
    public var lastID: String?
    public var hasMore: Bool

    enum CodingKeys: String, CodingKey {
        case object, data
        case firstID = "first_id", lastID = "last_id", hasMore = "has_more"
    }
}

/// One search result (OpenAI's `vector_store.search_results` item).
public struct VectorStoreSearchResult: Hashable, Sendable, Codable {
    public struct Content: Hashable, Sendable, Codable {
        public var type: String = "text"
        public var text: String
    }

    public var fileID: String
    public var filename: String
    public var score: Double
    public var attributes: [String: JSONValue]
    public var content: [Content]

    enum CodingKeys: String, CodingKey {
        case score, attributes, content, filename
        case fileID = "file_id"
    }
}

/// A page of search results.
public struct VectorStoreSearchPage: Hashable, Sendable, Codable {
    public var object: String = "vector_store.search_results.page"
    public var searchQuery: [String]
    public var data: [VectorStoreSearchResult]
    public var hasMore: Bool = false
    public var nextPage: String?

    enum CodingKeys: String, CodingKey {
        case object, data
        case searchQuery = "search_query", hasMore = "has_more", nextPage = "next_page"
    }
}

/// A file's contents in chunk order.
public struct VectorStoreFileContent: Hashable, Sendable, Codable {
    public var object: String = "vector_store.file_content.page"
    public var fileID: String
    public var filename: String
    public var attributes: [String: JSONValue]
    public var data: [VectorStoreSearchResult.Content]
    public var hasMore: Bool = false
    public var nextPage: String?

    enum CodingKeys: String, CodingKey {
        case object, filename, attributes, data
        case fileID = "file_id", hasMore = "has_more", nextPage = "next_page"
    }
}

/// The answer to a delete.
public struct VectorStoreDeletion: Hashable, Sendable, Codable {
    public var id: String
    public var object: String
    public var deleted: Bool = true
}

/// A file as a ``VectorStoreFileSource`` delivers it.
public struct SourceFile: Hashable, Sendable {
    public var filename: String
    public var document: LoadedDocument

    public init(filename: String, document: LoadedDocument) {
        self.filename = filename
        self.document = document
    }
}

/// Where vector stores read the files attached to them (a Files store, in the umbrella); Memory declares it.
public protocol VectorStoreFileSource: Sendable {
    /// The file with this id.
    ///
    /// - Throws: Any error; attaching records it as the file's `last_error`.
    func file(id: String) async throws -> SourceFile
}
