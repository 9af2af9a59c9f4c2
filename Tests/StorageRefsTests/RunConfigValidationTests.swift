import StorageRefs
import Testing

/// Every validation rule, each checked for its path and message.
struct RunConfigValidationTests {
    func problems(_ yaml: String, environment: [String: String] = [:]) -> [String] {
        do {
            _ = try RunConfig(yaml: yaml, environment: environment)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    let backends = """
        storage:
          backends:
            kv_default: {type: kv_sqlite, db_path: /tmp/kv.db}
            sql_default: {type: sql_sqlite, db_path: /tmp/sql.db}

        """

    @Test func validConfigLoadsWithDefaults() throws {
        let config = try RunConfig(
            yaml: """
                version: 2
                providers: {inference: []}
                storage:
                  backends:
                    kv_default: {type: kv_postgres, user: app}
                    sql_default: {type: sql_postgres, user: app, host: pg.internal}
                    cache: {type: kv_redis}
                    mongo: {type: kv_mongodb}
                  stores:
                    metadata: {backend: kv_default, namespace: registry}
                    inference: {backend: sql_default, table_name: inference_store}
                    conversations: {backend: sql_default, table_name: openai_conversations}
                    responses: {backend: sql_default, table_name: responses, num_writers: 2}
                """,
            environment: [:]
        )
        #expect(config.topLevelKeys == ["version", "providers", "storage"])
        #expect(
            config.storage.backends["kv_default"]
                == .kvPostgres(
                    PostgresKVStoreConfig(
                        host: "localhost",
                        port: 5432,
                        db: "llamastack",
                        user: "app",
                        tableName: "llamastack_kvstore"
                    )
                )
        )
        #expect(config.storage.backends["cache"] == .kvRedis(RedisKVStoreConfig(host: "localhost", port: 6379, db: 0)))
        #expect(
            config.storage.backends["mongo"]
                == .kvMongoDB(MongoDBKVStoreConfig(port: 27017, collectionName: "llamastack_kvstore"))
        )
        #expect(
            config.storage.stores.inference
                == InferenceStoreReference(
                    backend: "sql_default",
                    tableName: "inference_store",
                    maxWriteQueueSize: 10_000,
                    numWriters: 4
                )
        )
        #expect(config.storage.stores.responses?.numWriters == 2)
        #expect(config.storage.stores.metadata == KVStoreReference(backend: "kv_default", namespace: "registry"))
    }

    @Test func unknownBackendListsTheAvailableOnes() {
        #expect(
            problems(backends + "  stores:\n    metadata: {backend: missing, namespace: registry}\n") == [
                "storage.stores.metadata references unknown backend 'missing'; available backends: kv_default, sql_default"
            ]
        )
    }

    @Test func wrongFamilyInBothDirections() {
        #expect(
            problems(
                backends + """
                      stores:
                        metadata: {backend: sql_default, namespace: registry}
                        inference: {backend: kv_default, table_name: inference_store}
                    """
            ) == [
                "storage.stores.metadata references backend 'sql_default' of type 'sql_sqlite', but a kv_* backend is required",
                "storage.stores.inference references backend 'kv_default' of type 'kv_sqlite', but a sql_* backend is required",
            ]
        )
    }

    @Test(arguments: [
        ("1table", "must match"), ("bad-name", "must match"), ("robert; DROP TABLE x", "must match"),
        ("", "must match"), (String(repeating: "t", count: 64), "64 bytes long"),
    ])
    func invalidTableNames(_ name: String, _ reason: String) throws {
        let found = problems(
            backends + "  stores:\n    conversations: {backend: sql_default, table_name: \"\(name)\"}\n"
        )
        #expect(found.count == 1)
        #expect(
            found.first?.hasPrefix("storage.stores.conversations.table_name '\(name)' is not a valid table name")
                == true
        )
        #expect(found.first?.contains(reason) == true)
    }

    @Test func sixtyThreeByteTableNameIsValid() {
        let name = String(repeating: "t", count: 63)
        #expect(
            problems(backends + "  stores:\n    conversations: {backend: sql_default, table_name: \(name)}\n").isEmpty
        )
    }

    @Test func postgresKeyValueTableNameIsValidated() {
        // llama-stack's validator for this field never ran; ours does.
        #expect(
            problems(
                """
                storage:
                  backends:
                    kv: {type: kv_postgres, user: app, table_name: "1-bad; DROP"}
                """
            ) == [
                "storage.backends.kv.table_name '1-bad; DROP' is not a valid table name: it must match ^[A-Za-z_][A-Za-z0-9_]*$"
            ]
        )
    }

    @Test func emptyNamespaceIsRejected() {
        #expect(
            problems(backends + "  stores:\n    metadata: {backend: kv_default, namespace: \"\"}\n") == [
                "storage.stores.metadata.namespace must not be empty"
            ]
        )
    }

    @Test func unknownTypeListsTheAllowedOnes() {
        #expect(
            problems("storage:\n  backends:\n    kv: {type: kv_sqlit, db_path: x}\n") == [
                "storage.backends.kv.type 'kv_sqlit' is not a backend type; allowed types: kv_sqlite, kv_postgres, kv_redis, kv_mongodb, sql_sqlite, sql_postgres"
            ]
        )
    }

    @Test func missingTypeIsReported() {
        #expect(
            problems("storage:\n  backends:\n    kv: {db_path: x}\n").first?.hasPrefix(
                "storage.backends.kv.type is required"
            ) == true
        )
    }

    @Test func unknownKeysInBackendBlocksStoresAndReferences() {
        #expect(
            problems(
                """
                storage:
                  backends:
                    kv_default: {type: kv_sqlite, db_path: /tmp/kv.db, dbpath: typo}
                    sql_default: {type: sql_sqlite, db_path: /tmp/sql.db}
                  stores:
                    metdata: {backend: kv_default, namespace: registry}
                    inference: {backend: sql_default, table_name: t, writers: 2}
                """
            ) == [
                "storage.backends.kv_default.dbpath is not a known key for a kv_sqlite backend; allowed keys: type, namespace, db_path",
                "storage.stores.inference.writers is not a known key for a store reference with a write queue; allowed keys: backend, table_name, max_write_queue_size, num_writers",
                "storage.stores.metdata is not a known store; known stores: metadata, inference, conversations, responses",
            ]
        )
    }

    @Test(arguments: [0, 65536, -1])
    func portsOutOfRange(_ port: Int) {
        #expect(
            problems("storage:\n  backends:\n    sql: {type: sql_postgres, user: app, port: \(port)}\n") == [
                "storage.backends.sql.port must be between 1 and 65535, got \(port)"
            ]
        )
    }

    @Test func wrongValueKinds() {
        #expect(
            problems(
                """
                storage:
                  backends:
                    sql: {type: sql_postgres, user: app, port: five}
                    kv: {type: kv_sqlite, db_path: [a, b]}
                """
            ) == [
                "storage.backends.sql.port must be an integer, found a string 'five'",
                "storage.backends.kv.db_path must be a string, found a list",
            ]
        )
    }

    @Test func requiredFieldsAndQueueSizes() {
        #expect(
            problems(
                """
                storage:
                  backends:
                    sql: {type: sql_postgres}
                    lite: {type: sql_sqlite, db_path: x}
                  stores:
                    inference: {backend: lite, table_name: t, max_write_queue_size: 0, num_writers: 0}
                    conversations: {backend: lite}
                """
            ) == [
                "storage.backends.sql.user is required",
                "storage.stores.conversations.table_name is required",
                "storage.stores.inference.max_write_queue_size must be at least 1, got 0",
                "storage.stores.inference.num_writers must be at least 1, got 0",
            ]
        )
    }

    @Test func sslModeMustBeALibpqMode() {
        #expect(
            problems("storage:\n  backends:\n    sql: {type: sql_postgres, user: app, ssl_mode: required}\n") == [
                "storage.backends.sql.ssl_mode 'required' is not a TLS mode; allowed: disable, allow, prefer, require, verify-ca, verify-full"
            ]
        )
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems(
            """
            storage:
              backends:
                kv_default: {type: kv_sqlite, db_path: /tmp/kv.db, colour: blue}
                sql_default: {type: sql_postgres, user: app, port: 70000, password: "${env.PG_PASSWORD}"}
              stores:
                metadata: {backend: missing, namespace: registry}
                inference: {backend: kv_default, table_name: "bad-name"}
            """
        )
        #expect(found.count == 6)
        #expect(
            Set(found) == [
                "storage.backends.kv_default.colour is not a known key for a kv_sqlite backend; allowed keys: type, namespace, db_path",
                "storage.backends.sql_default.password requires environment variable PG_PASSWORD, which is not set (or is empty); set it, or write ${env.PG_PASSWORD:=default} to give a default",
                "storage.backends.sql_default.port must be between 1 and 65535, got 70000",
                "storage.stores.metadata references unknown backend 'missing'; available backends: kv_default, sql_default",
                "storage.stores.inference references backend 'kv_default' of type 'kv_sqlite', but a sql_* backend is required",
                "storage.stores.inference.table_name 'bad-name' is not a valid table name: it must match ^[A-Za-z_][A-Za-z0-9_]*$",
            ]
        )
    }

    @Test func missingStorageSectionAndLegacyBlocks() {
        #expect(
            problems("version: 2\n") == [
                "storage is missing: a run config declares its backends and stores under storage"
            ]
        )
        #expect(
            problems("metadata_store: {type: sqlite, db_path: x}\n") == [
                "metadata_store is a store config from before named backends; run `stackkit migrate` to move it under storage"
            ]
        )
    }

    @Test func referencesInProviderConfigsAreChecked() throws {
        let yaml =
            backends + """
                providers:
                  vector_io:
                  - provider_id: faiss
                    config:
                      persistence: {backend: sql_default, namespace: vector_io::faiss}
                  files:
                  - provider_id: localfs
                    config:
                      metadata_store: {backend: nope, table_name: files_metadata}
                  agents:
                  - provider_id: meta
                    config:
                      persistence_store: {type: sqlite, db_path: /tmp/agents.db}
                """
        #expect(
            problems(yaml) == [
                "providers.vector_io[0].config.persistence references backend 'sql_default' of type 'sql_sqlite', but a kv_* backend is required",
                "providers.files[0].config.metadata_store references unknown backend 'nope'; available backends: kv_default, sql_default",
                "providers.agents[0].config.persistence_store is an inline store config from before named backends; run `stackkit migrate` to replace it with a reference to a storage backend",
            ]
        )
    }

    @Test func malformedYAMLIsATypedError() {
        let error = #expect(throws: StorageConfigError.self) {
            try RunConfig(yaml: "storage: [unclosed", environment: [:])
        }
        #expect(error?.code == .invalidYAML)
        let duplicate = #expect(throws: StorageConfigError.self) {
            try RunConfig(yaml: "storage:\n  backends: {}\nstorage: {}\n", environment: [:])
        }
        #expect(duplicate?.code == .invalidYAML)
        #expect(duplicate?.issues.first?.problem.contains("duplicate") == true)
        let notMapping = #expect(throws: StorageConfigError.self) {
            try RunConfig(yaml: "- a\n- b\n", environment: [:])
        }
        #expect(notMapping?.code == .invalidYAML)
    }

    @Test func configBuiltInCodeValidatesToo() {
        let config = StorageConfig(
            backends: ["kv": .kvSQLite(SQLiteKVStoreConfig(dbPath: ""))],
            stores: StorageStores(metadata: KVStoreReference(backend: "kv", namespace: ""))
        )
        #expect(
            config.validate().map(\.description) == [
                "storage.backends.kv.db_path must not be empty",
                "storage.stores.metadata.namespace must not be empty",
            ]
        )
    }
}
