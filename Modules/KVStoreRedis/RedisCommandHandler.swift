import Logging
import NIOCore
import StorageRefs

/// Pipelines commands on one channel: writes each request's command in order and completes the requests' promises
/// with the replies, first in, first out.
///
/// Redis answers the commands of one connection in the order it received them, so the reply at the head of the
/// stream belongs to the oldest request still waiting. When the channel fails or closes, every waiting request
/// and every later one fails with the same error, and the channel is closed.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = RESPValue
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = [[UInt8]]

    /// `host:port`, for error messages.
    private let endpoint: String

    /// The promises of the requests written and not yet answered, oldest first.
    private var waiting = CircularBuffer<EventLoopPromise<RESPValue>>()

    /// Why the connection is unusable, once it is; every later request fails with it.
    private var failure: StorageError?

    /// Where unexpected failures are logged (warning) and closes by the server (debug).
    private let logger: Logger

    init(endpoint: String, logger: Logger) {
        self.endpoint = endpoint
        self.logger = logger
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = self.unwrapOutboundIn(data)
        if let failure = self.failure {
            request.reply.fail(failure)
            promise?.fail(failure)
            return
        }
        self.waiting.append(request.reply)
        context.write(self.wrapOutboundOut(request.command), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = self.unwrapInboundIn(data)
        guard let promise = self.waiting.popFirst() else {
            self.fail(
                context: context,
                with: StorageError(
                    code: .connectionFailed,
                    message: "Redis at \(self.endpoint) sent a reply no command was waiting for; closing the connection"
                )
            )
            return
        }
        promise.succeed(reply)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let failure =
            (error as? StorageError).map { cause in
                StorageError(
                    code: .connectionFailed,
                    message: "the connection to Redis at \(self.endpoint) failed: \(cause.message)",
                    cause: cause
                )
            }
            ?? StorageError(
                code: .connectionFailed,
                message: "the connection to Redis at \(self.endpoint) failed",
                cause: error
            )
        self.fail(context: context, with: failure)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if self.failure == nil {
            self.logger.debug("Redis closed the connection")
        }
        self.failAll(
            with: self.failure
                ?? StorageError(
                    code: .connectionFailed,
                    message: "the connection to Redis at \(self.endpoint) was lost"
                )
        )
        context.fireChannelInactive()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // A close asked for through the pipeline is ours (pool shutdown or a failed handshake): requests still
        // waiting fail as closed rather than as a lost connection.
        if self.failure == nil {
            self.failure = StorageError(
                code: .closed,
                message: "the connection to Redis at \(self.endpoint) was closed"
            )
        }
        context.close(mode: mode, promise: promise)
    }

    private func fail(context: ChannelHandlerContext, with error: StorageError) {
        if self.failure == nil {
            self.logger.warning("\(error.message); failing \(self.waiting.count) waiting command(s)")
            self.failure = error
        }
        self.failAll(with: self.failure ?? error)
        context.close(promise: nil)
    }

    private func failAll(with error: StorageError) {
        if self.failure == nil {
            self.failure = error
        }
        while let promise = self.waiting.popFirst() {
            promise.fail(error)
        }
    }
}
