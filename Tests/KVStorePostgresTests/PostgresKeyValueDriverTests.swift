import Foundation
import KVStorePostgres
import StorageRefs
import Testing

/// Checks the driver makes before it connects; no server needed.
struct PostgresKeyValueDriverTests {
    /// A configuration whose server would not answer (port 1 on loopback), so a test that reaches the network
    /// sees `connectionFailed` instead of the error it expects.
    private func config(
        table: String = "kv",
        sslMode: String? = nil,
        caCertPath: String? = nil
    )
        -> PostgresKVStoreConfig
    {
        PostgresKVStoreConfig(
            host: "127.0.0.1",
            port: 1,
            db: "stackkit_test",
            user: "stackkit",
            password: Secret("hunter2-never-shown"),
            sslMode: sslMode,
            caCertPath: caCertPath,
            tableName: table
        )
    }

    @Test func theDriverOpensKVPostgres() {
        #expect(PostgresKeyValueDriver().backendTypes == [.kvPostgres])
    }

    @Test func invalidTableNameIsRejectedBeforeConnecting() async {
        let error = await #expect(throws: StorageError.self) {
            _ = try await PostgresKeyValueDriver().openKeyValueBackend(
                named: "bad-table",
                config: .kvPostgres(config(table: "1-bad; DROP")),
                logger: testLogger
            )
        }
        #expect(error?.code == .invalidIdentifier)
        #expect(error?.message.contains("1-bad; DROP") == true, "\(String(describing: error))")
    }

    @Test func unreadableCAFileIsRejectedBeforeConnecting() async {
        let error = await #expect(throws: StorageError.self) {
            _ = try await PostgresKeyValueDriver().openBackend(
                named: "bad-ca",
                config: config(sslMode: "verify-full", caCertPath: "/nonexistent/stackkit-ca.pem"),
                logger: testLogger
            )
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains("/nonexistent/stackkit-ca.pem") == true, "\(String(describing: error))")
    }

    @Test func aPoolWithoutConnectionsIsInvalidValue() async {
        let driver = PostgresKeyValueDriver(options: .init(maximumConnections: 0))
        let error = await #expect(throws: StorageError.self) {
            _ = try await driver.openBackend(named: "no-pool", config: config(), logger: testLogger)
        }
        #expect(error?.code == .invalidValue)
    }

    @Test func anotherBackendTypeIsNotSupported() async {
        let error = await #expect(throws: StorageError.self) {
            _ = try await PostgresKeyValueDriver().openKeyValueBackend(
                named: "sqlite",
                config: .kvSQLite(SQLiteKVStoreConfig(dbPath: "/tmp/kv.db")),
                logger: testLogger
            )
        }
        #expect(error?.code == .notSupported)
    }

    @Test func anUnreachableServerFailsWithItsAddressAndNotThePassword() async {
        let error = await #expect(throws: StorageError.self) {
            _ = try await PostgresKeyValueDriver().openBackend(named: "down", config: config(), logger: testLogger)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("127.0.0.1:1") == true, "\(String(describing: error))")
        #expect(error?.message.contains("stackkit_test") == true, "names the database")
        #expect(error.map { String(reflecting: $0).contains("hunter2-never-shown") } == false)
        #expect(error?.cause != nil, "the postgres-nio error is kept as the cause")
    }
}
