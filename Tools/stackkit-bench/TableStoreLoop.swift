import SQLStore
import StorageRefs

/// Our side of the table-store benchmark: the operations through the public ``TableStore`` API of any backend,
/// with every result checked.
struct TableStoreLoop: Sendable {
    let store: any TableStore
    let decorated: AuthorizedTableStore
    let workload: SQLWorkload
    let insertTable: String
    let pageTable: String

    /// The rows one measurement inserts, built before the clock starts (as the baselines encode theirs).
    func insertRows(_ operation: SQLOperation, total: Int, run: Int) -> [TableRow] {
        (0..<total).map { self.workload.row($0, id: "ours-\(operation.rawValue)-\(run)-\($0)") }
    }

    /// Runs `total` operations and returns the loop's time; inserted rows are deleted afterwards (not timed).
    func run(_ operation: SQLOperation, total: Int, run: Int, seed: UInt64) async throws -> Duration {
        var random = BenchRandom(seed: seed, stream: 0)
        let clock = ContinuousClock()
        switch operation {
        case .insert, .batchInsert:
            let rows = self.insertRows(operation, total: total, run: run)
            let size = operation == .insert ? 1 : SQLWorkload.batchSize
            let start = clock.now
            var index = 0
            while index < rows.count {
                try await self.store.insert(into: self.insertTable, rows: Array(rows[index..<min(index + size, rows.count)]))
                index += size
            }
            let elapsed = clock.now - start
            let stored = try await self.store.count(in: self.insertTable)
            try BenchError.check(stored == total, "ours \(operation.rawValue): \(stored) rows stored, expected \(total)")
            _ = try await self.store.delete(from: self.insertTable, where: .and([]))
            return elapsed
        case .get:
            let start = clock.now
            for _ in 0..<total {
                let index = random.next(below: self.workload.pageRows)
                let id = SQLWorkload.id(index)
                let row = try await self.store.fetchOne(from: self.pageTable, where: .equal("id", .string(id)))
                try BenchError.check(row?["id"]?.stringValue == id, "ours get: row \(id) not found")
            }
            return clock.now - start
        case .page, .pageACL:
            let target: any TableStore = operation == .page ? self.store : self.decorated
            let user: User? = operation == .page ? nil : SQLWorkload.reader
            return try await User.withCurrent(user) {
                let start = clock.now
                for _ in 0..<total {
                    let index = self.workload.pageStart(&random)
                    let page = try await target.fetchPage(
                        TableQuery(
                            table: self.pageTable,
                            ordering: .descending("created_at"),
                            limit: SQLWorkload.pageSize,
                            after: .after(
                                orderValue: .integer(SQLWorkload.createdAt(index)),
                                primaryKey: .string(SQLWorkload.id(index))
                            )
                        )
                    )
                    try BenchError.check(
                        page.rows.count == SQLWorkload.pageSize && page.hasMore
                            && page.rows.first?["id"]?.stringValue == SQLWorkload.id(index - 1),
                        "ours \(operation.rawValue): wrong page after row \(index)"
                    )
                }
                return clock.now - start
            }
        }
    }

    /// Fills the page table through the decorator, 1,000 rows per batch, cycling through the owners.
    func populate() async throws {
        var start = 0
        var batch = 0
        while start < self.workload.pageRows {
            let end = min(start + 1_000, self.workload.pageRows)
            let rows = (start..<end).map { self.workload.row($0, id: SQLWorkload.id($0)) }
            try await User.withCurrent(SQLWorkload.owners[batch % SQLWorkload.owners.count]) {
                try await self.decorated.insert(into: self.pageTable, rows: rows)
            }
            start = end
            batch += 1
        }
    }
}
