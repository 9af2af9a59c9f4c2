import Foundation
import Logging
import SQLStorePostgres
import SQLStoreTesting
import StorageRefs
import Testing

/// The PostgreSQL server the suite uses, from `STACKKIT_TEST_POSTGRES_URL`
/// (`postgres://user:password@host:port/database`), which `Scripts/test.sh` exports after starting one.
struct PostgresTestServer: Sendable {
    static let variable = "STACKKIT_TEST_POSTGRES_URL"
    static let missingMessage = "STACKKIT_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts PostgreSQL"

    /// Whether the suites must run: a server is configured, or this is CI, where a missing server is a failure.
    static var mustRun: Bool {
        ProcessInfo.processInfo.environment[variable] != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    /// The configured server, or nil when the variable is unset or not a `postgres://` URL.
    static var configured: PostgresTestServer? {
        ProcessInfo.processInfo.environment[variable].flatMap(PostgresTestServer.init(url:))
    }

    var config: PostgresSQLStoreConfig

    /// Parses `postgres://user:password@host:port/database` (or `postgresql://`).
    init?(url: String) {
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else { return nil }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        config = PostgresSQLStoreConfig(
            host: host,
            port: components.port ?? 5432,
            db: path.isEmpty ? user : path,
            user: user,
            password: components.password.map(Secret.init),
            sslMode: "disable"
        )
    }

    /// Opens a backend whose tables live in `schema`, creating the schema.
    func open(schema: String) async throws -> PostgresTableBackend {
        let backend = try await PostgresTableBackend.open(
            named: "postgres-test",
            config: config,
            options: .init(),
            schema: schema,
            logger: testLogger
        )
        try await backend.createSchema()
        return backend
    }
}

/// A logger that discards everything: the tests assert on errors, not on log lines.
let testLogger = Logger(label: "stackkit.tests.sql-postgres", factory: { _ in SwiftLogNoOpLogHandler() })

/// The shared table-store conformance suite against a real PostgreSQL server.
///
/// Every case works in a schema of its own (dropped afterwards), so cases run in parallel. Enabled when
/// `STACKKIT_TEST_POSTGRES_URL` is set, and always under `CI=true`, where a missing server fails every case.
@Suite(
    .enabled(if: PostgresTestServer.mustRun, "\(PostgresTestServer.missingMessage)"),
    .timeLimit(.minutes(2))
)
struct PostgresTableConformanceTests {
    @Test("postgres table conformance", arguments: TableStoreConformance.Case.allCases)
    func conformance(_ testCase: TableStoreConformance.Case) async throws {
        let server = try #require(PostgresTestServer.configured, "\(PostgresTestServer.missingMessage)")
        let schema = "stackkit_test_sql_" + UUID().uuidString.prefix(8).lowercased()
        let backend = try await server.open(schema: schema)
        let harness = TableStoreConformance.Harness(name: "postgres", openStore: { backend.tableStore })
        do {
            try await TableStoreConformance(harness).run(testCase)
        } catch {
            try? await backend.dropSchema()
            try? await backend.shutdown()
            throw error
        }
        try? await backend.dropSchema()
        try await backend.shutdown()
    }
}

/// The access-control conformance suite (decorator over the PostgreSQL store) against a real server.
@Suite(
    .enabled(if: PostgresTestServer.mustRun, "\(PostgresTestServer.missingMessage)"),
    .timeLimit(.minutes(3))
)
struct PostgresAccessControlConformanceTests {
    @Test("postgres access-control conformance", arguments: AccessControlConformance.Case.allCases)
    func accessControl(_ testCase: AccessControlConformance.Case) async throws {
        let server = try #require(PostgresTestServer.configured, "\(PostgresTestServer.missingMessage)")
        let schema = "stackkit_test_acl_" + UUID().uuidString.prefix(8).lowercased()
        let backend = try await server.open(schema: schema)
        let harness = TableStoreConformance.Harness(name: "postgres", openStore: { backend.tableStore })
        do {
            try await AccessControlConformance(harness).run(testCase)
        } catch {
            try? await backend.dropSchema()
            try? await backend.shutdown()
            throw error
        }
        try? await backend.dropSchema()
        try await backend.shutdown()
    }
}

/// Opening a backend on a server that is not there; needs no server.
@Suite(.timeLimit(.minutes(1)))
struct PostgresTableUnreachableTests {
    @Test("an unreachable server fails fast, naming host:port and never the password")
    func unreachable() async throws {
        let config = PostgresSQLStoreConfig(
            host: "127.0.0.1",
            port: 1,
            db: "nowhere",
            user: "nobody",
            password: Secret("hunter2-never-shown")
        )
        do {
            _ = try await SQLStorePostgresDriver().openTableBackend(
                named: "unreachable",
                config: .sqlPostgres(config),
                logger: testLogger
            )
            Issue.record("opening an unreachable server must fail")
        } catch let error as StorageError {
            #expect(error.code == .connectionFailed)
            #expect(error.message.contains("127.0.0.1:1"))
            #expect(error.message.contains("nowhere"))
            #expect(!"\(error)".contains("hunter2-never-shown"))
        }
    }
}
