/// Why a JSON value is not a valid OpenAI object, and where.
///
/// Thrown by ``OpenAIObject/init(fields:)`` and the initializers built on it. ``path`` names the
/// offending field from the root of the object being created, with `.` between object members and
/// `[index]` for array elements, for example `choices[0].message.role`; it is empty when the
/// problem is the value itself (text that is not JSON, a value that is not an object).
///
/// ```swift
/// do {
///     _ = try ChatCompletion(jsonText: text)
/// } catch {
///     print(error)  // "choices[0].message.role: required field is missing"
/// }
/// ```
public struct OpenAIObjectError: Error, Hashable, Sendable {
    /// The offending field's path from the root of the object, or `""` for the whole value.
    public var path: String

    /// What is wrong with the field.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - path: The offending field's path, such as `choices[0].message.role`; `""` for the whole value.
    ///   - message: What is wrong with the field.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

extension OpenAIObjectError: CustomStringConvertible {
    /// The path and the message, as `"<path>: <message>"`; only the message when the path is empty.
    public var description: String {
        path.isEmpty ? message : "\(path): \(message)"
    }
}
