import PostgresNIO
public import SQLStorePostgres
import StorageRefs
public import VectorIO

/// Keyword search with PostgreSQL full-text search (`to_tsvector`, `ts_rank_cd`) over the chunk table of a
/// ``VectorIO/FlatVectorIndex`` in a ``SQLStorePostgres/PostgresTableStore``.
///
/// ``prepare(table:)`` creates a GIN expression index `<table>_fts` on `to_tsvector(<language>, content)`, which
/// PostgreSQL keeps in step with every write, in its transaction. A query matches chunks containing any of its
/// words (after the language's stemming and stop words), ranked by `ts_rank_cd` (cover density) descending.
public struct PostgresKeywordSearch: KeywordSearchBackend {
    private let store: PostgresTableStore
    private let language: String

    /// Creates keyword search over tables of `store`.
    ///
    /// - Parameters:
    ///   - store: The table store.
    ///   - language: The text-search configuration (`english` by default); lowercase letters and `_` only.
    /// - Throws: ``VectorIO/VectorIOError`` with code ``VectorIO/VectorIOError/Code-swift.struct/invalidArgument``
    ///   naming `language` when it has other characters.
    public init(store: PostgresTableStore, language: String = "english") throws(VectorIOError) {
        guard !language.isEmpty, language.utf8.count <= 63,
            language.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_") })
        else {
            throw VectorIOError(code: .invalidArgument, message: "language: '\(language)' is not a text-search configuration name")
        }
        self.store = store
        self.language = language
    }

    /// The indexed expression; the configuration is a literal so the expression is immutable (indexable).
    private var document: String { "to_tsvector('\(language)'::regconfig, content)" }

    /// Creates the GIN index for `table`; idempotent.
    ///
    /// - Throws: ``StorageRefs/StorageError`` for an invalid name or a server error (an unknown configuration
    ///   among them).
    public func prepare(table: String) async throws {
        let qualified = try store.qualifiedName(table)
        let index = try SQLIdentifier.validate(table + "_fts", kind: "index")
        _ = try await store.rawQuery(
            PostgresQuery(unsafeSQL: "CREATE INDEX IF NOT EXISTS \"\(index)\" ON \(qualified) USING GIN (\(document))"),
            operation: "creating the full-text index of \(table)"
        )
    }

    /// Chunk ids matching any word of `query`, by `ts_rank_cd`; see
    /// ``VectorIO/KeywordSearchBackend/search(table:query:limit:offset:)``.
    public func search(table: String, query: String, limit: Int, offset: Int) async throws -> [(id: String, score: Double)] {
        let qualified = try store.qualifiedName(table)
        let words = KeywordQuery.words(query)
        guard !words.isEmpty, limit > 0 else { return [] }
        // Each word quoted as a tsquery lexeme (words hold only letters, digits and marks), joined with OR; the
        // configuration stems them and drops stop words.
        let tsquery = words.map { "'" + $0 + "'" }.joined(separator: " | ")
        var bindings = PostgresBindings()
        bindings.append(tsquery)
        bindings.append(Int64(limit))
        bindings.append(Int64(max(0, offset)))
        let sql = """
            SELECT c.id, ts_rank_cd(\(document), q)::float8 AS score
            FROM \(qualified) AS c, to_tsquery('\(language)'::regconfig, $1) AS q
            WHERE \(document) @@ q
            ORDER BY score DESC, c.id
            LIMIT $2 OFFSET $3
            """
        let rows = try await store.rawQuery(
            PostgresQuery(unsafeSQL: sql, binds: bindings),
            operation: "searching the full-text index of \(table)"
        )
        return try rows.map { row in
            let (id, score) = try row.decode((String, Double).self)
            return (id: id, score: score)
        }
    }
}
