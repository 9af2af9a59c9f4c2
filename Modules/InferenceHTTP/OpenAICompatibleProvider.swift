import AsyncHTTPClient
import Foundation
public import Inference
public import Logging
import NIOCore
import NIOHTTP1
public import OpenAITypes
import StorageRefs

/// An inference provider for any OpenAI-compatible server: llama-stack's `OpenAIMixin`, with its
/// defects fixed.
///
/// - **Models**: ``listModels(refresh:)`` reads `GET /models` once and caches the result (replaced,
///   not merged, on refresh); `allowedModels` filters the listing and is enforced on every call;
///   models in `embeddingModelMetadata` are listed as embedding models with that metadata.
///   ``checkModelAvailability(_:)`` answers from the cache and lists once when nothing was listed yet
///   (also when the server has no models: an empty listing is cached, not re-read per call).
///   ``registerModel(_:)`` refuses a model the server does not serve (`Model X is not available from
///   provider Y`).
/// - **Model ids**: a call's `model` is resolved through the ``ModelRegistry`` when one is given (an
///   identifier registered there is sent as its provider model id); embeddings report the caller's id.
/// - **Keys**: a call's `providerData` (the `X-LlamaStack-Provider-Data` header's JSON) supplies the key
///   when it has the configured field; else the client's configured key; else, when keys are required,
///   ``InferenceClientError/Code-swift.struct/missingAPIKey`` naming the header and field.
/// - **Images**: with `downloadImages`, `http(s)` image URLs are fetched and inlined as
///   `data:image/<format>;base64,…` in a copy of the request.
/// - **Ids**: with `overwriteCompletionID`, completions and all chunks of a stream get one `cltsd-<uuid>` id.
public actor OpenAICompatibleProvider {
    /// The client calls go through.
    public nonisolated let client: OpenAIClient
    /// The provider's behaviour.
    public nonisolated let configuration: OpenAIProviderConfiguration
    /// Where registered model identifiers are resolved, when given.
    public nonisolated let registry: ModelRegistry?

    private let allowed: Set<String>?
    private var modelCache: [String: RegisteredModel]?
    private let logger: Logger

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - client: The client for the server; the provider does not shut it down.
    ///   - configuration: The provider's behaviour.
    ///   - registry: Resolves registered identifiers to provider model ids; `nil` sends ids as given.
    ///   - logger: Receives model-cache refreshes.
    public init(
        client: OpenAIClient,
        configuration: OpenAIProviderConfiguration,
        registry: ModelRegistry? = nil,
        logger: Logger = Logger(label: "stackkit.inference.provider")
    ) {
        self.client = client
        self.configuration = configuration
        self.registry = registry
        self.allowed = (configuration.allowedModels?.isEmpty ?? true) ? nil : Set(configuration.allowedModels!)
        self.logger = logger
    }

    // MARK: Models

    /// The server's models as registrations of this provider, filtered by `allowedModels`.
    ///
    /// - Parameter refresh: Read the server again even when a listing is cached.
    /// - Returns: The models, sorted by identifier.
    /// - Throws: ``InferenceClientError`` from the listing; the cache is unchanged then.
    public func listModels(refresh: Bool = false) async throws -> [RegisteredModel] {
        if !refresh, let modelCache {
            return modelCache.values.sorted { $0.identifier < $1.identifier }
        }
        let options = try requestOptions(providerData: nil)
        let listed = try await client.models(options: options)
        var models: [String: RegisteredModel] = [:]
        for model in listed where isAllowed(model.id) {
            var registered = RegisteredModel(identifier: model.id, providerID: configuration.providerID)
            if let metadata = configuration.embeddingModelMetadata[model.id] {
                registered.kind = .embedding
                registered.metadata["embedding_dimension"] = .int(Int64(metadata.embeddingDimension))
                if let contextLength = metadata.contextLength {
                    registered.metadata["context_length"] = .int(Int64(contextLength))
                }
            }
            models[model.id] = registered
        }
        modelCache = models
        logger.debug("model cache refreshed", metadata: ["provider": "\(configuration.providerID)", "models": "\(models.count)"])
        return models.values.sorted { $0.identifier < $1.identifier }
    }

    /// Whether the server serves `providerModelID` and it is allowed: from the cache, listing once when
    /// nothing has been listed yet.
    ///
    /// - Parameter providerModelID: The provider's model id.
    /// - Throws: ``InferenceClientError`` when the first listing fails.
    public func checkModelAvailability(_ providerModelID: String) async throws -> Bool {
        guard isAllowed(providerModelID) else { return false }
        if modelCache == nil { _ = try await listModels() }
        return modelCache?[providerModelID] != nil
    }

    /// Checks that the server serves the model (by its provider resource id) and that it is allowed.
    ///
    /// - Parameter model: The model to register.
    /// - Returns: The model, with this provider's id.
    /// - Throws: ``InferenceClientError`` `modelNotAllowed` or `modelNotAvailable` (`Model X is not
    ///   available from provider Y`), or a listing error.
    @discardableResult
    public func registerModel(_ model: RegisteredModel) async throws -> RegisteredModel {
        guard isAllowed(model.providerResourceID) else { throw notAllowed(model.providerResourceID) }
        guard try await checkModelAvailability(model.providerResourceID) else {
            throw InferenceClientError(
                code: .modelNotAvailable,
                message: "Model \(model.providerResourceID) is not available from provider \(configuration.providerID)"
            )
        }
        var registered = model
        registered.providerID = configuration.providerID
        return registered
    }

    // MARK: Inference

    /// Creates a chat completion through the client after resolving the model, checking it is allowed,
    /// choosing the key and localising images.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - providerData: The provider-data header's value (JSON text), if the caller sent one.
    /// - Throws: ``InferenceClientError``.
    public func chatCompletion(_ request: ChatCompletionRequest, providerData: String? = nil) async throws -> ChatCompletion {
        let (prepared, options) = try await prepare(request, providerData: providerData)
        var completion = try await client.chatCompletion(prepared, options: options)
        if configuration.overwriteCompletionID { completion.id = Self.newCompletionID() }
        return completion
    }

    /// Streams a chat completion; see ``chatCompletion(_:providerData:)``.
    ///
    /// The checks run before this returns; the request is sent when iteration starts.
    public func streamChatCompletion(_ request: ChatCompletionRequest, providerData: String? = nil) async throws -> InferenceEventStream<ChatCompletionChunk> {
        let (prepared, options) = try await prepare(request, providerData: providerData)
        let stream = client.streamChatCompletion(prepared, options: options)
        guard configuration.overwriteCompletionID else { return stream }
        let id = Self.newCompletionID()
        return stream.mapElements { chunk in
            var chunk = chunk
            chunk.id = id
            return chunk
        }
    }

    /// Creates a legacy completion after resolving and checking the model and choosing the key.
    public func completion(_ request: TextCompletionRequest, providerData: String? = nil) async throws -> TextCompletion {
        var prepared = request
        prepared.model = try await resolveModel(request.model)
        var completion = try await client.completion(prepared, options: requestOptions(providerData: providerData))
        if configuration.overwriteCompletionID { completion.id = Self.newCompletionID() }
        return completion
    }

    /// Streams a legacy completion; see ``completion(_:providerData:)``.
    public func streamCompletion(_ request: TextCompletionRequest, providerData: String? = nil) async throws -> InferenceEventStream<TextCompletion> {
        var prepared = request
        prepared.model = try await resolveModel(request.model)
        let stream = client.streamCompletion(prepared, options: try requestOptions(providerData: providerData))
        guard configuration.overwriteCompletionID else { return stream }
        let id = Self.newCompletionID()
        return stream.mapElements { chunk in
            var chunk = chunk
            chunk.id = id
            return chunk
        }
    }

    /// Creates embeddings; the response's `model` is the caller's model id, not the provider's.
    public func embeddings(_ request: EmbeddingsRequest, providerData: String? = nil) async throws -> EmbeddingsResponse {
        var prepared = request
        prepared.model = try await resolveModel(request.model)
        var response = try await client.embeddings(prepared, options: requestOptions(providerData: providerData))
        response.model = request.model
        return response
    }

    // MARK: Preparation

    private func prepare(_ request: ChatCompletionRequest, providerData: String?) async throws -> (ChatCompletionRequest, RequestOptions) {
        var prepared = request
        prepared.model = try await resolveModel(request.model)
        let options = try requestOptions(providerData: providerData)
        if configuration.downloadImages {
            prepared.messages = try await localizeImages(prepared.messages)
        }
        return (prepared, options)
    }

    private func resolveModel(_ model: String) async throws -> String {
        let providerModelID = await registry?.providerModelID(for: model) ?? model
        guard isAllowed(providerModelID) else { throw notAllowed(providerModelID) }
        return providerModelID
    }

    private nonisolated func isAllowed(_ providerModelID: String) -> Bool {
        allowed?.contains(providerModelID) ?? true
    }

    private func notAllowed(_ providerModelID: String) -> InferenceClientError {
        InferenceClientError(
            code: .modelNotAllowed,
            message: "Model \(providerModelID) is not in the allowed models of provider \(configuration.providerID)"
        )
    }

    /// The key for a call: the provider-data field, else the configured key, else an error when keys are required.
    func requestOptions(providerData: String?) throws(InferenceClientError) -> RequestOptions {
        if let field = configuration.providerDataAPIKeyField, let providerData {
            guard let json = try? JSONColumnText.decode(providerData, column: "providerData"), case .object(let members) = json else {
                throw InferenceClientError(
                    code: .invalidRequest,
                    message: "the \(OpenAIProviderConfiguration.providerDataHeader) header is not a JSON object",
                    field: OpenAIProviderConfiguration.providerDataHeader
                )
            }
            if let key = members[field]?.stringValue, !key.isEmpty {
                return RequestOptions(apiKey: APIKey(key))
            }
        }
        if client.configuration.apiKey != nil || !configuration.requiresAPIKey {
            return RequestOptions()
        }
        var message = "API key not provided for provider \(configuration.providerID): set it in the provider's configuration"
        if let field = configuration.providerDataAPIKeyField {
            message += " or send it in the \(OpenAIProviderConfiguration.providerDataHeader) header as {\"\(field)\": \"<API KEY>\"}"
        }
        throw InferenceClientError(code: .missingAPIKey, message: message, field: configuration.providerDataAPIKeyField)
    }

    /// The messages with every `http(s)` image part replaced by its bytes as a `data:` URL.
    private func localizeImages(_ messages: [ChatMessage]) async throws -> [ChatMessage] {
        var result = messages
        for (messageIndex, message) in messages.enumerated() {
            guard case .parts(var parts)? = message.content else { continue }
            var changed = false
            for (partIndex, part) in parts.enumerated() {
                guard let url = part.imageURL, Self.isHTTPURL(url) else { continue }
                parts[partIndex].imageURL = try await fetchImage(url, at: "messages[\(messageIndex)].content[\(partIndex)].image_url.url")
                changed = true
            }
            if changed { result[messageIndex].content = .parts(parts) }
        }
        return result
    }

    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    private func fetchImage(_ url: String, at path: String) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.httpClient.execute(request, timeout: OpenAIClient.timeAmount(client.configuration.requestTimeout))
            body = try await response.body.collect(upTo: configuration.maximumImageBytes)
        } catch is NIOTooManyBytesError {
            throw InferenceClientError(code: .invalidRequest, message: "\(path): the image is larger than \(configuration.maximumImageBytes) bytes", field: path)
        } catch let error as HTTPClientError where error == .cancelled {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw InferenceClientError(code: .invalidRequest, message: "\(path): fetching the image failed: \(error)", field: path)
        }
        guard (200..<300).contains(response.status.code) else {
            throw InferenceClientError(code: .invalidRequest, message: "\(path): fetching the image answered HTTP \(response.status.code)", field: path)
        }
        var format = "png"
        if let type = response.headers.first(name: "content-type")?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
            type.hasPrefix("image/"), type.count > 6
        {
            format = String(type.dropFirst(6))
        }
        return "data:image/\(format);base64,\(Data(body.readableBytesView).base64EncodedString())"
    }

    static func newCompletionID() -> String {
        "cltsd-\(UUID().uuidString.lowercased())"
    }
}
