import StorageRefs
import Testing

struct EnvironmentSubstitutionTests {
    let environment = [
        "HOST": "db.internal", "PORT": "6543", "EMPTY": "", "ZERO": "0", "FLAG": "TRUE", "RATIO": "0.25",
        "DIR": "~/data", "HOME": "/home/tester", "PASSWORD": "007", "NAME": "alice",
    ]

    func resolve(_ text: String) throws -> ConfigValue {
        try EnvironmentSubstitution(environment: environment).resolve(text, at: ConfigPath("storage.x"))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var expected: ConfigValue
        var testDescription: String { input }
    }

    @Test(arguments: [
        // ${env.NAME}
        Case(input: "${env.HOST}", expected: .string("db.internal")),
        // Coercion happens only where a substitution happened.
        Case(input: "${env.PORT}", expected: .int(6543)),
        Case(input: "8080", expected: .string("8080")),
        Case(input: "${env.FLAG}", expected: .bool(true)),
        Case(input: "${env.RATIO}", expected: .double(0.25)),
        // := default
        Case(input: "${env.MISSING:=5432}", expected: .int(5432)),
        Case(input: "${env.HOST:=localhost}", expected: .string("db.internal")),
        Case(input: "${env.EMPTY:=fallback}", expected: .string("fallback")),  // empty counts as unset
        Case(input: "${env.MISSING:=}", expected: .null),  // := with nothing is null
        Case(input: "${env.MISSING:=false}", expected: .bool(false)),
        // :+ value
        Case(input: "${env.HOST:+enabled}", expected: .string("enabled")),
        Case(input: "${env.ZERO:+on-when-set}", expected: .string("on-when-set")),  // "0" is a set value
        Case(input: "${env.MISSING:+enabled}", expected: .null),
        Case(input: "${env.EMPTY:+enabled}", expected: .null),
        Case(input: "${env.HOST:+}", expected: .null),
        // Several placeholders in one string; the result is a string.
        Case(input: "${env.HOST}:${env.PORT}", expected: .string("db.internal:6543")),
        Case(
            input: "postgres://${env.NAME}@${env.HOST:=x}/${env.MISSING:=db}",
            expected: .string("postgres://alice@db.internal/db")
        ),
        Case(input: "prefix-${env.MISSING:=}", expected: .string("prefix-")),
        // ~ expansion in substituted paths, from HOME in the given environment.
        Case(input: "${env.MISSING:=~/.stackkit}/kv.db", expected: .string("/home/tester/.stackkit/kv.db")),
        Case(input: "${env.DIR}/x.db", expected: .string("/home/tester/data/x.db")),
        Case(input: "~/literal.db", expected: .string("~/literal.db")),  // no substitution, no expansion
        // Numeric-looking values keep their text where it matters; here they coerce.
        Case(input: "${env.PASSWORD}", expected: .int(7)),
        Case(input: "plain text", expected: .string("plain text")),
    ])
    func substitution(_ testCase: Case) throws {
        #expect(try resolve(testCase.input) == testCase.expected)
    }

    @Test func unsetRequiredVariableNamesTheVariableAndThePath() throws {
        let error = #expect(throws: StorageConfigError.self) {
            try EnvironmentSubstitution(environment: [:]).resolve(
                "${env.POSTGRES_PASSWORD}",
                at: ConfigPath("storage.backends.sql_default.password")
            )
        }
        let issue = try #require(error?.issues.first)
        #expect(error?.issues.count == 1)
        #expect(issue.path == ConfigPath("storage.backends.sql_default.password"))
        #expect(
            issue.description.hasPrefix(
                "storage.backends.sql_default.password requires environment variable POSTGRES_PASSWORD"
            )
        )
    }

    @Test func emptyRequiredVariableIsAnError() {
        #expect(throws: StorageConfigError.self) { try resolve("${env.EMPTY}") }
    }

    @Test func everyUnsetVariableInOneStringIsReported() throws {
        let error = #expect(throws: StorageConfigError.self) { try resolve("${env.A1}:${env.HOST}:${env.B2}") }
        #expect(error?.issues.map(\.problem).map { $0.contains("A1") || $0.contains("B2") } == [true, true])
    }

    @Test(arguments: ["${env.lower}", "${env.X:-default}", "${env.UNCLOSED", "${envHOST}", "${env.}"])
    func malformedPlaceholdersAreErrorsNotLiterals(_ text: String) throws {
        let error = #expect(throws: StorageConfigError.self) { try resolve(text) }
        #expect(error?.issues.first?.path == ConfigPath("storage.x"))
    }

    @Test func substitutedTextSurvivesForStringFields() throws {
        // A password of "007" coerces to 7 as a loose value, but a typed string field keeps "007".
        let yaml = """
            storage:
              backends:
                sql_default: {type: sql_postgres, user: "${env.NAME}", password: "${env.PASSWORD}", port: "${env.PORT}"}
            """
        let config = try RunConfig(yaml: yaml, environment: environment)
        guard case .sqlPostgres(let postgres) = config.storage.backends["sql_default"] else {
            Issue.record("expected a sql_postgres backend")
            return
        }
        #expect(postgres.password?.revealed == "007")
        #expect(postgres.port == 6543)
        #expect(postgres.user == "alice")
    }

    @Test func defaultNullFallsBackToTheFieldDefault() throws {
        let yaml = """
            storage:
              backends:
                kv: {type: kv_redis, port: "${env.REDIS_PORT:=}", password: "${env.REDIS_PASSWORD:=}"}
            """
        let config = try RunConfig(yaml: yaml, environment: [:])
        #expect(config.storage.backends["kv"] == .kvRedis(RedisKVStoreConfig(port: 6379, password: nil)))
    }
}

struct StoragePathTests {
    @Test(arguments: [
        ("~", "/home/me"), ("~/", "/home/me/"), ("~/a/b.db", "/home/me/a/b.db"), ("/abs/~/x", "/abs/~/x"),
        ("relative/x.db", "relative/x.db"), (":memory:", ":memory:"), ("~no_such_user_xyz/x", "~no_such_user_xyz/x"),
    ])
    func tildeExpansion(_ path: String, _ expected: String) {
        #expect(StoragePath.expandingTilde(path, home: "/home/me/") == expected)
    }

    @Test func rootUserHomeExpands() {
        #expect(StoragePath.expandingTilde("~root/x", home: "/home/me") == "/root/x")
    }
}

struct SecretPlaceholderTests {
    @Test func malformedPlaceholderInAPasswordIsNotEchoed() throws {
        let yaml = """
            storage:
              backends:
                sql: {type: sql_postgres, user: app, password: "hunter2${env.lower}tail"}
            """
        let error = #expect(throws: StorageConfigError.self) { try RunConfig(yaml: yaml, environment: [:]) }
        #expect(
            error?.issues.map(\.description) == ["storage.backends.sql.password has a malformed ${env.…} placeholder"]
        )
    }
}
