import Foundation
import StackKitCommands
import Testing

/// `stackkit validate` and `stackkit migrate` end to end, on real files.
struct CommandTests {
    /// A fresh directory for this test's files.
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stackkit-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func write(_ text: String, to name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The repository's example config, found from this source file's location.
    static let examplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/run.yaml").path

    @Test func exampleConfigIsValid() {
        let output = ValidateRunner(environment: ["HOME": "/home/tester"]).run(path: Self.examplePath, json: false)
        #expect(output.exitCode == 0)
        #expect(output.standardOutput.contains("kv_default   kv_sqlite   /home/tester/.stackkit/kvstore.db"))
        #expect(output.standardOutput.contains("metadata       → kv_default   namespace registry"))
        #expect(output.standardError.isEmpty)
    }

    @Test func exampleHonoursStackKitHome() {
        let output = ValidateRunner(environment: ["STACKKIT_HOME": "/srv/stackkit"]).run(
            path: Self.examplePath,
            json: true
        )
        #expect(output.exitCode == 0)
        #expect(output.standardOutput.contains("\"db_path\":\"/srv/stackkit/sql_store.db\""))
    }

    @Test func jsonPrintsTheResolvedSectionWithSecretsRedacted() throws {
        let path = try write(
            """
            storage:
              backends:
                sql_default: {type: sql_postgres, host: "${env.PGHOST:=localhost}", user: app, password: "${env.PGPASSWORD}"}
              stores:
                inference: {backend: sql_default, table_name: inference_store}
            """,
            to: "run.yaml"
        )
        let output = ValidateRunner(environment: ["PGPASSWORD": "s3cr3t"]).run(path: path, json: true)
        #expect(output.exitCode == 0)
        #expect(!output.standardOutput.contains("s3cr3t"))
        let object = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any]
        let backend = (object?["backends"] as? [String: Any])?["sql_default"] as? [String: Any]
        #expect(backend?["password"] as? String == "********")
        #expect(backend?["host"] as? String == "localhost")
        #expect(backend?["port"] as? Int == 5432)
        let inference = (object?["stores"] as? [String: Any])?["inference"] as? [String: Any]
        #expect(inference?["max_write_queue_size"] as? Int == 10000)
        #expect(inference?["num_writers"] as? Int == 4)
    }

    @Test func threeMistakesExitOneListingAllThree() throws {
        let path = try write(
            """
            storage:
              backends:
                kv_default: {type: kv_sqlite, db_path: /tmp/kv.db}
                sql_default: {type: sql_postgres, user: app, port: 99999, password: hunter2}
              stores:
                metadata: {backend: missing, namespace: registry}
                inference: {backend: kv_default, table_name: inference_store}
            """,
            to: "bad.yaml"
        )
        let output = ValidateRunner(environment: [:]).run(path: path, json: false)
        #expect(output.exitCode == 1)
        #expect(output.standardOutput.isEmpty)
        let lines = output.standardError.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "\(path): invalid, 3 problems:",
                "  storage.backends.sql_default.port must be between 1 and 65535, got 99999",
                "  storage.stores.metadata references unknown backend 'missing'; available backends: kv_default, sql_default",
                "  storage.stores.inference references backend 'kv_default' of type 'kv_sqlite', but a sql_* backend is required",
            ]
        )
        #expect(!output.standardError.contains("hunter2"))
    }

    @Test func unreadableFileExitsTwo() {
        let output = ValidateRunner(environment: [:]).run(
            path: directory.appendingPathComponent("absent.yaml").path,
            json: false
        )
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("absent.yaml: cannot be read"))
        let directoryOutput = ValidateRunner(environment: [:]).run(path: directory.path, json: false)
        #expect(directoryOutput.exitCode == 2)
    }

    @Test func migrateWritesAConfigThatValidates() throws {
        let old = try write(
            """
            version: 2
            metadata_store:
              type: sqlite
              db_path: ~/.llama/distributions/foo/registry.db
            inference_store:
              type: postgres
              host: ${env.POSTGRES_HOST}
              port: ${env.POSTGRES_PORT}
              db: ${env.POSTGRES_DB}
              user: ${env.POSTGRES_USER}
              password: ${env.POSTGRES_PASSWORD}
            conversations_store:
              type: postgres
              host: ${env.POSTGRES_HOST}
              port: ${env.POSTGRES_PORT}
              db: ${env.POSTGRES_DB}
              user: ${env.POSTGRES_USER}
              password: ${env.POSTGRES_PASSWORD}
            """,
            to: "old.yaml"
        )
        let new = directory.appendingPathComponent("new.yaml").path
        let migrated = MigrateRunner().run(path: old, outputPath: new)
        #expect(migrated.exitCode == 0)
        #expect(migrated.standardError == "3 stores → 2 backends; wrote \(new)\n")

        let environment = [
            "POSTGRES_HOST": "h", "POSTGRES_PORT": "5432", "POSTGRES_DB": "d", "POSTGRES_USER": "u",
            "POSTGRES_PASSWORD": "p",
        ]
        let validated = ValidateRunner(environment: environment).run(path: new, json: false)
        #expect(validated.exitCode == 0)
        #expect(validated.standardOutput.contains("kv_default   kv_sqlite"))
        #expect(validated.standardOutput.contains("sql_default  sql_postgres  h:5432/d"))

        let toStdout = MigrateRunner().run(path: old, outputPath: nil)
        #expect(toStdout.exitCode == 0)
        #expect(toStdout.standardOutput == (try String(contentsOfFile: new, encoding: .utf8)))
        #expect(toStdout.standardError == "3 stores → 2 backends\n")
    }

    @Test func migrateReportsBlocksItCannotMove() throws {
        let old = try write("inference_store: {type: redis}\n", to: "old.yaml")
        let output = MigrateRunner().run(path: old, outputPath: nil)
        #expect(output.exitCode == 1)
        #expect(output.standardError.contains("inference_store.type 'redis' cannot hold a table store"))
        #expect(
            MigrateRunner().run(path: directory.appendingPathComponent("none.yaml").path, outputPath: nil).exitCode == 2
        )
    }
}
