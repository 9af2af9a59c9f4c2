import Foundation
import Logging
import SQLStore
import StorageRefs

/// The SQLite table store (``SQLiteTableStore``, and the access decorator over it) against ``RawSQLiteTableLoop``.
///
/// One database in a private temporary directory (removed at the end) holds our insert table, the baseline's
/// (same DDL, created by our store) and the page table, which is filled once and read by both.
final class SQLiteTableSuite: SQLBenchSuite {
    static let insertTable = "bench_insert"
    static let baselineInsertTable = "bench_insert_baseline"
    static let pageTable = "bench_page"

    let directory: URL
    private let store: SQLiteTableStore
    private let loop: TableStoreLoop
    private let baseline: RawSQLiteTableLoop

    var backend: String { "sqlite" }

    var baselineDescription: String {
        "the store's SQL through the raw SQLite C API (WAL, synchronous=NORMAL), statements prepared once, a "
            + "synchronous loop on a dedicated thread; JSON read as text, not parsed"
    }

    private init(directory: URL, store: SQLiteTableStore, loop: TableStoreLoop, baseline: RawSQLiteTableLoop) {
        self.directory = directory
        self.store = store
        self.loop = loop
        self.baseline = baseline
    }

    static func open(workload: SQLWorkload) async throws -> SQLiteTableSuite {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stackkit-bench-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let oursPath = directory.appendingPathComponent("ours.db").path
        let store = try SQLiteTableStore(path: oursPath)
        let decorated = AuthorizedTableStore(base: store)
        try await store.createTable(SQLWorkload.schema(Self.insertTable))
        // The baseline's insert table: same file, created by our store so the DDL is the same.
        try await store.createTable(SQLWorkload.schema(Self.baselineInsertTable))
        try await decorated.createTable(SQLWorkload.schema(Self.pageTable))
        let loop = TableStoreLoop(
            store: store,
            decorated: decorated,
            workload: workload,
            insertTable: Self.insertTable,
            pageTable: Self.pageTable
        )
        StandardError.print("[sqlite] filling \(Self.pageTable) with \(workload.pageRows) rows")
        try await loop.populate()
        let baseline = RawSQLiteTableLoop(
            workload: workload,
            path: oursPath,
            insertTable: Self.baselineInsertTable,
            pageTable: Self.pageTable
        )
        return SQLiteTableSuite(directory: directory, store: store, loop: loop, baseline: baseline)
    }

    func measureOurs(_ operation: SQLOperation, total: Int, run: Int) async throws -> Double {
        let elapsed = try await self.loop.run(operation, total: total, run: run, seed: operation.seed(run: run))
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    func measureBaseline(_ operation: SQLOperation, total: Int, run: Int) async throws -> Double {
        let elapsed = try await self.baseline.measure(operation, total: total, run: run, seed: operation.seed(run: run))
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    func shutdown() async {
        await self.store.close()
        try? FileManager.default.removeItem(at: self.directory)
    }
}
