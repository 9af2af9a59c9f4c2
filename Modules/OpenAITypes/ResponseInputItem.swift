public import StorageRefs

/// One item of a Responses API request's `input` (and of the input items list of a stored response).
///
/// An item is a message, a function call, a function call's output, a reference to another item, and
/// so on, told apart by `type`. A message may omit `type`
/// (`{"role": "user", "content": "Hello"}`); every other item needs a string `type`. Each kind requires
/// its own fields:
/// - message: `role`, one of `user`, `system`, `developer` and `assistant`, and `content`, a string or
///   an array of parts; each part needs a string `type`, and `input_text`, `output_text` and `text`
///   parts need a string `text`.
/// - `function_call`: `call_id`, `name` and `arguments`, strings.
/// - `function_call_output`: `call_id`, a string, and `output`, a string or an array.
/// - Other kinds only need `type`.
///
/// `id` and `status` must be strings when present. Every other field is kept as it is.
public struct ResponseInputItem: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the item.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, such as `call_id`
    ///   of a function call or the `role` of a message.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// The items of a request's `input`: a string is one user message with that text content; an
    /// array holds the items themselves.
    ///
    /// - Parameter input: The request's `input` value.
    /// - Returns: The items, in order.
    /// - Throws: ``OpenAIObjectError`` with a path from `input`, such as `input[2].call_id`, when an
    ///   element is not a valid item, or with the path `input` when the value is neither a string
    ///   nor an array.
    public static func items(fromInput input: JSONValue) throws(OpenAIObjectError) -> [ResponseInputItem] {
        switch input {
        case .string(let text):
            return [ResponseInputItem(validated: ["role": "user", "content": .string(text)])]
        case .array(let elements):
            let validator = FieldValidator(fields: ["input": input], path: "")
            try validator.checkObjects(elements, key: "input", as: ResponseInputItem.self)
            return elements.compactMap { $0.objectValue.map(ResponseInputItem.init(validated:)) }
        default:
            throw OpenAIObjectError(
                path: "input",
                message: "expected a string or an array, found \(input.kindDescription)"
            )
        }
    }
}

extension ResponseInputItem: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try ResponseItemRules.validate(validator, isInput: true)
    }
}

extension ResponseInputItem {
    /// The item type: `type`, such as `"message"` or `"function_call_output"`; `nil` for a message
    /// written without one.
    ///
    /// Setting `nil` removes the field.
    public var type: String? {
        get { fields.stringField("type") }
        set { fields.setField("type", newValue.map(JSONValue.string)) }
    }

    /// The item's kind, from ``type``; ``ResponseItemKind/message`` when there is no type but a role.
    public var kind: ResponseItemKind {
        ResponseItemRules.kind(of: fields)
    }

    /// The item's identifier: `id`, such as `"msg_…"`; `nil` for items sent without one.
    ///
    /// Setting `nil` removes the field.
    public var id: String? {
        get { fields.stringField("id") }
        set { fields.setField("id", newValue.map(JSONValue.string)) }
    }

    /// The role of a message: `role`, such as `"user"`; `nil` for other kinds.
    ///
    /// Setting `nil` removes the field.
    public var role: String? {
        get { fields.stringField("role") }
        set { fields.setField("role", newValue.map(JSONValue.string)) }
    }

    /// The item's state: `status`, such as `"completed"`.
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

    /// The arguments of a function call, as JSON text: `arguments`.
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

    /// The text of a message: its content when it is a string, otherwise the `text` of its
    /// `input_text`, `output_text` and `text` parts joined with no separator.
    ///
    /// `nil` when the item has no content or no part with text (for example only an image).
    public var contentText: String? {
        ResponseItemRules.contentText(of: fields)
    }
}
