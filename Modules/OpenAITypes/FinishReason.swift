/// Why the model stopped generating a chat completion choice: the `finish_reason` string.
///
/// A struct rather than an enum so that reasons added by the API or by other providers are kept
/// as they are; compare with the static members.
///
/// ```swift
/// if choice.finishReason == .toolCalls { … }
/// ```
public struct FinishReason: RawRepresentable, Hashable, Sendable, Codable {
    /// The reason as OpenAI spells it, such as `"tool_calls"`.
    public var rawValue: String

    /// Creates a reason from its OpenAI spelling; any string is accepted.
    ///
    /// - Parameter rawValue: The `finish_reason` string.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `"stop"`: a natural stop point or a provided stop sequence.
    public static let stop = FinishReason(rawValue: "stop")

    /// `"length"`: the maximum number of tokens was reached.
    public static let length = FinishReason(rawValue: "length")

    /// `"tool_calls"`: the model called one or more tools.
    public static let toolCalls = FinishReason(rawValue: "tool_calls")

    /// `"content_filter"`: content was omitted by a content filter.
    public static let contentFilter = FinishReason(rawValue: "content_filter")

    /// `"function_call"`: the model called a function (deprecated function-calling API).
    public static let functionCall = FinishReason(rawValue: "function_call")
}

extension FinishReason: ExpressibleByStringLiteral {
    /// Creates a reason from a string literal.
    ///
    /// - Parameter value: The `finish_reason` string.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }
}

extension FinishReason: CustomStringConvertible {
    /// The raw value.
    public var description: String {
        rawValue
    }
}
