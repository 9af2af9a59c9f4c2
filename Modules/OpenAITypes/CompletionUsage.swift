public import StorageRefs

/// Token counts of a chat completion: the `usage` object.
///
/// Required fields: `prompt_tokens`, `completion_tokens` and `total_tokens`, integers. The breakdowns
/// `prompt_tokens_details` and `completion_tokens_details` are kept as JSON (objects when present).
public struct CompletionUsage: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the `usage` object.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates usage from the three counts, with no details.
    ///
    /// - Parameters:
    ///   - promptTokens: Tokens in the prompt.
    ///   - completionTokens: Tokens in the generated completion.
    ///   - totalTokens: Tokens in total; defaults to the sum of the other two.
    public init(promptTokens: Int64, completionTokens: Int64, totalTokens: Int64? = nil) {
        self.fields = [
            "prompt_tokens": .int(promptTokens),
            "completion_tokens": .int(completionTokens),
            "total_tokens": .int(totalTokens ?? promptTokens + completionTokens),
        ]
    }
}

extension CompletionUsage: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireInteger("prompt_tokens")
        try validator.requireInteger("completion_tokens")
        try validator.requireInteger("total_tokens")
        try validator.optionalObject("prompt_tokens_details")
        try validator.optionalObject("completion_tokens_details")
    }
}

extension CompletionUsage {
    /// Tokens in the prompt: `prompt_tokens`.
    public var promptTokens: Int64 {
        get { fields.integerField("prompt_tokens") ?? 0 }
        set { fields["prompt_tokens"] = .int(newValue) }
    }

    /// Tokens in the generated completion: `completion_tokens`.
    public var completionTokens: Int64 {
        get { fields.integerField("completion_tokens") ?? 0 }
        set { fields["completion_tokens"] = .int(newValue) }
    }

    /// Tokens in total, prompt and completion: `total_tokens`.
    public var totalTokens: Int64 {
        get { fields.integerField("total_tokens") ?? 0 }
        set { fields["total_tokens"] = .int(newValue) }
    }

    /// The breakdown of the prompt tokens, as JSON: `prompt_tokens_details`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var promptTokensDetails: JSONValue? {
        get { fields.jsonField("prompt_tokens_details") }
        set { fields.setField("prompt_tokens_details", newValue) }
    }

    /// The breakdown of the completion tokens, as JSON: `completion_tokens_details`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var completionTokensDetails: JSONValue? {
        get { fields.jsonField("completion_tokens_details") }
        set { fields.setField("completion_tokens_details", newValue) }
    }

    /// Prompt tokens served from the prompt cache: `prompt_tokens_details.cached_tokens`, when present.
    public var cachedTokens: Int64? {
        fields.objectField("prompt_tokens_details")?.integerField("cached_tokens")
    }

    /// Completion tokens spent on reasoning: `completion_tokens_details.reasoning_tokens`, when present.
    public var reasoningTokens: Int64? {
        fields.objectField("completion_tokens_details")?.integerField("reasoning_tokens")
    }
}
