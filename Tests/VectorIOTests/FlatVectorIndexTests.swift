import StorageRefs
import Testing
import VectorIO
import _TestBackends

@Suite("Flat vector index")
struct FlatVectorIndexTests {
    /// Brute force in Double: the ids of the best `k` by the metric's score, ties by id.
    static func bruteForce(_ vectors: [(String, [Float])], query: [Float], metric: DistanceMetric, k: Int, include: (String) -> Bool = { _ in true }) -> [String] {
        func score(_ v: [Float]) -> Double {
            let dot = zip(v, query).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            switch metric {
            case .dotProduct: return dot
            case .cosine:
                let nv = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let nq = query.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                return nv == 0 || nq == 0 ? 0 : dot / (nv * nq)
            case .euclidean:
                let d = zip(v, query).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }.squareRoot()
                return 1 / (1 + d)
            }
        }
        let scored: [(id: String, score: Double)] = vectors.filter { include($0.0) }.map { ($0.0, score($0.1)) }
        let ranked = scored.sorted { (lhs: (id: String, score: Double), rhs: (id: String, score: Double)) -> Bool in
            lhs.score != rhs.score ? lhs.score > rhs.score : lhs.id < rhs.id
        }
        return ranked.prefix(k).map(\.id)
    }

    @Test("exact search equals brute force (recall 1.0) for every metric", arguments: backendKinds, DistanceMetric.allCases)
    func recall(kind: TestTableBackend.Kind, metric: DistanceMetric) async throws {
        try await withBackend(kind) { backend in
            let dimension = 37
            let vectors = randomVectors(count: 1_003, dimension: dimension, seed: 7)
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: dimension, metric: metric)
            let items = vectors.enumerated().map { ("c\($0.offset)", $0.element) }
            try await index.add(items.map { chunk($0.0, embedding: $0.1) })
            // 128 queries × 1,003 rows × 37 floats is above the parallel threshold: the batch is split across tasks.
            let queries = randomVectors(count: 128, dimension: dimension, seed: 99)
            let batch = try await index.queryVectors(queries, options: SearchOptions(k: 10))
            for (position, query) in queries.enumerated() {
                let expected = Self.bruteForce(items, query: query, metric: metric, k: 10)
                #expect(batch[position].map(\.chunk.id) == expected)
                guard position < 20 else { continue }
                let single = try await index.queryVector(query, options: SearchOptions(k: 10))
                #expect(single.map(\.chunk.id) == expected)
                #expect(zip(single, single.dropFirst()).allSatisfy { $0.score >= $1.score })
            }
        }
    }

    @Test("a selective filter is applied before the top-k cut", arguments: backendKinds)
    func filterBeforeTopK(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let vectors = randomVectors(count: 500, dimension: 8, seed: 3)
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 8)
            // 1 in 50 chunks is "rare": a post-filter of the top 10 would almost always find none.
            let items = vectors.enumerated().map { ("c\($0.offset)", $0.element) }
            try await index.add(items.map { chunk($0.0, metadata: ["kind": Int(String($0.0.dropFirst()))! % 50 == 0 ? "rare" : "common"], embedding: $0.1) })
            let query = randomVectors(count: 1, dimension: 8, seed: 4)[0]
            let filter = MetadataFilter.equal("kind", "rare")
            let found = try await index.queryVector(query, options: SearchOptions(k: 10, filter: filter))
            let expected = Self.bruteForce(items, query: query, metric: .cosine, k: 10) { Int($0.dropFirst())! % 50 == 0 }
            #expect(found.count == 10)
            #expect(found.map(\.chunk.id) == expected)
            #expect(found.allSatisfy { $0.chunk.metadata["kind"] == "rare" })
        }
    }

    @Test("score threshold keeps only scores at or above it")
    func threshold() async throws {
        try await withBackend(.sqlite) { backend in
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 2)
            try await index.add([chunk("a", embedding: [1, 0]), chunk("b", embedding: [1, 1]), chunk("c", embedding: [0, 1]), chunk("d", embedding: [-1, 0])])
            let found = try await index.queryVector([1, 0], options: SearchOptions(k: 10, scoreThreshold: 0.5))
            #expect(found.map(\.chunk.id) == ["a", "b"])
            #expect(abs(found[1].score - 0.5.squareRoot()) < 1e-6)
        }
    }

    @Test("chunks survive a reopen: ids, content, metadata and exact embeddings", arguments: backendKinds)
    func persistence(kind: TestTableBackend.Kind) async throws {
        try await withBackend(kind) { backend in
            let vectors = randomVectors(count: 50, dimension: 16, seed: 11)
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 16)
            let chunks = vectors.enumerated().map {
                chunk("c\($0.offset)", document: "d\($0.offset % 5)", content: "text \($0.offset) ünï 🚀", metadata: ["n": .int(Int64($0.offset)), "nested": ["x": [1, nil]]], embedding: $0.element)
            }
            try await index.add(chunks)
            _ = try await index.delete(chunkIDs: ["c3", "c4"])
            _ = try await index.delete(documentIDs: ["d0"])
            let query = randomVectors(count: 1, dimension: 16, seed: 12)[0]
            let before = try await index.queryVector(query, options: SearchOptions(k: 50))

            let reopened = try await backend.reopen()
            let again = try await FlatVectorIndex.open(store: reopened.store, table: "chunks", dimension: 16)
            #expect(await again.count() == 50 - 2 - 10)
            let after = try await again.queryVector(query, options: SearchOptions(k: 50))
            #expect(after == before)
            let original = chunks[7]
            #expect(await again.chunk(id: "c7") == original)
            #expect(await again.chunk(id: "c5") == nil)  // document d0
            await reopened.close()
        }
    }

    @Test("adding an existing id replaces the chunk")
    func replace() async throws {
        try await withBackend(.sqlite) { backend in
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 2)
            try await index.add([chunk("a", document: "d1", content: "old", embedding: [1, 0]), chunk("b", embedding: [0, 1])])
            try await index.add([chunk("a", document: "d2", content: "new", embedding: [0, 1])])
            #expect(await index.count() == 2)
            #expect(await index.chunk(id: "a")?.content == "new")
            #expect(try await index.delete(documentIDs: ["d1"]) == 0)
            #expect(try await index.delete(documentIDs: ["d2"]) == 1)
            let reopened = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 2)
            #expect(await reopened.count() == 1)
        }
    }

    @Test("bad embeddings are typed errors with llama-stack's message, and nothing is added")
    func validation() async throws {
        try await withBackend(.sqlite) { backend in
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 3)
            let batch = [chunk("a", embedding: [1, 2, 3]), chunk("b", embedding: [1, 2, 3]), chunk("c", embedding: [1, 2, 3, 4])]
            await #expect(throws: VectorIOError(code: .invalidEmbedding, message: "Embedding at index 2 has dimension 4, expected 3")) {
                try await index.add(batch)
            }
            await #expect(throws: VectorIOError(code: .invalidEmbedding, message: "Embedding at index 0 has a non-finite value at position 1")) {
                try await index.add([chunk("a", embedding: [1, .nan, 3])])
            }
            await #expect(throws: VectorIOError.self) { try await index.add([chunk("a", embedding: [1, 2, 3]), chunk("a", embedding: [1, 2, 3])]) }
            #expect(await index.count() == 0)
            #expect(try await backend.store.count(in: "chunks") == 0)
            await #expect(throws: VectorIOError(code: .invalidEmbedding, message: "Embedding at index 0 has dimension 2, expected 3")) {
                try await index.queryVector([1, 2])
            }
            await #expect(throws: VectorIOError.self) { try await index.queryVector([1, 2, 3], options: SearchOptions(k: 0)) }
            await #expect(throws: VectorIOError.self) { try await FlatVectorIndex.open(store: backend.store, table: "other", dimension: 0) }
        }
    }

    @Test("a failing table write leaves memory unchanged")
    func failedWrite() async throws {
        try await withBackend(.sqlite) { backend in
            let failing = FaultInjectingTableStore(base: backend.store)
            let index = try await FlatVectorIndex.open(store: failing, table: "chunks", dimension: 2)
            try await index.add([chunk("a", embedding: [1, 0])])
            failing.fault = .allWrites
            await #expect(throws: StorageError.self) { try await index.add([chunk("b", embedding: [0, 1])]) }
            await #expect(throws: StorageError.self) { try await index.delete(chunkIDs: ["a"]) }
            #expect(await index.count() == 1)
            #expect(await index.chunk(id: "a") != nil)
            #expect(await index.chunk(id: "b") == nil)
        }
    }

    @Test("a stored embedding of another dimension is reported at open, naming the chunk")
    func dimensionMismatchAtOpen() async throws {
        try await withBackend(.sqlite) { backend in
            let index = try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 2)
            try await index.add([chunk("a", embedding: [1, 0])])
            await #expect(throws: VectorIOError(code: .corruptRecord, message: "chunk 'a' in table chunks: embedding has dimension 2, the index has 3")) {
                try await FlatVectorIndex.open(store: backend.store, table: "chunks", dimension: 3)
            }
        }
    }
}
