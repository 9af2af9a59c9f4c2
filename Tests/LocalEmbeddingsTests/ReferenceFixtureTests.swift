import Foundation
import LocalEmbeddings
import Testing

/// The Swift embedder against sentence-transformers' own outputs (Fixtures/minilm-reference.json).
@Suite("MiniLM against sentence-transformers", .enabled(if: MiniLMModel.mustRun, Comment(rawValue: MiniLMModel.missingMessage)))
struct ReferenceFixtureTests {
    @Test("the fixture covers what the issue asks for")
    func fixtureCoverage() throws {
        let fixture = try ReferenceFixture.shared.get()
        #expect(fixture.cases.count >= 50)
        #expect(fixture.max_seq_length == 256)
        #expect(fixture.cases.contains { $0.text.isEmpty })
        #expect(fixture.cases.contains { $0.ids.count == 256 })
        #expect(fixture.cases.contains { $0.text.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
        #expect(fixture.cases.contains { $0.text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } })
    }

    @Test("token ids equal the reference tokenizer's for every text")
    func tokenIDs() async throws {
        let embedder = try await MiniLMModel.shared()
        for reference in try ReferenceFixture.shared.get().cases {
            #expect(embedder.tokenIDs(reference.text) == reference.ids, "text: \(reference.text.debugDescription)")
        }
    }

    @Test("the model's tokenizer.json holds the same vocabulary as its vocab.txt")
    func tokenizerJSONVocabulary() async throws {
        let embedder = try await MiniLMModel.shared()
        let directory = try #require(MiniLMModel.directory)
        let vocabulary = try WordPieceTokenizer.vocabulary(tokenizerJSONPath: directory + "/tokenizer.json")
        #expect(vocabulary.count == 30_522)
        #expect(vocabulary == embedder.tokenizer.vocabulary)
    }

    @Test("embeddings match within 1e-4 (maximum absolute difference), embedded as one batch")
    func embeddingsInOneCall() async throws {
        let embedder = try await MiniLMModel.shared()
        let cases = try ReferenceFixture.shared.get().cases
        let vectors = try await embedder.embed(cases.map(\.text))
        var worst: Float = 0
        for (reference, vector) in zip(cases, vectors) {
            #expect(vector.count == 384)
            let difference = maximumDifference(vector, reference.embedding)
            worst = max(worst, difference)
            #expect(difference <= 1e-4, "text: \(reference.text.debugDescription), max |Δ| = \(difference)")
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) <= 1e-5)
        }
        print("MiniLM fixture: \(cases.count) texts, worst max |Δ| = \(worst)")
    }

    @Test("a text embedded alone equals the same text inside a batch of other lengths")
    func batchingDoesNotChangeVectors() async throws {
        let embedder = try await MiniLMModel.shared()
        let cases = try ReferenceFixture.shared.get().cases
        let picked = [cases[0], cases[12], cases.last!, cases[30]]
        let together = try await embedder.embed(picked.map(\.text))
        for (index, reference) in picked.enumerated() {
            let alone = try await embedder.embed([reference.text])
            #expect(maximumDifference(alone[0], together[index]) <= 1e-5)
            #expect(maximumDifference(alone[0], reference.embedding) <= 1e-4)
        }
    }

    @Test("order, duplicates and batch sizes: every output lines up with its input")
    func orderAcrossBatches() async throws {
        let shared = try await MiniLMModel.shared()
        let directory = try #require(MiniLMModel.directory)
        // Batches of 3 over one task, so several forward passes and the length sort are exercised.
        let small = try await SentenceEmbedder.load(directory: directory, batchSize: 3, maximumParallelism: 1)
        let cases = Array(try ReferenceFixture.shared.get().cases.prefix(11))
        let texts = cases.map(\.text) + [cases[2].text]
        let vectors = try await small.embed(texts)
        #expect(vectors.count == texts.count)
        for (text, vector) in zip(texts, vectors) {
            let reference = try #require(cases.first { $0.text == text })
            #expect(maximumDifference(vector, reference.embedding) <= 1e-4)
        }
        #expect(try await shared.embed([]).isEmpty)
        #expect(small.model == "model")
    }

    @Test("a text longer than 256 word pieces is truncated, not rejected")
    func truncation() async throws {
        let embedder = try await MiniLMModel.shared()
        let long = String(repeating: "retrieval ", count: 1000)
        let ids = embedder.tokenIDs(long)
        #expect(ids.count == 256)
        #expect(ids.first == 101 && ids.last == 102)
        let vectors = try await embedder.embed([long, String(repeating: "retrieval ", count: 254)])
        // 254 words are exactly the 254 pieces that fit, so both inputs reach the model identically.
        #expect(maximumDifference(vectors[0], vectors[1]) == 0)
    }

    @Test("related sentences are closer than unrelated ones")
    func similarityOrdering() async throws {
        let embedder = try await MiniLMModel.shared()
        let vectors = try await embedder.embed([
            "A man is eating food.", "A man is eating a piece of bread.", "The new movie is awesome.",
        ])
        func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.3)
    }

    @Test("cancelling stops between batches with CancellationError")
    func cancellation() async throws {
        let directory = try #require(MiniLMModel.directory)
        let embedder = try await SentenceEmbedder.load(directory: directory, batchSize: 1, maximumParallelism: 1)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await embedder.embed(["one", "two"])
        }
        await #expect(throws: CancellationError.self) { try await task.value }

        // Cancelled while its batches run on the driver thread: the flag stops it before the remaining batches.
        let long = Array(repeating: String(repeating: "retrieval ", count: 260), count: 8)
        let running = Task { try await embedder.embed(long) }
        await Task.yield()
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
    }
}
