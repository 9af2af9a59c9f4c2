/// Why an inference client or provider call failed: a ``Code`` to branch on, a message naming what was
/// wrong, and for server errors the OpenAI error fields.
///
/// API keys never appear in it: the client does not put headers in errors, and a server message that
/// echoes the key has it replaced by `<redacted>`.
public struct InferenceClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The server answered with an error status; ``InferenceClientError/status`` and the OpenAI
        /// fields say which.
        public static let api = Code(rawValue: "api")
        /// The connection failed, closed early or timed out; no usable response arrived.
        public static let transport = Code(rawValue: "transport")
        /// The server's response is not what the API promises (not JSON, a missing field, a stream that
        /// ended without `[DONE]`); the message names the field or event.
        public static let invalidResponse = Code(rawValue: "invalidResponse")
        /// A client or provider setting is invalid; ``InferenceClientError/field`` names it.
        public static let invalidConfiguration = Code(rawValue: "invalidConfiguration")
        /// A request field is invalid; ``InferenceClientError/field`` names it.
        public static let invalidRequest = Code(rawValue: "invalidRequest")
        /// No API key: neither the provider-data header nor the configuration has one.
        public static let missingAPIKey = Code(rawValue: "missingAPIKey")
        /// The model is outside the provider's `allowed_models`.
        public static let modelNotAllowed = Code(rawValue: "modelNotAllowed")
        /// The provider does not serve the model.
        public static let modelNotAvailable = Code(rawValue: "modelNotAvailable")
        /// The client was shut down.
        public static let shutDown = Code(rawValue: "shutDown")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened.
    public var message: String
    /// The HTTP status, for ``Code-swift.struct/api`` errors.
    public var status: Int?
    /// OpenAI's `error.type`, such as `invalid_request_error`.
    public var type: String?
    /// OpenAI's `error.code`, as text (some servers send a number).
    public var apiCode: String?
    /// OpenAI's `error.param`, or the configuration or request field at fault.
    public var field: String?
    /// How many attempts were made, including retries.
    public var attempts: Int

    /// Creates an error.
    public init(
        code: Code,
        message: String,
        status: Int? = nil,
        type: String? = nil,
        apiCode: String? = nil,
        field: String? = nil,
        attempts: Int = 1
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.type = type
        self.apiCode = apiCode
        self.field = field
        self.attempts = attempts
    }

    public var description: String {
        var text = "\(code)"
        if let status { text += " \(status)" }
        if let type { text += " \(type)" }
        if let apiCode { text += " (\(apiCode))" }
        text += ": \(message)"
        if let field { text += " [\(field)]" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text
    }

    static func configuration(_ field: String, _ message: String) -> InferenceClientError {
        InferenceClientError(code: .invalidConfiguration, message: "\(field): \(message)", field: field)
    }

    static func invalidResponse(_ message: String) -> InferenceClientError {
        InferenceClientError(code: .invalidResponse, message: message)
    }
}
