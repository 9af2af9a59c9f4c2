/// The author of a chat message: the `role` string.
///
/// A struct rather than an enum so that roles this module does not know (such as the deprecated
/// `"function"`) are kept as they are; compare with the static members.
public struct ChatRole: RawRepresentable, Hashable, Sendable, Codable {
    /// The role as OpenAI spells it, such as `"assistant"`.
    public var rawValue: String

    /// Creates a role from its OpenAI spelling; any string is accepted.
    ///
    /// - Parameter rawValue: The `role` string.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `"system"`: instructions from the application (older models).
    public static let system = ChatRole(rawValue: "system")

    /// `"developer"`: instructions from the application, replacing `system` for newer models.
    public static let developer = ChatRole(rawValue: "developer")

    /// `"user"`: input from the end user.
    public static let user = ChatRole(rawValue: "user")

    /// `"assistant"`: output of the model.
    public static let assistant = ChatRole(rawValue: "assistant")

    /// `"tool"`: the result of a tool call, answering the call named by `tool_call_id`.
    public static let tool = ChatRole(rawValue: "tool")
}

extension ChatRole: ExpressibleByStringLiteral {
    /// Creates a role from a string literal.
    ///
    /// - Parameter value: The `role` string.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }
}

extension ChatRole: CustomStringConvertible {
    /// The raw value.
    public var description: String {
        rawValue
    }
}
