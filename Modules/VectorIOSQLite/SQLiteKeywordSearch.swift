public import SQLStore
import StorageRefs
public import VectorIO

/// Keyword search with SQLite FTS5 (BM25) over the chunk table of a ``VectorIO/FlatVectorIndex`` in a
/// ``SQLStore/SQLiteTableStore``.
///
/// ``prepare(table:)`` creates an external-content FTS5 table `<table>_fts` (tokenizer `porter unicode61
/// remove_diacritics 2`, rowid = the chunk's `seq`) and triggers that keep it in step with the chunk table inside
/// the same transaction as every insert, update and delete. Scores are `-bm25`, so higher is better.
public struct SQLiteKeywordSearch: KeywordSearchBackend {
    private let store: SQLiteTableStore

    /// Creates keyword search over tables of `store`.
    public init(store: SQLiteTableStore) {
        self.store = store
    }

    /// Creates the FTS5 table and triggers for `table`, indexing the rows already there; idempotent.
    ///
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidIdentifier``
    ///   when `table` (or `table` + `_fts_update`) is not a valid identifier of at most 63 bytes, or the SQLite error
    ///   (for example when this SQLite lacks FTS5).
    public func prepare(table: String) async throws {
        let names = try Names(table: table)
        try await store.write { db in
            try db.atomically(write: true) {
                var exists = false
                try db.run("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(names.fts)]) { _ in
                    exists = true
                }
                guard !exists else { return }
                try db.execute(
                    """
                    CREATE VIRTUAL TABLE \(names.quotedFTS) USING fts5(
                        content, content=\(names.quotedTableLiteral), content_rowid='seq',
                        tokenize='porter unicode61 remove_diacritics 2')
                    """
                )
                try db.execute(
                    """
                    CREATE TRIGGER \(Names.quote(names.insertTrigger)) AFTER INSERT ON \(names.quotedTable) BEGIN
                        INSERT INTO \(names.quotedFTS)(rowid, content) VALUES (new.seq, new.content);
                    END
                    """
                )
                try db.execute(
                    """
                    CREATE TRIGGER \(Names.quote(names.deleteTrigger)) AFTER DELETE ON \(names.quotedTable) BEGIN
                        INSERT INTO \(names.quotedFTS)(\(names.quotedFTS), rowid, content) VALUES ('delete', old.seq, old.content);
                    END
                    """
                )
                try db.execute(
                    """
                    CREATE TRIGGER \(Names.quote(names.updateTrigger)) AFTER UPDATE ON \(names.quotedTable) BEGIN
                        INSERT INTO \(names.quotedFTS)(\(names.quotedFTS), rowid, content) VALUES ('delete', old.seq, old.content);
                        INSERT INTO \(names.quotedFTS)(rowid, content) VALUES (new.seq, new.content);
                    END
                    """
                )
                // Rows written before keyword search was enabled.
                try db.execute("INSERT INTO \(names.quotedFTS)(\(names.quotedFTS)) VALUES ('rebuild')")
            }
        }
    }

    /// Chunk ids matching any word of `query`, by BM25; see ``VectorIO/KeywordSearchBackend/search(table:query:limit:offset:)``.
    public func search(table: String, query: String, limit: Int, offset: Int) async throws -> [(id: String, score: Double)] {
        let names = try Names(table: table)
        let words = KeywordQuery.words(query)
        guard !words.isEmpty, limit > 0 else { return [] }
        // Each word as an FTS5 string (words hold only letters, digits and marks), so no input is read as syntax.
        let match = words.map { "\"" + $0 + "\"" }.joined(separator: " OR ")
        let sql = """
            SELECT c.id, bm25(\(names.quotedFTS)) AS rank
            FROM \(names.quotedFTS) JOIN \(names.quotedTable) AS c ON c.seq = \(names.quotedFTS).rowid
            WHERE \(names.quotedFTS) MATCH ?
            ORDER BY rank, c.id
            LIMIT ? OFFSET ?
            """
        return try await store.read { db in
            var hits: [(id: String, score: Double)] = []
            try db.run(sql, [.text(match), .integer(Int64(limit)), .integer(Int64(max(0, offset)))]) { row in
                hits.append((id: row.text(0), score: -row.double(1)))
            }
            return hits
        }
    }

    /// The validated names of the FTS objects of one chunk table.
    private struct Names {
        let table: String
        let fts: String
        let insertTrigger: String
        let deleteTrigger: String
        let updateTrigger: String

        init(table: String) throws(StorageError) {
            self.table = try SQLIdentifier.validate(table, kind: "table")
            fts = try SQLIdentifier.validate(table + "_fts", kind: "full-text table")
            insertTrigger = try SQLIdentifier.validate(table + "_fts_insert", kind: "trigger")
            deleteTrigger = try SQLIdentifier.validate(table + "_fts_delete", kind: "trigger")
            updateTrigger = try SQLIdentifier.validate(table + "_fts_update", kind: "trigger")
        }

        var quotedTable: String { Self.quote(table) }
        var quotedFTS: String { Self.quote(fts) }
        /// The table name as an SQL string literal (FTS5 options take strings); identifiers hold no quotes.
        var quotedTableLiteral: String { "'" + table + "'" }

        static func quote(_ name: String) -> String { "\"" + name + "\"" }
    }
}
