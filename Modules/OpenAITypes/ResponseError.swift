public import StorageRefs

/// Why a Responses API response failed: the response's `error` object.
///
/// Required fields: `code` and `message`, strings. Not a Swift `Error`: it is data reported by the
/// API and stored with the response.
public struct ResponseError: OpenAIObject {
    /// Every field, known and unknown.
    public var fields: [String: JSONValue]

    /// Wraps fields after checking the known ones.
    ///
    /// - Parameter fields: The members of the `error` object.
    /// - Throws: ``OpenAIObjectError`` naming the first missing or invalid field.
    public init(fields: [String: JSONValue]) throws(OpenAIObjectError) {
        try self.init(checking: fields)
    }

    init(validated fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// Creates an error object.
    ///
    /// - Parameters:
    ///   - code: The error code, such as `"server_error"` or `"rate_limit_exceeded"`.
    ///   - message: A human-readable description.
    public init(code: String, message: String) {
        self.fields = ["code": .string(code), "message": .string(message)]
    }
}

extension ResponseError: ValidatingOpenAIObject {
    static func validate(_ validator: FieldValidator) throws(OpenAIObjectError) {
        try validator.requireString("code")
        try validator.requireString("message")
    }
}

extension ResponseError {
    /// The error code: `code`, such as `"server_error"`.
    public var code: String {
        get { fields.stringField("code") ?? "" }
        set { fields["code"] = .string(newValue) }
    }

    /// A human-readable description: `message`.
    public var message: String {
        get { fields.stringField("message") ?? "" }
        set { fields["message"] = .string(newValue) }
    }
}
