import StorageRefs
import Testing
import VectorIO
import _TestBackends

@Suite("Keyword and hybrid search")
struct KeywordSearchTests {
    static let corpus: [(String, String)] = [
        ("whales", "Whales are large marine mammals; the blue whale is the largest whale."),
        ("sharks", "Sharks are fish with cartilage skeletons. Some sharks eat seals."),
        ("dolphins", "Dolphins are marine mammals known for intelligence."),
        ("recipes", "A recipe for bread: flour, water, salt and yeast."),
        ("cafe", "Le café naïve: crème brûlée and espresso."),
        ("syntax", "Text with \"quotes\", stars * and parentheses (AND OR NOT NEAR) and colons: here."),
    ]

    /// An index over the corpus with 2-dimensional embeddings (x = marine, y = food).
    static func openIndex(_ backend: TestTableBackend, table: String = "chunks") async throws -> FlatVectorIndex {
        let index = try await FlatVectorIndex.open(
            store: backend.store, table: table, dimension: 2, keywordSearch: try keywordSearch(for: backend)
        )
        let embeddings: [String: [Float]] = [
            "whales": [1, 0], "sharks": [0.9, 0.1], "dolphins": [0.95, 0.05], "recipes": [0, 1], "cafe": [0.1, 0.9], "syntax": [0.5, 0.5],
        ]
        try await index.add(corpus.map { chunk($0.0, document: "doc-\($0.0)", content: $0.1, metadata: ["topic": $0.0 == "recipes" || $0.0 == "cafe" ? "food" : "sea"], embedding: embeddings[$0.0]!) })
        return index
    }

    @Test("BM25 / ts_rank ranking: the chunk with more occurrences of a rare term ranks first", arguments: backendKinds)
    func ranking(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let index = try await Self.openIndex(backend)
            let whale = try await index.queryKeyword("whale", options: SearchOptions(k: 5))
            #expect(whale.map(\.chunk.id) == ["whales"])
            let marine = try await index.queryKeyword("marine mammals", options: SearchOptions(k: 5))
            #expect(Set(marine.map(\.chunk.id)) == ["whales", "dolphins"])
            let sharks = try await index.queryKeyword("sharks bread", options: SearchOptions(k: 5))
            #expect(sharks.map(\.chunk.id) == ["sharks", "recipes"])
            #expect(sharks[0].score > sharks[1].score)
            // Stemming: "sharks" finds "shark".
            #expect(try await index.queryKeyword("shark", options: SearchOptions(k: 5)).map(\.chunk.id) == ["sharks"])
        }
    }

    @Test("query syntax characters are plain text, never errors", arguments: backendKinds)
    func syntaxIsText(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let index = try await Self.openIndex(backend)
            for query in ["\"quotes\"", "stars *", "(AND OR NOT NEAR)", "colons:", "'; DROP TABLE chunks; --", "\"unbalanced", "NEAR(quotes stars)", "   ", ""] {
                let found = try await index.queryKeyword(query, options: SearchOptions(k: 5))
                // Words such as "and" are real words ("and" is no stop word in FTS5), but the chunk holding them all ranks first.
                #expect(found.first.map { $0.chunk.id == "syntax" } ?? true, "\(query): \(found.map(\.chunk.id))")
            }
            #expect(try await index.queryKeyword("NEAR", options: SearchOptions(k: 5)).map(\.chunk.id) == ["syntax"])
            #expect(try await backend.store.count(in: "chunks") == 6)
        }
    }

    @Test("accents are folded", arguments: backendKinds)
    func accents(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let index = try await Self.openIndex(backend)
            #expect(try await index.queryKeyword("café", options: SearchOptions(k: 5)).map(\.chunk.id) == ["cafe"])
        }
    }

    @Test("the filter applies before the cut: keyword pages are read until k chunks pass", arguments: backendKinds)
    func keywordFilter(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 2, keywordSearch: try keywordSearch(for: backend))
            // 300 chunks mention "apple"; the 3 "green" ones mention it least, so they rank last.
            var chunks: [Chunk] = []
            for n in 0..<300 {
                let green = n % 100 == 0
                let text = green ? "apple and many other words about fruit and trees" : "apple apple apple"
                chunks.append(chunk("c\(n)", content: text, metadata: ["color": green ? "green" : "red"], embedding: [1, Float(n)]))
            }
            try await index.add(chunks)
            let found = try await index.queryKeyword("apple", options: SearchOptions(k: 3, filter: .equal("color", "green")))
            #expect(Set(found.map(\.chunk.id)) == ["c0", "c100", "c200"])
        }
    }

    @Test("deletes, replacements and reopening keep the keyword index in step", arguments: backendKinds)
    func keywordIndexFollowsTable(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let index = try await Self.openIndex(backend)
            _ = try await index.delete(chunkIDs: ["whales"])
            #expect(try await index.queryKeyword("whale", options: SearchOptions(k: 5)).isEmpty)
            try await index.add([chunk("sharks", document: "doc-sharks", content: "Now about octopus only.", embedding: [1, 0])])
            #expect(try await index.queryKeyword("sharks", options: SearchOptions(k: 5)).isEmpty)
            #expect(try await index.queryKeyword("octopus", options: SearchOptions(k: 5)).map(\.chunk.id) == ["sharks"])
            _ = try await index.delete(documentIDs: ["doc-dolphins"])

            let reopened = try await backend.reopen()
            let again = try await FlatVectorIndex.open(store: reopened.store, table: "chunks", dimension: 2, keywordSearch: try keywordSearch(for: reopened))
            #expect(try await again.queryKeyword("octopus", options: SearchOptions(k: 5)).map(\.chunk.id) == ["sharks"])
            #expect(try await again.queryKeyword("dolphins whale", options: SearchOptions(k: 5)).isEmpty)
            await reopened.close()
        }
    }

    @Test("keyword search can be enabled on a table with rows already in it", arguments: backendKinds)
    func enableLater(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let plain = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 2)
            try await plain.add([chunk("a", content: "lighthouse keeper", embedding: [1, 0])])
            await #expect(throws: VectorIOError.self) { try await plain.queryKeyword("lighthouse") }
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 2, keywordSearch: try keywordSearch(for: backend))
            #expect(try await index.queryKeyword("lighthouse").map(\.chunk.id) == ["a"])
        }
    }

    @Test("hybrid search fuses with every ranker, normalized included", arguments: backendKinds)
    func hybrid(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let index = try await Self.openIndex(backend)
            let options = SearchOptions(k: 3)
            let vector = try await index.queryVector([0, 1], options: options)  // food first
            let keyword = try await index.queryKeyword("marine mammals", options: options)
            for ranker in [Ranker.default, .weighted(alpha: 0.7), .normalized] {
                let fused = try await index.queryHybrid(embedding: [0, 1], query: "marine mammals", options: options, ranker: ranker)
                let expected = ScoreFusion.combine(
                    vector: vector.map { ($0.chunk.id, $0.score) }, keyword: keyword.map { ($0.chunk.id, $0.score) }, ranker: ranker
                ).prefix(3)
                #expect(fused.map(\.chunk.id) == expected.map(\.id), "\(ranker)")
                #expect(zip(fused.map(\.score), expected.map(\.score)).allSatisfy { abs($0 - $1) < 1e-12 })
            }
            let filtered = try await index.queryHybrid(embedding: [0, 1], query: "marine mammals", options: SearchOptions(k: 3, filter: .equal("topic", "sea")), ranker: .normalized)
            #expect(filtered.allSatisfy { $0.chunk.metadata["topic"] == "sea" })
            #expect(filtered.count == 3)
        }
    }
}
