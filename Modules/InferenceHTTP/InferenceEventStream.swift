import AsyncHTTPClient
import Inference
import NIOCore
import OpenAITypes
import StorageRefs
import _Instrumentation
import Tracing

/// The objects of a streamed response (`text/event-stream`), decoded as they arrive.
///
/// The request is sent when iteration starts (each iteration sends it anew). The sequence ends after
/// `data: [DONE]`; it throws ``InferenceClientError`` with code `invalidResponse` when an event is not
/// a valid object or the body ends without `[DONE]`, and with code `api` when the server sends an
/// error object in the stream. Cancelling the iterating task ends the request and closes its connection.
public struct InferenceEventStream<Element: Sendable>: AsyncSequence, Sendable {
    let path: String
    let operationName: String
    let tracer: any Tracer
    let attributes: SpanAttributes
    let start: @Sendable (any Span) async throws -> HTTPClientResponse
    let decode: @Sendable (ServerSentEvent) throws -> Element

    init(
        path: String,
        operationName: String,
        tracer: any Tracer,
        attributes: SpanAttributes,
        start: @escaping @Sendable (any Span) async throws -> HTTPClientResponse,
        decode: @escaping @Sendable (ServerSentEvent) throws -> Element
    ) {
        self.path = path
        self.operationName = operationName
        self.tracer = tracer
        self.attributes = attributes
        self.start = start
        self.decode = decode
    }

    /// The same stream with every element passed through `transform`.
    ///
    /// - Parameter transform: Applied to each element as it arrives.
    /// - Returns: The transformed stream.
    public func mapElements<Transformed: Sendable>(
        _ transform: @escaping @Sendable (Element) throws -> Transformed
    ) -> InferenceEventStream<Transformed> {
        let decode = self.decode
        return InferenceEventStream<Transformed>(
            path: path, operationName: operationName, tracer: tracer, attributes: attributes, start: start,
            decode: { try transform(decode($0)) }
        )
    }

    /// Starts iteration; the request is sent by the first `next()`.
    ///
    /// Each iteration is one client span (`OpenAIClient.streamChatCompletion`, …) from the first `next()` to the
    /// end, a failure, or the consumer stopping, with the chunk count.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }

    /// Reads events from the response body and decodes them.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private enum State {
            case idle
            case streaming(HTTPClientResponse.Body.AsyncIterator)
            case finished
        }

        private let stream: InferenceEventStream
        private var state = State.idle
        private var parser = ServerSentEventParser()
        private var pending: [ServerSentEvent] = []
        private var pendingIndex = 0
        private let span: StreamSpan

        init(stream: InferenceEventStream) {
            self.stream = stream
            self.span = StreamSpan(operationName: stream.operationName, tracer: stream.tracer, attributes: stream.attributes, kind: .client)
        }

        /// The next object, or `nil` after `[DONE]`.
        ///
        /// - Throws: ``InferenceClientError``, or `CancellationError` when the task was cancelled.
        public mutating func next() async throws -> Element? {
            span.startIfNeeded()
            do {
                let element = try await nextElement()
                if element == nil {
                    span.finish(error: nil, abandoned: false)
                } else {
                    span.count += 1
                }
                return element
            } catch {
                span.finish(error: error, abandoned: error is CancellationError)
                throw error
            }
        }

        private mutating func nextElement() async throws -> Element? {
            while true {
                if pendingIndex < pending.count {
                    let event = pending[pendingIndex]
                    pendingIndex += 1
                    if event.dataBytes == doneMarker {
                        state = .finished
                        pending = []
                        return nil
                    }
                    return try stream.decode(event)
                }
                pending.removeAll(keepingCapacity: true)
                pendingIndex = 0
                switch state {
                case .finished:
                    return nil
                case .idle:
                    guard let started = span.startedSpan else { throw CancellationError() }
                    let start = stream.start
                    let response = try await InstrumentationContext.$current.withValue(started.context) { try await start(started) }
                    state = .streaming(response.body.makeAsyncIterator())
                case .streaming(var body):
                    let buffer: ByteBuffer?
                    do {
                        buffer = try await body.next()
                    } catch let error as CancellationError {
                        state = .finished
                        throw error
                    } catch let error as HTTPClientError where error == .cancelled {
                        state = .finished
                        throw CancellationError()
                    } catch {
                        state = .finished
                        if Task.isCancelled { throw CancellationError() }
                        throw InferenceClientError(code: .transport, message: "\(stream.path): the stream failed: \(error)")
                    }
                    guard let buffer else {
                        state = .finished
                        parser.finish()
                        throw InferenceClientError.invalidResponse("\(stream.path): the stream ended without data: [DONE]")
                    }
                    state = .streaming(body)
                    pending = parser.parse(buffer.readableBytesView)
                }
            }
        }

    }
}

/// The data of the event that ends an OpenAI stream.
private let doneMarker: [UInt8] = Array("[DONE]".utf8)

extension InferenceEventStream where Element: OpenAIObject {
    /// Decodes one event's data as `Element`; an `error` object (or an `error` event) becomes an
    /// ``InferenceClientError`` with code `api`.
    static func decodeObject(_ event: ServerSentEvent, path: String, redacting key: APIKey?) throws -> Element {
        let json: JSONValue
        do {
            json = try JSONColumnText.decode(bytes: event.dataBytes, column: "event")
        } catch {
            throw InferenceClientError.invalidResponse("\(path): a stream event is not JSON: \(String(event.data.prefix(200)))")
        }
        if event.event == "error" || json["error"] != nil {
            var error = OpenAIClient.apiError(status: 200, body: event.dataBytes, path: path, redacting: key, attempts: 1)
            error.status = nil
            throw error
        }
        do {
            return try Element(json: json)
        } catch {
            throw InferenceClientError.invalidResponse(
                "\(path): a stream event is not a valid \(Element.self): \(error.path.isEmpty ? "" : "\(error.path): ")\(error.message)"
            )
        }
    }
}
