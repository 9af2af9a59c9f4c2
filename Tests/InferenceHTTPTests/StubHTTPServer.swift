import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A scriptable HTTP/1.1 server on 127.0.0.1, for fault injection and request inspection only (the
/// protocol itself is tested against a real llama.cpp server).
///
/// Every request is recorded; `respond` decides the answer. A response may leave the body open
/// (``StubResponse/keepOpen``) so a test can cancel a stream mid-way and wait, through ``closedConnections``,
/// for the client to close the connection.
final class StubHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    struct StubResponse: Sendable {
        var status: Int = 200
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        var chunks: [[UInt8]] = []
        var keepOpen = false

        static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> StubResponse {
            StubResponse(status: status, headers: [("Content-Type", "application/json")] + headers, chunks: [Array(text.utf8)])
        }

        static func events(_ texts: [String], keepOpen: Bool = false) -> StubResponse {
            StubResponse(status: 200, headers: [("Content-Type", "text/event-stream")], chunks: texts.map { Array($0.utf8) }, keepOpen: keepOpen)
        }

        /// No answer at all: the request waits until the client gives up or is cancelled.
        static let silence = StubResponse(status: 0, headers: [], chunks: [])

        static func bytes(_ bytes: [UInt8], contentType: String) -> StubResponse {
            StubResponse(status: 200, headers: [("Content-Type", contentType)], chunks: [bytes])
        }
    }

    let port: Int
    /// One element per connection the client closed (or that closed).
    let closedConnections: AsyncStream<Void>
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let log: RequestLog

    var requests: [Request] { log.entries.withLock { $0 } }

    init(respond: @escaping @Sendable (Request, Int) -> StubResponse) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (closed, closedContinuation) = AsyncStream<Void>.makeStream()
        let log = RequestLog()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Responder(respond: respond, log: log, closed: closedContinuation)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        self.group = group
        self.channel = channel
        self.log = log
        self.closedConnections = closed
        self.port = channel.localAddress?.port ?? 0
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    final class RequestLog: Sendable {
        let entries = Mutex<[Request]>([])
    }

    private final class Responder: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let respond: @Sendable (Request, Int) -> StubResponse
        let log: RequestLog
        let closed: AsyncStream<Void>.Continuation
        var current: Request?

        init(respond: @escaping @Sendable (Request, Int) -> StubResponse, log: RequestLog, closed: AsyncStream<Void>.Continuation) {
            self.respond = respond
            self.log = log
            self.closed = closed
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.yield()
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                current = Request(method: "\(head.method)", uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: [])
            case .body(var buffer):
                current?.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let request = current else { return }
                let number = log.entries.withLock { requests in
                    requests.append(request)
                    return requests.count
                }
                let response = respond(request, number)
                if response.status == 0 { return }
                var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.status))
                for (name, value) in response.headers { head.headers.add(name: name, value: value) }
                if response.keepOpen {
                    head.headers.add(name: "Transfer-Encoding", value: "chunked")
                } else {
                    head.headers.add(name: "Content-Length", value: String(response.chunks.reduce(0) { $0 + $1.count }))
                }
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                for chunk in response.chunks {
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: chunk)))), promise: nil)
                }
                if response.keepOpen {
                    context.flush()
                } else {
                    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                }
            }
        }
    }
}
