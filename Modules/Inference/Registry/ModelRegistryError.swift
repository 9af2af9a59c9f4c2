/// Why a model registry call failed: a ``Code`` to branch on and a message naming the model.
public struct ModelRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The provider does not serve the model (neither a known entry nor dynamically available).
        public static let unsupportedModel = Code(rawValue: "unsupportedModel")
        /// The identifier is registered already, to a different provider model.
        public static let conflictingRegistration = Code(rawValue: "conflictingRegistration")
        /// The model is outside the provider's `allowed_models`.
        public static let modelNotAllowed = Code(rawValue: "modelNotAllowed")
        /// No registration has the identifier.
        public static let notRegistered = Code(rawValue: "notRegistered")
        /// A registration field is invalid (an empty identifier, say).
        public static let invalidArgument = Code(rawValue: "invalidArgument")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, naming the model.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
