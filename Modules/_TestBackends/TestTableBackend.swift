import Foundation
import Logging
import SQLStore
import SQLStorePostgres
package import StorageRefs

/// A table store for a test: a SQLite file in a fresh temporary directory, or a private schema on
/// the PostgreSQL server of `STACKKIT_TEST_POSTGRES_URL` (which `Scripts/test.sh` exports).
///
/// Only for this package's tests. ``close()`` drops the schema or removes the directory.
package final class TestTableBackend: Sendable {
    /// The kinds of backend a suite runs on.
    package enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
        case sqlite
        case postgres
        package var description: String { rawValue }
    }

    /// The environment variable naming the PostgreSQL server.
    package static let postgresVariable = "STACKKIT_TEST_POSTGRES_URL"

    /// Whether a PostgreSQL suite must run: the server is configured, or this is CI (`CI=true`),
    /// where a missing server is a failure, never a skip.
    package static var postgresMustRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment[postgresVariable] != nil || environment["CI"] == "true"
    }

    /// The message of a missing server.
    package static let postgresMissing = "STACKKIT_TEST_POSTGRES_URL is not set: run Scripts/test.sh, which starts PostgreSQL"

    /// The store.
    package let store: any TableStore
    /// The PostgreSQL schema the tables live in; `nil` for SQLite.
    package let postgresSchema: String?
    private let cleanup: @Sendable () async -> Void
    private let reopener: @Sendable () async throws -> TestTableBackend

    private init(
        store: any TableStore,
        schema: String? = nil,
        cleanup: @escaping @Sendable () async -> Void,
        reopen: @escaping @Sendable () async throws -> TestTableBackend
    ) {
        self.store = store
        self.postgresSchema = schema
        self.cleanup = cleanup
        self.reopener = reopen
    }

    /// Opens the same database again with a new store and new connections, as a restarted process would;
    /// closing the result closes only its connections.
    package func reopen() async throws -> TestTableBackend {
        try await reopener()
    }

    /// Opens a fresh backend of `kind`.
    ///
    /// - Throws: For PostgreSQL, a ``StorageError`` when the variable is unset or not a
    ///   `postgres://user:password@host:port/database` URL, or the server cannot be reached.
    package static func open(_ kind: Kind) async throws -> TestTableBackend {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("stackkit-test-\(UUID().uuidString)")
            let path = directory.appendingPathComponent("tables.db").path
            let store = try SQLiteTableStore(path: path)
            @Sendable func reopen() async throws -> TestTableBackend {
                let again = try SQLiteTableStore(path: path)
                return TestTableBackend(store: again, cleanup: { await again.close() }, reopen: reopen)
            }
            return TestTableBackend(
                store: store,
                cleanup: {
                    await store.close()
                    try? FileManager.default.removeItem(at: directory)
                },
                reopen: reopen
            )
        case .postgres:
            return try await Self.openPostgres(variable: Self.postgresVariable)
        }
    }

    /// Opens a fresh schema on the PostgreSQL server named by the environment variable `variable`.
    package static func openPostgres(variable: String) async throws -> TestTableBackend {
        let config = try Self.postgresConfig(variable: variable)
        let schema = "stackkit_test_" + UUID().uuidString.prefix(8).lowercased()
        @Sendable func connect() async throws -> PostgresTableBackend {
            // A 30 s connect timeout (production default 5 s): every suite connects at once on a loaded 2-core CI machine.
            try await PostgresTableBackend.open(
                named: "test", config: config, options: .init(connectTimeout: .seconds(30)), schema: schema, logger: Self.logger
            )
        }
        @Sendable func reopen() async throws -> TestTableBackend {
            let again = try await connect()
            return TestTableBackend(store: again.tableStore, schema: schema, cleanup: { try? await again.shutdown() }, reopen: reopen)
        }
        let backend = try await connect()
        try await backend.createSchema()
        return TestTableBackend(
            store: backend.tableStore,
            schema: schema,
            cleanup: {
                try? await backend.dropSchema()
                try? await backend.shutdown()
            },
            reopen: reopen
        )
    }

    /// The PostgreSQL configuration from the environment variable `variable`.
    package static func postgresConfig(variable: String = postgresVariable) throws -> PostgresSQLStoreConfig {
        guard let url = ProcessInfo.processInfo.environment[variable] else {
            throw StorageError(code: .connectionFailed, message: "\(variable) is not set: run Scripts/test.sh, which starts PostgreSQL")
        }
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else {
            throw StorageError(code: .invalidValue, message: "\(variable) is not a postgres:// URL")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        return PostgresSQLStoreConfig(
            host: host,
            port: components.port ?? 5432,
            db: path.isEmpty ? user : path,
            user: user,
            password: components.password.map(Secret.init),
            sslMode: "disable"
        )
    }

    /// Quiet, or everything on stderr when `STACKKIT_TEST_DEBUG` is set.
    static var logger: Logger {
        guard ProcessInfo.processInfo.environment["STACKKIT_TEST_DEBUG"] != nil else {
            return Logger(label: "stackkit.tests", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var logger = Logger(label: "stackkit.tests", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .debug
        return logger
    }

    /// Closes the store and removes what ``open(_:)`` created.
    package func close() async {
        await cleanup()
    }
}
