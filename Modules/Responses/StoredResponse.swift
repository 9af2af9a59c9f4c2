public import OpenAITypes
public import StorageRefs

/// A stored response with the input items and chat messages it was produced from.
///
/// Encodes as the response's fields plus `input` and `messages`.
public struct StoredResponse: Hashable, Sendable, Encodable {
    /// The response, unknown fields included.
    public var response: ResponseObject
    /// The input items of the request, in order.
    public var input: [ResponseInputItem]
    /// The chat messages the response was computed from, in order.
    public var messages: [ChatMessage]

    /// Creates a stored response.
    public init(response: ResponseObject, input: [ResponseInputItem], messages: [ChatMessage]) {
        self.response = response
        self.input = input
        self.messages = messages
    }

    /// The response's fields with `input` and `messages` added.
    public var json: JSONValue {
        var fields = response.fields
        fields["input"] = .array(input.map(\.json))
        fields["messages"] = .array(messages.map(\.json))
        return .object(fields)
    }

    /// Encodes ``json``.
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}

/// The answer to a response deletion: `{"id": …, "object": "response", "deleted": true}`.
public struct ResponseDeletion: Hashable, Sendable, Encodable {
    /// The deleted response's id.
    public var id: String
    /// Always `"response"`.
    public var object: String = "response"
    /// Always `true`.
    public var deleted: Bool = true

    /// Creates the answer for `id`.
    public init(id: String) {
        self.id = id
    }
}

/// One page of a list, shaped as OpenAI's list object: `object`, `data`, `has_more`, `first_id`, `last_id`.
public struct ResponsesPage<Element: Hashable & Sendable & Encodable>: Hashable, Sendable, Encodable {
    /// The elements of the page, in the requested order.
    public var data: [Element]
    /// Whether more elements follow the last one.
    public var hasMore: Bool
    /// The id of the first element, or `""` when the page is empty.
    public var firstID: String
    /// The id of the last element, or `""` when the page is empty.
    public var lastID: String

    /// Creates a page.
    public init(data: [Element], hasMore: Bool, firstID: String, lastID: String) {
        self.data = data
        self.hasMore = hasMore
        self.firstID = firstID
        self.lastID = lastID
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
