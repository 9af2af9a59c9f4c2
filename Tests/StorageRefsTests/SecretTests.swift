import Foundation
import StorageRefs
import Testing

struct SecretTests {
    let yaml = """
        storage:
          backends:
            sql_default: {type: sql_postgres, user: app, password: "${env.PG_PASSWORD}", port: 99999}
            kv: {type: kv_redis, password: hunter2-redis}
          stores:
            inference: {backend: sql_default, table_name: "x y"}
        """

    @Test func secretNeverPrints() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "********")
        #expect(String(describing: secret) == "********")
        #expect(String(reflecting: secret) == "********")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(secret.revealed == "hunter2")
    }

    @Test func configDescriptionsNeverContainPasswords() throws {
        let config = try RunConfig(
            yaml: yaml.replacingOccurrences(of: "99999", with: "5432").replacingOccurrences(of: "x y", with: "xy"),
            environment: ["PG_PASSWORD": "s3cr3t-pg"]
        )
        let rendered = "\(config.storage) \(String(reflecting: config.storage)) \(config.storage.redactedJSON)"
        #expect(!rendered.contains("s3cr3t-pg"))
        #expect(!rendered.contains("hunter2-redis"))
        #expect(config.storage.redactedJSON["backends"]?["kv"]?["password"] == .string("********"))
        for backend in config.storage.backends.values {
            #expect(!backend.location.contains("s3cr3t") && !backend.location.contains("hunter2"))
        }
    }

    @Test func validationErrorsNeverContainPasswords() throws {
        let error = #expect(throws: StorageConfigError.self) {
            try RunConfig(yaml: yaml, environment: ["PG_PASSWORD": "s3cr3t-pg"])
        }
        let text = "\(try #require(error)) \(String(reflecting: try #require(error)))"
        #expect(text.contains("storage.backends.sql_default.port"))
        #expect(!text.contains("s3cr3t-pg"))
        #expect(!text.contains("hunter2-redis"))
    }
}
