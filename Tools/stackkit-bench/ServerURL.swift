import Foundation

/// A server address from the environment: `postgres://user:pass@host:port/db` or
/// `redis://default:pass@host:port/db`.
///
/// Only loopback servers are accepted (`127.0.0.1`, or `localhost`, which is used as `127.0.0.1`): the benchmark
/// sends traffic nowhere else. The password is never part of a message.
struct ServerURL: Sendable {
    var host: String
    var port: Int
    var user: String?
    var password: String?
    /// The path without its leading `/`: the database name or number; empty when absent.
    var database: String

    /// The first of `variables` that is set and not empty, with its name; `nil` when none is.
    static func fromEnvironment(_ variables: [String]) -> (variable: String, value: String)? {
        let environment = ProcessInfo.processInfo.environment
        for variable in variables {
            if let value = environment[variable], !value.isEmpty {
                return (variable, value)
            }
        }
        return nil
    }

    /// Parses `string`, which must use one of `schemes`; `variable` names its source in messages.
    init(_ string: String, schemes: [String], defaultPort: Int, variable: String) throws(BenchError) {
        guard let components = URLComponents(string: string), let scheme = components.scheme,
            schemes.contains(scheme.lowercased())
        else {
            throw BenchError("\(variable) is not a \(schemes[0]):// URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw BenchError("\(variable) names no host")
        }
        let loopback = ["127.0.0.1", "localhost"]
        guard loopback.contains(host.lowercased()) else {
            throw BenchError("\(variable) names host \(host); the benchmark only talks to 127.0.0.1")
        }
        self.host = "127.0.0.1"
        self.port = components.port ?? defaultPort
        self.user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        self.password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        self.database = String(components.path.drop(while: { $0 == "/" }))
    }

    /// `host:port/database`, for messages.
    var location: String { "\(self.host):\(self.port)/\(self.database)" }
}
