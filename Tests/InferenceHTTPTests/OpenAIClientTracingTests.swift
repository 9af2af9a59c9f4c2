import InMemoryTracing
import Inference
import InferenceHTTP
import MetricsTestKit
import OpenAITypes
import Testing
import Tracing

@Suite("OpenAI client tracing")
struct OpenAIClientTracingTests {
    static let chunk = #"data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"}}]}"# + "\n\n"

    @Test("each call is a client span with the model, status and attempts; a stream's span counts its chunks; failures are errors")
    func spans() async throws {
        let tracer = InMemoryTracer()
        let metrics = TestMetrics()
        let server = try await StubHTTPServer(respond: { request, number in
            switch request.uri {
            case "/v1/models": return .json(#"{"error":{"message":"down"}}"#, status: 500)
            case _ where request.bodyText.contains(#""stream":true"#): return .events([Self.chunk, Self.chunk, "data: [DONE]\n\n"])
            default: return number == 1 ? .json(#"{"error":{"message":"busy"}}"#, status: 503) : .json(OpenAIClientStubTests.completionJSON)
            }
        })
        let client = try OpenAIClient(
            configuration: OpenAIClientConfiguration(baseURL: server.baseURL, retry: OpenAIClientStubTests.fastRetries(1)),
            tracer: tracer,
            metricsFactory: metrics
        )
        let request = ChatCompletionRequest(model: "my-model", messages: [.user("hi")])
        _ = try await client.chatCompletion(request)
        var chunks = 0
        for try await _ in client.streamChatCompletion(request) { chunks += 1 }
        await #expect(throws: InferenceClientError.self) { _ = try await client.models() }
        try await client.shutdown()
        try await server.shutdown()

        let spans = tracer.finishedSpans.filter { $0.operationName.hasPrefix("OpenAIClient.") }
        #expect(spans.map(\.operationName) == ["OpenAIClient.chatCompletion", "OpenAIClient.streamChatCompletion", "OpenAIClient.models"])
        #expect(spans.allSatisfy { $0.kind == .client })
        #expect(spans[0].attributes["stackkit.model"]?.toSpanAttribute() == "my-model")
        #expect(spans[0].attributes["stackkit.attempts"]?.toSpanAttribute() == 2)
        #expect(spans[0].attributes["http.response.status_code"]?.toSpanAttribute() == 200)
        #expect(spans[0].status == nil)
        #expect(spans[1].attributes["stackkit.stream.chunk_count"]?.toSpanAttribute() == 2)
        #expect(chunks == 2)
        #expect(spans[2].status?.code == .error)
        #expect(spans[2].attributes["http.response.status_code"]?.toSpanAttribute() == 500)
        let errors = try metrics.expectCounter("stackkit_operation_errors_total", [("component", "OpenAIClient"), ("operation", "models")])
        #expect(errors.totalValue == 1)
    }

    @Test("100 concurrent traced requests keep their client spans under their own roots")
    func concurrentParents() async throws {
        let tracer = InMemoryTracer()
        let server = try await StubHTTPServer(respond: { _, _ in .json(OpenAIClientStubTests.completionJSON) })
        let client = try OpenAIClient(configuration: OpenAIClientConfiguration(baseURL: server.baseURL), tracer: tracer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    try await tracer.withSpan("request \(index)") { _ in
                        _ = try await client.chatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")]))
                    }
                }
            }
            try await group.waitForAll()
        }
        try await client.shutdown()
        try await server.shutdown()
        let spans = tracer.finishedSpans
        let roots = spans.filter { $0.operationName.hasPrefix("request ") }
        #expect(roots.count == 100)
        for root in roots {
            let children = spans.filter { $0.parentSpanID == root.spanID }
            #expect(children.map(\.operationName) == ["OpenAIClient.chatCompletion"])
        }
    }

    @Test("a stream abandoned after one chunk ends its span as abandoned")
    func abandonedStream() async throws {
        let tracer = InMemoryTracer()
        let server = try await StubHTTPServer(respond: { _, _ in .events([Self.chunk, Self.chunk, "data: [DONE]\n\n"]) })
        let client = try OpenAIClient(configuration: OpenAIClientConfiguration(baseURL: server.baseURL), tracer: tracer)
        for try await _ in client.streamChatCompletion(ChatCompletionRequest(model: "m", messages: [.user("x")])) { break }
        try await client.shutdown()
        try await server.shutdown()
        let span = try #require(tracer.finishedSpans.first { $0.operationName == "OpenAIClient.streamChatCompletion" })
        #expect(span.attributes["stackkit.stream.chunk_count"]?.toSpanAttribute() == 1)
        #expect(span.attributes["stackkit.stream.abandoned"]?.toSpanAttribute() == true)
    }
}
