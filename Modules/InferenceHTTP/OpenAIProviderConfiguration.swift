/// How an ``OpenAICompatibleProvider`` behaves: llama-stack's `OpenAIMixin` settings.
public struct OpenAIProviderConfiguration: Sendable {
    /// The provider's id, used in model registrations and errors.
    public var providerID: String
    /// Provider model ids that may be listed and used; `nil` or empty allows every model. Enforced on
    /// listing, availability checks, registration and every inference call.
    public var allowedModels: [String]?
    /// Models the server serves as embedding models, with their metadata; listing marks them `embedding`.
    public var embeddingModelMetadata: [String: EmbeddingModelMetadata]
    /// The member of the provider-data header (`X-LlamaStack-Provider-Data`, a JSON object) that may
    /// carry a per-request API key; `nil` disables per-request keys.
    public var providerDataAPIKeyField: String?
    /// Whether a call without any API key (none per request, none configured) is refused with
    /// ``InferenceClientError/Code-swift.struct/missingAPIKey``. Default `true`; set `false` for local
    /// servers that take no key.
    public var requiresAPIKey: Bool
    /// Whether `http(s)` image URLs in chat messages are fetched and sent inline as `data:` URLs (for
    /// servers that cannot fetch). The caller's messages are not changed.
    public var downloadImages: Bool
    /// The largest image fetched for ``downloadImages``. Default 20 MiB.
    public var maximumImageBytes: Int
    /// Whether completion ids are replaced with `cltsd-<uuid>` (one id for every chunk of a stream).
    public var overwriteCompletionID: Bool

    /// Creates a configuration.
    public init(
        providerID: String,
        allowedModels: [String]? = nil,
        embeddingModelMetadata: [String: EmbeddingModelMetadata] = [:],
        providerDataAPIKeyField: String? = nil,
        requiresAPIKey: Bool = true,
        downloadImages: Bool = false,
        maximumImageBytes: Int = 20 << 20,
        overwriteCompletionID: Bool = false
    ) {
        self.providerID = providerID
        self.allowedModels = allowedModels
        self.embeddingModelMetadata = embeddingModelMetadata
        self.providerDataAPIKeyField = providerDataAPIKeyField
        self.requiresAPIKey = requiresAPIKey
        self.downloadImages = downloadImages
        self.maximumImageBytes = maximumImageBytes
        self.overwriteCompletionID = overwriteCompletionID
    }

    /// The name of the header carrying provider data.
    public static let providerDataHeader = "X-LlamaStack-Provider-Data"
}

/// What a provider says about one of its embedding models.
public struct EmbeddingModelMetadata: Hashable, Sendable {
    /// The length of the vectors.
    public var embeddingDimension: Int
    /// The longest input, in tokens; `nil` when unknown.
    public var contextLength: Int?

    /// Creates metadata.
    public init(embeddingDimension: Int, contextLength: Int? = nil) {
        self.embeddingDimension = embeddingDimension
        self.contextLength = contextLength
    }
}
