public import OpenAITypes
public import StorageRefs

/// A stored chat completion: the completion as returned to the client and the messages it answered.
///
/// Encodes as OpenAI's stored-completion object: the completion's fields plus `input_messages`.
public struct StoredChatCompletion: Hashable, Sendable, Encodable {
    /// The completion, unknown fields included.
    public var completion: ChatCompletion
    /// The request's messages, in order.
    public var inputMessages: [ChatMessage]

    /// Creates a stored completion.
    public init(completion: ChatCompletion, inputMessages: [ChatMessage]) {
        self.completion = completion
        self.inputMessages = inputMessages
    }

    /// The completion's fields with `input_messages` added.
    public var json: JSONValue {
        var fields = completion.fields
        fields["input_messages"] = .array(inputMessages.map(\.json))
        return .object(fields)
    }

    /// Encodes ``json``.
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

/// One page of stored chat completions, shaped as OpenAI's list object.
public struct ChatCompletionList: Hashable, Sendable, Encodable {
    /// The completions of the page, in the requested order.
    public var data: [StoredChatCompletion]
    /// Whether more completions follow the last one.
    public var hasMore: Bool
    /// The id of the first completion of the page, or `""` when the page is empty.
    public var firstID: String
    /// The id of the last completion of the page, or `""` when the page is empty; pass it as `after`.
    public var lastID: String

    /// Creates a page.
    public init(data: [StoredChatCompletion], hasMore: Bool) {
        self.data = data
        self.hasMore = hasMore
        self.firstID = data.first?.completion.id ?? ""
        self.lastID = data.last?.completion.id ?? ""
    }

    private enum CodingKeys: String, CodingKey {
        case object, data
        case hasMore = "has_more"
        case firstID = "first_id"
        case lastID = "last_id"
    }

    /// Encodes `{"object": "list", "data": […], "has_more": …, "first_id": …, "last_id": …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("list", forKey: .object)
        try container.encode(data, forKey: .data)
        try container.encode(hasMore, forKey: .hasMore)
        try container.encode(firstID, forKey: .firstID)
        try container.encode(lastID, forKey: .lastID)
    }
}
