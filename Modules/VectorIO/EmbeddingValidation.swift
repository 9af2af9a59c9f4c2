/// Checks embeddings before they reach an index, with llama-stack's messages.
public enum EmbeddingValidation {
    /// Checks that `embedding` has `dimension` values, all finite.
    ///
    /// - Parameters:
    ///   - embedding: The embedding.
    ///   - index: Its position in the batch, which the message names.
    ///   - dimension: The dimension the index expects.
    /// - Throws: ``VectorIOError`` with code ``VectorIOError/Code-swift.struct/invalidEmbedding``:
    ///   `Embedding at index 2 has dimension 4, expected 3`, or
    ///   `Embedding at index 2 has a non-finite value at position 7`.
    public static func validate(_ embedding: [Float], index: Int, dimension: Int) throws(VectorIOError) {
        guard embedding.count == dimension else {
            throw VectorIOError(
                code: .invalidEmbedding,
                message: "Embedding at index \(index) has dimension \(embedding.count), expected \(dimension)"
            )
        }
        if let position = embedding.firstIndex(where: { !$0.isFinite }) {
            throw VectorIOError(
                code: .invalidEmbedding,
                message: "Embedding at index \(index) has a non-finite value at position \(position)"
            )
        }
    }
}
