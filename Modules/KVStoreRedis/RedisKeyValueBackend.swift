public import Foundation
package import Logging
import NIOCore
public import StorageRefs

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

    /// Each script's SHA-1 name on the server, by script name, from `SCRIPT LOAD` at open.
    package let scriptSHAs: [String: [UInt8]]

    private let logger: Logger

    /// Creates a backend over `pool`; no connection is opened.
    ///
    /// - Parameters:
    ///   - pool: The connections to use; the backend closes it on ``shutdown()``.
    ///   - endpoint: `host:port`, for messages.
    ///   - scriptSHAs: The SHA-1 name of every script in ``RedisScript/all``, from ``loadScripts(on:endpoint:)``.
    ///   - logger: Where to log.
    package init(pool: RedisConnectionPool, endpoint: String, scriptSHAs: [String: [UInt8]], logger: Logger) {
        self.pool = pool
        self.endpoint = endpoint
        self.scriptSHAs = scriptSHAs
        self.logger = logger
    }

    /// Loads every script of ``RedisScript/all`` with one pipelined round of `SCRIPT LOAD` and returns the SHA-1
    /// names the server gives them.
    ///
    /// - Throws: ``StorageRefs/StorageError`` with code `backendFailure` when the server refuses a script.
    package static func loadScripts(on pool: RedisConnectionPool, endpoint: String) async throws -> [String: [UInt8]] {
        let replies = try await pool.withConnection { connection in
            try await connection.pipeline(
                RedisScript.all.map { [RedisCommandName.script, RedisCommandName.load, Array($0.source.utf8)] }
            )
        }
        var shas: [String: [UInt8]] = [:]
        for (script, reply) in zip(RedisScript.all, replies) {
            guard reply.errorMessage == nil, let sha = reply.bytes, !sha.isEmpty else {
                throw StorageError(
                    code: .backendFailure,
                    message:
                        "Redis at \(endpoint) refused to load the \(script.name) script: \(reply.errorMessage ?? "unexpected reply")"
                )
            }
            shas[script.name] = sha
        }
        return shas
    }

    /// `EVALSHA` of `script` with `keys` and `arguments`, ready to send.
    package func command(_ script: RedisScript, keys: [[UInt8]], arguments: [[UInt8]]) -> [[UInt8]] {
        script.command(sha: self.scriptSHAs[script.name] ?? [], keys: keys, arguments: arguments)
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
        let reply = try await self.send([RedisCommandName.time])
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
        return try self.checked(reply, command: String(decoding: command.first ?? [], as: UTF8.self).uppercased())
    }

    /// Runs `script` with `EVALSHA` on a pooled connection; see ``evaluate(_:command:)``.
    ///
    /// - Parameters:
    ///   - script: The script to run.
    ///   - keys: The script's `KEYS`.
    ///   - arguments: The script's `ARGV`.
    /// - Returns: The script's reply, never ``RESPValue/error(_:)``.
    /// - Throws: As ``send(_:)``.
    package func evaluate(_ script: RedisScript, keys: [[UInt8]], arguments: [[UInt8]]) async throws -> RESPValue {
        try await self.evaluate(script, command: self.command(script, keys: keys, arguments: arguments))
    }

    /// Runs `command`, a call of `script` from ``RedisScript/command(keys:arguments:)``, on a pooled connection.
    ///
    /// - Parameters:
    ///   - script: The script `command` calls.
    ///   - command: `EVALSHA <script's sha> …`.
    /// - Returns: The script's reply, never ``RESPValue/error(_:)``.
    /// - Throws: As ``send(_:)``.
    package func evaluate(_ script: RedisScript, command: [[UInt8]]) async throws -> RESPValue {
        try await self.pool.withConnection { connection in
            try await self.evaluate(script, command: command, on: connection)
        }
    }

    /// Sends `command` (`EVALSHA` of `script`) on `connection`. When the server does not know the script
    /// (`NOSCRIPT`: restarted, or its script cache flushed), sends `SCRIPT LOAD` and the call again in one round
    /// trip; Redis runs them in order on the connection, so the retry finds the script.
    private func evaluate(
        _ script: RedisScript,
        command: [[UInt8]],
        on connection: RedisConnection
    ) async throws -> RESPValue {
        let reply = try await connection.send(command)
        guard let message = reply.errorMessage, message.hasPrefix("NOSCRIPT") else {
            return try self.checked(reply, command: "script \(script.name)")
        }
        let replies = try await connection.pipeline([
            [RedisCommandName.script, RedisCommandName.load, Array(script.source.utf8)],
            command,
        ])
        let loaded = try self.checked(replies[0], command: "SCRIPT LOAD of script \(script.name)")
        let expected = self.scriptSHAs[script.name] ?? []
        guard loaded.bytes == expected else {
            throw StorageError(
                code: .backendFailure,
                message: "Redis at \(self.endpoint) returned \(loaded.string ?? "no name") for script \(script.name) "
                    + "from SCRIPT LOAD, not \(String(decoding: expected, as: UTF8.self)) as when the backend opened"
            )
        }
        return try self.checked(replies[1], command: "script \(script.name)")
    }

    /// Returns `reply`, or throws the error it carries; `command` names what was sent, and is only built for an
    /// error.
    private func checked(_ reply: RESPValue, command: @autoclosure () -> String) throws -> RESPValue {
        guard let message = reply.errorMessage else { return reply }
        let command = command()
        let name = command.isEmpty ? "a command" : command
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
