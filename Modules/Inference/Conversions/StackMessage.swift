public import OpenAITypes
public import StorageRefs

/// A message in llama-stack's own shape, converted to an OpenAI ``ChatMessage`` by ``chatMessage``.
public enum StackMessage: Hashable, Sendable {
    /// Instructions for the model.
    case system(StackContent)
    /// The user's turn.
    case user(StackContent)
    /// The model's turn: text and tool calls.
    case assistant(StackContent, toolCalls: [StackToolCall] = [])
    /// A tool's result for the call `callID`.
    case tool(callID: String, content: StackContent)

    /// The OpenAI message: text content stays a string, item content becomes content parts (text and
    /// `image_url`), and tool-call arguments given as JSON text are sent exactly as written (never
    /// decoded and re-encoded); arguments given as a JSON value are encoded once.
    public var chatMessage: ChatMessage {
        switch self {
        case .system(let content):
            var message = ChatMessage.system("")
            message.content = content.chatContent
            return message
        case .user(let content):
            var message = ChatMessage.user("")
            message.content = content.chatContent
            return message
        case .assistant(let content, let toolCalls):
            var message = ChatMessage.assistant(nil, toolCalls: toolCalls.map(\.chatToolCall))
            if !content.isEmpty || toolCalls.isEmpty { message.content = content.chatContent }
            return message
        case .tool(let callID, let content):
            var message = ChatMessage.tool(toolCallID: callID, content: "")
            message.content = content.chatContent
            return message
        }
    }
}

/// Message content in llama-stack's shape: a string, or a list of text and image items.
public enum StackContent: Hashable, Sendable, ExpressibleByStringLiteral {
    /// Plain text.
    case text(String)
    /// Text and image items, in order.
    case items([StackContentItem])

    /// Creates text content from a literal.
    public init(stringLiteral value: String) {
        self = .text(value)
    }

    var isEmpty: Bool {
        switch self {
        case .text(let text): text.isEmpty
        case .items(let items): items.isEmpty
        }
    }

    /// The OpenAI content: a string stays a string; items become parts.
    public var chatContent: ChatMessageContent {
        switch self {
        case .text(let text): .text(text)
        case .items(let items):
            .parts(items.map { item in
                switch item {
                case .text(let text): .text(text)
                case .imageURL(let url): .imageURL(url)
                }
            })
        }
    }
}

/// One item of ``StackContent``.
public enum StackContentItem: Hashable, Sendable {
    /// A piece of text.
    case text(String)
    /// An image by URL (`https:` or a `data:` URL).
    case imageURL(String)
}

/// A tool call in llama-stack's shape.
public struct StackToolCall: Hashable, Sendable {
    /// Arguments as the model wrote them, or as a JSON value.
    public enum Arguments: Hashable, Sendable {
        /// JSON text, sent exactly as it is (even when it is not valid JSON).
        case text(String)
        /// A JSON value, encoded once.
        case json(JSONValue)
    }

    /// The call's id.
    public var callID: String
    /// The function called.
    public var toolName: String
    /// The arguments.
    public var arguments: Arguments

    /// Creates a tool call.
    public init(callID: String, toolName: String, arguments: Arguments) {
        self.callID = callID
        self.toolName = toolName
        self.arguments = arguments
    }

    /// The OpenAI tool call.
    public var chatToolCall: ChatToolCall {
        let text: String
        switch arguments {
        case .text(let written): text = written
        case .json(let value): text = (try? JSONColumnText.encode(value, column: "arguments")) ?? "{}"
        }
        return ChatToolCall(id: callID, functionName: toolName, functionArguments: text)
    }
}
