import Foundation
import SQLStorePostgres
import StorageRefs
import Synchronization
import Testing

/// `TableQuery.locking` on PostgreSQL: `FOR UPDATE SKIP LOCKED` reads skip rows another transaction holds.
@Suite(
    .enabled(if: PostgresTestServer.mustRun, "\(PostgresTestServer.missingMessage)"),
    .timeLimit(.minutes(1))
)
struct PostgresRowLockingTests {
    @Test func aSkipLockedReadSkipsRowsAnotherTransactionHolds() async throws {
        let server = try #require(PostgresTestServer.configured, "\(PostgresTestServer.missingMessage)")
        let schema = "stackkit_locking_" + UUID().uuidString.prefix(8).lowercased()
        let backend = try await server.open(schema: schema)
        let store = backend.tableStore
        do {
            try await store.createTable(
                TableSchema(name: "queue", columns: [ColumnDefinition(name: "id", type: .string, isPrimaryKey: true)])
            )
            try await store.insert(into: "queue", rows: [["id": "a"], ["id": "b"], ["id": "c"]])
            let locked = Signal()
            let release = Signal()
            // Holds row "a" locked until released.
            let holder = Task {
                try await store.withTransaction { tx in
                    let rows = try await tx.fetchPage(TableQuery(table: "queue", predicate: .equal("id", "a"), locking: .forUpdate)).rows
                    locked.fire()
                    await release.wait()
                    return rows.count
                }
            }
            await locked.wait()
            let skipping = try await store.withTransaction { tx in
                try await tx.fetchPage(TableQuery(table: "queue", limit: 10, locking: .forUpdateSkipLocked)).rows.compactMap { $0["id"]?.stringValue }
            }
            #expect(skipping == ["b", "c"], "the row the other transaction holds is skipped")
            let plain = try await store.fetchPage(TableQuery(table: "queue")).rows.compactMap { $0["id"]?.stringValue }
            #expect(plain == ["a", "b", "c"], "a read without locking sees every row and does not wait")
            release.fire()
            #expect(try await holder.value == 1)
            let afterwards = try await store.withTransaction { tx in
                try await tx.fetchPage(TableQuery(table: "queue", locking: .forUpdateSkipLocked)).rows.compactMap { $0["id"]?.stringValue }
            }
            #expect(afterwards == ["a", "b", "c"], "once the holder commits, its row is claimable again")
        } catch {
            try? await backend.dropSchema()
            try? await backend.shutdown()
            throw error
        }
        try? await backend.dropSchema()
        try? await backend.shutdown()
    }
}

/// A one-shot signal one task fires and another waits on.
private final class Signal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resume = state.withLock { state in
                if state.fired { return true }
                state.waiters.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }
}
