import CSQLite
import Foundation
import VectorIO

/// The build baseline: the index's rows (same columns, same encodings, 1,000 per transaction) inserted through the
/// raw SQLite C API into a table with the same FTS5 table and triggers.
enum RawChunkInserter {
    /// Inserts every chunk of `data` into a new database at `path`; returns chunks per second.
    static func insert(data: VectorBenchData, path: String) async throws -> Double {
        let schema = """
            CREATE TABLE chunks (id VARCHAR PRIMARY KEY NOT NULL, seq INTEGER NOT NULL, document_id VARCHAR NOT NULL,
                content TEXT NOT NULL, metadata TEXT NOT NULL, embedding TEXT NOT NULL);
            CREATE UNIQUE INDEX chunks_seq ON chunks (seq);
            CREATE INDEX chunks_document_id ON chunks (document_id);
            CREATE VIRTUAL TABLE chunks_fts USING fts5(content, content='chunks', content_rowid='seq',
                tokenize='porter unicode61 remove_diacritics 2');
            CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                INSERT INTO chunks_fts(rowid, content) VALUES (new.seq, new.content);
            END;
            """
        let database = try RawSQLiteDatabase(path: path, schema: schema)
        defer { database.close() }
        let insert = try database.prepare(
            "INSERT INTO chunks (id, seq, document_id, content, metadata, embedding) VALUES (?, ?, ?, ?, ?, ?)"
        )
        let start = ContinuousClock.now
        for offset in stride(from: 0, to: data.count, by: 1_000) {
            try database.execute("BEGIN IMMEDIATE")
            for n in offset..<min(offset + 1_000, data.count) {
                let chunk = data.chunk(n, text: data.text(n))
                insert.bind(1, chunk.id)
                insert.bind(2, Int64(n + 1))
                insert.bind(3, chunk.documentID)
                insert.bind(4, chunk.content)
                insert.bind(5, "{\"n\":\(n)}")
                insert.bind(6, Self.base64(chunk.embedding))
                try insert.run()
            }
            try database.execute("COMMIT")
        }
        return Double(data.count) / (ContinuousClock.now - start).seconds
    }

    static func base64(_ embedding: [Float]) -> String {
        embedding.withUnsafeBytes { Data($0).base64EncodedString() }
    }
}

/// The keyword baseline: the FTS5 query the SQLite keyword search runs, through the raw C API.
final class RawFTSQuery {
    private let database: RawSQLiteDatabase
    private let statement: RawSQLiteStatement

    init(path: String) throws {
        database = try RawSQLiteDatabase(path: path, schema: "SELECT 1")
        statement = try database.prepare(
            """
            SELECT c.id, bm25("bench_chunks_fts") AS rank
            FROM "bench_chunks_fts" JOIN "bench_chunks" AS c ON c.seq = "bench_chunks_fts".rowid
            WHERE "bench_chunks_fts" MATCH ?
            ORDER BY rank, c.id
            LIMIT ? OFFSET 0
            """
        )
    }

    /// The ids of the best `k` chunks for the words of `text`.
    func search(_ text: String, k: Int) throws -> [String] {
        let match = text.split(separator: " ").map { "\"\($0)\"" }.joined(separator: " OR ")
        statement.bind(1, match)
        statement.bind(2, Int64(k))
        var ids: [String] = []
        while try statement.step() { ids.append(statement.text(0)) }
        statement.reset()
        return ids
    }

    func close() { database.close() }
}
