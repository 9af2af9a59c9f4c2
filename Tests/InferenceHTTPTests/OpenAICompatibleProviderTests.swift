import Foundation
import Inference
import InferenceHTTP
import OpenAITypes
import StorageRefs
import Synchronization
import Testing

/// The provider behaviour of llama-stack's `OpenAIMixin`, checked through the requests a stub server receives.
@Suite("OpenAI-compatible provider")
struct OpenAICompatibleProviderTests {
    final class Listing: Sendable {
        let ids: Mutex<[String]>
        init(_ ids: [String]) { self.ids = Mutex(ids) }
    }

    static func respond(listing: Listing) -> @Sendable (StubHTTPServer.Request, Int) -> StubHTTPServer.StubResponse {
        { request, _ in
            switch request.uri {
            case "/v1/models":
                let data = listing.ids.withLock { $0 }.map { #"{"id":"\#($0)","object":"model","owned_by":"me"}"# }.joined(separator: ",")
                return .json(#"{"object":"list","data":[\#(data)]}"#)
            case "/v1/chat/completions" where request.bodyText.contains(#""stream":true"#):
                let chunk = #"{"id":"server-id","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"}}]}"#
                return .events(["data: \(chunk)\n\n", "data: \(chunk)\n\n", "data: [DONE]\n\n"])
            case "/v1/chat/completions":
                return .json(OpenAIClientStubTests.completionJSON)
            case "/v1/completions":
                return .json(#"{"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"t","finish_reason":"stop"}]}"#)
            case "/v1/embeddings":
                return .json(#"{"object":"list","model":"provider-name","data":[{"object":"embedding","index":0,"embedding":[0.5]}]}"#)
            case "/image.jpg":
                return .bytes([0xFF, 0xD8, 0xFF, 0x00, 0x01], contentType: "image/jpeg; charset=binary")
            default:
                return .json(#"{"error":{"message":"no route"}}"#, status: 404)
            }
        }
    }

    static func withProvider<Result>(
        listing: Listing = Listing(["chat-a", "chat-b", "embed-c"]),
        apiKey: APIKey? = APIKey("configured-key"),
        configuration: OpenAIProviderConfiguration,
        registry: ModelRegistry? = nil,
        _ body: (OpenAICompatibleProvider, StubHTTPServer) async throws -> Result
    ) async throws -> Result {
        let server = try await StubHTTPServer(respond: respond(listing: listing))
        let client = try OpenAIClient(configuration: OpenAIClientConfiguration(baseURL: server.baseURL, apiKey: apiKey, retry: .none))
        let provider = OpenAICompatibleProvider(client: client, configuration: configuration, registry: registry)
        do {
            let result = try await body(provider, server)
            try await client.shutdown()
            try await server.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            try? await server.shutdown()
            throw error
        }
    }

    static func modelRequests(_ server: StubHTTPServer) -> Int {
        server.requests.filter { $0.uri == "/v1/models" }.count
    }

    @Test("listing applies allowed models and embedding metadata; availability answers from one cached listing")
    func listingAndCache() async throws {
        let configuration = OpenAIProviderConfiguration(
            providerID: "local",
            allowedModels: ["chat-a", "embed-c"],
            embeddingModelMetadata: ["embed-c": EmbeddingModelMetadata(embeddingDimension: 384, contextLength: 512)]
        )
        let listing = Listing(["chat-a", "chat-b", "embed-c"])
        try await Self.withProvider(listing: listing, configuration: configuration) { provider, server in
            #expect(try await provider.checkModelAvailability("chat-a"))
            #expect(try await !provider.checkModelAvailability("chat-b"))  // served, but not allowed
            #expect(try await !provider.checkModelAvailability("absent"))
            let models = try await provider.listModels()
            #expect(models.map(\.identifier) == ["chat-a", "embed-c"])
            #expect(models.map(\.kind) == [.llm, .embedding])
            #expect(models[1].metadata == ["embedding_dimension": 384, "context_length": 512])
            #expect(Self.modelRequests(server) == 1)

            // A refresh replaces the cache: a model the server dropped is gone.
            listing.ids.withLock { $0 = ["embed-c"] }
            #expect(try await provider.listModels(refresh: true).map(\.identifier) == ["embed-c"])
            #expect(try await !provider.checkModelAvailability("chat-a"))
            #expect(Self.modelRequests(server) == 2)
        }
    }

    @Test("a server with no models is listed once, not once per availability check")
    func emptyListingIsCached() async throws {
        try await Self.withProvider(listing: Listing([]), configuration: OpenAIProviderConfiguration(providerID: "local")) { provider, server in
            for _ in 0..<5 {
                let available = try await provider.checkModelAvailability("anything")
                #expect(!available)
            }
            #expect(Self.modelRequests(server) == 1)
            let error = await #expect(throws: InferenceClientError.self) {
                try await provider.registerModel(RegisteredModel(identifier: "x", providerResourceID: "anything", providerID: "local"))
            }
            #expect(error?.code == .modelNotAvailable)
            #expect(error?.message == "Model anything is not available from provider local")
        }
    }

    @Test("allowed models are enforced on every inference call, before any request is sent")
    func allowedModelsOnInference() async throws {
        let configuration = OpenAIProviderConfiguration(providerID: "local", allowedModels: ["chat-a"])
        try await Self.withProvider(configuration: configuration) { provider, server in
            _ = try await provider.chatCompletion(ChatCompletionRequest(model: "chat-a", messages: [.user("x")]))
            for call in 0..<4 {
                let error = await #expect(throws: InferenceClientError.self) {
                    switch call {
                    case 0: _ = try await provider.chatCompletion(ChatCompletionRequest(model: "chat-b", messages: [.user("x")]))
                    case 1: _ = try await provider.streamChatCompletion(ChatCompletionRequest(model: "chat-b", messages: [.user("x")]))
                    case 2: _ = try await provider.completion(TextCompletionRequest(model: "chat-b", prompt: "x"))
                    default: _ = try await provider.embeddings(EmbeddingsRequest(model: "chat-b", texts: ["x"]))
                    }
                }
                #expect(error?.code == .modelNotAllowed)
            }
            #expect(server.requests.count == 1)
            let registration = await #expect(throws: InferenceClientError.self) {
                try await provider.registerModel(RegisteredModel(identifier: "b", providerResourceID: "chat-b", providerID: "local"))
            }
            #expect(registration?.code == .modelNotAllowed)
        }
    }

    @Test("the key comes from the provider-data header when it has the field, else from the configuration")
    func providerDataKeys() async throws {
        let configuration = OpenAIProviderConfiguration(providerID: "local", providerDataAPIKeyField: "local_api_key")
        try await Self.withProvider(configuration: configuration) { provider, server in
            let request = ChatCompletionRequest(model: "chat-a", messages: [.user("x")])
            _ = try await provider.chatCompletion(request, providerData: #"{"local_api_key":"user-key","other":1}"#)
            _ = try await provider.chatCompletion(request, providerData: #"{"other_field":"x"}"#)
            _ = try await provider.chatCompletion(request)
            #expect(server.requests.map { $0.header("Authorization") } == ["Bearer user-key", "Bearer configured-key", "Bearer configured-key"])
            let malformed = await #expect(throws: InferenceClientError.self) {
                _ = try await provider.chatCompletion(request, providerData: "not json")
            }
            #expect(malformed?.field == "X-LlamaStack-Provider-Data")
        }
        try await Self.withProvider(apiKey: nil, configuration: configuration) { provider, server in
            let error = await #expect(throws: InferenceClientError.self) {
                _ = try await provider.chatCompletion(ChatCompletionRequest(model: "chat-a", messages: [.user("x")]))
            }
            #expect(error?.code == .missingAPIKey)
            #expect(error?.message.contains("X-LlamaStack-Provider-Data") == true)
            #expect(error?.message.contains(#"{"local_api_key": "<API KEY>"}"#) == true)
            #expect(server.requests.isEmpty)
        }
        // A local server without keys: allowed when the provider says keys are not required.
        try await Self.withProvider(apiKey: nil, configuration: OpenAIProviderConfiguration(providerID: "local", requiresAPIKey: false)) { provider, server in
            _ = try await provider.chatCompletion(ChatCompletionRequest(model: "chat-a", messages: [.user("x")]))
            #expect(server.requests.first?.header("Authorization") == nil)
        }
    }

    @Test("image URLs are fetched and inlined as data URLs in the request sent, not in the caller's messages")
    func downloadImages() async throws {
        let configuration = OpenAIProviderConfiguration(providerID: "local", downloadImages: true)
        try await Self.withProvider(configuration: configuration) { provider, server in
            let imageURL = "http://127.0.0.1:\(server.port)/image.jpg"
            let inline = "data:image/png;base64,AAAA"
            let request = ChatCompletionRequest(model: "chat-a", messages: [
                .system("describe"),
                .user(parts: [.text("what is this?"), .imageURL(imageURL), .imageURL(inline)]),
            ])
            let before = request
            _ = try await provider.chatCompletion(request)
            #expect(request == before)
            let sent = try #require(server.requests.last)
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(sent.body))
            let parts = body["messages"]?[1]?["content"]
            #expect(parts?[1]?["image_url"]?["url"] == .string("data:image/jpeg;base64,\(Data([0xFF, 0xD8, 0xFF, 0x00, 0x01]).base64EncodedString())"))
            #expect(parts?[2]?["image_url"]?["url"] == .string(inline))
            #expect(parts?[0] == ["type": "text", "text": "what is this?"])
        }
    }

    @Test("completion ids are overwritten, with one id for every chunk of a stream")
    func overwriteIDs() async throws {
        let configuration = OpenAIProviderConfiguration(providerID: "local", overwriteCompletionID: true)
        try await Self.withProvider(configuration: configuration) { provider, _ in
            let request = ChatCompletionRequest(model: "chat-a", messages: [.user("x")])
            let completion = try await provider.chatCompletion(request)
            #expect(completion.id.hasPrefix("cltsd-"))
            var ids: [String] = []
            for try await chunk in try await provider.streamChatCompletion(request) { ids.append(chunk.id) }
            #expect(ids.count == 2)
            #expect(Set(ids).count == 1)
            #expect(ids[0].hasPrefix("cltsd-") && ids[0] != completion.id)
            let text = try await provider.completion(TextCompletionRequest(model: "chat-a", prompt: "x"))
            #expect(text.id.hasPrefix("cltsd-"))
        }
    }

    @Test("registered identifiers are sent as their provider ids; embeddings report the caller's model id")
    func registryResolution() async throws {
        let registry = ModelRegistry(providerID: "local", entries: [ProviderModelEntry(providerModelID: "embed-c", aliases: ["minilm"], kind: .embedding)])
        try await Self.withProvider(configuration: OpenAIProviderConfiguration(providerID: "local"), registry: registry) { provider, server in
            let response = try await provider.embeddings(EmbeddingsRequest(model: "minilm", texts: ["x"]))
            #expect(response.model == "minilm")
            let last = try #require(server.requests.last)
            let sent = try JSONDecoder().decode(JSONValue.self, from: Data(last.body))
            #expect(sent["model"] == "embed-c")
        }
    }
}
