public import StorageRefs

/// The body of a Chat Completions request (`POST /v1/chat/completions`).
///
/// Required fields: `model`, a string, and `messages`, a non-empty array of valid ``ChatMessage``s.
/// Checked when present: `stream`, `logprobs` and `parallel_tool_calls` booleans; `n`, `max_tokens`,
/// `max_completion_tokens`, `seed` and `top_logprobs` integers; `temperature`, `top_p`,
/// `frequency_penalty` and `presence_penalty` numbers; `stop` a string or an array of strings;
/// `tools` an array of objects; `tool_choice` a string or an object; `stream_options` and
/// `response_format` objects. Every other field (`logit_bias`, `user`, `reasoning_effort`, vendor
/// extensions such as llama.cpp's `top_k`, …) is sent as it is, so a client never drops a field it
/// does not know.
///
/// ```swift
/// var request = ChatCompletionRequest(model: "gpt-4o-mini", messages: [.user("Hello")])
/// request.fields["temperature"] = 0
/// request.includeUsage = true   // usage in the last chunk of a stream
/// ```
public struct ChatCompletionRequest: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the request body.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as
    ///   `messages[1].role` or `stop`.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates a request for `model` with `messages` and no other fields.
    ///
    /// - Parameters:
    ///   - model: The model identifier.
    ///   - messages: The conversation so far.
    public init(model: String, messages: [ChatMessage]) {
        self.fields = ["model": .string(model), "messages": .array(messages.map(\.json))]
    }
}

extension ChatCompletionRequest: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("model")
        let messages = try validator.requireArray("messages")
        if messages.isEmpty { throw validator.error("messages", "at least one message is required") }
        try validator.requireObjects("messages", as: ChatMessage.self)
        try RequestFieldRules.check(validator, booleans: ["stream", "logprobs", "parallel_tool_calls"])
        try RequestFieldRules.check(
            validator,
            integers: ["n", "max_tokens", "max_completion_tokens", "seed", "top_logprobs"]
        )
        try RequestFieldRules.check(
            validator,
            numbers: ["temperature", "top_p", "frequency_penalty", "presence_penalty"]
        )
        try RequestFieldRules.checkStop(validator)
        try RequestFieldRules.checkObjectArray(validator, "tools")
        if let choice = validator.present("tool_choice") {
            switch choice {
            case .string, .object: break
            default: throw validator.error("tool_choice", "expected a string or an object, found \(choice.kindDescription)")
            }
        }
        try validator.optionalObject("stream_options")
        try validator.optionalObject("response_format")
    }
}

extension ChatCompletionRequest {
    /// The model to run: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// The conversation: `messages`.
    public var messages: [ChatMessage] {
        get { fields.objectsField("messages", as: ChatMessage.self) }
        set { fields["messages"] = .array(newValue.map(\.json)) }
    }

    /// Whether the response is streamed as server-sent events: `stream` (absent means `false`).
    ///
    /// Setting `false` removes the field.
    public var stream: Bool {
        get { fields.boolField("stream") ?? false }
        set { fields.setField("stream", newValue ? .bool(true) : nil) }
    }

    /// Whether a stream ends with a chunk carrying `usage`: `stream_options.include_usage`.
    ///
    /// Setting `true` creates `stream_options` when needed; setting `false` removes the member and an
    /// emptied `stream_options`.
    public var includeUsage: Bool {
        get { fields.objectField("stream_options")?.boolField("include_usage") ?? false }
        set { fields.setStreamOption("include_usage", newValue) }
    }

    /// The tools the model may call: `tools`, kept as JSON objects (`{"type": "function", "function": {…}}`);
    /// empty when absent.
    ///
    /// Setting an empty array removes the field.
    public var tools: [JSONValue] {
        get { fields.arrayField("tools") ?? [] }
        set { fields.setField("tools", newValue.isEmpty ? nil : .array(newValue)) }
    }

    /// The maximum number of tokens to generate: `max_completion_tokens`, else the older `max_tokens`.
    ///
    /// Setting writes `max_completion_tokens`; `nil` removes both.
    public var maxTokens: Int64? {
        get { fields.integerField("max_completion_tokens") ?? fields.integerField("max_tokens") }
        set {
            fields.setField("max_completion_tokens", newValue.map(JSONValue.int))
            fields.removeValue(forKey: "max_tokens")
        }
    }

    /// The sampling temperature: `temperature`.
    ///
    /// Setting `nil` removes the field.
    public var temperature: Double? {
        get { fields.numberField("temperature") }
        set { fields.setField("temperature", newValue.map(JSONValue.double)) }
    }
}
