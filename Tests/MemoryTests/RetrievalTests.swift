import Memory
import StorageRefs
import Synchronization
import Testing
import VectorIO
import VectorIOSQLite
import _TestBackends
import SQLStore

/// A deterministic embedder: each word adds 1 to the bucket of its FNV-1a hash; it records its calls.
final class BagOfWordsEmbedder: Embedder {
    let model = "bag-of-words"
    let dimension = 16
    private let calls = Mutex<[[String]]>([])
    let failing: Bool

    init(failing: Bool = false) { self.failing = failing }

    var recordedCalls: [[String]] { calls.withLock { $0 } }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        calls.withLock { $0.append(texts) }
        if failing { throw MemoryError(code: .sourceUnavailable, message: "the embedding model is down") }
        return texts.map { text in
            var vector = [Float](repeating: 0, count: 16)
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter }) {
                let hash = word.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
                vector[Int(hash % 16)] += 1
            }
            return vector
        }
    }
}

@Suite("Chunk retriever")
struct RetrievalTests {
    static func pending(_ id: String, _ text: String, embedding: [Float]? = nil) -> PendingChunk {
        PendingChunk(TextChunk(id: id, documentID: "doc-\(id)", content: text, metadata: ["topic": .string(id)], tokenRange: 0..<1), embedding: embedding)
    }

    static func withRetriever(embedder: BagOfWordsEmbedder, _ body: (ChunkRetriever) async throws -> Void) async throws {
        let backend = try await TestTableBackend.open(.sqlite)
        do {
            let store = try #require(backend.store as? SQLiteTableStore)
            let index = try await FlatVectorIndex.open(store: store, table: "chunks", dimension: 16, keywordSearch: SQLiteKeywordSearch(store: store))
            try await body(try ChunkRetriever(index: index, embedder: embedder))
            await backend.close()
        } catch {
            await backend.close()
            throw error
        }
    }

    @Test("only chunks without embeddings are embedded, in one call, in order; metadata records the model")
    func insertEmbedsMissingOnce() async throws {
        let embedder = BagOfWordsEmbedder()
        try await Self.withRetriever(embedder: embedder) { retriever in
            let given = [Float](repeating: 0.25, count: 16)
            try await retriever.insert([
                Self.pending("a", "whales sing"), Self.pending("b", "given vector", embedding: given), Self.pending("c", "bread rises"),
            ])
            #expect(embedder.recordedCalls == [["whales sing", "bread rises"]])
            let index = try #require(retriever.index as? FlatVectorIndex)
            #expect(await index.chunk(id: "b")?.embedding == given)
            #expect(await index.chunk(id: "a")?.metadata["chunk_embedding_model"] == "bag-of-words")
            #expect(await index.chunk(id: "b")?.metadata["chunk_embedding_model"] == nil)
            #expect(await index.chunk(id: "c")?.metadata["chunk_embedding_dimension"] == 16)
        }
    }

    @Test("a failing embedder makes insert and search throw, and nothing is inserted")
    func failingEmbedder() async throws {
        try await Self.withRetriever(embedder: BagOfWordsEmbedder(failing: true)) { retriever in
            await #expect(throws: MemoryError(code: .sourceUnavailable, message: "the embedding model is down")) {
                try await retriever.insert([Self.pending("a", "whales")])
            }
            #expect(await retriever.index.count() == 0)
            await #expect(throws: MemoryError.self) { try await retriever.query("whales") }
            await #expect(throws: MemoryError.self) { try await retriever.query("whales", parameters: .init(mode: .hybrid)) }
            // Keyword mode does not embed, so it answers (an empty index, no failure).
            let keyword = try await retriever.query("whales", parameters: .init(mode: .keyword))
            #expect(keyword.isEmpty)
        }
    }

    @Test("a given embedding of the wrong dimension is refused with its position")
    func wrongDimension() async throws {
        try await Self.withRetriever(embedder: BagOfWordsEmbedder()) { retriever in
            await #expect(throws: VectorIOError(code: .invalidEmbedding, message: "Embedding at index 1 has dimension 3, expected 16")) {
                try await retriever.insert([Self.pending("a", "x"), Self.pending("b", "y", embedding: [1, 2, 3])])
            }
            #expect(await retriever.index.count() == 0)
        }
    }

    @Test("vector, keyword and hybrid queries, with max_chunks, threshold and filter")
    func modes() async throws {
        try await Self.withRetriever(embedder: BagOfWordsEmbedder()) { retriever in
            try await retriever.insert([
                Self.pending("whales", "whales sing long songs in the ocean"),
                Self.pending("bread", "bread dough rises in a warm kitchen"),
                Self.pending("ocean", "the ocean is deep and the ocean is blue"),
            ])
            let vector = try await retriever.query("ocean songs", parameters: .init(maxChunks: 2, mode: .vector))
            #expect(vector.count == 2)
            #expect(!vector.contains { $0.chunk.id == "bread" })
            let keyword = try await retriever.query("ocean", parameters: .init(maxChunks: 3, mode: .keyword))
            #expect(keyword.map(\.chunk.id) == ["ocean", "whales"])
            for ranker in [Ranker.default, .weighted(alpha: 0.5), .normalized] {
                let hybrid = try await retriever.query("ocean", parameters: .init(maxChunks: 2, mode: .hybrid, scoreThreshold: nil, ranker: ranker))
                #expect(hybrid.first?.chunk.id == "ocean", "\(ranker)")
            }
            let filtered = try await retriever.query("ocean", parameters: .init(maxChunks: 3, mode: .vector, filter: .equal("topic", "bread")))
            #expect(filtered.map(\.chunk.id) == ["bread"] || filtered.isEmpty)
            await #expect(throws: MemoryError.self) { try await retriever.query("x", parameters: .init(maxChunks: 0)) }
        }
    }
}
