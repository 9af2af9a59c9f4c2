import Foundation
import KVStore
import Logging
import StorageRefs

/// The `kv_sqlite` backend (opened through ``SQLiteKeyValueDriver``) against ``RawSQLiteLoop``.
///
/// Every run uses new database files in a private temporary directory (ours and the baseline each their own),
/// deleted right after the run.
struct SQLiteSuite: KVSuite {
    let workload: KVWorkload
    let directory: URL
    let logger: Logger

    var backend: KVBackendKind { .sqlite }

    var baselineDescription: String {
        "the same SQL through the raw SQLite C API (WAL, synchronous=NORMAL, busy_timeout), one connection, "
            + "statements prepared once, a synchronous loop on one dedicated thread (the same for every task count)"
    }

    /// Creates the suite's temporary directory.
    init(workload: KVWorkload, logger: Logger) throws {
        self.workload = workload
        self.logger = logger
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stackkit-bench-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    func measureOurs(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        let path = self.directory.appendingPathComponent("ours-\(operation.rawValue)-\(tasks)-\(run).db").path
        defer { Self.removeDatabase(at: path) }
        let backend = try await SQLiteKeyValueDriver().openKeyValueBackend(
            named: "bench",
            config: .kvSQLite(SQLiteKVStoreConfig(dbPath: path)),
            logger: self.logger
        )
        do {
            let store = try await backend.keyValueStore(namespace: RawSQLiteLoop.namespace)
            let loop = StoreLoop(workload: self.workload)
            if operation.readsData {
                try await loop.populate(store)
            }
            let seed = BenchRandom.seed(operation: operation, tasks: tasks, run: run)
            let elapsed = try await loop.run(operation, on: store, tasks: tasks, total: total, seed: seed)
            try await backend.shutdown()
            return ConcurrentRunner.rate(total, in: elapsed)
        } catch {
            try? await backend.shutdown()
            throw error
        }
    }

    func measureBaseline(_ operation: KVOperation, tasks: Int, total: Int, run: Int) async throws -> Double {
        let path = self.directory.appendingPathComponent("baseline-\(operation.rawValue)-\(tasks)-\(run).db").path
        defer { Self.removeDatabase(at: path) }
        let seed = BenchRandom.seed(operation: operation, tasks: tasks, run: run)
        let elapsed = try await RawSQLiteLoop(workload: self.workload)
            .measure(operation, path: path, total: total, seed: seed)
        return ConcurrentRunner.rate(total, in: elapsed)
    }

    func shutdown() async {
        try? FileManager.default.removeItem(at: self.directory)
    }

    private static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
