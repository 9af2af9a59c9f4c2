import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-process HTTP/1.1 server on 127.0.0.1 that answers every request at once with canned bytes, so the
/// inference benchmark measures the client and not a model: `POST …` with `"stream":true` in the body gets
/// the SSE body in 16 KiB writes, any other request the chat-completion JSON.
final class InferenceBenchServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    init(completion: [UInt8], stream: [UInt8]) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder(completion: completion, stream: stream))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        self.group = group
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let completion: [UInt8]
        let stream: [UInt8]
        var streaming = false
        var keepAlive = true

        init(completion: [UInt8], stream: [UInt8]) {
            self.completion = completion
            self.stream = stream
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                streaming = false
                keepAlive = head.isKeepAlive
            case .body(let buffer):
                if buffer.readableBytesView.firstRange(of: Array(#""stream":true"#.utf8)) != nil { streaming = true }
            case .end:
                let body = streaming ? stream : completion
                var head = HTTPResponseHead(version: .http1_1, status: .ok)
                head.headers.add(name: "Content-Type", value: streaming ? "text/event-stream" : "application/json")
                head.headers.add(name: "Content-Length", value: String(body.count))
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                var offset = 0
                while offset < body.count {
                    let end = min(offset + 16_384, body.count)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body[offset..<end])))), promise: nil)
                    offset = end
                }
                let promise: EventLoopPromise<Void>? = keepAlive ? nil : context.eventLoop.makePromise()
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
                let channel = context.channel
                promise?.futureResult.whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
