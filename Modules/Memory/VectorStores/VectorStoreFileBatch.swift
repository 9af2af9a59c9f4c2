

/// A batch of files attached together, shaped as OpenAI's `vector_store.files_batch` object.
public struct VectorStoreFileBatch: Hashable, Sendable, Codable {
    public var id: String
    public var object: String = "vector_store.files_batch"
    public var createdAt: Int64
    public var vectorStoreID: String
    /// `in_progress`, `completed`, `failed` (no file completed) or `cancelled`.
    public var status: String
    /// Counted from the batch's file records (files not yet started count as in progress).
    public var fileCounts: VectorStoreFileCounts
    /// Seven days after creation; an expired batch can no longer be retrieved.
    public var expiresAt: Int64

    enum CodingKeys: String, CodingKey {
        case id, object, status
        case createdAt = "created_at", vectorStoreID = "vector_store_id", fileCounts = "file_counts", expiresAt = "expires_at"
    }
}
