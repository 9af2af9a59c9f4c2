public import StorageRefs

/// A response of the Responses API (`POST /v1/responses`, `GET /v1/responses/{id}`).
///
/// Required fields: `id`, `object` (`"response"`), `model` and `status`, strings; `created_at`, an
/// integer (Unix seconds); `output`, an array of valid ``ResponseOutputItem``s. Optional: `usage` (a
/// ``ResponseUsage``), `previous_response_id` (a string), `instructions` (a string or an array of
/// input items, kept as JSON), `tools` (an array of ``ResponseTool``s), `text` (an object, kept as
/// JSON), `error` (a ``ResponseError``), `parallel_tool_calls` (a boolean), `temperature` and `top_p`
/// (numbers). Every other field is kept as it is.
///
/// ```swift
/// let response = try ResponseObject(jsonText: body)
/// for item in response.output where item.kind == .functionCall {
///     run(item.name, item.arguments)
/// }
/// ```
public struct ResponseObject: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the response.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as `status` or
    ///   `output[1].call_id`.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }
}

extension ResponseObject: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("id")
        try validator.requireString("object")
        try validator.requireInteger("created_at")
        try validator.requireString("model")
        try validator.requireString("status")
        try validator.requireObjects("output", as: ResponseOutputItem.self)
        try validator.optionalObject("usage", as: ResponseUsage.self)
        try validator.optionalString("previous_response_id")
        try validator.optionalObjects("tools", as: ResponseTool.self)
        try validator.optionalObject("text")
        try validator.optionalObject("error", as: ResponseError.self)
        try validator.optionalBool("parallel_tool_calls")
        try validator.optionalNumber("temperature")
        try validator.optionalNumber("top_p")
    }
}

extension ResponseObject {
    /// The response's identifier: `id`, such as `"resp_…"`.
    public var id: String {
        get { fields.stringField("id") ?? "" }
        set { fields["id"] = .string(newValue) }
    }

    /// The object type: `object`, `"response"`.
    public var object: String {
        get { fields.stringField("object") ?? "" }
        set { fields["object"] = .string(newValue) }
    }

    /// When the response was created, in seconds since 1970: `created_at`.
    public var createdAt: Int64 {
        get { fields.integerField("created_at") ?? 0 }
        set { fields["created_at"] = .int(newValue) }
    }

    /// The model that generated the response: `model`.
    public var model: String {
        get { fields.stringField("model") ?? "" }
        set { fields["model"] = .string(newValue) }
    }

    /// The response's state: `status`.
    public var status: ResponseStatus {
        get { ResponseStatus(rawValue: fields.stringField("status") ?? "") }
        set { fields["status"] = .string(newValue.rawValue) }
    }

    /// The items the model produced, in order: `output`.
    public var output: [ResponseOutputItem] {
        get { fields.objectsField("output", as: ResponseOutputItem.self) }
        set { fields["output"] = .array(newValue.map(\.json)) }
    }

    /// The text of every output message, joined with no separator (the SDKs' `output_text`).
    ///
    /// Empty when the response has no message with text.
    public var outputText: String {
        output.filter { $0.kind == .message }.compactMap(\.contentText).joined()
    }

    /// Token counts: `usage`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var usage: ResponseUsage? {
        get { fields.objectField("usage", as: ResponseUsage.self) }
        set { fields.setField("usage", newValue?.json) }
    }

    /// The response this one continues: `previous_response_id`.
    ///
    /// Setting `nil` removes the field.
    public var previousResponseID: String? {
        get { fields.stringField("previous_response_id") }
        set { fields.setField("previous_response_id", newValue.map(JSONValue.string)) }
    }

    /// The system or developer instructions, as JSON: `instructions`, a string or an array of input
    /// items; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var instructions: JSONValue? {
        get { fields.jsonField("instructions") }
        set { fields.setField("instructions", newValue) }
    }

    /// The tools the model could use: `tools`; empty when absent or `null`.
    ///
    /// Setting an empty array writes an empty `tools` array.
    public var tools: [ResponseTool] {
        get { fields.objectsField("tools", as: ResponseTool.self) }
        set { fields["tools"] = .array(newValue.map(\.json)) }
    }

    /// The text output configuration, as JSON: `text`, such as `{"format": {"type": "json_schema", …}}`;
    /// `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var text: JSONValue? {
        get { fields.jsonField("text") }
        set { fields.setField("text", newValue) }
    }

    /// The type of the text output format: `text.format.type`, such as `"text"`, `"json_object"` or
    /// `"json_schema"`; `nil` when absent.
    public var textFormatType: String? {
        fields.objectField("text")?.objectField("format")?.stringField("type")
    }

    /// Why the response failed: `error`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var error: ResponseError? {
        get { fields.objectField("error", as: ResponseError.self) }
        set { fields.setField("error", newValue?.json) }
    }

    /// Whether the model may run tool calls in parallel: `parallel_tool_calls`.
    ///
    /// Setting `nil` removes the field.
    public var parallelToolCalls: Bool? {
        get { fields.boolField("parallel_tool_calls") }
        set { fields.setField("parallel_tool_calls", newValue.map(JSONValue.bool)) }
    }

    /// The sampling temperature: `temperature`; an integer such as `1` reads as `1.0`.
    ///
    /// Setting a value writes a floating-point number; setting `nil` removes the field.
    public var temperature: Double? {
        get { fields.numberField("temperature") }
        set { fields.setField("temperature", newValue.map(JSONValue.double)) }
    }

    /// The nucleus sampling probability mass: `top_p`; an integer such as `1` reads as `1.0`.
    ///
    /// Setting a value writes a floating-point number; setting `nil` removes the field.
    public var topP: Double? {
        get { fields.numberField("top_p") }
        set { fields.setField("top_p", newValue.map(JSONValue.double)) }
    }
}
