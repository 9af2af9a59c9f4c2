public import StorageRefs

/// What kind of model a provider serves: a chat/completions model or an embedding model.
public enum ModelKind: String, Hashable, Sendable, Codable {
    /// A language model for chat and text completions (llama-stack's `llm`).
    case llm
    /// An embedding model.
    case embedding
}

/// A model a provider is known to serve, with the other names it may be asked for by.
public struct ProviderModelEntry: Hashable, Sendable {
    /// The provider's own identifier of the model, sent in requests.
    public var providerModelID: String
    /// Other names that resolve to ``providerModelID``.
    public var aliases: [String]
    /// Chat/completions or embeddings.
    public var kind: ModelKind
    /// Model metadata, such as `embedding_dimension` and `context_length` for embedding models.
    public var metadata: [String: JSONValue]

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - providerModelID: The provider's identifier.
    ///   - aliases: Other names for it.
    ///   - kind: Chat/completions (default) or embeddings.
    ///   - metadata: Model metadata.
    public init(providerModelID: String, aliases: [String] = [], kind: ModelKind = .llm, metadata: [String: JSONValue] = [:]) {
        self.providerModelID = providerModelID
        self.aliases = aliases
        self.kind = kind
        self.metadata = metadata
    }
}

/// A model as the stack knows it: the identifier callers use, and what it resolves to at a provider.
public struct RegisteredModel: Hashable, Sendable {
    /// The identifier callers use.
    public var identifier: String
    /// The provider's identifier of the model, sent in requests.
    public var providerResourceID: String
    /// The provider serving it.
    public var providerID: String
    /// Chat/completions or embeddings.
    public var kind: ModelKind
    /// Model metadata.
    public var metadata: [String: JSONValue]

    /// Creates a model.
    ///
    /// - Parameters:
    ///   - identifier: The identifier callers use.
    ///   - providerResourceID: The provider's identifier; defaults to `identifier`.
    ///   - providerID: The provider serving it.
    ///   - kind: Chat/completions (default) or embeddings.
    ///   - metadata: Model metadata.
    public init(
        identifier: String,
        providerResourceID: String? = nil,
        providerID: String,
        kind: ModelKind = .llm,
        metadata: [String: JSONValue] = [:]
    ) {
        self.identifier = identifier
        self.providerResourceID = providerResourceID ?? identifier
        self.providerID = providerID
        self.kind = kind
        self.metadata = metadata
    }
}
