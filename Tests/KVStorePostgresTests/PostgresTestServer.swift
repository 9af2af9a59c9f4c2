import Foundation
import KVStorePostgres
import Logging
import StorageRefs

/// The PostgreSQL server the integration suites use, from `STACKKIT_TEST_POSTGRES_URL`
/// (`postgres://user:password@host:port/database`), which `Scripts/test.sh` exports after starting one.
struct PostgresTestServer: Sendable {
    static let variable = "STACKKIT_TEST_POSTGRES_URL"
    static let missingMessage = "STACKKIT_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts PostgreSQL"

    /// Whether the server's URL is set; the suites are enabled when it is, or when `CI=true` (so they fail there).
    static var isConfigured: Bool { ProcessInfo.processInfo.environment[variable] != nil }

    /// Whether the suites must run: a server is configured, or this is CI, where a missing server is a failure.
    static var mustRun: Bool { isConfigured || ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The configured server, or nil when the variable is unset or not a `postgres://` URL.
    static var configured: PostgresTestServer? {
        ProcessInfo.processInfo.environment[variable].flatMap(PostgresTestServer.init(url:))
    }

    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String

    /// Parses `postgres://user:password@host:port/database` (or `postgresql://`).
    init?(url: String) {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else { return nil }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? user : path
    }

    /// A table name no other test run uses.
    static func uniqueTableName(_ label: String = "kv") -> String {
        "stackkit_test_\(label)_" + UUID().uuidString.prefix(8).lowercased()
    }

    /// The configuration of a backend on `table`.
    func config(table: String) -> PostgresKVStoreConfig {
        PostgresKVStoreConfig(
            host: host,
            port: port,
            db: database,
            user: user,
            password: password.map(Secret.init),
            sslMode: "disable",
            tableName: table
        )
    }

    /// Opens a backend on `table` whose expiry follows `clock`.
    func open(
        table: String,
        clock: any WallClock = SystemWallClock(),
        writesBetweenReclaims: Int = 1_000,
        maximumConnections: Int = 20
    ) async throws -> PostgresKeyValueBackend {
        let driver = PostgresKeyValueDriver(
            options: .init(
                maximumConnections: maximumConnections,
                clock: clock,
                writesBetweenReclaims: writesBetweenReclaims
            )
        )
        return try await driver.openBackend(named: "postgres-test", config: config(table: table), logger: testLogger)
    }

    /// Drops `table`, ignoring failures: clean-up must not hide a test's own result.
    func drop(table: String) async {
        guard let backend = try? await open(table: table) else { return }
        try? await backend.dropTable()
        try? await backend.shutdown()
    }
}

/// A logger that discards everything: the tests assert on errors, not on log lines.
let testLogger = Logger(label: "stackkit.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
