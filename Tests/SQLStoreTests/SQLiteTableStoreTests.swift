import CSQLite
import Foundation
import Logging
import SQLStore
import StorageRefs
import Testing

/// Reads one column of one row with the C API, as text, to check the storage format.
private func rawValues(_ path: String, _ sql: String) -> [String?] {
    var db: OpaquePointer?
    guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { return [] }
    defer { sqlite3_close_v2(db) }
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { return [] }
    defer { sqlite3_finalize(statement) }
    var values: [String?] = []
    while sqlite3_step(statement) == SQLITE_ROW {
        for column in 0..<sqlite3_column_count(statement) {
            if sqlite3_column_type(statement, column) == SQLITE_NULL {
                values.append(nil)
            } else {
                let type = sqlite3_column_type(statement, column) == SQLITE_INTEGER ? "i:" : "t:"
                values.append(type + String(cString: sqlite3_column_text(statement, column)))
            }
        }
    }
    return values
}

private func temporaryPath(_ name: String = "tables.db") -> (URL, String) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-sql-\(UUID().uuidString)")
    return (url, url.appendingPathComponent("a/b/\(name)").path)
}

@Suite(.timeLimit(.minutes(2)))
struct SQLiteTableStoreTests {
    @Test func storageFormatOfDatetimeAndJSON() async throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteTableStore(path: path)
        try await store.createTable(
            TableSchema(
                name: "t",
                columns: [
                    ColumnDefinition(name: "id", type: .integer, isPrimaryKey: true),
                    ColumnDefinition(name: "d", type: .datetime),
                    ColumnDefinition(name: "j", type: .json),
                    ColumnDefinition(name: "b", type: .boolean),
                ]
            )
        )
        try await store.insert(
            into: "t",
            rows: [
                ["id": 1, "d": .datetime(Date(timeIntervalSince1970: 1.5)), "j": .json(.null), "b": true],
                ["id": 2, "j": nil],
            ]
        )
        await store.close()
        #expect(rawValues(path, "SELECT d, j, b FROM t ORDER BY id") == ["i:1500000", "t:null", "i:1", nil, nil, nil])
    }

    @Test func tablesCreatedElsewhereAreTypedFromTheirDeclaration() async throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        var db: OpaquePointer?
        #expect(sqlite3_open(path, &db) == SQLITE_OK)
        sqlite3_exec(
            db,
            """
            CREATE TABLE legacy (id VARCHAR NOT NULL PRIMARY KEY, created_at INTEGER, data JSON, ok BOOLEAN, score FLOAT);
            INSERT INTO legacy VALUES ('a', 5, '{"x":[1,2.5]}', 1, 2);
            """,
            nil,
            nil,
            nil
        )
        sqlite3_close(db)
        let store = try SQLiteTableStore(path: path)
        let row = try await store.fetchOne(from: "legacy", where: .equal("id", "a"))
        #expect(
            row == ["id": "a", "created_at": 5, "data": .json(["x": [1, 2.5]]), "ok": true, "score": .float(2)]
        )
        await store.close()
    }

    @Test func driverOpensSQLSQLiteAndShutdownCloses() async throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let driver = SQLiteTableDriver()
        #expect(driver.backendTypes == [.sqlSQLite])
        let backend = try await driver.openTableBackend(
            named: "sql_default",
            config: .sqlSQLite(SQLiteSQLStoreConfig(dbPath: path)),
            logger: Logger(label: "test")
        )
        let store = backend.tableStore
        #expect(store.dialect == .sqlite)
        try await store.createTable(
            TableSchema(name: "t", columns: [ColumnDefinition(name: "id", type: .string, isPrimaryKey: true)])
        )
        #expect(FileManager.default.fileExists(atPath: path), "parent directories are created")
        try await backend.shutdown()
        do {
            _ = try await store.count(in: "t")
            Issue.record("a closed store must throw")
        } catch let error as StorageError {
            #expect(error.code == .closed)
        }
    }

    @Test func memoryDatabasesArePrivate() async throws {
        let first = try SQLiteTableStore(path: ":memory:")
        let second = try SQLiteTableStore(path: ":memory:")
        try await first.createTable(
            TableSchema(name: "t", columns: [ColumnDefinition(name: "id", type: .string, isPrimaryKey: true)])
        )
        do {
            _ = try await second.count(in: "t")
            Issue.record("another :memory: store must not see the table")
        } catch let error as StorageError {
            #expect(error.code == .unknownTable)
        }
        await first.close()
        await second.close()
    }

    @Test(arguments: ["file", "memory"])
    func concurrentWritesAndTransactionsDoNotInterleave(_ kind: String) async throws {
        let (directory, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteTableStore(path: kind == "file" ? path : ":memory:")
        try await store.createTable(
            TableSchema(
                name: "counter",
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "n", type: .integer, isNullable: false),
                ]
            )
        )
        try await store.insert(into: "counter", rows: [["id": "c", "n": 0]])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    if index.isMultiple(of: 2) {
                        try await store.withTransaction { tx in
                            let current = try await tx.fetchOne(from: "counter", where: .equal("id", "c"))
                            let n = current?["n"]?.integerValue ?? 0
                            await Task.yield()
                            _ = try await tx.update("counter", set: ["n": .integer(n + 1)], where: .equal("id", "c"))
                        }
                    } else {
                        try await store.insert(into: "counter", rows: [["id": .string("r\(index)"), "n": 1]])
                        _ = try await store.count(in: "counter")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.fetchOne(from: "counter", where: .equal("id", "c"))?["n"] == 20)
        #expect(try await store.count(in: "counter") == 21)
        await store.close()
    }
}
