import Foundation
import KVStorePostgres
import KVStoreTesting
import StorageRefs
import Testing

/// The shared key-value conformance suite against a real PostgreSQL server.
///
/// Every case gets a table of its own (dropped afterwards) and a manual clock, so cases run in parallel and move
/// time without waiting. Enabled when `STACKKIT_TEST_POSTGRES_URL` is set, and always under `CI=true`, where a
/// missing server fails every case instead of skipping it.
@Suite(
    .enabled(if: PostgresTestServer.mustRun, "\(PostgresTestServer.missingMessage)"),
    .timeLimit(.minutes(2))
)
struct PostgresKeyValueConformanceTests {
    /// A TCP port on loopback where nothing listens (port 1, tcpmux, is never served here).
    static let closedPort = 1

    @Test("postgres conformance", arguments: KeyValueStoreConformance.Case.allCases)
    func conformance(_ testCase: KeyValueStoreConformance.Case) async throws {
        let server = try #require(PostgresTestServer.configured, "\(PostgresTestServer.missingMessage)")
        let table = PostgresTestServer.uniqueTableName("conformance")
        let clock = ManualWallClock()
        let unreachable = KeyValueStoreConformance.Harness.Unreachable(
            open: {
                var config = server.config(table: table)
                config.host = "127.0.0.1"
                config.port = Self.closedPort
                config.password = Secret("hunter2-never-shown")
                return try await PostgresKeyValueDriver().openKeyValueBackend(
                    named: "unreachable",
                    config: .kvPostgres(config),
                    logger: testLogger
                )
            },
            mustMention: ["127.0.0.1:\(Self.closedPort)"],
            mustNotMention: ["hunter2-never-shown"]
        )
        let harness = KeyValueStoreConformance.Harness(
            name: "postgres",
            openBackend: { try await server.open(table: table, clock: clock) },
            now: { clock.now() },
            advanceTime: { instant in
                if clock.now() <= instant {
                    clock.set(to: instant.addingTimeInterval(0.001))
                }
            },
            survivesReopen: true,
            unreachable: unreachable
        )
        do {
            try await KeyValueStoreConformance(harness).run(testCase)
        } catch {
            await server.drop(table: table)
            throw error
        }
        await server.drop(table: table)
    }
}
