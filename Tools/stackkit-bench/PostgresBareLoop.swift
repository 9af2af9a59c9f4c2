import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The PostgreSQL baseline: the driver's statements (the same SQL text as `PostgresKeyValueStatements`, the same
/// bound parameter types) on bare postgres-nio `PostgresConnection`s, without a pool.
///
/// At `c` tasks it opens `c` connections before timing, and each runs its share of the operations concurrently.
struct PostgresBareLoop: Sendable {
    let configuration: PostgresConnection.Configuration
    let workload: KVWorkload
    let logger: Logger
    /// The double-quoted table name.
    let table: String

    // The SQL text, built once (as the driver builds its statements once).
    private let getSQL: String
    private let setSQL: String
    /// The driver's range statement with a lower and an upper bound and no limit.
    private let rangeSQL: String
    private let batchSetSQL: String

    init(configuration: PostgresConnection.Configuration, workload: KVWorkload, logger: Logger, table: String) {
        self.configuration = configuration
        self.workload = workload
        self.logger = logger
        self.table = table
        self.getSQL =
            "SELECT value FROM \(table) WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)"
        self.setSQL = """
            INSERT INTO \(table) (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
            """
        self.rangeSQL =
            "SELECT key, value, expires_at FROM \(table) WHERE namespace = $1"
            + " AND (expires_at IS NULL OR expires_at > $2)"
            + " AND key >= $3 COLLATE \"C\" AND key < $4 COLLATE \"C\" ORDER BY key COLLATE \"C\""
        self.batchSetSQL = """
            INSERT INTO \(table) (namespace, key, value, expires_at) \
            SELECT $1, batch.key, batch.value, CASE WHEN batch.has_expiration THEN batch.expiration END \
            FROM unnest($2::text[], $3::bytea[], $4::timestamptz[], $5::bool[]) \
            AS batch(key, value, expiration, has_expiration) \
            ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
            """
    }

    /// Opens `tasks` connections, fills `namespace` when the operation reads data, runs `total` operations and
    /// returns the time of the loop alone; then checks the writes and closes the connections.
    func measure(
        _ operation: KVOperation,
        namespace: String,
        tasks: Int,
        total: Int,
        seed: UInt64
    ) async throws -> Duration {
        let connections = try await self.connect(tasks)
        do {
            if operation.readsData {
                try await self.populate(namespace, on: connections[0])
            }
            let (elapsed, lastWrites) = try await ConcurrentRunner.run(tasks: tasks, total: total) { task, count in
                var random = BenchRandom(seed: seed, stream: task)
                return try await self.loop(
                    operation,
                    namespace: namespace,
                    on: connections[task],
                    count: count,
                    random: &random
                )
            }
            for case let start? in lastWrites {
                let value = try await self.get(self.workload.keys[start], namespace: namespace, on: connections[0])
                try BenchError.check(
                    value == self.workload.values[start],
                    "postgres baseline \(operation.rawValue): lost a write"
                )
            }
            await Self.close(connections)
            return elapsed
        } catch {
            await Self.close(connections)
            throw error
        }
    }

    /// Opens `count` connections at once.
    func connect(_ count: Int) async throws -> [PostgresConnection] {
        let configuration = self.configuration
        let logger = self.logger
        return try await withThrowingTaskGroup(of: PostgresConnection.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await PostgresConnection.connect(
                        configuration: configuration,
                        id: 1_000 + index,
                        logger: logger
                    )
                }
            }
            var connections: [PostgresConnection] = []
            do {
                for try await connection in group {
                    connections.append(connection)
                }
            } catch {
                await Self.close(connections)
                throw error
            }
            return connections
        }
    }

    static func close(_ connections: [PostgresConnection]) async {
        for connection in connections {
            try? await connection.close()
        }
    }

    private func populate(_ namespace: String, on connection: PostgresConnection) async throws {
        var start = 0
        while start < KVWorkload.keyCount {
            let end = min(start + 1_000, KVWorkload.keyCount)
            try await self.batchSet(start..<end, namespace: namespace, on: connection)
            start = end
        }
    }

    private func loop(
        _ operation: KVOperation,
        namespace: String,
        on connection: PostgresConnection,
        count: Int,
        random: inout BenchRandom
    ) async throws -> Int? {
        let workload = self.workload
        var lastWrite: Int?
        switch operation {
        case .set:
            for _ in 0..<count {
                let index = random.next(below: KVWorkload.keyCount)
                var binds = PostgresBindings(capacity: 4)
                binds.append(namespace)
                binds.append(workload.keys[index])
                binds.append(ByteBuffer(bytes: workload.values[index]))
                binds.append(Date?.none)
                let rows = try await connection.query(
                    PostgresQuery(unsafeSQL: self.setSQL, binds: binds),
                    logger: self.logger
                )
                for try await _ in rows {}
                lastWrite = index
            }
        case .get:
            for iteration in 0..<count {
                let index = random.next(below: KVWorkload.keyCount)
                let value = try await self.get(workload.keys[index], namespace: namespace, on: connection)
                try BenchError.check(value?.count == KVWorkload.valueSize, "postgres baseline get: key missing")
                if iteration == 0 {
                    try BenchError.check(value == workload.values[index], "postgres baseline get: wrong value")
                }
            }
        case .range:
            for _ in 0..<count {
                let first = random.next(below: KVWorkload.rangeStarts)
                let rows = try await self.scan(
                    from: workload.keys[first],
                    to: workload.keys[first + KVWorkload.rangeLength],
                    namespace: namespace,
                    on: connection
                )
                try BenchError.check(
                    rows.count == KVWorkload.rangeLength && rows.first?.0 == workload.keys[first],
                    "postgres baseline range returned \(rows.count) rows"
                )
            }
        case .prefix:
            for _ in 0..<count {
                let index = random.next(below: workload.prefixes.count)
                let rows = try await self.scan(
                    from: workload.prefixes[index],
                    to: workload.prefixUpperBounds[index],
                    namespace: namespace,
                    on: connection
                )
                try BenchError.check(
                    rows.count == KVWorkload.prefixLength
                        && rows.first?.0 == workload.keys[index * KVWorkload.prefixLength],
                    "postgres baseline prefix returned \(rows.count) rows"
                )
            }
        case .batchSet:
            for _ in 0..<count {
                let first = random.next(below: KVWorkload.batchStarts)
                try await self.batchSet(first..<(first + KVWorkload.batchSize), namespace: namespace, on: connection)
                lastWrite = first
            }
        }
        return lastWrite
    }

    private func get(_ key: String, namespace: String, on connection: PostgresConnection) async throws -> [UInt8]? {
        var binds = PostgresBindings(capacity: 3)
        binds.append(namespace)
        binds.append(key)
        binds.append(Date())
        var value: [UInt8]?
        let rows = try await connection.query(PostgresQuery(unsafeSQL: self.getSQL, binds: binds), logger: self.logger)
        for try await row in rows {
            value = Array(try row.decode(ByteBuffer.self).readableBytesView)
        }
        return value
    }

    private func scan(
        from lower: String,
        to upper: String,
        namespace: String,
        on connection: PostgresConnection
    ) async throws -> [(String, [UInt8], Date?)] {
        var binds = PostgresBindings(capacity: 4)
        binds.append(namespace)
        binds.append(Date())
        binds.append(lower)
        binds.append(upper)
        var result: [(String, [UInt8], Date?)] = []
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: self.rangeSQL, binds: binds),
            logger: self.logger
        )
        for try await (key, value, expiration) in rows.decode((String, ByteBuffer, Date?).self) {
            result.append((key, Array(value.readableBytesView), expiration))
        }
        return result
    }

    private func batchSet(_ indices: Range<Int>, namespace: String, on connection: PostgresConnection) async throws {
        let placeholder = Date(timeIntervalSince1970: 0)
        var binds = PostgresBindings(capacity: 5)
        binds.append(namespace)
        binds.append(indices.map { self.workload.keys[$0] })
        binds.append(indices.map { ByteBuffer(bytes: self.workload.values[$0]) })
        binds.append(Array(repeating: placeholder, count: indices.count))
        binds.append(Array(repeating: false, count: indices.count))
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: self.batchSetSQL, binds: binds),
            logger: self.logger
        )
        for try await _ in rows {}
    }
}
