import StorageRefs
import Testing

struct LegacyConfigMigrationTests {
    let postgresEnvironment = [
        "POSTGRES_HOST": "pg.internal", "POSTGRES_PORT": "5432", "POSTGRES_DB": "stack",
        "POSTGRES_USER": "app", "POSTGRES_PASSWORD": "pw", "CHROMADB_URL": "http://localhost:8000",
    ]

    /// Migrates `yaml`, checks the result loads and validates, and returns both.
    func migrateAndLoad(
        _ yaml: String,
        environment: [String: String] = [:]
    ) throws -> (LegacyConfigMigration.Result, RunConfig) {
        let result = try LegacyConfigMigration().migrate(yaml: yaml)
        let config = try RunConfig(yaml: result.yaml, environment: environment)
        return (result, config)
    }

    /// The "Before" snippet of llama-stack's storage-backends change.
    static let before = """
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
        """

    @Test func theChangesBeforeSnippetBecomesTwoBackends() throws {
        let (result, config) = try migrateAndLoad(Self.before, environment: postgresEnvironment)
        #expect(result.summary == "3 stores → 2 backends")
        #expect(config.storage.backendNames == ["kv_default", "sql_default"])
        #expect(
            config.storage.backends["kv_default"]
                == .kvSQLite(SQLiteKVStoreConfig(dbPath: "~/.llama/distributions/foo/registry.db"))
        )
        #expect(config.storage.stores.metadata == KVStoreReference(backend: "kv_default", namespace: "registry"))
        #expect(
            config.storage.stores.inference
                == InferenceStoreReference(backend: "sql_default", tableName: "inference_store")
        )
        #expect(
            config.storage.stores.conversations
                == SQLStoreReference(backend: "sql_default", tableName: "openai_conversations")
        )
        // Placeholders are kept verbatim, not resolved.
        #expect(result.yaml.contains("host: ${env.POSTGRES_HOST}"))
        #expect(result.yaml.contains("password: ${env.POSTGRES_PASSWORD}"))
        #expect(!result.yaml.contains("pg.internal"))
        #expect(!result.yaml.contains("metadata_store"))
    }

    @Test func sqliteOnly() throws {
        let yaml = """
            version: 2
            image_name: local
            apis: [inference, agents]
            metadata_store:
              type: sqlite
              db_path: /var/lib/stack/registry.db
            inference_store:
              type: sqlite
              db_path: /var/lib/stack/inference.db
            models: []
            """
        let (result, config) = try migrateAndLoad(yaml)
        #expect(result.summary == "2 stores → 2 backends")
        #expect(
            config.storage.backends == [
                "kv_default": .kvSQLite(SQLiteKVStoreConfig(dbPath: "/var/lib/stack/registry.db")),
                "sql_default": .sqlSQLite(SQLiteSQLStoreConfig(dbPath: "/var/lib/stack/inference.db")),
            ]
        )
        // Unrelated keys keep their order; storage takes the place of the first legacy block.
        #expect(config.topLevelKeys == ["version", "image_name", "apis", "storage", "models"])
    }

    @Test func postgresWithEnvironmentPlaceholdersAndDefaults() throws {
        let yaml = """
            inference_store:
              type: postgres
              host: ${env.POSTGRES_HOST:=localhost}
              port: ${env.POSTGRES_PORT:=5432}
              db: ${env.POSTGRES_DB:=llamastack}
              user: ${env.POSTGRES_USER:=llamastack}
              password: ${env.POSTGRES_PASSWORD:=llamastack}
            """
        let (result, config) = try migrateAndLoad(yaml)
        #expect(result.summary == "1 store → 1 backend")
        #expect(result.yaml.contains("${env.POSTGRES_PASSWORD:=llamastack}"))
        guard case .sqlPostgres(let postgres) = config.storage.backends["sql_default"] else {
            Issue.record("expected sql_default to be sql_postgres")
            return
        }
        #expect(postgres.host == "localhost" && postgres.port == 5432 && postgres.user == "llamastack")
        // With the variables set, the same output resolves to them.
        let resolved = try RunConfig(yaml: result.yaml, environment: postgresEnvironment)
        #expect(
            resolved.storage.backends["sql_default"]
                == .sqlPostgres(
                    PostgresSQLStoreConfig(
                        host: "pg.internal",
                        port: 5432,
                        db: "stack",
                        user: "app",
                        password: Secret("pw")
                    )
                )
        )
    }

    @Test func mixedKeyValueAndSQLOnOneServer() throws {
        let yaml = """
            metadata_store:
              type: postgres
              host: ${env.POSTGRES_HOST}
              port: ${env.POSTGRES_PORT}
              db: ${env.POSTGRES_DB}
              user: ${env.POSTGRES_USER}
              password: ${env.POSTGRES_PASSWORD}
              namespace: registry_v2
            inference_store:
              type: postgres
              host: ${env.POSTGRES_HOST}
              port: ${env.POSTGRES_PORT}
              db: ${env.POSTGRES_DB}
              user: ${env.POSTGRES_USER}
              password: ${env.POSTGRES_PASSWORD}
            conversations_store:
              type: sqlite
              db_path: /tmp/conversations.db
            """
        let (result, config) = try migrateAndLoad(yaml, environment: postgresEnvironment)
        // Same server, different families: two backends; a different SQLite file: a third.
        #expect(result.summary == "3 stores → 3 backends")
        #expect(config.storage.backends["kv_default"]?.type == .kvPostgres)
        #expect(config.storage.backends["sql_default"]?.type == .sqlPostgres)
        #expect(config.storage.backends["sql_2"] == .sqlSQLite(SQLiteSQLStoreConfig(dbPath: "/tmp/conversations.db")))
        // A namespace set on the legacy block moves to the reference.
        #expect(config.storage.stores.metadata == KVStoreReference(backend: "kv_default", namespace: "registry_v2"))
        #expect(
            config.storage.stores.conversations
                == SQLStoreReference(backend: "sql_2", tableName: "openai_conversations")
        )
    }

    @Test func providerKVStoreBlocksSharingOneFileShareOneBackend() throws {
        let yaml = """
            providers:
              vector_io:
              - provider_id: faiss
                provider_type: inline::faiss
                config:
                  kvstore:
                    type: sqlite
                    namespace: null
                    db_path: ~/.llama/distributions/foo/shared.db
              - provider_id: chromadb
                provider_type: remote::chromadb
                config:
                  url: ${env.CHROMADB_URL}
                  kvstore:
                    type: sqlite
                    db_path: ~/.llama/distributions/foo/shared.db
              agents:
              - provider_id: meta-reference
                provider_type: inline::meta-reference
                config:
                  persistence_store:
                    type: sqlite
                    db_path: ~/.llama/distributions/foo/shared.db
                  responses_store:
                    type: sqlite
                    db_path: ~/.llama/distributions/foo/responses.db
            metadata_store:
              type: sqlite
              db_path: ~/.llama/distributions/foo/shared.db
            """
        let (result, config) = try migrateAndLoad(yaml, environment: postgresEnvironment)
        #expect(result.summary == "5 stores → 2 backends")
        #expect(config.storage.backendNames == ["kv_default", "sql_default"])
        let references = config.providerReferences.map { "\($0.path) → \($0.reference.backend) \($0.reference.target)" }
        #expect(
            references == [
                "providers.vector_io[0].config.persistence → kv_default namespace vector_io::faiss",
                "providers.vector_io[1].config.persistence → kv_default namespace vector_io::chromadb",
                "providers.agents[0].config.persistence.agent_state → kv_default namespace agents::meta-reference",
                "providers.agents[0].config.persistence.responses → sql_default table responses",
            ]
        )
        #expect(config.storage.stores.metadata == KVStoreReference(backend: "kv_default", namespace: "registry"))
        // Unrelated provider keys survive.
        #expect(result.yaml.contains("url: ${env.CHROMADB_URL}"))
        #expect(result.yaml.contains("provider_type: remote::chromadb"))
    }

    @Test func alreadyMigratedConfigComesBackUnchanged() throws {
        let yaml = """
            # comments survive because nothing is rewritten
            storage:
              backends:
                kv_default: {type: kv_sqlite, db_path: /tmp/kv.db}
              stores:
                metadata: {backend: kv_default, namespace: registry}
            providers: {}
            """
        let result = try LegacyConfigMigration().migrate(yaml: yaml)
        #expect(result.isUnchanged)
        #expect(result.yaml == yaml)
        #expect(result.summary == "no legacy store configs found: unchanged")
        _ = try RunConfig(yaml: result.yaml, environment: [:])
    }

    @Test func legacyBlocksNextToAnExistingStorageSectionReuseItsBackends() throws {
        let yaml = """
            storage:
              backends:
                kv_default: {type: kv_sqlite, db_path: /tmp/kv.db}
              stores:
                metadata: {backend: kv_default, namespace: registry}
            providers:
              vector_io:
              - provider_id: faiss
                config:
                  kvstore: {type: sqlite, db_path: /tmp/kv.db}
            inference_store: {type: sqlite, db_path: /tmp/sql.db}
            """
        let (result, config) = try migrateAndLoad(yaml)
        #expect(result.summary == "2 stores → 1 backend")
        #expect(config.storage.backendNames == ["kv_default", "sql_default"])
        #expect(
            config.providerReferences.first?.reference
                == .keyValue(KVStoreReference(backend: "kv_default", namespace: "vector_io::faiss"))
        )
        #expect(config.storage.stores.metadata == KVStoreReference(backend: "kv_default", namespace: "registry"))
    }

    @Test func blocksThatCannotBeMigratedAreAllReported() {
        let yaml = """
            inference_store: {type: redis, host: localhost}
            conversations_store: {type: cassandra}
            """
        let error = #expect(throws: StorageConfigError.self) { try LegacyConfigMigration().migrate(yaml: yaml) }
        #expect(
            error?.issues.map(\.description) == [
                "inference_store.type 'redis' cannot hold a table store; use sqlite or postgres",
                "conversations_store.type 'cassandra' is not a store type; legacy store configs use sqlite, postgres, redis or mongodb",
            ]
        )
    }
}
