/// The kind of a Responses API item, from its `type` string.
///
/// Item types this module knows get their own case; every other type is ``other(_:)`` with the
/// string kept as it is. Build values with ``init(rawValue:)`` so a known type never ends up in
/// ``other(_:)``.
///
/// ```swift
/// for item in response.output where item.kind == .functionCall { … }
/// ```
public enum ResponseItemKind: Hashable, Sendable {
    /// `"message"`: a message with a role and content parts.
    case message

    /// `"function_call"`: a call of a function tool by the model.
    case functionCall

    /// `"function_call_output"`: the result of a function call, sent back to the model.
    case functionCallOutput

    /// `"file_search_call"`: a run of the file search tool.
    case fileSearchCall

    /// `"web_search_call"`: a run of the web search tool.
    case webSearchCall

    /// `"reasoning"`: the model's reasoning, with a summary and possibly encrypted content.
    case reasoning

    /// Any other item type, such as `"computer_call"` or `"item_reference"`.
    case other(String)
}

extension ResponseItemKind: RawRepresentable {
    /// Creates the kind of an item from its `type`; never fails.
    ///
    /// - Parameter rawValue: The item's `type` string.
    public init(rawValue: String) {
        switch rawValue {
        case "message": self = .message
        case "function_call": self = .functionCall
        case "function_call_output": self = .functionCallOutput
        case "file_search_call": self = .fileSearchCall
        case "web_search_call": self = .webSearchCall
        case "reasoning": self = .reasoning
        default: self = .other(rawValue)
        }
    }

    /// The `type` string, such as `"function_call"`.
    public var rawValue: String {
        switch self {
        case .message: "message"
        case .functionCall: "function_call"
        case .functionCallOutput: "function_call_output"
        case .fileSearchCall: "file_search_call"
        case .webSearchCall: "web_search_call"
        case .reasoning: "reasoning"
        case .other(let type): type
        }
    }
}

extension ResponseItemKind: CustomStringConvertible {
    /// The `type` string.
    public var description: String {
        rawValue
    }
}
