import Foundation
public import StorageRefs
public import VectorIO

/// A chunk of text cut by ``OverlappingChunker``, before it has an embedding.
public struct TextChunk: Hashable, Sendable {
    /// The chunk id: ``VectorIO/ChunkID/generate(documentID:chunkText:window:digest:)`` of the document id, the
    /// chunk's text and its window.
    public var id: String
    /// The document the chunk comes from.
    public var documentID: String
    /// The chunk's text (the decoded tokens of its window).
    public var content: String
    /// The document's metadata plus `document_id`, `chunk_id`, `token_count`, `metadata_token_count` and
    /// `chunk_window` (`"start-end"`, token offsets, end exclusive).
    public var metadata: [String: JSONValue]
    /// The window's token range in the document, half-open.
    public var tokenRange: Range<Int>

    /// Creates a chunk.
    public init(id: String, documentID: String, content: String, metadata: [String: JSONValue], tokenRange: Range<Int>) {
        self.id = id
        self.documentID = documentID
        self.content = content
        self.metadata = metadata
        self.tokenRange = tokenRange
    }

    /// This chunk with an embedding, for a ``VectorIO/VectorIndex``.
    public func embedded(_ embedding: [Float]) -> Chunk {
        Chunk(id: id, documentID: documentID, content: content, metadata: metadata, embedding: embedding)
    }
}

/// Cuts text into overlapping token windows, as llama-stack's `make_overlapped_chunks` (with its argument swap fixed:
/// ids come from the document id and the chunk's own text).
public struct OverlappingChunker: Sendable {
    /// The tokenizer windows are counted in.
    public let tokenizer: any TextTokenizer

    /// Creates a chunker.
    public init(tokenizer: any TextTokenizer) {
        self.tokenizer = tokenizer
    }

    /// Cuts `text` into windows of `window` tokens, each starting `window - overlap` tokens after the previous one;
    /// the last window may be shorter. Empty text gives no chunks.
    ///
    /// - Parameters:
    ///   - documentID: The document's id, copied into every chunk's metadata.
    ///   - text: The text.
    ///   - window: Tokens per chunk, at least 1.
    ///   - overlap: Tokens shared with the previous chunk, `0..<window`.
    ///   - metadata: The document's metadata, copied into every chunk; its token count (of its JSON text with sorted
    ///     keys) is recorded as `metadata_token_count`.
    /// - Throws: ``MemoryError`` with code ``MemoryError/Code-swift.struct/invalidArgument`` naming `window` or
    ///   `overlap` (llama-stack loops forever or crashes there).
    public func chunks(
        documentID: String,
        text: String,
        window: Int,
        overlap: Int,
        metadata: [String: JSONValue] = [:]
    ) throws -> [TextChunk] {
        guard window >= 1 else { throw MemoryError.invalid("window", "\(window) must be at least 1") }
        guard overlap >= 0, overlap < window else {
            throw MemoryError.invalid("overlap", "\(overlap) must be in 0..<\(window) (the window)")
        }
        let tokens = tokenizer.encode(text)
        let metadataTokens = tokenizer.encode(Self.jsonText(.object(metadata))).count
        var chunks: [TextChunk] = []
        var start = 0
        while start < tokens.count {
            let end = min(start + window, tokens.count)
            let content = try tokenizer.decode(tokens[start..<end])
            let chunkWindow = "\(start)-\(end)"
            let id = ChunkID.generate(documentID: documentID, chunkText: content, window: chunkWindow)
            var chunkMetadata = metadata
            chunkMetadata["chunk_id"] = .string(id)
            chunkMetadata["document_id"] = .string(documentID)
            chunkMetadata["token_count"] = .int(Int64(end - start))
            chunkMetadata["metadata_token_count"] = .int(Int64(metadataTokens))
            chunkMetadata["chunk_window"] = .string(chunkWindow)
            chunkMetadata["chunk_tokenizer"] = .string(tokenizer.name)
            chunks.append(TextChunk(id: id, documentID: documentID, content: content, metadata: chunkMetadata, tokenRange: start..<end))
            start += window - overlap
        }
        return chunks
    }

    /// ``chunks(documentID:text:window:overlap:metadata:)`` with a strategy's window and overlap.
    ///
    /// - Throws: ``MemoryError`` naming the strategy field at fault.
    public func chunks(documentID: String, text: String, strategy: ChunkingStrategy, metadata: [String: JSONValue] = [:]) throws -> [TextChunk] {
        try strategy.validate()
        let (size, overlap) = strategy.window
        return try chunks(documentID: documentID, text: text, window: size, overlap: overlap, metadata: metadata)
    }

    static func jsonText(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
