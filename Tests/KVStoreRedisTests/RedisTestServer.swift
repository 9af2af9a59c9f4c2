import Foundation
import KVStoreRedis
import Logging
import StorageRefs
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Redis server the integration suites use, from `STACKKIT_TEST_REDIS_URL`
/// (`redis://user:password@host:port/db`), which `Scripts/test.sh` exports after starting one.
struct RedisTestServer: Sendable {
    static let variable = "STACKKIT_TEST_REDIS_URL"
    static let missingMessage = "STACKKIT_TEST_REDIS_URL is not set: run Scripts/test.sh, which starts Redis"

    /// Whether the suites must run: a server is configured, or this is CI, where a missing server is a failure.
    static var mustRun: Bool {
        ProcessInfo.processInfo.environment[variable] != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    }

    /// The configured server, or nil when the variable is unset or not a `redis://` URL.
    static var configured: RedisTestServer? {
        ProcessInfo.processInfo.environment[variable].flatMap(RedisTestServer.init(url:))
    }

    var host: String
    var port: Int
    var password: String?
    var database: Int

    /// Parses `redis://[user[:password]@]host[:port][/db]`.
    init?(url: String) {
        guard let components = URLComponents(string: url), components.scheme == "redis",
            let host = components.host, !host.isEmpty
        else { return nil }
        self.host = host
        self.port = components.port ?? 6379
        self.password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard let database = path.isEmpty ? 0 : Int(path) else { return nil }
        self.database = database
    }

    /// The configuration of a backend on this server, in `database` (default: the URL's).
    func config(database: Int? = nil) -> RedisKVStoreConfig {
        RedisKVStoreConfig(host: host, port: port, password: password.map(Secret.init), db: database ?? self.database)
    }

    /// The connection configuration of this server, for the pool and connection tests.
    var connectionConfiguration: RedisConnection.Configuration {
        RedisConnection.Configuration(
            host: host,
            port: port,
            password: password.map(Secret.init),
            database: database,
            connectTimeout: Self.connectTimeout
        )
    }

    /// Generous: every suite connects at once when the test run starts, and CI machines have two cores.
    static let connectTimeout: Duration = .seconds(30)

    /// A driver whose connects wait up to ``connectTimeout``.
    static var driver: RedisKeyValueDriver {
        var options = RedisKeyValueDriver.Options()
        options.connectTimeout = connectTimeout
        return RedisKeyValueDriver(options: options)
    }

    /// Opens a backend on this server.
    func open(database: Int? = nil, logger: Logger = testLogger) async throws -> RedisKeyValueBackend {
        try await Self.driver.openBackend(
            named: "redis-test",
            configuration: config(database: database),
            logger: logger
        )
    }

    /// A namespace no other test run uses.
    static func uniqueNamespace(_ label: String) -> String {
        "test-\(label)-" + UUID().uuidString.prefix(8).lowercased()
    }
}

/// Returns once `backend`'s clock (Redis `TIME`) is past `instant`, or throws after 10 seconds.
///
/// Sleeps until the instant is due by the server's clock, then checks again: a condition wait, not a fixed delay.
func waitForServerTime(of backend: RedisKeyValueBackend, pastInstant instant: Date) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while true {
        let now = try await backend.serverTime()
        if now > instant { return }
        guard ContinuousClock.now < deadline else {
            throw StorageError(code: .backendFailure, message: "the Redis clock did not pass \(instant) within 10 s")
        }
        let remaining = instant.timeIntervalSince(now)
        try await Task.sleep(for: .microseconds(Int(remaining * 1_000_000) + 500))
    }
}

/// A logger that discards everything: the tests assert on errors, not on log lines.
let testLogger = Logger(label: "stackkit.tests.redis", factory: { _ in SwiftLogNoOpLogHandler() })

/// A TCP port on loopback where nothing listens: bound once by the kernel's choice, then released unlistened.
func unusedLoopbackPort() throws -> Int {
    #if canImport(Glibc)
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw POSIXError(.EINVAL) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Closes a file descriptor (a free function: inside ``SilentLoopbackListener`` `close` names its own method).
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

/// A TCP listener on loopback that never accepts: connecting succeeds (the kernel completes the handshake into
/// the backlog), but nothing is ever read or answered, so a Redis handshake hangs until the listener closes.
final class SilentLoopbackListener: Sendable {
    /// The port it listens on.
    let port: Int
    private let descriptor = Mutex<Int32?>(nil)

    init() throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0, listen(descriptor, 4) == 0 else {
            closeDescriptor(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.descriptor.withLock { $0 = descriptor }
    }

    /// Stops listening; connections still in the backlog are reset.
    func close() {
        if let descriptor = self.descriptor.withLock({ value -> Int32? in
            defer { value = nil }
            return value
        }) {
            closeDescriptor(descriptor)
        }
    }

    deinit { self.close() }
}

/// Every log line written through its ``handler``s, with their metadata, to prove what is never logged.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    /// Every line logged so far.
    var logged: [String] { lines.withLock { $0 } }

    /// A logger at trace level that records here.
    var logger: Logger {
        Logger(label: "stackkit.tests.redis.recorded") { _ in Handler(recorder: self) }
    }

    fileprivate func record(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let metadata = self.metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.record("\(event.level) \(event.message) \(metadata)")
        }
    }
}
