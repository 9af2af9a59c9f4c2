import Foundation
import Inference
import InferenceHTTP
import OpenAITypes
import StorageRefs
import Testing

/// Client behaviour that needs a misbehaving server: retries, error decoding, key redaction, truncated
/// and cancelled streams. The protocol itself is tested against llama.cpp in `LlamaServerTests`.
@Suite("OpenAI client against a stub server")
struct OpenAIClientStubTests {
    static let completionJSON = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"x_vendor":{"kept":true}}
        """

    static func fastRetries(_ count: Int = 2) -> RetryPolicy {
        RetryPolicy(maximumRetries: count, initialBackoff: .milliseconds(1), maximumBackoff: .milliseconds(5))
    }

    static func withClient<Result>(
        apiKey: APIKey? = nil,
        retry: RetryPolicy = fastRetries(),
        respond: @escaping @Sendable (StubHTTPServer.Request, Int) -> StubHTTPServer.StubResponse,
        _ body: (OpenAIClient, StubHTTPServer) async throws -> Result
    ) async throws -> Result {
        let server = try await StubHTTPServer(respond: respond)
        let client = try OpenAIClient(configuration: OpenAIClientConfiguration(baseURL: server.baseURL, apiKey: apiKey, retry: retry))
        do {
            let result = try await body(client, server)
            try await client.shutdown()
            try await server.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            try? await server.shutdown()
            throw error
        }
    }

    @Test("a 503 twice then 200 is retried and succeeds on the third attempt")
    func retriesServerErrors() async throws {
        try await Self.withClient(respond: { _, number in
            number <= 2 ? .json(#"{"error":{"message":"busy","type":"server_error"}}"#, status: 503, headers: [("retry-after-ms", "1")]) : .json(Self.completionJSON)
        }) { client, server in
            let completion = try await client.chatCompletion(ChatCompletionRequest(model: "m", messages: [.user("hello")]))
            #expect(completion.id == "chatcmpl-1")
            #expect(completion.fields["x_vendor"] == ["kept": true])
            #expect(server.requests.count == 3)
            #expect(server.requests.allSatisfy { $0.uri == "/v1/chat/completions" && $0.method == "POST" })
        }
    }

    @Test("retries stop after the policy's maximum and report the last error with the attempt count")
    func retriesAreBounded() async throws {
        try await Self.withClient(respond: { _, _ in .json(#"{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}"#, status: 429) }) { client, server in
            let error = await #expect(throws: InferenceClientError.self) {
                _ = try await client.chatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")]))
            }
            #expect(error?.code == .api)
            #expect(error?.status == 429)
            #expect(error?.type == "rate_limit_error")
            #expect(error?.apiCode == "rate_limit_exceeded")
            #expect(error?.attempts == 3)
            #expect(server.requests.count == 3)
        }
    }

    @Test("a 400 is not retried and its OpenAI error fields are decoded")
    func clientErrorsAreNotRetried() async throws {
        let body = #"{"error":{"message":"Invalid value for temperature","type":"invalid_request_error","param":"temperature","code":null}}"#
        try await Self.withClient(respond: { _, _ in .json(body, status: 400) }) { client, server in
            let error = await #expect(throws: InferenceClientError.self) {
                _ = try await client.chatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")]))
            }
            #expect(error?.status == 400)
            #expect(error?.type == "invalid_request_error")
            #expect(error?.field == "temperature")
            #expect(error?.apiCode == nil)
            #expect(error?.message.contains("Invalid value for temperature") == true)
            #expect(server.requests.count == 1)
        }
    }

    @Test("error bodies that are not OpenAI-shaped still give a typed error with their text")
    func plainTextErrors() async throws {
        try await Self.withClient(retry: .none, respond: { request, _ in
            request.uri.hasSuffix("/models")
                ? StubHTTPServer.StubResponse(status: 502, headers: [("Content-Type", "text/plain")], chunks: [Array("Bad Gateway from proxy".utf8)])
                : .json(#"{"detail":"Not Found"}"#, status: 404)
        }) { client, _ in
            let gateway = await #expect(throws: InferenceClientError.self) { _ = try await client.models() }
            #expect(gateway?.status == 502)
            #expect(gateway?.message.contains("Bad Gateway from proxy") == true)
            let missing = await #expect(throws: InferenceClientError.self) {
                _ = try await client.completion(TextCompletionRequest(model: "m", prompt: "x"))
            }
            #expect(missing?.status == 404)
            #expect(missing?.message.contains("Not Found") == true)
        }
    }

    @Test("the API key is sent as a bearer token and never appears in errors, even when the server echoes it")
    func keyIsRedacted() async throws {
        let secret = "sk-test-0123456789abcdef"
        try await Self.withClient(apiKey: APIKey(secret), retry: .none, respond: { request, _ in
            let sent = request.header("Authorization") ?? ""
            return .json(#"{"error":{"message":"Incorrect API key provided: \#(sent.dropFirst(7)) and prefix \#(sent.dropFirst(7).prefix(10))","type":"invalid_request_error","code":"invalid_api_key"}}"#, status: 401)
        }) { client, server in
            let error = await #expect(throws: InferenceClientError.self) { _ = try await client.models() }
            #expect(server.requests.first?.header("Authorization") == "Bearer \(secret)")
            #expect(error?.status == 401)
            let text = "\(String(describing: error)) \(error?.message ?? "") \(String(reflecting: error))"
            #expect(!text.contains(secret))
            #expect(!text.contains(String(secret.prefix(8))))
            #expect(text.contains("<redacted>"))
        }
        #expect("\(APIKey(secret))" == "APIKey(<redacted>)")
        #expect(String(reflecting: APIKey(secret)) == "APIKey(<redacted>)")
        var dumped = ""
        dump(OpenAIClientConfiguration(baseURL: "http://x/v1", apiKey: APIKey(secret)), to: &dumped)
        #expect(!dumped.contains(secret))
    }

    @Test("a refused connection is retried, then reported as a transport error")
    func connectionErrors() async throws {
        // A port that was just released: nothing listens there.
        let server = try await StubHTTPServer(respond: { _, _ in .json("{}") })
        let url = server.baseURL
        try await server.shutdown()
        // A refused connect is retried by the connection pool until the connect timeout; keep it short.
        let client = try OpenAIClient(configuration: OpenAIClientConfiguration(baseURL: url, connectTimeout: .seconds(1), retry: Self.fastRetries(1)))
        let error = await #expect(throws: InferenceClientError.self) { _ = try await client.models() }
        #expect(error?.code == .transport)
        #expect(error?.attempts == 2)
        try await client.shutdown()
        let afterShutdown = await #expect(throws: InferenceClientError.self) { _ = try await client.models() }
        #expect(afterShutdown?.code == .shutDown)
    }

    @Test("invalid configurations are refused naming the setting")
    func configurationErrors() throws {
        for (configuration, field) in [
            (OpenAIClientConfiguration(baseURL: "ftp://host/v1"), "baseURL"),
            (OpenAIClientConfiguration(baseURL: "http:///v1"), "baseURL"),
            (OpenAIClientConfiguration(baseURL: "http://h/v1", apiKey: APIKey("")), "apiKey"),
            (OpenAIClientConfiguration(baseURL: "http://h/v1", extraHeaders: [("Authorization", "x")]), "extraHeaders"),
            (OpenAIClientConfiguration(baseURL: "http://h/v1", readTimeout: .zero), "readTimeout"),
            (OpenAIClientConfiguration(baseURL: "http://h/v1", retry: RetryPolicy(maximumRetries: -1)), "retry.maximumRetries"),
        ] {
            let error = #expect(throws: InferenceClientError.self) { _ = try OpenAIClient(configuration: configuration) }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.field == field)
        }
    }

    @Test("unknown request fields are sent as they are and extra headers reach the server")
    func passThrough() async throws {
        try await Self.withClient(respond: { _, _ in .json(Self.completionJSON) }) { client, server in
            var request = ChatCompletionRequest(model: "m", messages: [.user("hello")])
            request.fields["top_k"] = 40
            request.fields["reasoning_effort"] = "low"
            request.fields["logit_bias"] = ["50256": -100]
            request.temperature = 0.5
            _ = try await client.chatCompletion(request, options: RequestOptions(extraHeaders: [("OpenAI-Organization", "org-1")]))
            let sent = try #require(server.requests.first)
            #expect(sent.header("OpenAI-Organization") == "org-1")
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(sent.body))
            #expect(body["top_k"] == 40)
            #expect(body["reasoning_effort"] == "low")
            #expect(body["logit_bias"] == ["50256": -100])
            #expect(body["temperature"] == 0.5)
            #expect(body["stream"] == nil)
        }
    }

    @Test("a stream that ends without [DONE] is an error, not a quiet success")
    func truncatedStream() async throws {
        let chunk = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"par"},"finish_reason":null}]}"#
        try await Self.withClient(respond: { _, _ in .events([chunk + "\n\n"]) }) { client, _ in
            var received = 0
            let error = await #expect(throws: InferenceClientError.self) {
                for try await _ in client.streamChatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")])) {
                    received += 1
                }
            }
            #expect(received == 1)
            #expect(error?.code == .invalidResponse)
            #expect(error?.message.contains("[DONE]") == true)
        }
    }

    @Test("an error object inside a stream becomes a typed API error")
    func errorInsideStream() async throws {
        let events = [
            #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}"# + "\n\n",
            #"data: {"error":{"message":"context length exceeded","type":"invalid_request_error","code":"context_length_exceeded"}}"# + "\n\n",
        ]
        try await Self.withClient(respond: { _, _ in .events(events) }) { client, _ in
            let error = await #expect(throws: InferenceClientError.self) {
                for try await _ in client.streamChatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")])) {}
            }
            #expect(error?.code == .api)
            #expect(error?.apiCode == "context_length_exceeded")
        }
    }

    @Test("a stream's 503 before the first byte is retried; its events split across writes parse the same")
    func streamRetriesAndSplits() async throws {
        let first = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}"#
        let second = #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hé"},"finish_reason":"length"}]}"#
        let text = ": keep-alive\r\n\r\ndata: \(first)\r\n\r\ndata: \(second)\n\ndata: [DONE]\n\n"
        let bytes = Array(text.utf8)
        // Split into 7-byte writes, cutting CRLFs and the two-byte "é" apart.
        let pieces = stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[$0..<min($0 + 7, bytes.count)]) }
        try await Self.withClient(respond: { _, number in
            number == 1 ? .json(#"{"error":{"message":"loading"}}"#, status: 503) : StubHTTPServer.StubResponse(status: 200, headers: [("Content-Type", "text/event-stream")], chunks: pieces)
        }) { client, server in
            var assembler = ChatCompletionAssembler()
            for try await chunk in client.streamChatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")])) {
                assembler.add(chunk)
            }
            #expect(assembler.chunkCount == 2)
            #expect(assembler.completion.choices.first?.message.content == .text("Hé"))
            #expect(assembler.completion.choices.first?.finishReason == .length)
            #expect(server.requests.count == 2)
            #expect(server.requests.last?.header("Accept") == "text/event-stream")
        }
    }

    @Test("cancelling the task that reads a stream closes the connection")
    func cancellationClosesTheConnection() async throws {
        let chunk = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"tick"}}]}"# + "\n\n"
        try await Self.withClient(respond: { _, _ in .events([chunk], keepOpen: true) }) { client, server in
            let (firstChunk, firstChunkContinuation) = AsyncStream<Void>.makeStream()
            let reader = Task {
                var count = 0
                for try await _ in client.streamChatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")])) {
                    count += 1
                    firstChunkContinuation.yield()
                }
                return count
            }
            var signals = firstChunk.makeAsyncIterator()
            _ = await signals.next()  // the first chunk arrived; the server keeps the body open
            reader.cancel()
            var closed = server.closedConnections.makeAsyncIterator()
            _ = await closed.next()  // returns only when the client closed the connection
            let outcome = await reader.result
            switch outcome {
            case .success(let count): Issue.record("the stream ended normally after \(count) chunks")
            case .failure(let error): #expect(error is CancellationError)
            }
        }
    }

    @Test("cancelling a request the server never answers ends it at once and closes the connection")
    func cancellationOfAPendingRequest() async throws {
        try await Self.withClient(respond: { _, _ in .silence }) { client, server in
            let caller = Task { try await client.chatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")])) }
            // Wait until the server holds the request, then cancel the caller.
            var closed = server.closedConnections.makeAsyncIterator()
            while server.requests.isEmpty { await Task.yield() }
            caller.cancel()
            _ = await closed.next()
            let outcome = await caller.result
            if case .failure(let error) = outcome { #expect(error is CancellationError) } else { Issue.record("the request completed") }
        }
    }

    @Test("embeddings are returned in input order whatever order the server uses, base64 decoded exactly")
    func embeddingsOrderAndBase64() async throws {
        let values: [[Float]] = [[1, -0.5, 3.25], [0.1, 0.2, 0.3], [-7, 0, 1e-7]]
        func base64(_ vector: [Float]) -> String {
            var bytes: [UInt8] = []
            for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
            return Data(bytes).base64EncodedString()
        }
        let data = [2, 0, 1].map { #"{"object":"embedding","index":\#($0),"embedding":"\#(base64(values[$0]))"}"# }.joined(separator: ",")
        try await Self.withClient(respond: { _, _ in .json(#"{"object":"list","model":"served-name","data":[\#(data)],"usage":{"prompt_tokens":3,"total_tokens":3}}"#) }) { client, _ in
            let response = try await client.embeddings(EmbeddingsRequest(model: "m", texts: ["a", "b", "c"], encodingFormat: .base64))
            #expect(response.data.map(\.index) == [0, 1, 2])
            #expect(response.data.map(\.vector) == values)
        }
        try await Self.withClient(respond: { _, _ in .json(#"{"object":"list","model":"m","data":[{"object":"embedding","index":0,"embedding":[1.0]}]}"#) }) { client, _ in
            let error = await #expect(throws: InferenceClientError.self) {
                _ = try await client.embeddings(EmbeddingsRequest(model: "m", texts: ["a", "b"]))
            }
            #expect(error?.code == .invalidResponse)
        }
    }
}
