import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal OTLP/HTTP receiver on 127.0.0.1: answers every POST with 200 and an empty protobuf body, and
/// delivers each request (path and body bytes) on ``requests``.
final class OTLPReceiver: Sendable {
    struct Request: Sendable {
        var path: String
        var contentType: String?
        var body: [UInt8]

        func contains(_ text: String) -> Bool {
            body.firstRange(of: Array(text.utf8)) != nil
        }
    }

    let port: Int
    let requests: AsyncStream<Request>
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    init() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (requests, continuation) = AsyncStream<Request>.makeStream()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(continuation: continuation))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        self.group = group
        self.channel = channel
        self.requests = requests
        self.port = channel.localAddress?.port ?? 0
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let continuation: AsyncStream<Request>.Continuation
        var current: Request?

        init(continuation: AsyncStream<Request>.Continuation) {
            self.continuation = continuation
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                current = Request(path: head.uri, contentType: head.headers.first(name: "content-type"), body: [])
            case .body(var buffer):
                current?.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                if let current { continuation.yield(current) }
                var head = HTTPResponseHead(version: .http1_1, status: .ok)
                head.headers.add(name: "Content-Type", value: current?.contentType ?? "application/x-protobuf")
                head.headers.add(name: "Content-Length", value: "0")
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                current = nil
            }
        }
    }
}
