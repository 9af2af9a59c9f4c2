import NIOCore

/// A command on its way to the server, with the promise its reply completes.
struct RedisRequest: Sendable {
    /// The command name followed by its arguments.
    var command: [[UInt8]]

    /// Completed with the command's reply (an error reply included), or failed when the connection fails first.
    var reply: EventLoopPromise<RESPValue>
}
