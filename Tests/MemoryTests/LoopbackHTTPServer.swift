import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP/1.1 server on 127.0.0.1 for the loader tests: each path answers with a fixed response.
///
/// - `/latin1`: 200, `text/plain; charset=iso-8859-1`, "café" in Latin-1.
/// - `/utf8.md`: 200 with no Content-Type, a UTF-8 body.
/// - `/missing`: 404.
/// - `/big`: 200, chunked (no Content-Length), 64 KiB in 1 KiB chunks.
/// - `/silent`: never answers.
final class LoopbackHTTPServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    init() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        self.group = group
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    private final class Responder: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let request) = unwrapInboundIn(data) else { return }
            switch request.uri {
            case "/latin1":
                respond(context, status: .ok, headers: [("Content-Type", "text/plain; charset=iso-8859-1")], body: [0x63, 0x61, 0x66, 0xE9])
            case "/utf8.md":
                respond(context, status: .ok, headers: [], body: Array("# Título\n".utf8))
            case "/big":
                var head = HTTPResponseHead(version: .http1_1, status: .ok)
                head.headers.add(name: "Content-Type", value: "text/plain")
                head.headers.add(name: "Transfer-Encoding", value: "chunked")
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                for _ in 0..<64 {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: "x"), count: 1_024)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case "/silent":
                break
            default:
                respond(context, status: .notFound, headers: [("Content-Type", "text/plain")], body: Array("not found".utf8))
            }
        }

        private func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, headers: [(String, String)], body: [UInt8]) {
            var head = HTTPResponseHead(version: .http1_1, status: status)
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            head.headers.add(name: "Content-Length", value: String(body.count))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
