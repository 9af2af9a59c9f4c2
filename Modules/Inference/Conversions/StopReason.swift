public import OpenAITypes

/// llama-stack's reason for the end of a generated message, mapped to and from OpenAI's `finish_reason`.
public enum StopReason: String, Hashable, Sendable, Codable {
    /// The model finished its turn (`stop`).
    case endOfTurn = "end_of_turn"
    /// The model ended a message that expects a tool result (`tool_calls`).
    case endOfMessage = "end_of_message"
    /// The token limit was reached (`length`).
    case outOfTokens = "out_of_tokens"

    /// The stop reason of an OpenAI finish reason: `stop` → `endOfTurn`, `tool_calls` and the older
    /// `function_call` → `endOfMessage`, `length` → `outOfTokens`; `nil` for `nil` (a chunk that has
    /// not finished) and for reasons with no counterpart (`content_filter`, vendor reasons), so a
    /// missing reason never reads as a finished turn.
    ///
    /// - Parameter finishReason: OpenAI's `finish_reason`.
    public init?(finishReason: FinishReason?) {
        switch finishReason {
        case .stop?: self = .endOfTurn
        case .toolCalls?, .functionCall?: self = .endOfMessage
        case .length?: self = .outOfTokens
        default: return nil
        }
    }

    /// The OpenAI finish reason: `stop`, `tool_calls` or `length`.
    public var finishReason: FinishReason {
        switch self {
        case .endOfTurn: .stop
        case .endOfMessage: .toolCalls
        case .outOfTokens: .length
        }
    }
}
