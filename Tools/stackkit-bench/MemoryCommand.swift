import ArgumentParser
import Foundation
import Memory
import SQLStore
import StorageRefs
import VectorIO
import VectorIOSQLite

/// `stackkit-bench memory`: vector-store ingest throughput and search latency, against the same work done with the
/// VectorIO building blocks directly, in the same run.
struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Vector stores: ingest throughput and search latency in each mode, against the bare building blocks.",
        discussion: """
            Measurements (SQLite file with FTS5; a deterministic hashing embedder of 384 dimensions; the Llama 3
            tokenizer from --tokenizer):
              ingest   --text-mb of text in 10 files attached to a vector store (auto chunking, 800/400 tokens):
                       chunks/s and MB/s. Baseline: the same text tokenized, chunked, embedded and added to a
                       FlatVectorIndex directly (no file records, counts or transactions of the service).
              search   p50/p99 ms of --queries searches in vector, keyword and hybrid mode over --chunks chunks
                       (inserted with insertChunks), top 10. Baseline: the same query on a FlatVectorIndex over the
                       same table, with the query embedded the same way.
            """
    )

    @Option(name: .long, help: "Chunks in the search store.")
    var chunks = 100_000

    @Option(name: .long, help: "Megabytes of text to ingest.")
    var textMB = 1.0

    @Option(name: .long, help: "Queries per search mode.")
    var queries = 200

    @Option(name: .long, help: "The Llama 3 tokenizer rank file (tiktoken format).")
    var tokenizer: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/data/llama3-tokenizer.model").standardized.path

    @Flag(name: .long, help: "JSON lines instead of a table.")
    var json = false

    func run() async throws {
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-bench-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }
        var report = VectorReport(json: json)
        let tokenizer = try TiktokenTokenizer.llama3(rankFile: self.tokenizer)
        let embedder = HashingBenchEmbedder()
        let corpus = MemoryBenchCorpus(seed: 7)

        // Ingest.
        let fileCount = 10
        let bytesPerFile = Int(textMB * 1_048_576) / fileCount
        let files = (0..<fileCount).map { corpus.text(bytes: bytesPerFile, seed: $0) }
        let source = BenchFileSource(files: Dictionary(uniqueKeysWithValues: files.enumerated().map { ("file-\($0.offset)", $0.element) }))
        let totalBytes = Double(files.reduce(0) { $0 + $1.utf8.count })

        let oursStore = try SQLiteTableStore(path: workspace.appendingPathComponent("ours.db").path)
        let service = try VectorStoreService(
            tables: oursStore, embedders: [embedder], files: source, tokenizer: tokenizer, keywordSearch: SQLiteKeywordSearch(store: oursStore)
        )
        try await service.prepare()
        let start = ContinuousClock.now
        let store = try await service.createStore(name: "bench", fileIDs: Array(source.files.keys).sorted())
        let oursSeconds = (ContinuousClock.now - start).seconds
        try BenchError.check(store.fileCounts.completed == fileCount, "ingest failed: \(store.fileCounts)")
        var chunkCount = 0
        for id in source.files.keys { chunkCount += try await service.retrieveFile(storeID: store.id, fileID: id).chunkCount }

        let baseStore = try SQLiteTableStore(path: workspace.appendingPathComponent("baseline.db").path)
        let baseStart = ContinuousClock.now
        let baseIndex = try await FlatVectorIndex.open(store: baseStore, table: "chunks", dimension: embedder.dimension, keywordSearch: SQLiteKeywordSearch(store: baseStore))
        let chunker = OverlappingChunker(tokenizer: tokenizer)
        for (id, text) in source.files.sorted(by: { $0.key < $1.key }) {
            let pieces = try chunker.chunks(documentID: id, text: text, strategy: .auto)
            let embeddings = try await embedder.embed(pieces.map(\.content))
            try await baseIndex.add(zip(pieces, embeddings).map { $0.embedded($1) })
        }
        let baseSeconds = (ContinuousClock.now - baseStart).seconds
        report.note("ingest: \(fileCount) files, \(Int(totalBytes)) bytes, \(chunkCount) chunks (auto 800/400, Llama 3 tokens)")
        report.measure("ingest", unit: "chunks/s", ours: Double(chunkCount) / oursSeconds, baseline: Double(chunkCount) / baseSeconds)
        report.measure("ingest", unit: "MB/s", ours: totalBytes / 1_048_576 / oursSeconds, baseline: totalBytes / 1_048_576 / baseSeconds)
        await baseStore.close()

        // Search over --chunks chunks.
        let searchStore = try await service.createStore(name: "search")
        for startIndex in stride(from: 0, to: chunks, by: 5_000) {
            let batch = (startIndex..<min(startIndex + 5_000, chunks)).map { n in
                let text = corpus.sentence(words: 24, seed: n)
                return PendingChunk(TextChunk(id: "c\(n)", documentID: "doc-\(n / 50)", content: text, metadata: ["n": .int(Int64(n))], tokenRange: 0..<24))
            }
            try await service.insertChunks(storeID: searchStore.id, chunks: batch)
        }
        let direct = try await FlatVectorIndex.open(
            store: oursStore, table: "chunks_" + searchStore.id, dimension: embedder.dimension, keywordSearch: SQLiteKeywordSearch(store: oursStore)
        )
        report.note("search: \(chunks) chunks of 24 words; \(queries) queries of 2 words per mode; top 10")
        for mode in ["vector", "keyword", "hybrid"] {
            var ours: [Double] = [], baseline: [Double] = []
            for q in 0..<queries {
                let text = corpus.sentence(words: 2, seed: 10_000_000 + q)
                let t0 = ContinuousClock.now
                let page = try await service.search(storeID: searchStore.id, queries: [text], maxNumResults: 10, searchMode: mode)
                ours.append((ContinuousClock.now - t0).seconds * 1_000)
                let t1 = ContinuousClock.now
                let embedding = try await embedder.embed([text])[0]
                let found: [ChunkMatch]
                switch mode {
                case "vector": found = try await direct.queryVector(embedding, options: SearchOptions(k: 10, scoreThreshold: nil))
                case "keyword": found = try await direct.queryKeyword(text, options: SearchOptions(k: 10, scoreThreshold: nil))
                default: found = try await direct.queryHybrid(embedding: embedding, query: text, options: SearchOptions(k: 10, scoreThreshold: nil), ranker: .default)
                }
                baseline.append((ContinuousClock.now - t1).seconds * 1_000)
                try BenchError.check(page.data.map(\.fileID) == found.map(\.chunk.documentID), "\(mode) results differ for '\(text)'")
            }
            report.latency("search \(mode)", ours: ours, baseline: baseline)
        }
        await oursStore.close()
        report.finish()
    }
}

/// The benchmark's deterministic test embedder: words hashed (FNV-1a) into 384 buckets.
struct HashingBenchEmbedder: Embedder {
    let model = "hashing-384"
    let dimension = 384

    func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { text in
            var vector = [Float](repeating: 0, count: 384)
            for word in text.split(separator: " ") {
                let hash = word.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
                vector[Int(hash % 384)] += 1
            }
            return vector
        }
    }
}

/// Texts from a fixed pseudo-word vocabulary, Zipf-like.
struct MemoryBenchCorpus {
    let seed: UInt64
    private let vocabulary: [String]

    init(seed: UInt64) {
        self.seed = seed
        let syllables = ["ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "po", "ge", "zu", "ba", "fe", "ni", "to"]
        vocabulary = (0..<4_096).map { syllables[$0 & 15] + syllables[($0 >> 4) & 15] + syllables[($0 >> 8) & 15] + "n" }
    }

    func sentence(words: Int, seed: Int) -> String {
        var random = BenchRandom(seed: self.seed, stream: seed)
        return (0..<words).map { _ in
            let u = random.nextDouble()
            return vocabulary[min(vocabulary.count - 1, Int(u * u * Double(vocabulary.count)))]
        }.joined(separator: " ")
    }

    func text(bytes: Int, seed: Int) -> String {
        var parts: [String] = []
        var size = 0
        var n = 0
        while size < bytes {
            let sentence = sentence(words: 12, seed: seed * 1_000_000 + n) + ". "
            parts.append(sentence)
            size += sentence.utf8.count
            n += 1
        }
        return parts.joined()
    }
}

/// Files held in memory for the ingest measurement.
struct BenchFileSource: VectorStoreFileSource {
    let files: [String: String]

    func file(id: String) async throws -> SourceFile {
        guard let text = files[id] else { throw MemoryError(code: .sourceUnavailable, message: "no file '\(id)'") }
        return SourceFile(filename: id + ".txt", document: LoadedDocument(source: id, bytes: Array(text.utf8), mimeType: "text/plain", charset: "utf-8"))
    }
}
