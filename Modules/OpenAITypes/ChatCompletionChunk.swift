public import StorageRefs

/// One event of a streamed chat completion: a `chat.completion.chunk` object.
///
/// Required fields: `id`, `object` and `model`, strings; `created`, an integer; `choices`, an array
/// of valid ``ChatCompletionChunkChoice``s (empty in the final chunk that carries `usage` when the
/// request set `stream_options.include_usage`). Optional: `usage` (a ``CompletionUsage`` or `null`),
/// `system_fingerprint` and `service_tier`, strings. Every other field (llama.cpp's `timings`, …) is
/// kept as it is.
///
/// Use ``ChatCompletionAssembler`` in the `Inference` module to turn a stream of chunks into one
/// ``ChatCompletion``.
public struct ChatCompletionChunk: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the chunk.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as
    ///   `choices[0].delta.tool_calls[1].index`.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension ChatCompletionChunk: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("id")
        try validator.requireString("object")
        try validator.requireInteger("created")
        try validator.requireString("model")
        try validator.requireObjects("choices", as: ChatCompletionChunkChoice.self)
        try validator.optionalObject("usage", as: CompletionUsage.self)
        try validator.optionalString("system_fingerprint")
        try validator.optionalString("service_tier")
    }
}

extension ChatCompletionChunk {
    /// The identifier shared by every chunk of one completion: `id`.
    public var id: String {
        get { fields.stringField("id") ?? "" }
        set { fields["id"] = .string(newValue) }
    }

    /// The object type: `object`, `"chat.completion.chunk"`.
    public var object: String {
        get { fields.stringField("object") ?? "" }
        set { fields["object"] = .string(newValue) }
    }

    /// When the completion was created, in seconds since 1970: `created`.
    public var created: Int64 {
        get { fields.integerField("created") ?? 0 }
        set { fields["created"] = .int(newValue) }
    }

    /// The model that generated the chunk: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// The deltas of this chunk, one per choice present in it: `choices`.
    public var choices: [ChatCompletionChunkChoice] {
        get { fields.objectsField("choices", as: ChatCompletionChunkChoice.self) }
        set { fields["choices"] = .array(newValue.map(\.json)) }
    }

    /// Token counts, present in the final chunk when the request asked for them: `usage`.
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
}

/// One choice's part of a chat completion chunk: an element of a chunk's `choices`.
///
/// Required: `index`, an integer. Optional: `delta` (a ``ChatCompletionDelta``; absent is read as
/// empty), `finish_reason` (a string, or `null` until the choice finishes) and `logprobs` (kept as JSON).
public struct ChatCompletionChunkChoice: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the choice.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension ChatCompletionChunkChoice: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireInteger("index")
        try validator.optionalObject("delta", as: ChatCompletionDelta.self)
        try validator.optionalString("finish_reason")
    }
}

extension ChatCompletionChunkChoice {
    /// The choice this delta belongs to: `index`.
    public var index: Int {
        get { Int(fields.integerField("index") ?? 0) }
        set { fields["index"] = .int(Int64(newValue)) }
    }

    /// What this chunk adds to the choice's message: `delta` (empty when absent).
    public var delta: ChatCompletionDelta {
        get { fields.objectField("delta", as: ChatCompletionDelta.self) ?? ChatCompletionDelta(validated: [:]) }
        set { fields["delta"] = newValue.json }
    }

    /// Why the choice finished, in the chunk that finishes it: `finish_reason`; `nil` before.
    ///
    /// Setting `nil` removes the field.
    public var finishReason: FinishReason? {
        get { fields.stringField("finish_reason").map(FinishReason.init(rawValue:)) }
        set { fields.setField("finish_reason", newValue.map { .string($0.rawValue) }) }
    }

    /// Log probabilities of this chunk's tokens: `logprobs`, as JSON; `nil` when absent or `null`.
    public var logprobs: JSONValue? {
        get { fields.jsonField("logprobs") }
        set { fields.setField("logprobs", newValue) }
    }
}

/// The part of an assistant message carried by one chunk: a choice's `delta`.
///
/// Every field is optional: `role`, `content` and `refusal` strings (or `null`), and `tool_calls`, an
/// array of valid ``ChatToolCallDelta``s. Other fields (`reasoning_content`, …) are kept as they are.
public struct ChatCompletionDelta: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the delta.
    /// - Throws: ``OpenAIObjectError`` naming the first invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension ChatCompletionDelta: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.optionalString("role")
        try validator.optionalString("content")
        try validator.optionalString("refusal")
        try validator.optionalObjects("tool_calls", as: ChatToolCallDelta.self)
    }
}

extension ChatCompletionDelta {
    /// The author, in the first chunk of a choice: `role`.
    public var role: ChatRole? {
        get { fields.stringField("role").map(ChatRole.init(rawValue:)) }
        set { fields.setField("role", newValue.map { .string($0.rawValue) }) }
    }

    /// A fragment of the message text: `content`; `nil` when absent or `null`.
    public var content: String? {
        get { fields.stringField("content") }
        set { fields.setField("content", newValue.map(JSONValue.string)) }
    }

    /// A fragment of a refusal: `refusal`.
    public var refusal: String? {
        get { fields.stringField("refusal") }
        set { fields.setField("refusal", newValue.map(JSONValue.string)) }
    }

    /// Fragments of tool calls, each naming the call it extends by `index`: `tool_calls`; empty when absent.
    public var toolCalls: [ChatToolCallDelta] {
        get { fields.objectsField("tool_calls", as: ChatToolCallDelta.self) }
        set { fields.setField("tool_calls", newValue.isEmpty ? nil : .array(newValue.map(\.json))) }
    }
}

/// A fragment of one tool call in a streamed delta: an element of a delta's `tool_calls`.
///
/// Required: `index`, an integer naming the call within the message (fragments of one call share it).
/// Optional: `id` and `type` strings (usually only in a call's first fragment) and `function`, an
/// object with optional `name` and `arguments` strings (`arguments` arrives in pieces to be
/// concatenated).
public struct ChatToolCallDelta: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the fragment.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension ChatToolCallDelta: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireInteger("index")
        try validator.optionalString("id")
        try validator.optionalString("type")
        if let function = try validator.optionalObject("function") {
            let nested = validator.nested(function, at: validator.path(of: "function"))
            try nested.optionalString("name")
            try nested.optionalString("arguments")
        }
    }
}

extension ChatToolCallDelta {
    /// The position of the call this fragment extends: `index`.
    public var index: Int {
        get { Int(fields.integerField("index") ?? 0) }
        set { fields["index"] = .int(Int64(newValue)) }
    }

    /// The call's identifier, in its first fragment: `id`.
    public var id: String? {
        get { fields.stringField("id") }
        set { fields.setField("id", newValue.map(JSONValue.string)) }
    }

    /// The kind of tool, in its first fragment: `type`.
    public var type: String? {
        get { fields.stringField("type") }
        set { fields.setField("type", newValue.map(JSONValue.string)) }
    }

    /// The function's name, or a piece of it: `function.name`.
    public var functionName: String? {
        get { fields.objectField("function")?.stringField("name") }
        set { setFunctionField("name", newValue) }
    }

    /// A piece of the arguments' JSON text: `function.arguments`.
    public var functionArguments: String? {
        get { fields.objectField("function")?.stringField("arguments") }
        set { setFunctionField("arguments", newValue) }
    }

    private mutating func setFunctionField(_ key: String, _ value: String?) {
        var function = fields.objectField("function") ?? [:]
        function.setField(key, value.map(JSONValue.string))
        fields["function"] = .object(function)
    }
}
