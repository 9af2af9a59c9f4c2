import Foundation
import Inference
import InferenceHTTP
import OpenAITypes
import StorageRefs
import Testing

/// The client and provider against a real llama.cpp server (Gemma 3 270M for chat, all-MiniLM-L6-v2 for
/// embeddings). Generated text is not checked, only structure — except the tool call, which is reproducible.
@Suite("OpenAI client against a real llama.cpp server", .enabled(if: LlamaServers.mustRun), .serialized)
struct LlamaServerTests {
    static func withClient<Result>(
        _ pick: (LlamaServers) -> String = { $0.chatURL },
        apiKey: String? = nil,
        _ body: (OpenAIClient, LlamaServers) async throws -> Result
    ) async throws -> Result {
        let servers = try #require(LlamaServers.configured, Comment(rawValue: LlamaServers.missingMessage))
        let client = try OpenAIClient(configuration: OpenAIClientConfiguration(baseURL: pick(servers), apiKey: apiKey.map(APIKey.init)))
        do {
            let result = try await body(client, servers)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func shortRequest(_ servers: LlamaServers, maxTokens: Int64 = 16) -> ChatCompletionRequest {
        var request = ChatCompletionRequest(model: servers.chatModel, messages: [.system("You are brief."), .user("Name a colour.")])
        request.maxTokens = maxTokens
        request.temperature = 0
        return request
    }

    @Test("models are listed by each server, and the provider marks the embedding model")
    func models() async throws {
        try await Self.withClient { client, servers in
            let models = try await client.models()
            #expect(models.map(\.id).contains(servers.chatModel))
            #expect(models.first?.fields["meta"] != nil)  // llama.cpp's extra fields are kept
        }
        try await Self.withClient({ $0.embedURL }) { client, servers in
            let provider = OpenAICompatibleProvider(
                client: client,
                configuration: OpenAIProviderConfiguration(
                    providerID: "llama-cpp",
                    embeddingModelMetadata: [servers.embedModel: EmbeddingModelMetadata(embeddingDimension: 384, contextLength: 512)],
                    requiresAPIKey: false
                )
            )
            let listed = try await provider.listModels()
            #expect(listed.map(\.identifier) == [servers.embedModel])
            #expect(listed.first?.kind == .embedding)
            #expect(try await provider.checkModelAvailability(servers.embedModel))
        }
    }

    @Test("a chat completion has OpenAI's structure and keeps llama.cpp's extra fields")
    func chat() async throws {
        try await Self.withClient { client, servers in
            let completion = try await client.chatCompletion(Self.shortRequest(servers))
            #expect(!completion.id.isEmpty)
            #expect(completion.object == "chat.completion")
            #expect(completion.model == servers.chatModel)
            #expect(completion.choices.count == 1)
            #expect(completion.choices[0].message.role == .assistant)
            #expect([FinishReason.stop, .length].contains(try #require(completion.choices[0].finishReason)))
            let usage = try #require(completion.usage)
            #expect(usage.completionTokens > 0 && usage.completionTokens <= 16)
            #expect(usage.totalTokens == usage.promptTokens + usage.completionTokens)
            #expect(completion.fields["timings"] != nil)
        }
    }

    @Test("a streamed chat completion assembles into one completion with the usage chunk's counts")
    func chatStream() async throws {
        try await Self.withClient { client, servers in
            var request = Self.shortRequest(servers, maxTokens: 24)
            request.includeUsage = true
            var assembler = ChatCompletionAssembler()
            var text = ""
            var sawUsageOnlyChunk = false
            for try await chunk in client.streamChatCompletion(request) {
                for choice in chunk.choices { text += choice.delta.content ?? "" }
                if chunk.choices.isEmpty, chunk.usage != nil { sawUsageOnlyChunk = true }
                assembler.add(chunk)
            }
            let completion = assembler.completion
            #expect(assembler.chunkCount > 2)
            #expect(sawUsageOnlyChunk)
            #expect(completion.choices.count == 1)
            #expect(completion.choices[0].message.content == .text(text))
            #expect(completion.choices[0].finishReason != nil)
            #expect(completion.usage?.completionTokens ?? 0 > 0)
        }
    }

    @Test("legacy completions work streamed and not")
    func completions() async throws {
        try await Self.withClient { client, servers in
            var request = TextCompletionRequest(model: servers.chatModel, prompt: "The capital of France is")
            request.fields["max_tokens"] = 8
            request.fields["temperature"] = 0
            let completion = try await client.completion(request)
            #expect(completion.choices.count == 1)
            #expect(completion.choices[0].finishReason != nil)
            #expect(completion.usage?.completionTokens ?? 0 > 0)
            var pieces = 0
            var finished = false
            for try await chunk in client.streamCompletion(request) {
                pieces += chunk.choices.count
                if chunk.choices.contains(where: { $0.finishReason != nil }) { finished = true }
            }
            #expect(pieces > 1)
            #expect(finished)
        }
    }

    @Test("embeddings: 384 unit-length dimensions, float and base64 equal, \"hello world\" as sentence-transformers gives it")
    func embeddings() async throws {
        try await Self.withClient({ $0.embedURL }) { client, servers in
            let texts = ["hello world", "The quick brown fox jumps over the lazy dog.", "café"]
            let floats = try await client.embeddings(EmbeddingsRequest(model: servers.embedModel, texts: texts))
            let base64 = try await client.embeddings(EmbeddingsRequest(model: servers.embedModel, texts: texts, encodingFormat: .base64))
            #expect(floats.data.count == 3)
            #expect(base64.data.first?.fields["embedding"]?.stringValue != nil)
            for (plain, packed) in zip(floats.data, base64.data) {
                let vector = plain.vector
                #expect(vector.count == 384)
                let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(abs(norm - 1) < 1e-4)
                #expect(zip(vector, packed.vector).allSatisfy { abs($0 - $1) < 1e-6 })
            }
            let hello = floats.data[0].vector
            #expect(abs(hello[0] - -0.0345) < 1e-3)
            #expect(abs(hello[1] - 0.0309) < 1e-3)

            // Through the provider, the caller's model id is reported.
            let registry = ModelRegistry(providerID: "llama-cpp", entries: [ProviderModelEntry(providerModelID: servers.embedModel, aliases: ["minilm"], kind: .embedding)])
            let provider = OpenAICompatibleProvider(client: client, configuration: OpenAIProviderConfiguration(providerID: "llama-cpp", requiresAPIKey: false), registry: registry)
            let viaProvider = try await provider.embeddings(EmbeddingsRequest(model: "minilm", texts: ["hello world"]))
            #expect(viaProvider.model == "minilm")
            // Alone rather than in a batch of three, the server's float sums differ in the last bits only.
            #expect(zip(viaProvider.data[0].vector, hello).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    @Test("a tool call is reproducible, streamed and not, with its arguments assembled from fragments")
    func toolCall() async throws {
        try await Self.withClient { client, servers in
            var request = try ChatCompletionRequest(jsonText: try LlamaServers.toolCallRequestText())
            request.model = servers.chatModel
            let completion = try await client.chatCompletion(request)
            let choice = try #require(completion.choices.first)
            #expect(choice.finishReason == .toolCalls)
            let call = try #require(choice.message.toolCalls?.first)
            #expect(call.functionName == "get_weather")
            let arguments = try JSONColumnText.decode(try #require(call.functionArguments), column: "arguments")
            #expect(arguments == ["city": "Tokyo"])

            request.includeUsage = true
            var assembler = ChatCompletionAssembler()
            var fragments = 0
            for try await chunk in client.streamChatCompletion(request) {
                fragments += chunk.choices.first?.delta.toolCalls.count ?? 0
                assembler.add(chunk)
            }
            let streamed = try #require(assembler.completion.choices.first)
            #expect(fragments > 1)
            #expect(streamed.finishReason == .toolCalls)
            let streamedCall = try #require(streamed.message.toolCalls?.first)
            #expect(streamedCall.functionName == "get_weather")
            #expect(!streamedCall.id.isEmpty)
            #expect(try JSONColumnText.decode(try #require(streamedCall.functionArguments), column: "arguments") == ["city": "Tokyo"])
        }
    }

    @Test("a server with an API key answers 401 without one or with a wrong one, mapped to a typed error")
    func authentication() async throws {
        try await Self.withClient({ $0.authURL }) { client, servers in
            let error = await #expect(throws: InferenceClientError.self) {
                _ = try await client.chatCompletion(Self.shortRequest(servers, maxTokens: 2))
            }
            #expect(error?.code == .api)
            #expect(error?.status == 401)
            #expect(error?.type == "authentication_error")
            #expect(error?.attempts == 1)  // 401 is not retried
            let withKey = try await client.chatCompletion(Self.shortRequest(servers, maxTokens: 2), options: RequestOptions(apiKey: APIKey(servers.apiKey)))
            #expect(withKey.choices.count == 1)
        }
        try await Self.withClient({ $0.authURL }, apiKey: "wrong-key-0123456789") { client, servers in
            let error = await #expect(throws: InferenceClientError.self) {
                _ = try await client.chatCompletion(Self.shortRequest(servers, maxTokens: 2))
            }
            #expect(error?.status == 401)
            #expect(!"\(String(describing: error))".contains("wrong-key-0123456789"))
        }
    }

    @Test("a 400 from the server carries its OpenAI error fields")
    func badRequest() async throws {
        try await Self.withClient { client, servers in
            var request = Self.shortRequest(servers, maxTokens: 2)
            request.fields["response_format"] = ["type": "bogus"]
            let error = await #expect(throws: InferenceClientError.self) { _ = try await client.chatCompletion(request) }
            #expect(error?.status == 400)
            #expect(error?.type == "invalid_request_error")
            #expect(error?.message.contains("response_format") == true)
        }
    }

    @Test("cancelling a stream mid-way ends it with CancellationError and the server keeps serving")
    func cancelMidStream() async throws {
        try await Self.withClient { client, servers in
            var request = ChatCompletionRequest(model: servers.chatModel, messages: [.user("Count from one to one thousand.")])
            request.maxTokens = 1500
            let (progress, progressContinuation) = AsyncStream<Int>.makeStream()
            let reader = Task {
                var count = 0
                for try await _ in client.streamChatCompletion(request) {
                    count += 1
                    progressContinuation.yield(count)
                }
                return count
            }
            for await count in progress where count >= 3 { break }
            reader.cancel()
            let outcome = await reader.result
            if case .success(let count) = outcome { Issue.record("the stream ended normally after \(count) chunks") }
            #expect((try? outcome.get()) == nil)
            if case .failure(let error) = outcome { #expect(error is CancellationError) }

            // The server is still healthy: a new request gets an answer.
            let next = try await client.chatCompletion(Self.shortRequest(servers, maxTokens: 4))
            #expect(next.choices.count == 1)
        }
    }
}
