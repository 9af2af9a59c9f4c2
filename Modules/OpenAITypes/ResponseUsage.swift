public import StorageRefs

/// Token counts of a Responses API response: the `usage` object.
///
/// Required fields: `input_tokens`, `output_tokens` and `total_tokens`, integers. The breakdowns
/// `input_tokens_details` and `output_tokens_details` are kept as JSON (objects when present).
public struct ResponseUsage: OpenAIObject {
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
    ///   - inputTokens: Tokens in the input.
    ///   - outputTokens: Tokens in the output.
    ///   - totalTokens: Tokens in total; defaults to the sum of the other two.
    public init(inputTokens: Int64, outputTokens: Int64, totalTokens: Int64? = nil) {
        self.fields = [
            "input_tokens": .int(inputTokens),
            "output_tokens": .int(outputTokens),
            "total_tokens": .int(totalTokens ?? inputTokens + outputTokens),
        ]
    }
}

extension ResponseUsage: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireInteger("input_tokens")
        try validator.requireInteger("output_tokens")
        try validator.requireInteger("total_tokens")
        try validator.optionalObject("input_tokens_details")
        try validator.optionalObject("output_tokens_details")
    }
}

extension ResponseUsage {
    /// Tokens in the input: `input_tokens`.
    public var inputTokens: Int64 {
        get { fields.integerField("input_tokens") ?? 0 }
        set { fields["input_tokens"] = .int(newValue) }
    }

    /// Tokens in the output, reasoning included: `output_tokens`.
    public var outputTokens: Int64 {
        get { fields.integerField("output_tokens") ?? 0 }
        set { fields["output_tokens"] = .int(newValue) }
    }

    /// Tokens in total: `total_tokens`.
    public var totalTokens: Int64 {
        get { fields.integerField("total_tokens") ?? 0 }
        set { fields["total_tokens"] = .int(newValue) }
    }

    /// The breakdown of the input tokens, as JSON: `input_tokens_details`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var inputTokensDetails: JSONValue? {
        get { fields.jsonField("input_tokens_details") }
        set { fields.setField("input_tokens_details", newValue) }
    }

    /// The breakdown of the output tokens, as JSON: `output_tokens_details`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var outputTokensDetails: JSONValue? {
        get { fields.jsonField("output_tokens_details") }
        set { fields.setField("output_tokens_details", newValue) }
    }

    /// Input tokens served from the prompt cache: `input_tokens_details.cached_tokens`, when present.
    public var cachedTokens: Int64? {
        fields.objectField("input_tokens_details")?.integerField("cached_tokens")
    }

    /// Output tokens spent on reasoning: `output_tokens_details.reasoning_tokens`, when present.
    public var reasoningTokens: Int64? {
        fields.objectField("output_tokens_details")?.integerField("reasoning_tokens")
    }
}
