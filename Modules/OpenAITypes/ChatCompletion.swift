public import StorageRefs

/// A chat completion returned by the Chat Completions API (`POST /v1/chat/completions`).
///
/// Required fields: `id`, `object` (usually `"chat.completion"`) and `model`, strings; `created`,
/// an integer (Unix seconds); `choices`, an array of valid ``ChatCompletionChoice``s. Optional:
/// `usage` (a ``CompletionUsage``), `system_fingerprint` and `service_tier`, strings. Every other
/// field is kept as it is.
///
/// ```swift
/// let completion = try JSONDecoder().decode(ChatCompletion.self, from: body)
/// if completion.choices.first?.finishReason == .toolCalls { … }
/// ```
public struct ChatCompletion: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the completion.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as `id` or
    ///   `choices[0].message.role`.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates a completion with `object: "chat.completion"`.
    ///
    /// - Parameters:
    ///   - id: The completion's identifier.
    ///   - created: When it was created, in seconds since 1970.
    ///   - model: The model that generated it.
    ///   - choices: The generated alternatives.
    ///   - usage: Token counts; `nil` leaves `usage` out.
    public init(id: String, created: Int64, model: String, choices: [ChatCompletionChoice], usage: CompletionUsage? = nil) {
        self.fields = [
            "id": .string(id),
            "object": "chat.completion",
            "created": .int(created),
            "model": .string(model),
            "choices": .array(choices.map(\.json)),
        ]
        fields.setField("usage", usage?.json)
    }
}

extension ChatCompletion: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("id")
        try validator.requireString("object")
        try validator.requireInteger("created")
        try validator.requireString("model")
        try validator.requireObjects("choices", as: ChatCompletionChoice.self)
        try validator.optionalObject("usage", as: CompletionUsage.self)
        try validator.optionalString("system_fingerprint")
        try validator.optionalString("service_tier")
    }
}

extension ChatCompletion {
    /// The completion's identifier: `id`, such as `"chatcmpl-…"`.
    public var id: String {
        get { fields.stringField("id") ?? "" }
        set { fields["id"] = .string(newValue) }
    }

    /// The object type: `object`, `"chat.completion"` for a complete response.
    public var object: String {
        get { fields.stringField("object") ?? "" }
        set { fields["object"] = .string(newValue) }
    }

    /// When the completion was created, in seconds since 1970: `created`.
    public var created: Int64 {
        get { fields.integerField("created") ?? 0 }
        set { fields["created"] = .int(newValue) }
    }

    /// The model that generated the completion: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// The generated alternatives: `choices`.
    public var choices: [ChatCompletionChoice] {
        get { fields.objectsField("choices", as: ChatCompletionChoice.self) }
        set { fields["choices"] = .array(newValue.map(\.json)) }
    }

    /// Token counts: `usage`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var usage: CompletionUsage? {
        get { fields.objectField("usage", as: CompletionUsage.self) }
        set { fields.setField("usage", newValue?.json) }
    }

    /// The backend configuration the model ran with: `system_fingerprint`.
    ///
    /// Setting `nil` removes the field.
    public var systemFingerprint: String? {
        get { fields.stringField("system_fingerprint") }
        set { fields.setField("system_fingerprint", newValue.map(JSONValue.string)) }
    }

    /// The processing tier that served the request: `service_tier`, such as `"default"`.
    ///
    /// Setting `nil` removes the field.
    public var serviceTier: String? {
        get { fields.stringField("service_tier") }
        set { fields.setField("service_tier", newValue.map(JSONValue.string)) }
    }
}
