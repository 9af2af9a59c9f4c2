import AsyncHTTPClient
import Inference
public import Logging
import NIOCore
import NIOHTTP1
public import OpenAITypes
public import ServiceLifecycle
import StorageRefs
import Synchronization
import _Instrumentation
public import CoreMetrics
public import Tracing
import Foundation

/// A client for one OpenAI-compatible server (OpenAI, vLLM, llama.cpp, Ollama, TGI, …): chat
/// completions, legacy completions and embeddings, streamed or not, and the model list.
///
/// One `HTTPClient` serves every call for the client's life, so connections are reused (llama-stack's
/// mixin built a new client per call). Shut it down with ``shutdown()``, or run it in a
/// `ServiceGroup`: ``run()`` waits for graceful shutdown and then closes the connections.
///
/// Requests are the JSON-backed bodies of `OpenAITypes`: every field, known or not, is sent as it is.
/// Failed attempts are retried per the configuration's ``RetryPolicy``. Cancelling the calling task
/// cancels the request and closes its connection, also in the middle of a stream.
///
/// Errors are ``InferenceClientError`` (cancellation is `CancellationError`). The API key is never
/// logged or put in an error.
///
/// ```swift
/// let client = try OpenAIClient(configuration: .init(baseURL: "http://127.0.0.1:8080/v1"))
/// var request = ChatCompletionRequest(model: "gemma-3-270m", messages: [.user("Hello")])
/// let completion = try await client.chatCompletion(request)
/// request.includeUsage = true
/// var assembler = ChatCompletionAssembler()
/// for try await chunk in client.streamChatCompletion(request) { assembler.add(chunk) }
/// try await client.shutdown()
/// ```
public final class OpenAIClient: Service, Sendable {
    /// What this client was created with.
    public let configuration: OpenAIClientConfiguration

    let httpClient: HTTPClient
    private let baseURL: String
    private let logger: Logger
    private let isShutDown = Mutex(false)
    private let instrumentation: OperationInstrumentation

    /// Creates a client and its connection pool.
    ///
    /// - Parameters:
    ///   - configuration: The server and the client's limits.
    ///   - logger: Receives one debug line per attempt (method, path, status, attempt) and a warning per
    ///     retry; never headers or bodies.
    ///   - tracer: Traces each call as a client span `OpenAIClient.<call>` (model, attempts, status; a stream's
    ///     chunk count when it ends); `nil` uses the bootstrapped tracer, a no-op until one is bootstrapped.
    ///   - metricsFactory: Receives each call's duration and failures; `nil` uses the bootstrapped backend.
    /// - Throws: ``InferenceClientError/Code-swift.struct/invalidConfiguration`` naming the setting at fault.
    public init(
        configuration: OpenAIClientConfiguration,
        logger: Logger = Logger(label: "stackkit.inference.client"),
        tracer: (any Tracer)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(InferenceClientError) {
        self.instrumentation = OperationInstrumentation(
            component: "OpenAIClient",
            operations: ["chatCompletion", "completion", "embeddings", "models"],
            tracer: tracer,
            metricsFactory: metricsFactory
        )
        self.baseURL = try configuration.validated()
        self.configuration = configuration
        self.logger = logger
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = HTTPClient.Configuration.Timeout(
            connect: Self.timeAmount(configuration.connectTimeout),
            read: Self.timeAmount(configuration.readTimeout)
        )
        httpConfiguration.httpVersion = .automatic
        self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    deinit {
        // A client dropped without shutdown() would leak its pool; close it in the background.
        if !isShutDown.withLock({ $0 }) {
            httpClient.shutdown { _ in }
        }
    }

    /// Waits for graceful shutdown (or cancellation), then shuts the client down.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Closes every connection; calls after it fail with ``InferenceClientError/Code-swift.struct/shutDown``.
    /// Calling it again does nothing.
    public func shutdown() async throws {
        let first = isShutDown.withLock { state in
            defer { state = true }
            return !state
        }
        guard first else { return }
        try await httpClient.shutdown()
    }

    // MARK: Endpoints

    /// Creates a chat completion (`POST /chat/completions`, not streamed: `stream` is removed).
    ///
    /// - Parameters:
    ///   - request: The request body; unknown fields are sent as they are.
    ///   - options: Per-call settings (another API key, extra headers).
    /// - Returns: The completion as the server sent it (unknown fields kept).
    /// - Throws: ``InferenceClientError``, or `CancellationError`.
    public func chatCompletion(_ request: ChatCompletionRequest, options: RequestOptions = RequestOptions()) async throws -> ChatCompletion {
        var body = request
        body.stream = false
        body.fields.removeValue(forKey: "stream_options")
        return try await instrumentation.run("chatCompletion", attributes: { $0["stackkit.model"] = request.model }, kind: .client) { span in
            let completion = try await decode(ChatCompletion.self, from: sendJSON(path: "/chat/completions", body: body.json, options: options, span: span))
            span.attributes["stackkit.count"] = completion.choices.count
            return completion
        }
    }

    /// Streams a chat completion (`POST /chat/completions` with `stream: true`) as its chunks.
    ///
    /// The request starts when iteration starts, and is retried (per the policy) until its response
    /// head arrives. The sequence ends after the server's `data: [DONE]`; a body that ends without it is
    /// ``InferenceClientError/Code-swift.struct/invalidResponse``, and an error object sent in the stream
    /// is ``InferenceClientError/Code-swift.struct/api``. Cancelling the iterating task closes the connection.
    ///
    /// - Parameters:
    ///   - request: The request body; `stream` is set.
    ///   - options: Per-call settings.
    /// - Returns: The chunks, in order. Assemble them with ``ChatCompletionAssembler``.
    public func streamChatCompletion(_ request: ChatCompletionRequest, options: RequestOptions = RequestOptions()) -> InferenceEventStream<ChatCompletionChunk> {
        var body = request
        body.stream = true
        return eventStream(path: "/chat/completions", body: body.json, options: options)
    }

    /// Creates a legacy text completion (`POST /completions`, not streamed).
    ///
    /// - Parameters:
    ///   - request: The request body.
    ///   - options: Per-call settings.
    /// - Returns: The completion.
    /// - Throws: ``InferenceClientError``, or `CancellationError`.
    public func completion(_ request: TextCompletionRequest, options: RequestOptions = RequestOptions()) async throws -> TextCompletion {
        var body = request
        body.stream = false
        body.fields.removeValue(forKey: "stream_options")
        return try await instrumentation.run("completion", attributes: { $0["stackkit.model"] = request.model }, kind: .client) { span in
            try await decode(TextCompletion.self, from: sendJSON(path: "/completions", body: body.json, options: options, span: span))
        }
    }

    /// Streams a legacy text completion (`POST /completions` with `stream: true`); each element is a
    /// `text_completion` object holding the next piece of text. Ends, retries and cancels as
    /// ``streamChatCompletion(_:options:)``.
    ///
    /// - Parameters:
    ///   - request: The request body; `stream` is set.
    ///   - options: Per-call settings.
    /// - Returns: The chunks, in order.
    public func streamCompletion(_ request: TextCompletionRequest, options: RequestOptions = RequestOptions()) -> InferenceEventStream<TextCompletion> {
        var body = request
        body.stream = true
        return eventStream(path: "/completions", body: body.json, options: options)
    }

    /// Creates embeddings (`POST /embeddings`).
    ///
    /// - Parameters:
    ///   - request: The request body; `encoding_format` `"base64"` is decoded by ``Embedding/vector``.
    ///   - options: Per-call settings.
    /// - Returns: The response with `data` ordered by `index` (servers may answer out of order).
    /// - Throws: ``InferenceClientError`` — also `invalidResponse` when the indices are not exactly
    ///   `0..<inputs`; or `CancellationError`.
    public func embeddings(_ request: EmbeddingsRequest, options: RequestOptions = RequestOptions()) async throws -> EmbeddingsResponse {
        try await instrumentation.run("embeddings", attributes: { $0["stackkit.model"] = request.model; $0["stackkit.count"] = request.inputCount }, kind: .client) { span in
            try await embeddingsAttempt(request, options: options, span: span)
        }
    }

    private func embeddingsAttempt(_ request: EmbeddingsRequest, options: RequestOptions, span: any Span) async throws -> EmbeddingsResponse {
        var response = try await decode(EmbeddingsResponse.self, from: sendJSON(path: "/embeddings", body: request.json, options: options, span: span))
        let sorted = response.data.sorted { $0.index < $1.index }
        guard sorted.map(\.index) == Array(0..<request.inputCount) else {
            throw InferenceClientError.invalidResponse(
                "embeddings: expected indices 0..<\(request.inputCount), found \(sorted.map(\.index))"
            )
        }
        response.data = sorted
        return response
    }

    /// Lists the server's models (`GET /models`).
    ///
    /// - Parameter options: Per-call settings.
    /// - Returns: The models in the server's order.
    /// - Throws: ``InferenceClientError``, or `CancellationError`.
    public func models(options: RequestOptions = RequestOptions()) async throws -> [ModelObject] {
        try await instrumentation.run("models", kind: .client) { span in
            let models = try await listModels(options: options, span: span)
            span.attributes["stackkit.count"] = models.count
            return models
        }
    }

    private func listModels(options: RequestOptions, span: any Span) async throws -> [ModelObject] {
        let json = try await send(method: .GET, path: "/models", body: nil, options: options, span: span)
        guard case .object(let list) = json, case .array(let elements)? = list["data"] else {
            throw InferenceClientError.invalidResponse("models: expected an object with a data array")
        }
        var models: [ModelObject] = []
        for (index, element) in elements.enumerated() {
            do {
                models.append(try ModelObject(json: element))
            } catch {
                throw InferenceClientError.invalidResponse("models: data[\(index)]\(error.path.isEmpty ? "" : ".\(error.path)"): \(error.message)")
            }
        }
        return models
    }

    // MARK: Transport

    private func decode<Object: OpenAIObject>(_ type: Object.Type, from json: JSONValue) throws(InferenceClientError) -> Object {
        do {
            return try Object(json: json)
        } catch {
            throw InferenceClientError.invalidResponse(
                "\(Object.self): \(error.path.isEmpty ? "" : "\(error.path): ")\(error.message)"
            )
        }
    }

    private func sendJSON(path: String, body: JSONValue, options: RequestOptions, span: any Span) async throws -> JSONValue {
        try await send(method: .POST, path: path, body: body, options: options, span: span)
    }

    private func send(method: HTTPMethod, path: String, body: JSONValue?, options: RequestOptions, span: any Span) async throws -> JSONValue {
        let request = try makeRequest(method: method, path: path, body: body, options: options, streaming: false)
        let (response, attempts) = try await execute(request, path: path, options: options, deadline: configuration.requestTimeout, span: span)
        let bytes: ByteBuffer
        do {
            bytes = try await response.body.collect(upTo: configuration.maximumResponseBytes)
        } catch is NIOTooManyBytesError {
            throw InferenceClientError.invalidResponse("\(path): the response is larger than \(configuration.maximumResponseBytes) bytes")
        } catch {
            throw transportError(error, path: path, attempts: attempts, during: "reading the response")
        }
        do {
            return try JSONColumnText.decode(bytes: Array(bytes.readableBytesView), column: "response")
        } catch {
            throw InferenceClientError.invalidResponse("\(path): the response body is not JSON")
        }
    }

    private func eventStream<Element: OpenAIObject>(path: String, body: JSONValue, options: RequestOptions) -> InferenceEventStream<Element> {
        var attributes: SpanAttributes = [:]
        if let model = body["model"]?.stringValue { attributes["stackkit.model"] = model }
        return InferenceEventStream(
            path: path,
            operationName: path == "/completions" ? "OpenAIClient.streamCompletion" : "OpenAIClient.streamChatCompletion",
            tracer: instrumentation.tracer,
            attributes: attributes,
            start: { [self] span in
                let request = try makeRequest(method: .POST, path: path, body: body, options: options, streaming: true)
                return try await execute(request, path: path, options: options, deadline: configuration.streamTimeout, span: span).response
            },
            decode: { event in
                try InferenceEventStream<Element>.decodeObject(event, path: path, redacting: self.key(for: options))
            }
        )
    }

    private func key(for options: RequestOptions) -> APIKey? {
        options.apiKey ?? configuration.apiKey
    }

    private func makeRequest(method: HTTPMethod, path: String, body: JSONValue?, options: RequestOptions, streaming: Bool) throws(InferenceClientError) -> HTTPClientRequest {
        if isShutDown.withLock({ $0 }) {
            throw InferenceClientError(code: .shutDown, message: "the client was shut down")
        }
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "StackKit-InferenceHTTP")
        request.headers.add(name: "Accept", value: streaming ? "text/event-stream" : "application/json")
        if let key = key(for: options) {
            if key.secret.isEmpty || key.secret.contains(where: { $0.isNewline }) {
                throw .configuration("apiKey", "the key is empty or contains a line break")
            }
            request.headers.add(name: "Authorization", value: "Bearer \(key.secret)")
        }
        for header in configuration.extraHeaders + options.extraHeaders {
            if header.name.lowercased() == "authorization" {
                throw .configuration("extraHeaders", "set the key with apiKey, not an Authorization header")
            }
            if header.value.contains(where: { $0.isNewline }) {
                throw .configuration("extraHeaders[\(header.name)]", "the value contains a line break")
            }
            request.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        if let body {
            let text: String
            do {
                text = try JSONColumnText.encode(body, column: "body")
            } catch {
                throw InferenceClientError(code: .invalidRequest, message: "the request holds a number JSON cannot represent (NaN or infinity)")
            }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: text))
        }
        return request
    }

    /// Sends `request`, retrying per the policy, until a 2xx response head arrives.
    private func execute(
        _ request: HTTPClientRequest,
        path: String,
        options: RequestOptions,
        deadline: Duration,
        span: (any Span)?
    ) async throws -> (response: HTTPClientResponse, attempts: Int) {
        let policy = options.retry ?? configuration.retry
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            var failure: InferenceClientError
            var retryAfter: Duration?
            do {
                let response = try await httpClient.execute(request, timeout: Self.timeAmount(deadline), logger: nil)
                logger.debug("inference request", metadata: ["method": "\(request.method)", "path": "\(path)", "status": "\(response.status.code)", "attempt": "\(attempt)"])
                span?.attributes["http.response.status_code"] = Int(response.status.code)
                span?.attributes["stackkit.attempts"] = attempt
                if (200..<300).contains(response.status.code) {
                    return (response, attempt)
                }
                let body = try? await response.body.collect(upTo: 1 << 20)
                failure = Self.apiError(
                    status: Int(response.status.code),
                    body: body.map { Array($0.readableBytesView) } ?? [],
                    path: path,
                    redacting: key(for: options),
                    attempts: attempt
                )
                retryAfter = Self.retryAfter(response.headers)
                guard policy.retryableStatuses.contains(failure.status ?? 0) else { throw failure }
            } catch let error as InferenceClientError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch let error as HTTPClientError where error == .cancelled {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                failure = transportError(error, path: path, attempts: attempt, during: "sending the request")
                if let clientError = error as? HTTPClientError, clientError == .deadlineExceeded {
                    throw failure
                }
            }
            guard attempt <= policy.maximumRetries else { throw failure }
            var wait = policy.backoff(attempt: attempt, random: Double.random(in: 0...1))
            if let retryAfter, retryAfter <= policy.maximumRetryAfter { wait = retryAfter }
            logger.warning("inference request failed; retrying", metadata: [
                "path": "\(path)", "attempt": "\(attempt)", "error": "\(failure)", "wait_seconds": "\(seconds(wait))",
            ])
            try await Task.sleep(for: wait)
        }
    }

    private func transportError(_ error: any Error, path: String, attempts: Int, during action: String) -> InferenceClientError {
        InferenceClientError(code: .transport, message: "\(path): \(action) failed: \(error)", attempts: attempts)
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (whole, attoseconds) = duration.components
        return .nanoseconds(whole * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    // MARK: Errors

    /// The typed error of an error response: OpenAI's `{"error": {message, type, code, param}}`, also
    /// `{"error": "text"}`, `{"message": …}` and FastAPI's `{"detail": …}`, else the body's first
    /// 500 characters.
    static func apiError(status: Int, body: [UInt8], path: String, redacting key: APIKey?, attempts: Int) -> InferenceClientError {
        var message: String?
        var type: String?
        var code: String?
        var param: String?
        if let json = try? JSONColumnText.decode(bytes: body, column: "error"), case .object(let root) = json {
            switch root["error"] {
            case .object(let error)?:
                message = error["message"]?.stringValue
                type = error["type"]?.stringValue
                code = error["code"].flatMap(Self.text)
                param = error["param"].flatMap(Self.text)
            case .string(let text)?:
                message = text
            default:
                message = root["message"]?.stringValue ?? root["detail"].flatMap(Self.text)
            }
        }
        if message == nil {
            let text = String(decoding: body.prefix(500), as: UTF8.self)
            message = text.isEmpty ? "HTTP \(status) with an empty body" : text
        }
        return InferenceClientError(
            code: .api,
            message: redact("\(path): \(message!)", key: key),
            status: status,
            type: type,
            apiCode: code.map { redact($0, key: key) },
            field: param,
            attempts: attempts
        )
    }

    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .null: nil
        default: try? JSONColumnText.encode(value, column: "error")
        }
    }

    /// `text` with every occurrence of the key (and of its first 8+ characters, as some servers echo a
    /// prefix) replaced by `<redacted>`.
    static func redact(_ text: String, key: APIKey?) -> String {
        guard let secret = key?.secret, secret.count >= 4 else { return text }
        var result = text.replacingOccurrences(of: secret, with: "<redacted>")
        if secret.count > 12 {
            result = result.replacingOccurrences(of: String(secret.prefix(8)), with: "<redacted>")
        }
        return result
    }

    /// The wait a response asks for: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let text = headers.first(name: "retry-after-ms"), let milliseconds = Double(text), milliseconds >= 0 {
            return .milliseconds(Int64(milliseconds))
        }
        guard let text = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let secondsValue = Double(text), secondsValue >= 0 {
            return .milliseconds(Int64(secondsValue * 1000))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }
}

/// Settings of one call that differ from the client's configuration.
public struct RequestOptions: Sendable {
    /// The key for this call instead of the configured one (a per-user key, say).
    public var apiKey: APIKey?
    /// Headers added to this call after the configured ones (a header of the same name replaces it).
    public var extraHeaders: [(name: String, value: String)]
    /// The retry policy for this call instead of the configured one.
    public var retry: RetryPolicy?

    /// Creates options.
    public init(apiKey: APIKey? = nil, extraHeaders: [(name: String, value: String)] = [], retry: RetryPolicy? = nil) {
        self.apiKey = apiKey
        self.extraHeaders = extraHeaders
        self.retry = retry
    }
}
