public import StorageRefs

/// A tool the model may use in a Responses API request or response: an element of `tools`.
///
/// Required field: `type`, a string, such as `"function"`, `"web_search"` or `"file_search"`. The
/// tool's configuration (`parameters`, `vector_store_ids`, …) is kept as JSON and read through
/// ``OpenAIObject/fields``.
public struct ResponseTool: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the tool.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension ResponseTool: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("type")
        try validator.optionalString("name")
    }
}

extension ResponseTool {
    /// The kind of tool: `type`, such as `"function"`.
    public var type: String {
        get { fields.stringField("type") ?? "" }
        set { fields["type"] = .string(newValue) }
    }

    /// The name of a function tool: `name`; `nil` for tools without one.
    ///
    /// Setting `nil` removes the field.
    public var name: String? {
        get { fields.stringField("name") }
        set { fields.setField("name", newValue.map(JSONValue.string)) }
    }
}
