import Memory
import StorageRefs
import Testing
import VectorIO

/// A tokenizer for chunking tests: one token per Unicode scalar.
struct ScalarTokenizer: TextTokenizer {
    var name: String { "scalars" }
    func encode(_ text: String) -> [Int] { text.unicodeScalars.map { Int($0.value) } }
    func decode(_ tokens: some Collection<Int>) throws -> String {
        String(String.UnicodeScalarView(tokens.compactMap { Unicode.Scalar(UInt32($0)) }))
    }
}

@Suite("Chunking")
struct ChunkingTests {
    let chunker = OverlappingChunker(tokenizer: ScalarTokenizer())

    @Test("overlapping windows with ids, windows and counts in their metadata")
    func windows() throws {
        let chunks = try chunker.chunks(documentID: "doc-1", text: "abcdefghij", window: 4, overlap: 1, metadata: ["source": "s"])
        #expect(chunks.map(\.content) == ["abcd", "defg", "ghij", "j"])
        #expect(chunks.map(\.tokenRange) == [0..<4, 3..<7, 6..<10, 9..<10])
        let first = chunks[0]
        #expect(first.id == ChunkID.generate(documentID: "doc-1", chunkText: "abcd", window: "0-4"))
        #expect(first.metadata["chunk_id"] == .string(first.id))
        #expect(first.metadata["document_id"] == "doc-1")
        #expect(first.metadata["token_count"] == 4)
        #expect(first.metadata["chunk_window"] == "0-4")
        #expect(first.metadata["metadata_token_count"] == .int(Int64(#"{"source":"s"}"#.unicodeScalars.count)))
        #expect(first.metadata["source"] == "s")
        #expect(chunks[3].metadata["token_count"] == 1)
        #expect(try chunker.chunks(documentID: "d", text: "", window: 4, overlap: 0).isEmpty)
    }

    @Test("window and overlap are validated (llama-stack loops or crashes on overlap >= window)")
    func validation() {
        #expect(throws: MemoryError.invalid("overlap", "4 must be in 0..<4 (the window)")) { try chunker.chunks(documentID: "d", text: "abc", window: 4, overlap: 4) }
        #expect(throws: MemoryError.self) { try chunker.chunks(documentID: "d", text: "abc", window: 0, overlap: 0) }
        #expect(throws: MemoryError.self) { try chunker.chunks(documentID: "d", text: "abc", window: 4, overlap: -1) }
    }

    @Test("OpenAI strategies: auto is 800/400; static is range-checked")
    func strategies() throws {
        #expect(ChunkingStrategy.auto.window == (800, 400))
        let text = String(repeating: "x", count: 2_000)
        #expect(try chunker.chunks(documentID: "d", text: text, strategy: .auto).map(\.tokenRange) == [0..<800, 400..<1_200, 800..<1_600, 1_200..<2_000, 1_600..<2_000])
        #expect(throws: MemoryError.self) { try ChunkingStrategy.static(maxChunkSizeTokens: 99, chunkOverlapTokens: 0).validate() }
        #expect(throws: MemoryError.self) { try ChunkingStrategy.static(maxChunkSizeTokens: 4_097, chunkOverlapTokens: 0).validate() }
        #expect(throws: MemoryError.invalid("chunking_strategy.static.chunk_overlap_tokens", "101 must be between 0 and half of max_chunk_size_tokens (100)")) {
            try ChunkingStrategy.static(maxChunkSizeTokens: 200, chunkOverlapTokens: 101).validate()
        }
        try ChunkingStrategy.static(maxChunkSizeTokens: 200, chunkOverlapTokens: 100).validate()
    }

    @Test("with the Llama 3 tokenizer, windows decode back to the text they cover", .enabled(if: Llama3RankFile.mustRun))
    func llama3Windows() throws {
        let tokenizer = try Llama3RankFile.tokenizer()
        let text = String(repeating: "Retrieval-augmented generation grounds answers in documents. ", count: 40)
        let chunks = try OverlappingChunker(tokenizer: tokenizer).chunks(documentID: "doc", text: text, window: 50, overlap: 10)
        let tokens = tokenizer.encode(text)
        // Windows start every 40 tokens, as Python's range(0, len(tokens), 40).
        #expect(chunks.count == (tokens.count + 39) / 40)
        for chunk in chunks {
            #expect(chunk.content == (try tokenizer.decode(tokens[chunk.tokenRange])))
            #expect(chunk.metadata["chunk_tokenizer"] == "llama3")
        }
    }
}
