package import Logging
package import NIOCore
import NIOPosix
package import StorageRefs

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to a Redis server: a NIO channel that pipelines commands.
///
/// Any number of tasks may send at once: commands are written in the order they reach the channel's event loop
/// and each caller gets its own command's reply. ``send(_:)`` writes and flushes one command; ``pipeline(_:)``
/// writes several and flushes once, so they share one round trip. When the connection fails, the channel is
/// closed and every command still waiting fails with ``StorageRefs/StorageError/Code-swift.struct/connectionFailed``.
package final class RedisConnection: Sendable {
    /// Where and how to connect.
    package struct Configuration: Sendable {
        /// The server's host name or address.
        package var host: String

        /// The server's TCP port.
        package var port: Int

        /// The password sent with `AUTH default <password>` right after connecting, or `nil` to send no `AUTH`.
        package var password: Secret?

        /// The logical database selected with `SELECT` right after connecting; `0` sends no `SELECT`.
        package var database: Int

        /// How long connecting, including `AUTH` and `SELECT`, may take before it fails. Default 5 seconds.
        package var connectTimeout: Duration

        /// Creates a configuration.
        package init(
            host: String,
            port: Int,
            password: Secret? = nil,
            database: Int = 0,
            connectTimeout: Duration = .seconds(5)
        ) {
            self.host = host
            self.port = port
            self.password = password
            self.database = database
            self.connectTimeout = connectTimeout
        }

        /// `host:port`, the text errors and logs use to name the server (never with the password).
        package var endpoint: String {
            self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
        }
    }

    /// The connection's channel.
    private let channel: any Channel

    /// `host:port`, for messages.
    package let endpoint: String

    private let logger: Logger

    private init(channel: any Channel, endpoint: String, logger: Logger) {
        self.channel = channel
        self.endpoint = endpoint
        self.logger = logger
    }

    /// Whether the connection is still open; a closed connection fails every command.
    package var isOpen: Bool {
        self.channel.isActive
    }

    /// Connects to the server, then authenticates and selects the database as configured.
    ///
    /// `AUTH` and `SELECT` are pipelined in one round trip (a `PING` is sent when neither is configured, to check
    /// that the server answers). The whole sequence is bounded by ``Configuration/connectTimeout``.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - eventLoopGroup: The event loops the channel runs on.
    ///   - logger: Where to log the connection opening and closing (debug) and failures (warning).
    /// - Returns: An open, authenticated connection.
    /// - Throws: ``StorageRefs/StorageError`` with code `connectionFailed` naming `host:port` when the server cannot
    ///   be reached in time, refuses the password or the database; the message never contains the password.
    package static func connect(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup,
        logger: Logger
    ) async throws -> RedisConnection {
        let endpoint = configuration.endpoint
        var logger = logger
        logger[metadataKey: "redis.endpoint"] = "\(endpoint)"
        logger[metadataKey: "redis.db"] = "\(configuration.database)"
        let handlerLogger = logger
        let start = ContinuousClock.now

        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            MessageToByteHandler(RESPEncoder()),
                            ByteToMessageHandler(RESPDecoder()),
                            RedisCommandHandler(endpoint: endpoint, logger: handlerLogger),
                        ])
                    }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            let failure = StorageError(
                code: .connectionFailed,
                message:
                    "could not connect to Redis at \(endpoint): \(Self.reason(error, configuration: configuration))",
                cause: error
            )
            logger.warning("\(failure.message)")
            throw failure
        }

        let connection = RedisConnection(channel: channel, endpoint: endpoint, logger: logger)
        do {
            try await connection.handshake(configuration: configuration, startedAt: start)
        } catch {
            channel.close(promise: nil)
            logger.warning("\(error)")
            throw error
        }
        logger.debug("opened a Redis connection")
        return connection
    }

    /// Sends `AUTH` and `SELECT` as configured (or `PING` when neither is), bounded by what is left of the connect
    /// timeout.
    private func handshake(configuration: Configuration, startedAt start: ContinuousClock.Instant) async throws {
        var commands: [[[UInt8]]] = []
        if let password = configuration.password {
            commands.append([Array("AUTH".utf8), Array("default".utf8), Array(password.revealed.utf8)])
        }
        if configuration.database != 0 {
            commands.append([Array("SELECT".utf8), Array(String(configuration.database).utf8)])
        }
        if commands.isEmpty {
            // Nothing to configure: still check, within the timeout, that the server answers and needs no password.
            commands.append([Array("PING".utf8)])
        }

        let remaining = configuration.connectTimeout - (ContinuousClock.now - start)
        let channel = self.channel
        let replyFutures = self.write(commands)
        // The deadline closes the channel only while the last reply is still missing. The flag, the reply and the
        // deadline all live on the event loop, so once the reply has arrived the deadline cannot close a
        // connection whose handshake succeeded, even when the task awaiting the reply has not resumed yet (as on
        // a loaded machine).
        let answered = NIOLoopBoundBox.makeBoxSendingValue(false, as: Bool.self, eventLoop: channel.eventLoop)
        replyFutures[replyFutures.count - 1].whenComplete { _ in answered.value = true }
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(max(remaining, .zero))) {
            if !answered.value { channel.close(promise: nil) }
        }
        defer { deadline.cancel() }

        let replies: [RESPValue]
        do {
            replies = try await Self.collect(replyFutures)
        } catch {
            let timedOut = ContinuousClock.now - start >= configuration.connectTimeout
            let detail =
                timedOut
                ? "no answer to AUTH/SELECT within \(configuration.connectTimeout)"
                : ((error as? StorageError)?.message ?? "the connection failed")
            throw StorageError(
                code: .connectionFailed,
                message: "could not connect to Redis at \(self.endpoint): \(detail)",
                cause: error
            )
        }
        var index = 0
        if configuration.password != nil {
            if let message = replies[index].errorMessage {
                throw StorageError(
                    code: .connectionFailed,
                    message: "authentication to Redis at \(self.endpoint) failed (AUTH for user 'default'): \(message)"
                )
            }
            index += 1
        }
        if configuration.database != 0 {
            if let message = replies[index].errorMessage {
                throw StorageError(
                    code: .connectionFailed,
                    message:
                        "selecting database \(configuration.database) on Redis at \(self.endpoint) failed: \(message)"
                )
            }
            index += 1
        }
        if index < replies.count, let message = replies[index].errorMessage {
            throw StorageError(
                code: .connectionFailed,
                message: "Redis at \(self.endpoint) refused PING: \(message) (is a password required?)"
            )
        }
    }

    /// Sends one command and returns its reply.
    ///
    /// An error reply is returned as ``RESPValue/error(_:)``, not thrown.
    ///
    /// - Parameter command: The command name followed by its arguments.
    /// - Returns: The server's reply.
    /// - Throws: ``StorageRefs/StorageError`` with code `connectionFailed` when the connection fails before the
    ///   reply arrives, or `closed` when it was closed.
    package func send(_ command: [[UInt8]]) async throws -> RESPValue {
        let reply = self.channel.eventLoop.makePromise(of: RESPValue.self)
        self.channel.writeAndFlush(RedisRequest(command: command, reply: reply)).whenFailure { error in
            reply.fail(self.writeFailure(error))
        }
        return try await reply.futureResult.get()
    }

    /// Sends several commands in one write and returns their replies, in order.
    ///
    /// Every command is written before one flush, so the batch costs one round trip. The commands are not a
    /// transaction: other connections' commands may run between them, and an error reply to one does not stop
    /// the others.
    ///
    /// - Parameter commands: The commands, each a command name followed by its arguments.
    /// - Returns: One reply per command, in the order of `commands`.
    /// - Throws: As ``send(_:)``.
    package func pipeline(_ commands: [[[UInt8]]]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        return try await Self.collect(self.write(commands))
    }

    /// Writes `commands` with one flush and returns the futures of their replies, in order.
    private func write(_ commands: [[[UInt8]]]) -> [EventLoopFuture<RESPValue>] {
        let channel = self.channel
        let requests = commands.map { RedisRequest(command: $0, reply: channel.eventLoop.makePromise()) }
        channel.eventLoop.execute {
            for request in requests {
                channel.write(request).whenFailure { error in
                    request.reply.fail(self.writeFailure(error))
                }
            }
            channel.flush()
        }
        return requests.map(\.reply.futureResult)
    }

    /// Every reply, in order, or the first failure.
    ///
    /// One await for the whole pipeline: awaiting each future in turn resumed the task once per command, and on a
    /// busy concurrency pool every resumption waits its turn again (a 1,001-command pipeline took over 60 s while
    /// other tasks kept the pool's threads busy; one resumption takes as long as one command).
    private static func collect(_ futures: [EventLoopFuture<RESPValue>]) async throws -> [RESPValue] {
        guard let first = futures.first else { return [] }
        return try await EventLoopFuture.whenAllSucceed(futures, on: first.eventLoop).get()
    }

    /// Closes the connection; commands still waiting fail with ``StorageRefs/StorageError/Code-swift.struct/closed``.
    package func close() async {
        do {
            try await self.channel.close()
        } catch ChannelError.alreadyClosed {
            // Closed already: nothing to do.
        } catch {
            self.logger.warning("closing a Redis connection failed: \(error)")
            return
        }
        self.logger.debug("closed a Redis connection")
    }

    /// Returns once the connection is closed, by either side.
    package func waitUntilClosed() async {
        try? await self.channel.closeFuture.get()
    }

    /// Calls `body` on the connection's event loop once the connection is closed, by either side (at once when it
    /// already is). Callbacks run in the order they were registered, before ``waitUntilClosed()`` returns to
    /// callers that started waiting later.
    ///
    /// - Parameter body: What to do; it must not block.
    package func whenClosed(_ body: @escaping @Sendable () -> Void) {
        self.channel.closeFuture.whenComplete { _ in body() }
    }

    /// The error a request fails with when its write fails before reaching the command handler.
    private func writeFailure(_ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? ChannelError, error == .ioOnClosedChannel || error == .alreadyClosed {
            return StorageError(
                code: .closed,
                message: "the connection to Redis at \(self.endpoint) is closed",
                cause: error
            )
        }
        return StorageError(
            code: .connectionFailed,
            message: "writing to Redis at \(self.endpoint) failed",
            cause: error
        )
    }

    /// A short reason for a failed connect, for the message.
    private static func reason(_ error: any Error, configuration: Configuration) -> String {
        if let error = error as? ChannelError, case .connectTimeout = error {
            return "timed out after \(configuration.connectTimeout)"
        }
        if let error = error as? NIOConnectionError {
            if let dnsError = error.dnsAError ?? error.dnsAAAAError {
                return "cannot resolve the host name (\(dnsError))"
            }
            if let first = error.connectionErrors.first {
                return Self.reason(first.error, configuration: configuration)
            }
        }
        if let error = error as? IOError {
            return "\(String(cString: strerror(error.errnoCode))) (errno \(error.errnoCode))"
        }
        return "\(error)"
    }
}
