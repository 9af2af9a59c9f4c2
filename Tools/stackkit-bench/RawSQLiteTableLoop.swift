import Foundation

/// The SQLite baseline of the table-store benchmark: the SQL our SQLite table store runs, on raw C-API
/// connections with statements prepared once, in a synchronous loop on a dedicated `Thread`.
///
/// It runs on its own connection to our store's database: inserts go to a table our store created (so the DDL
/// is identical), reads read the same page table. Each row read is turned into Swift
/// values (strings and integers; the JSON column as its text, not parsed — parsing is part of our cost).
struct RawSQLiteTableLoop: Sendable {
    static let columns = "\"id\", \"created_at\", \"model\", \"body\", \"owner_principal\", \"access_attributes\""

    let workload: SQLWorkload
    /// Our store's database.
    let path: String
    let insertTable: String
    let pageTable: String

    private typealias Row = (String, Int64, String, String, String?, String?)

    func measure(_ operation: SQLOperation, total: Int, run: Int, seed: UInt64) async throws -> Duration {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { () throws(BenchError) -> Duration in
                        try self.measureOnThisThread(operation, total: total, run: run, seed: seed)
                    }.mapError { $0 as any Error }
                )
            }
            thread.name = "stackkit-bench sqlite table baseline"
            thread.start()
        }
    }

    private func read(_ statement: RawSQLiteStatement) -> Row {
        (
            statement.text(0), statement.int64(1) ?? 0, statement.text(2), statement.text(3),
            statement.isNull(4) ? nil : statement.text(4), statement.isNull(5) ? nil : statement.text(5)
        )
    }

    private func measureOnThisThread(
        _ operation: SQLOperation,
        total: Int,
        run: Int,
        seed: UInt64
    ) throws(BenchError) -> Duration {
        var random = BenchRandom(seed: seed, stream: 0)
        let clock = ContinuousClock()
        switch operation {
        case .insert, .batchInsert:
            let database = try RawSQLiteDatabase(path: self.path, schema: "SELECT 1")
            defer { database.close() }
            let insert = try database.prepare(
                "INSERT INTO \"\(self.insertTable)\" (\"body\", \"created_at\", \"id\", \"model\") VALUES (?1, ?2, ?3, ?4)"
            )
            var rows: [(String, Int64, String)] = []
            for index in 0..<total {
                let id = "baseline-\(operation.rawValue)-\(run)-\(index)"
                do {
                    rows.append((try self.workload.bodyText(index, id: id), SQLWorkload.createdAt(index), id))
                } catch {
                    throw BenchError("cannot encode a body: \(error)")
                }
            }
            let size = operation == .insert ? 1 : SQLWorkload.batchSize
            let start = clock.now
            var index = 0
            while index < rows.count {
                if size > 1 { try database.execute("BEGIN IMMEDIATE") }
                for (body, createdAt, id) in rows[index..<min(index + size, rows.count)] {
                    insert.bind(1, body)
                    insert.bind(2, createdAt)
                    insert.bind(3, id)
                    insert.bind(4, "llama-3.1-8b-instruct")
                    try insert.run()
                }
                if size > 1 { try database.execute("COMMIT") }
                index += size
            }
            let elapsed = clock.now - start
            let count = try database.prepare("SELECT COUNT(*) FROM \"\(self.insertTable)\"")
            _ = try count.step()
            try BenchError.check(count.int64(0) == Int64(total), "baseline \(operation.rawValue): rows lost")
            count.reset()
            try database.execute("DELETE FROM \"\(self.insertTable)\"")
            return elapsed
        case .get:
            let database = try RawSQLiteDatabase(path: self.path, schema: "SELECT 1")
            defer { database.close() }
            let get = try database.prepare(
                "SELECT \(Self.columns) FROM \"\(self.pageTable)\" WHERE \"id\" = ?1 ORDER BY \"id\" ASC LIMIT 1"
            )
            let start = clock.now
            for _ in 0..<total {
                let id = SQLWorkload.id(random.next(below: self.workload.pageRows))
                get.bind(1, id)
                var row: Row?
                while try get.step() { row = self.read(get) }
                get.reset()
                try BenchError.check(row?.0 == id, "baseline get: row \(id) not found")
            }
            return clock.now - start
        case .page, .pageACL:
            let database = try RawSQLiteDatabase(path: self.path, schema: "SELECT 1")
            defer { database.close() }
            let page = try database.prepare(
                "SELECT \(Self.columns) FROM \"\(self.pageTable)\" WHERE (\"created_at\", \"id\") < (?1, ?2) "
                    + "ORDER BY \"created_at\" DESC, \"id\" DESC LIMIT ?3"
            )
            let start = clock.now
            for _ in 0..<total {
                let index = self.workload.pageStart(&random)
                page.bind(1, SQLWorkload.createdAt(index))
                page.bind(2, SQLWorkload.id(index))
                page.bind(3, Int64(SQLWorkload.pageSize + 1))
                var rows: [Row] = []
                while try page.step() { rows.append(self.read(page)) }
                page.reset()
                try BenchError.check(
                    rows.count == SQLWorkload.pageSize + 1 && rows[0].0 == SQLWorkload.id(index - 1),
                    "baseline page: wrong page after row \(index)"
                )
            }
            return clock.now - start
        }
    }
}
