import Foundation

/// The SQLite baseline: the store's statements (same SQL text as `SQLiteKeyValueConnection`, prepared once) on
/// one raw connection, in a plain synchronous loop on a dedicated `Thread`, off the cooperative pool.
///
/// It is the one-connection ceiling, so it ignores the task count: the same single loop serves every concurrency
/// level. Like ours, it binds the current time in milliseconds to each read, and it builds the same Swift values
/// from the rows (a `String` key and a `[UInt8]` value per row).
struct RawSQLiteLoop: Sendable {
    static let namespace = "bench"

    static let getSQL = """
        SELECT value FROM stackkit_kv WHERE namespace = ?1 AND key = ?2 AND (expires_at IS NULL OR expires_at > ?3)
        """
    static let upsertSQL = """
        INSERT INTO stackkit_kv (namespace, key, value, expires_at) VALUES (?1, ?2, ?3, ?4)
        ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
        """
    static let rangeSQL = """
        SELECT key, value, expires_at FROM stackkit_kv
        WHERE namespace = ?1 AND key >= ?2 AND key < ?5 AND (expires_at IS NULL OR expires_at > ?3)
        ORDER BY key LIMIT ?4
        """

    let workload: KVWorkload

    /// Runs `total` operations on a new thread against a new database at `path`; returns the loop's time.
    func measure(_ operation: KVOperation, path: String, total: Int, seed: UInt64) async throws -> Duration {
        let workload = self.workload
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { () throws(BenchError) -> Duration in
                        try Self.measureOnThisThread(
                            operation,
                            path: path,
                            workload: workload,
                            total: total,
                            seed: seed
                        )
                    }.mapError { $0 as any Error }
                )
            }
            thread.name = "stackkit-bench sqlite baseline"
            thread.start()
        }
    }

    private static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func measureOnThisThread(
        _ operation: KVOperation,
        path: String,
        workload: KVWorkload,
        total: Int,
        seed: UInt64
    ) throws(BenchError) -> Duration {
        let database = try RawSQLiteDatabase(path: path)
        defer { database.close() }
        let get = try database.prepare(Self.getSQL)
        let upsert = try database.prepare(Self.upsertSQL)
        let range = try database.prepare(Self.rangeSQL)
        let begin = try database.prepare("BEGIN IMMEDIATE")
        let commit = try database.prepare("COMMIT")

        func write(_ index: Int) throws(BenchError) {
            upsert.bind(1, Self.namespace)
            upsert.bind(2, workload.keys[index])
            upsert.bind(3, workload.values[index])
            upsert.bindNull(4)
            try upsert.run()
        }
        func read(_ index: Int) throws(BenchError) -> [UInt8]? {
            defer { get.reset() }
            get.bind(1, Self.namespace)
            get.bind(2, workload.keys[index])
            get.bind(3, Self.now())
            return try get.step() ? get.bytes(0) : nil
        }
        func scan(from lower: String, to upper: String) throws(BenchError) -> [(String, [UInt8], Int64?)] {
            defer { range.reset() }
            range.bind(1, Self.namespace)
            range.bind(2, lower)
            range.bind(3, Self.now())
            range.bind(4, -1)
            range.bind(5, upper)
            var rows: [(String, [UInt8], Int64?)] = []
            while try range.step() {
                rows.append((range.text(0), range.bytes(1), range.int64(2)))
            }
            return rows
        }

        if operation.readsData {
            try begin.run()
            for index in 0..<KVWorkload.keyCount {
                try write(index)
            }
            try commit.run()
        }

        var random = BenchRandom(seed: seed, stream: 0)
        var lastWrite: Int?
        let clock = ContinuousClock()
        let start = clock.now
        switch operation {
        case .set:
            for _ in 0..<total {
                let index = random.next(below: KVWorkload.keyCount)
                try write(index)
                lastWrite = index
            }
        case .get:
            for iteration in 0..<total {
                let index = random.next(below: KVWorkload.keyCount)
                let value = try read(index)
                try BenchError.check(value?.count == KVWorkload.valueSize, "sqlite baseline get: key missing")
                if iteration == 0 {
                    try BenchError.check(value == workload.values[index], "sqlite baseline get: wrong value")
                }
            }
        case .range:
            for _ in 0..<total {
                let first = random.next(below: KVWorkload.rangeStarts)
                let rows = try scan(from: workload.keys[first], to: workload.keys[first + KVWorkload.rangeLength])
                try BenchError.check(
                    rows.count == KVWorkload.rangeLength && rows.first?.0 == workload.keys[first],
                    "sqlite baseline range returned \(rows.count) rows"
                )
            }
        case .prefix:
            for _ in 0..<total {
                let index = random.next(below: workload.prefixes.count)
                let rows = try scan(from: workload.prefixes[index], to: workload.prefixUpperBounds[index])
                try BenchError.check(
                    rows.count == KVWorkload.prefixLength
                        && rows.first?.0 == workload.keys[index * KVWorkload.prefixLength],
                    "sqlite baseline prefix returned \(rows.count) rows"
                )
            }
        case .batchSet:
            for _ in 0..<total {
                let first = random.next(below: KVWorkload.batchStarts)
                try begin.run()
                for index in first..<(first + KVWorkload.batchSize) {
                    try write(index)
                }
                try commit.run()
                lastWrite = first
            }
        }
        let elapsed = clock.now - start

        if let lastWrite {
            let value = try read(lastWrite)
            try BenchError.check(
                value == workload.values[lastWrite],
                "sqlite baseline \(operation.rawValue): lost a write"
            )
        }
        return elapsed
    }
}
