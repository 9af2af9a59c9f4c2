import SQLStore
import SQLStorePostgres
import StorageRefs
import VectorIO
import VectorIOPostgres
import VectorIOSQLite
import _TestBackends

/// The backends the index suites run on: SQLite always, PostgreSQL when configured or under CI (where a missing
/// server fails the suite instead of skipping it).
let backendKinds: [TestTableBackend.Kind] = TestTableBackend.postgresMustRun ? [.sqlite, .postgres] : [.sqlite]

/// A deterministic generator (SplitMix64), so random data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomVectors(count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { _ in (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) } }
}

/// The keyword search backend for a test backend's store.
func keywordSearch(for backend: TestTableBackend) throws -> any KeywordSearchBackend {
    if let sqlite = backend.store as? SQLiteTableStore { return SQLiteKeywordSearch(store: sqlite) }
    if let postgres = backend.store as? PostgresTableStore { return try PostgresKeywordSearch(store: postgres) }
    fatalError("unexpected table store \(type(of: backend.store))")
}

/// Opens a backend of `kind`, runs `body`, and closes the backend whatever happens.
func withBackend<Result>(
    _ kind: TestTableBackend.Kind,
    _ body: (TestTableBackend) async throws -> Result
) async throws -> Result {
    let backend = try await TestTableBackend.open(kind)
    do {
        let result = try await body(backend)
        await backend.close()
        return result
    } catch {
        await backend.close()
        throw error
    }
}

/// A chunk with a random embedding.
func chunk(_ id: String, document: String = "doc", content: String = "", metadata: [String: JSONValue] = [:], embedding: [Float]) -> Chunk {
    Chunk(id: id, documentID: document, content: content.isEmpty ? "chunk \(id)" : content, metadata: metadata, embedding: embedding)
}
