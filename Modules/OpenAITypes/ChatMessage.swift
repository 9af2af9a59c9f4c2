public import StorageRefs

/// One message of a chat conversation, in a request's `messages` or a completion choice's `message`.
///
/// Required field: `role`, a string. Messages from `user`, `system` and `developer` must have
/// `content`; a `tool` message must have a string `tool_call_id`. `content` may be `null` or absent
/// for an assistant message that only calls tools; when present it is a string or an array of
/// ``ChatContentPart``s. Optional: `name`, `tool_calls` (an array of ``ChatToolCall``s), `refusal`
/// and `tool_call_id`, strings where not stated otherwise. Other fields (`audio`, `annotations`, …)
/// are kept as they are.
///
/// ```swift
/// let messages: [ChatMessage] = [.developer("Answer in French."), .user("Hello")]
/// ```
public struct ChatMessage: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the message.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field, for example `role`
    ///   when it is missing or `tool_call_id` when a tool message has none.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// A `system` message with text content.
    ///
    /// - Parameter text: The instructions.
    public static func system(_ text: String) -> ChatMessage {
        ChatMessage(validated: ["role": "system", "content": .string(text)])
    }

    /// A `developer` message with text content.
    ///
    /// - Parameter text: The instructions.
    public static func developer(_ text: String) -> ChatMessage {
        ChatMessage(validated: ["role": "developer", "content": .string(text)])
    }

    /// A `user` message with text content.
    ///
    /// - Parameter text: The user's input.
    public static func user(_ text: String) -> ChatMessage {
        ChatMessage(validated: ["role": "user", "content": .string(text)])
    }

    /// A `user` message with content parts, such as text and images.
    ///
    /// - Parameter parts: The parts, in order.
    public static func user(parts: [ChatContentPart]) -> ChatMessage {
        ChatMessage(validated: ["role": "user", "content": .array(parts.map(\.json))])
    }

    /// An `assistant` message.
    ///
    /// - Parameters:
    ///   - text: The text content; `nil` leaves `content` out (a message that only calls tools).
    ///   - toolCalls: The tool calls; an empty array leaves `tool_calls` out.
    public static func assistant(_ text: String?, toolCalls: [ChatToolCall] = []) -> ChatMessage {
        var fields: [String: JSONValue] = ["role": "assistant"]
        fields.setField("content", text.map(JSONValue.string))
        fields.setField("tool_calls", toolCalls.isEmpty ? nil : .array(toolCalls.map(\.json)))
        return ChatMessage(validated: fields)
    }

    /// A `tool` message answering a tool call.
    ///
    /// - Parameters:
    ///   - toolCallID: The `id` of the ``ChatToolCall`` this message answers.
    ///   - content: The tool's result.
    public static func tool(toolCallID: String, content: String) -> ChatMessage {
        ChatMessage(validated: ["role": "tool", "tool_call_id": .string(toolCallID), "content": .string(content)])
    }
}

extension ChatMessage: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        let role = ChatRole(rawValue: try validator.requireString("role"))
        if let content = validator.fields["content"], !content.isNull {
            switch content {
            case .string: break
            case .array(let parts): try validator.checkObjects(parts, key: "content", as: ChatContentPart.self)
            default:
                throw validator.error("content", "expected a string or an array, found \(content.kindDescription)")
            }
        } else if role == .user || role == .system || role == .developer {
            let found = validator.fields["content"] == nil ? "missing" : "null"
            throw validator.error("content", "a \(role.rawValue) message needs content, but it is \(found)")
        }
        try validator.optionalString("name")
        try validator.optionalString("refusal")
        try validator.optionalObjects("tool_calls", as: ChatToolCall.self)
        if role == .tool {
            try validator.requireString("tool_call_id")
        } else {
            try validator.optionalString("tool_call_id")
        }
    }
}

extension ChatMessage {
    /// The author of the message: `role`.
    public var role: ChatRole {
        get { ChatRole(rawValue: fields.stringField("role") ?? "") }
        set { fields["role"] = .string(newValue.rawValue) }
    }

    /// The content: `content` as a string or as parts; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var content: ChatMessageContent? {
        get {
            switch fields["content"] {
            case .string(let text): .text(text)
            case .array(let elements):
                .parts(elements.compactMap { $0.objectValue.map(ChatContentPart.init(validated:)) })
            default: nil
            }
        }
        set { fields.setField("content", newValue?.json) }
    }

    /// A name telling apart participants with the same role: `name`.
    ///
    /// Setting `nil` removes the field.
    public var name: String? {
        get { fields.stringField("name") }
        set { fields.setField("name", newValue.map(JSONValue.string)) }
    }

    /// The tool calls of an assistant message: `tool_calls`; `nil` when absent or `null`.
    ///
    /// Setting `nil` removes the field.
    public var toolCalls: [ChatToolCall]? {
        get { fields["tool_calls"]?.arrayValue == nil ? nil : fields.objectsField("tool_calls", as: ChatToolCall.self) }
        set { fields.setField("tool_calls", newValue.map { .array($0.map(\.json)) }) }
    }

    /// The tool call a `tool` message answers: `tool_call_id`.
    ///
    /// Setting `nil` removes the field.
    public var toolCallID: String? {
        get { fields.stringField("tool_call_id") }
        set { fields.setField("tool_call_id", newValue.map(JSONValue.string)) }
    }

    /// The model's refusal message, when it refused: `refusal`.
    ///
    /// Setting `nil` removes the field.
    public var refusal: String? {
        get { fields.stringField("refusal") }
        set { fields.setField("refusal", newValue.map(JSONValue.string)) }
    }
}
