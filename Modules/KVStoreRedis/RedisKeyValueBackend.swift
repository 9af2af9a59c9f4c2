public import Foundation
package import Logging
import NIOCore
public import StorageRefs
import Synchronization

/// An opened `kv_redis` backend: one pool of connections to a Redis server, shared by every namespace's store.
///
/// Open it with ``RedisKeyValueDriver``. ``keyValueStore(namespace:)`` hands out ``RedisKeyValueStore``s, which keep
/// each value and the namespace's sorted-set index consistent with Lua scripts (see ``RedisKeyValueStore`` for the
/// layout). ``shutdown()`` closes the pool; every store handed out then fails with
/// ``StorageRefs/StorageError/Code-swift.struct/closed``.
public final class RedisKeyValueBackend: KeyValueBackend {
    /// The backend's connections.
    package let pool: RedisConnectionPool

    /// `host:port`, for messages.
    package let endpoint: String

    private let logger: Logger

    /// The SHA-1 of each script the server has loaded, by script name.
    private let scriptHashes = Mutex<[String: [UInt8]]>([:])

    /// Creates a backend over `pool`; no connection is opened.
    ///
    /// - Parameters:
    ///   - pool: The connections to use; the backend closes it on ``shutdown()``.
    ///   - endpoint: `host:port`, for messages.
    ///   - logger: Where to log.
    package init(pool: RedisConnectionPool, endpoint: String, logger: Logger) {
        self.pool = pool
        self.endpoint = endpoint
        self.logger = logger
    }

    /// A store whose keys are isolated in `namespace`.
    ///
    /// Stores of the same namespace see the same keys, on any backend connected to the same server and database.
    ///
    /// - Parameter namespace: A non-empty namespace; any characters are allowed.
    /// - Returns: A ``RedisKeyValueStore``.
    /// - Throws: ``StorageRefs/StorageError`` with code ``StorageRefs/StorageError/Code-swift.struct/invalidKey`` for
    ///   an empty namespace.
    public func keyValueStore(namespace: String) async throws -> any KeyValueStore {
        try KeyValueKey.validateNamespace(namespace)
        return RedisKeyValueStore(namespace: namespace, backend: self)
    }

    /// Closes every connection. Later operations of this backend's stores fail with
    /// ``StorageRefs/StorageError/Code-swift.struct/closed``; calling it again does nothing.
    public func shutdown() async throws {
        await self.pool.close()
        self.logger.debug("shut down the Redis backend")
    }

    /// The server's clock, from the `TIME` command, to the microsecond.
    ///
    /// Expirations are compared with this clock, not the local one.
    ///
    /// - Returns: The server's current time.
    /// - Throws: ``StorageRefs/StorageError`` when the server cannot be reached or the backend is shut down.
    public func serverTime() async throws -> Date {
        let reply = try await self.send([Array("TIME".utf8)])
        guard let parts = reply.array, parts.count == 2, let seconds = parts[0].integer,
            let microseconds = parts[1].integer
        else {
            throw StorageError(
                code: .backendFailure,
                message: "Redis at \(self.endpoint) sent an unexpected reply to TIME"
            )
        }
        return Date(timeIntervalSince1970: Double(seconds) + Double(microseconds) / 1_000_000)
    }

    /// Sends one command on a pooled connection and returns its reply; an error reply is thrown.
    ///
    /// - Parameter command: The command name followed by its arguments.
    /// - Returns: The reply, never ``RESPValue/error(_:)``.
    /// - Throws: ``StorageRefs/StorageError`` with code `backendFailure` carrying the server's message for an
    ///   error reply, `connectionFailed` or `closed`.
    package func send(_ command: [[UInt8]]) async throws -> RESPValue {
        let reply = try await self.pool.withConnection { try await $0.send(command) }
        return try self.checked(reply, command: command.first)
    }

    /// Runs `script` on a pooled connection; see ``evaluate(_:keys:arguments:on:)``.
    ///
    /// - Parameters:
    ///   - script: The script to run.
    ///   - keys: The script's `KEYS`.
    ///   - arguments: The script's `ARGV`.
    /// - Returns: The script's reply, never ``RESPValue/error(_:)``.
    /// - Throws: As ``send(_:)``.
    package func evaluate(_ script: RedisScript, keys: [[UInt8]], arguments: [[UInt8]]) async throws -> RESPValue {
        try await self.pool.withConnection { connection in
            try await self.evaluate(script, keys: keys, arguments: arguments, on: connection)
        }
    }

    /// Runs `script` on `connection` with `EVALSHA`, loading it first when the server does not know it.
    ///
    /// - Parameters:
    ///   - script: The script to run.
    ///   - keys: The script's `KEYS`.
    ///   - arguments: The script's `ARGV`.
    ///   - connection: A leased connection.
    /// - Returns: The script's reply, never ``RESPValue/error(_:)``.
    /// - Throws: As ``send(_:)``.
    package func evaluate(
        _ script: RedisScript,
        keys: [[UInt8]],
        arguments: [[UInt8]],
        on connection: RedisConnection
    ) async throws -> RESPValue {
        let tail = [Array(String(keys.count).utf8)] + keys + arguments
        if let hash = self.scriptHashes.withLock({ $0[script.name] }) {
            let reply = try await connection.send([Array("EVALSHA".utf8), hash] + tail)
            if reply.errorMessage?.hasPrefix("NOSCRIPT") != true {
                return try self.checked(reply, command: Array("script \(script.name)".utf8))
            }
        }
        // Unknown to us or to the server (its script cache was flushed): load it and run it in one round trip.
        let source = Array(script.source.utf8)
        let replies = try await connection.pipeline([
            [Array("SCRIPT".utf8), Array("LOAD".utf8), source],
            [Array("EVAL".utf8), source] + tail,
        ])
        if let hash = replies[0].bytes {
            self.scriptHashes.withLock { $0[script.name] = hash }
        }
        return try self.checked(replies[1], command: Array("script \(script.name)".utf8))
    }

    /// Returns `reply`, or throws the error it carries.
    private func checked(_ reply: RESPValue, command: [UInt8]?) throws -> RESPValue {
        guard let message = reply.errorMessage else { return reply }
        let name = command.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "a command"
        if message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") {
            throw StorageError(
                code: .connectionFailed,
                message:
                    "Redis at \(self.endpoint) requires authentication: \(message) (configure the backend's password)"
            )
        }
        throw StorageError(code: .backendFailure, message: "Redis at \(self.endpoint) rejected \(name): \(message)")
    }
}
