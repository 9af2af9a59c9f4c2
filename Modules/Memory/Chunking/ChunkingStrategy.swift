/// How a file is cut into chunks: OpenAI's vector-store chunking strategies.
public enum ChunkingStrategy: Hashable, Sendable {
    /// OpenAI's default: windows of 800 tokens overlapping by 400.
    case auto
    /// Windows of `maxChunkSizeTokens` (100…4,096) overlapping by `chunkOverlapTokens` (at most half the window).
    case `static`(maxChunkSizeTokens: Int, chunkOverlapTokens: Int)

    /// The window and overlap in tokens.
    public var window: (size: Int, overlap: Int) {
        switch self {
        case .auto: (800, 400)
        case .static(let size, let overlap): (size, overlap)
        }
    }

    /// Checks the static strategy's ranges.
    ///
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/invalidArgument`` naming
    ///   `chunking_strategy.static.max_chunk_size_tokens` or `chunking_strategy.static.chunk_overlap_tokens`.
    public func validate() throws(MemoryError) {
        guard case .static(let size, let overlap) = self else { return }
        guard (100...4_096).contains(size) else {
            throw .invalid("chunking_strategy.static.max_chunk_size_tokens", "\(size) is outside 100...4096")
        }
        guard overlap >= 0, overlap <= size / 2 else {
            throw .invalid(
                "chunking_strategy.static.chunk_overlap_tokens",
                "\(overlap) must be between 0 and half of max_chunk_size_tokens (\(size / 2))"
            )
        }
    }
}
