/// The state of a Responses API response: the `status` string.
///
/// A struct rather than an enum so that states added by the API are kept as they are; compare with
/// the static members.
public struct ResponseStatus: RawRepresentable, Hashable, Sendable, Codable {
    /// The status as OpenAI spells it, such as `"in_progress"`.
    public var rawValue: String

    /// Creates a status from its OpenAI spelling; any string is accepted.
    ///
    /// - Parameter rawValue: The `status` string.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `"completed"`: generation finished.
    public static let completed = ResponseStatus(rawValue: "completed")

    /// `"failed"`: generation failed; the response's `error` says why.
    public static let failed = ResponseStatus(rawValue: "failed")

    /// `"in_progress"`: generation is running.
    public static let inProgress = ResponseStatus(rawValue: "in_progress")

    /// `"incomplete"`: generation stopped early; `incomplete_details` says why.
    public static let incomplete = ResponseStatus(rawValue: "incomplete")

    /// `"cancelled"`: a background response was cancelled.
    public static let cancelled = ResponseStatus(rawValue: "cancelled")

    /// `"queued"`: a background response waits to start.
    public static let queued = ResponseStatus(rawValue: "queued")
}

extension ResponseStatus: ExpressibleByStringLiteral {
    /// Creates a status from a string literal.
    ///
    /// - Parameter value: The `status` string.
    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }
}

extension ResponseStatus: CustomStringConvertible {
    /// The raw value.
    public var description: String {
        rawValue
    }
}
