public import StorageRefs

/// One generated alternative of a chat completion: an element of `choices`.
///
/// Required fields: `index`, an integer, and `message`, a valid ``ChatMessage``. Optional:
/// `finish_reason`, a string (`null` while streaming), and `logprobs`, kept as JSON.
public struct ChatCompletionChoice: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the choice.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as `message.role`.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates a choice.
    ///
    /// - Parameters:
    ///   - index: The choice's position in `choices`.
    ///   - message: The generated message.
    ///   - finishReason: Why generation stopped; `nil` leaves `finish_reason` out.
    public init(index: Int, message: ChatMessage, finishReason: FinishReason?) {
        self.fields = ["index": .int(Int64(index)), "message": message.json]
        fields.setField("finish_reason", finishReason.map { .string($0.rawValue) })
    }
}

extension ChatCompletionChoice: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireInteger("index")
        try validator.requireObject("message", as: ChatMessage.self)
        try validator.optionalString("finish_reason")
    }
}

extension ChatCompletionChoice {
    /// The choice's position in `choices`: `index`.
    public var index: Int {
        get { Int(clamping: fields.integerField("index") ?? 0) }
        set { fields["index"] = .int(Int64(newValue)) }
    }

    /// The generated message: `message`.
    public var message: ChatMessage {
        get { ChatMessage(validated: fields.objectField("message") ?? [:]) }
        set { fields["message"] = newValue.json }
    }

    /// Why generation stopped: `finish_reason`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var finishReason: FinishReason? {
        get { fields.stringField("finish_reason").map(FinishReason.init(rawValue:)) }
        set { fields.setField("finish_reason", newValue.map { .string($0.rawValue) }) }
    }

    /// Log-probability information, as JSON: `logprobs`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var logprobs: JSONValue? {
        get { fields.jsonField("logprobs") }
        set { fields.setField("logprobs", newValue) }
    }
}
