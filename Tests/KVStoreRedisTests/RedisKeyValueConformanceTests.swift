import Foundation
import KVStoreRedis
import KVStoreTesting
import StorageRefs
import Testing

/// The shared key-value conformance suite against a real Redis server.
///
/// Expiry follows the server's clock (`TIME`), so `advanceTime` waits until that clock is past the instant. Enabled
/// when `STACKKIT_TEST_REDIS_URL` is set, and always under `CI=true`, where a missing server fails every case instead
/// of skipping it.
@Suite(
    .enabled(if: RedisTestServer.mustRun, "\(RedisTestServer.missingMessage)"),
    .timeLimit(.minutes(1))
)
struct RedisKeyValueConformanceTests {
    static let password = "hunter2-never-shown"

    @Test("redis conformance", arguments: KeyValueStoreConformance.Case.allCases)
    func conformance(_ testCase: KeyValueStoreConformance.Case) async throws {
        let server = try #require(RedisTestServer.configured, "\(RedisTestServer.missingMessage)")
        let closedPort = try unusedLoopbackPort()
        let unreachable = KeyValueStoreConformance.Harness.Unreachable(
            open: {
                let config = RedisKVStoreConfig(host: "127.0.0.1", port: closedPort, password: Secret(Self.password))
                return try await RedisTestServer.driver.openKeyValueBackend(
                    named: "unreachable",
                    config: .kvRedis(config),
                    logger: testLogger
                )
            },
            mustMention: ["127.0.0.1:\(closedPort)"],
            mustNotMention: [Self.password]
        )
        // One backend for the clock, opened on first use and shut down at the end.
        let clock = ServerClock(server: server)
        let harness = KeyValueStoreConformance.Harness(
            name: "redis",
            openBackend: { try await server.open() },
            now: { try await clock.backend().serverTime() },
            advanceTime: { instant in try await waitForServerTime(of: clock.backend(), pastInstant: instant) },
            survivesReopen: true,
            unreachable: unreachable
        )
        do {
            try await KeyValueStoreConformance(harness).run(testCase)
        } catch {
            await clock.shutdown()
            throw error
        }
        await clock.shutdown()
    }
}

/// A backend opened lazily to read the server's clock.
private actor ServerClock {
    let server: RedisTestServer
    private var opened: RedisKeyValueBackend?

    init(server: RedisTestServer) {
        self.server = server
    }

    func backend() async throws -> RedisKeyValueBackend {
        if let opened { return opened }
        let backend = try await server.open()
        opened = backend
        return backend
    }

    func shutdown() async {
        try? await opened?.shutdown()
        opened = nil
    }
}
