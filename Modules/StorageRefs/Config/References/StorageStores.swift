/// The `storage.stores` block: the server's own stores and the backends they use.
///
/// Every store is optional; a missing one is not configured.
public struct StorageStores: Sendable, Hashable {
    /// The registry of models, providers and other resources (a key-value store).
    public var metadata: KVStoreReference?
    /// Stored chat completions.
    public var inference: InferenceStoreReference?
    /// Conversations and their items.
    public var conversations: SQLStoreReference?
    /// Stored responses.
    public var responses: ResponsesStoreReference?

    /// Creates a stores block.
    public init(
        metadata: KVStoreReference? = nil,
        inference: InferenceStoreReference? = nil,
        conversations: SQLStoreReference? = nil,
        responses: ResponsesStoreReference? = nil
    ) {
        self.metadata = metadata
        self.inference = inference
        self.conversations = conversations
        self.responses = responses
    }
}
