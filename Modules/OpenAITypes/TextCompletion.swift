public import StorageRefs

/// The body of a legacy Completions request (`POST /v1/completions`).
///
/// Required: `model`, a string, and `prompt`, a string, an array of strings, an array of token ids
/// or an array of such arrays. Checked when present: `stream` and `echo` booleans; `n`, `best_of`,
/// `max_tokens`, `seed` and `logprobs` integers; `temperature`, `top_p`, `frequency_penalty` and
/// `presence_penalty` numbers; `stop` a string or an array of strings; `suffix` a string;
/// `stream_options` an object. Every other field is sent as it is.
public struct TextCompletionRequest: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the request body.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates a request for `model` continuing `prompt`.
    ///
    /// - Parameters:
    ///   - model: The model identifier.
    ///   - prompt: The text to continue.
    public init(model: String, prompt: String) {
        self.fields = ["model": .string(model), "prompt": .string(prompt)]
    }
}

extension TextCompletionRequest: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("model")
        guard let prompt = validator.fields["prompt"], !prompt.isNull else {
            throw validator.error("prompt", validator.fields["prompt"] == nil ? "required field is missing" : "expected a string or an array, found null")
        }
        switch prompt {
        case .string, .array: break
        default: throw validator.error("prompt", "expected a string or an array, found \(prompt.kindDescription)")
        }
        try RequestFieldRules.check(validator, booleans: ["stream", "echo"])
        try RequestFieldRules.check(validator, integers: ["n", "best_of", "max_tokens", "seed", "logprobs"])
        try RequestFieldRules.check(validator, numbers: ["temperature", "top_p", "frequency_penalty", "presence_penalty"])
        try RequestFieldRules.checkStop(validator)
        try validator.optionalString("suffix")
        try validator.optionalObject("stream_options")
    }
}

extension TextCompletionRequest {
    /// The model to run: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// Whether the response is streamed: `stream` (absent means `false`). Setting `false` removes it.
    public var stream: Bool {
        get { fields.boolField("stream") ?? false }
        set { fields.setField("stream", newValue ? .bool(true) : nil) }
    }

    /// Whether a stream ends with a chunk carrying `usage`: `stream_options.include_usage`.
    public var includeUsage: Bool {
        get { fields.objectField("stream_options")?.boolField("include_usage") ?? false }
        set { fields.setStreamOption("include_usage", newValue) }
    }
}

/// A legacy completion (`object: "text_completion"`), whole or one streamed chunk of it.
///
/// Required: `id`, `model` strings; `created`, an integer; `choices`, an array of valid
/// ``TextCompletionChoice``s (empty in a final usage-only chunk). Optional: `object` (llama.cpp and
/// OpenAI send `"text_completion"`), `usage` (a ``CompletionUsage`` or `null`), `system_fingerprint`.
public struct TextCompletion: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the completion.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension TextCompletion: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("id")
        try validator.optionalString("object")
        try validator.requireInteger("created")
        try validator.requireString("model")
        try validator.requireObjects("choices", as: TextCompletionChoice.self)
        try validator.optionalObject("usage", as: CompletionUsage.self)
        try validator.optionalString("system_fingerprint")
    }
}

extension TextCompletion {
    /// The completion's identifier: `id`.
    public var id: String {
        get { fields.stringField("id") ?? "" }
        set { fields["id"] = .string(newValue) }
    }

    /// When the completion was created, in seconds since 1970: `created`.
    public var created: Int64 {
        get { fields.integerField("created") ?? 0 }
        set { fields["created"] = .int(newValue) }
    }

    /// The model that generated it: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// The generated texts (or pieces of them in a stream): `choices`.
    public var choices: [TextCompletionChoice] {
        get { fields.objectsField("choices", as: TextCompletionChoice.self) }
        set { fields["choices"] = .array(newValue.map(\.json)) }
    }

    /// Token counts: `usage`; `nil` when absent or `null`.
    public var usage: CompletionUsage? {
        get { fields.objectField("usage", as: CompletionUsage.self) }
        set { fields.setField("usage", newValue?.json) }
    }
}

/// One generated text of a legacy completion: an element of `choices`.
///
/// Required: `index`, an integer, and `text`, a string. Optional: `finish_reason` (a string or
/// `null`) and `logprobs` (kept as JSON).
public struct TextCompletionChoice: OpenAIObject {
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

extension TextCompletionChoice: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireInteger("index")
        try validator.requireString("text")
        try validator.optionalString("finish_reason")
    }
}

extension TextCompletionChoice {
    /// The choice's position: `index`.
    public var index: Int {
        get { Int(fields.integerField("index") ?? 0) }
        set { fields["index"] = .int(Int64(newValue)) }
    }

    /// The generated text, or this chunk's piece of it: `text`.
    public var text: String {
        get { fields.stringField("text") ?? "" }
        set { fields["text"] = .string(newValue) }
    }

    /// Why generation stopped: `finish_reason`; `nil` while streaming.
    public var finishReason: FinishReason? {
        get { fields.stringField("finish_reason").map(FinishReason.init(rawValue:)) }
        set { fields.setField("finish_reason", newValue.map { .string($0.rawValue) }) }
    }
}
