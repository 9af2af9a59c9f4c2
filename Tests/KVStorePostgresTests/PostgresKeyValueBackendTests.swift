import Foundation
import KVStorePostgres
import StorageRefs
import Testing

/// PostgreSQL-specific behaviour, against a real server: sharing one table between clients, the schema the
/// backend creates, concurrent opens, and reclaiming expired rows.
@Suite(
    .enabled(if: PostgresTestServer.mustRun, "\(PostgresTestServer.missingMessage)"),
    .timeLimit(.minutes(2))
)
struct PostgresKeyValueBackendTests {
    let server: PostgresTestServer?

    init() {
        self.server = PostgresTestServer.configured
    }

    /// Runs `body` with a fresh table, dropped afterwards whatever happens.
    private func withTable(
        _ label: String,
        _ body: (PostgresTestServer, String) async throws -> Void
    ) async throws {
        let server = try #require(self.server, "\(PostgresTestServer.missingMessage)")
        let table = PostgresTestServer.uniqueTableName(label)
        do {
            try await body(server, table)
        } catch {
            await server.drop(table: table)
            throw error
        }
        await server.drop(table: table)
    }

    @Test func twoBackendsOnOneTableShareTheirData() async throws {
        try await withTable("shared") { server, table in
            let first = try await server.open(table: table)
            let second = try await server.open(table: table)
            let writer = try await first.keyValueStore(namespace: "shared")
            let reader = try await second.keyValueStore(namespace: "shared")
            let otherNamespace = try await second.keyValueStore(namespace: "other")

            try await writer.set("k", value: [1, 2, 3], expiration: nil)
            try await writer.set([KeyValueEntry(key: "a", value: [4]), KeyValueEntry(key: "b", value: [5])])
            #expect(try await reader.get("k") == [1, 2, 3])
            #expect(try await reader.keys(in: .all) == ["a", "b", "k"])
            #expect(try await otherNamespace.count() == 0)

            try await reader.delete("k")
            #expect(try await writer.get("k") == nil)
            #expect(try await writer.count() == 2)

            try await first.shutdown()
            try await second.shutdown()
        }
    }

    @Test func openCreatesTheTableAndItsExpiryIndex() async throws {
        try await withTable("schema") { server, table in
            let backend = try await server.open(table: table)
            let columns = try await backend.tableColumns()
            let indexes = try await backend.indexDefinitions()
            try await backend.shutdown()

            #expect(
                columns == [
                    .init(name: "namespace", dataType: "text", collation: "C", isNullable: false),
                    .init(name: "key", dataType: "text", collation: "C", isNullable: false),
                    .init(name: "value", dataType: "bytea", collation: nil, isNullable: false),
                    .init(name: "expires_at", dataType: "timestamp with time zone", collation: nil, isNullable: true),
                ]
            )
            #expect(indexes.count == 2, "the primary key and the expiry index: \(indexes)")
            #expect(indexes.contains { $0.contains("UNIQUE") && $0.contains("(namespace, key)") }, "\(indexes)")
            #expect(
                indexes.contains { $0.contains("(expires_at)") && $0.contains("WHERE (expires_at IS NOT NULL)") },
                "\(indexes)"
            )
        }
    }

    @Test func fourBackendsOpeningANewTableAtOnceAllSucceed() async throws {
        try await withTable("race") { server, table in
            let backends = try await withThrowingTaskGroup(of: PostgresKeyValueBackend.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await server.open(table: table) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(backends.count == 4)
            for (index, backend) in backends.enumerated() {
                try await backend.keyValueStore(namespace: "race").set("from-\(index)", value: [UInt8(index)])
            }
            let store = try await backends[0].keyValueStore(namespace: "race")
            #expect(try await store.keys(in: .all) == ["from-0", "from-1", "from-2", "from-3"])
            #expect(try await backends[0].indexDefinitions().count == 2)
            for backend in backends {
                try await backend.shutdown()
            }
        }
    }

    @Test func reclaimExpiredDeletesExpiredRowsFromTheTable() async throws {
        try await withTable("reclaim") { server, table in
            let clock = ManualWallClock()
            let backend = try await server.open(table: table, clock: clock, writesBetweenReclaims: 0)
            let store = try await backend.keyValueStore(namespace: "reclaim")
            try await store.set("brief", value: [1], expiration: clock.now().addingTimeInterval(1))
            try await store.set("lasting", value: [2], expiration: nil)
            try await store.set("later", value: [3], expiration: clock.now().addingTimeInterval(3600))
            try await store.set("past", value: [4], expiration: clock.now().addingTimeInterval(-1))

            // Invisible at once, but still stored until reclaimed.
            #expect(try await store.count() == 3)
            #expect(try await backend.storedRowCount(namespace: "reclaim") == 4)

            clock.advance(by: 2)
            #expect(try await store.count() == 2)
            #expect(try await backend.reclaimExpired() == 2)
            #expect(try await backend.storedRowCount(namespace: "reclaim") == 2)
            #expect(try await store.keys(in: .all) == ["lasting", "later"])
            #expect(try await backend.reclaimExpired() == 0)
            try await backend.shutdown()
        }
    }

    @Test func writesTriggerABackgroundReclaim() async throws {
        try await withTable("autoreclaim") { server, table in
            let clock = ManualWallClock()
            let backend = try await server.open(table: table, clock: clock, writesBetweenReclaims: 3)
            let store = try await backend.keyValueStore(namespace: "auto")
            try await store.set("old", value: [1], expiration: clock.now().addingTimeInterval(1))
            try await store.set("kept", value: [2], expiration: nil)
            clock.advance(by: 2)
            #expect(try await backend.storedRowCount(namespace: "auto") == 2)

            try await store.set([KeyValueEntry(key: "third", value: [3])])  // the third write starts a reclaim
            await backend.waitForBackgroundReclaim()
            #expect(try await backend.storedRowCount(namespace: "auto") == 2)
            #expect(try await store.keys(in: .all) == ["kept", "third"])
            try await backend.shutdown()
        }
    }

    @Test func moreTasksThanConnectionsShareThemAndAllFinish() async throws {
        try await withTable("sharing") { server, table in
            let backend = try await server.open(table: table, maximumConnections: 2)
            let store = try backend.store(namespace: "sharing")
            // 24 tasks on two connections: most calls wait for a connection another task gives back.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<24 {
                    group.addTask {
                        for round in 0..<5 {
                            try await store.set("k\(task)", value: [UInt8(task), UInt8(round)], expiration: nil)
                            #expect(try await store.get("k\(task)") == [UInt8(task), UInt8(round)])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.count() == 24)
            #expect(try await store.get("k23") == [23, 4])
            try await backend.shutdown()
        }
    }

    @Test func shutdownEndsCallsWaitingForAConnection() async throws {
        try await withTable("closing") { server, table in
            let backend = try await server.open(table: table, maximumConnections: 1)
            let store = try backend.store(namespace: "closing")
            try await store.set("k", value: [1], expiration: nil)
            // Every call either finishes or fails as closed (or, when its connection is closed under it, as a lost
            // connection); none may wait for ever.
            let codes = try await withThrowingTaskGroup(of: StorageError.Code?.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        do {
                            for _ in 0..<20 {
                                _ = try await store.get("k")
                            }
                            return nil
                        } catch let error as StorageError {
                            return error.code
                        }
                    }
                }
                try await backend.shutdown()
                var codes: [StorageError.Code] = []
                for try await code in group {
                    if let code {
                        codes.append(code)
                    }
                }
                return codes
            }
            #expect(codes.allSatisfy { $0 == .closed || $0 == .connectionFailed })
            let afterwards = await #expect(throws: StorageError.self) { try await store.get("k") }
            #expect(afterwards?.code == .closed)
        }
    }

    @Test func rangeBoundsContainingNULKeepTheirMeaning() async throws {
        try await withTable("nulbounds") { server, table in
            let backend = try await server.open(table: table)
            let store = try await backend.keyValueStore(namespace: "bounds")
            for key in ["a", "a\u{1}", "ab", "b"] {
                try await store.set(key, value: [])
            }
            // Keys never contain U+0000: "a" < "a\0x" < "a\u{1}".
            #expect(try await store.keys(in: KeyRange(from: "a\u{0}x", to: "b")) == ["a\u{1}", "ab"])
            #expect(try await store.keys(in: KeyRange(from: "a", to: "a\u{0}x")) == ["a"])
            #expect(try await store.keys(in: .prefix("a\u{0}")) == [])
            try await backend.shutdown()
        }
    }

    @Test func batchSetWithAnInvalidKeyWritesNothing() async throws {
        try await withTable("atomic") { server, table in
            let backend = try await server.open(table: table)
            let store = try await backend.keyValueStore(namespace: "atomic")
            await #expect(throws: StorageError.self) {
                try await store.set([
                    KeyValueEntry(key: "fine", value: [1]), KeyValueEntry(key: "bad\u{0}", value: [2]),
                ])
            }
            #expect(try await store.count() == 0)
            try await backend.shutdown()
        }
    }

    @Test func aMissingDatabaseFailsToOpenWithConnectionFailed() async throws {
        let server = try #require(self.server, "\(PostgresTestServer.missingMessage)")
        var config = server.config(table: "never_created")
        config.db = "stackkit_no_such_database"
        let error = await #expect(throws: StorageError.self) {
            _ = try await PostgresKeyValueDriver().openBackend(named: "missing-db", config: config, logger: testLogger)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("\(server.host):\(server.port)") == true, "\(String(describing: error))")
        #expect(error?.message.contains("stackkit_no_such_database") == true, "\(String(describing: error))")
    }

    @Test func aWrongPasswordFailsWithoutShowingIt() async throws {
        // The test server authenticates TCP clients with scram-sha-256 (Scripts/lib/services.sh).
        let server = try #require(self.server, "\(PostgresTestServer.missingMessage)")
        var config = server.config(table: "never_created")
        config.password = Secret("wrong-hunter2-never-shown")
        let error = await #expect(throws: StorageError.self) {
            _ = try await PostgresKeyValueDriver().openBackend(named: "auth", config: config, logger: testLogger)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("authentication failed") == true, "\(String(describing: error))")
        let texts = [error.map { "\($0)" } ?? "", error.map { String(reflecting: $0) } ?? ""]
        #expect(!texts.contains { $0.contains("wrong-hunter2-never-shown") })
    }
}
