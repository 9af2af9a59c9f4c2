public import StorageRefs

/// One item a Responses API response produced: an element of `output`.
///
/// Required field: `type`, a string, read as ``kind``. Each kind requires its own fields:
/// - `message`: `role`, a string, and `content`, an array of parts; each part needs a string `type`,
///   and `output_text`, `input_text` and `text` parts need a string `text`.
/// - `function_call`: `call_id`, `name` and `arguments`, strings.
/// - `function_call_output`: `call_id`, a string, and `output`, a string or an array.
/// - Other kinds (`reasoning`, `web_search_call`, `file_search_call`, …) only need `type`.
///
/// `id` and `status` must be strings when present. Every other field is kept as it is.
public struct ResponseOutputItem: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the item.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as `call_id`
    ///   of a function call.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension ResponseOutputItem: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try ResponseItemRules.validate(validator, isInput: false)
    }
}

extension ResponseOutputItem {
    /// The item type: `type`, such as `"message"` or `"function_call"`.
    public var type: String {
        get { fields.stringField("type") ?? "" }
        set { fields["type"] = .string(newValue) }
    }

    /// The item's kind, from ``type``.
    public var kind: ResponseItemKind {
        ResponseItemRules.kind(of: fields)
    }

    /// The item's identifier: `id`, such as `"msg_…"` or `"fc_…"`.
    ///
    /// Setting `nil` removes the field.
    public var id: String? {
        get { fields.stringField("id") }
        set { fields.setField("id", newValue.map(JSONValue.string)) }
    }

    /// The role of a message: `role`, `"assistant"` for output messages; `nil` for other kinds.
    ///
    /// Setting `nil` removes the field.
    public var role: String? {
        get { fields.stringField("role") }
        set { fields.setField("role", newValue.map(JSONValue.string)) }
    }

    /// The item's state: `status`, such as `"completed"` or `"in_progress"`.
    ///
    /// Setting `nil` removes the field.
    public var status: String? {
        get { fields.stringField("status") }
        set { fields.setField("status", newValue.map(JSONValue.string)) }
    }

    /// The call a function call or its output belongs to: `call_id`.
    ///
    /// Setting `nil` removes the field.
    public var callID: String? {
        get { fields.stringField("call_id") }
        set { fields.setField("call_id", newValue.map(JSONValue.string)) }
    }

    /// The name of the function called: `name`.
    ///
    /// Setting `nil` removes the field.
    public var name: String? {
        get { fields.stringField("name") }
        set { fields.setField("name", newValue.map(JSONValue.string)) }
    }

    /// The arguments of a function call, as the JSON text the model generated: `arguments`.
    ///
    /// Setting `nil` removes the field.
    public var arguments: String? {
        get { fields.stringField("arguments") }
        set { fields.setField("arguments", newValue.map(JSONValue.string)) }
    }

    /// The result of a function call: `output`, when it is a string (an array of parts reads as `nil`;
    /// read it through ``OpenAIObject/fields``).
    ///
    /// Setting `nil` removes the field.
    public var output: String? {
        get { fields.stringField("output") }
        set { fields.setField("output", newValue.map(JSONValue.string)) }
    }

    /// The text of a message: the `text` of its `output_text`, `input_text` and `text` content parts,
    /// joined with no separator (as the SDKs' `output_text`).
    ///
    /// `nil` when the item has no content or no part with text (for example a message with only a
    /// refusal part).
    public var contentText: String? {
        ResponseItemRules.contentText(of: fields)
    }
}
