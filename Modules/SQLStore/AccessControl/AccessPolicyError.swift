/// An error thrown when an access-control condition or policy cannot be parsed.
///
/// ``ruleIndex`` and ``field`` locate the problem in the policy (``field`` is a path such as
/// `permit.actions` or `when[1]`); ``text`` is the offending text when there is one, such as a
/// condition that matches none of the six forms or an unknown action name.
///
/// ```swift
/// do {
///     _ = try AccessPolicy(parsing: [["permit": ["actions": ["browse"]]]])
/// } catch let error as AccessPolicyError {
///     error.ruleIndex  // 0
///     error.field      // "permit.actions"
///     error.text       // "browse"
/// }
/// ```
public struct AccessPolicyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The zero-based index of the rule in the policy, or `nil` when the error is not about a rule
    /// (for example when parsing a lone condition).
    public var ruleIndex: Int?

    /// The path of the offending field within the rule, such as `permit.resource` or `unless[0]`,
    /// or `nil` when the problem is with the rule as a whole.
    public var field: String?

    /// The offending text, such as a malformed condition or an unknown action, when there is one.
    public var text: String?

    /// What is wrong and, where possible, what is expected instead.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - ruleIndex: The zero-based index of the rule, if any.
    ///   - field: The path of the field within the rule, if any.
    ///   - text: The offending text, if any.
    ///   - message: What is wrong.
    public init(ruleIndex: Int? = nil, field: String? = nil, text: String? = nil, message: String) {
        self.ruleIndex = ruleIndex
        self.field = field
        self.text = text
        self.message = message
    }

    /// The location (rule index and field), the message and the offending text.
    public var description: String {
        var location: [String] = []
        if let ruleIndex = self.ruleIndex {
            location.append("rule \(ruleIndex)")
        }
        if let field = self.field {
            location.append("field '\(field)'")
        }
        var text = location.isEmpty ? self.message : "\(location.joined(separator: ", ")): \(self.message)"
        if let offending = self.text {
            text += " (got '\(offending)')"
        }
        return text
    }
}
