/// What went wrong in a Memory call: a ``Code`` to branch on, and a message naming the field, document or source at
/// fault.
public struct MemoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An argument or request field is invalid; the message names it.
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// A data URL is malformed.
        public static let invalidDataURL = Code(rawValue: "invalidDataURL")
        /// Bytes could not be decoded as text in any encoding tried.
        public static let undecodableText = Code(rawValue: "undecodableText")
        /// The content type cannot be turned into text.
        public static let unsupportedContent = Code(rawValue: "unsupportedContent")
        /// A source could not be read: missing file, HTTP error, too large, too slow.
        public static let sourceUnavailable = Code(rawValue: "sourceUnavailable")
        /// A tokenizer file or token id is invalid.
        public static let invalidTokenizer = Code(rawValue: "invalidTokenizer")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, naming the field, document or source at fault.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// An invalid argument: the message is `"<field>: <message>"`.
    public static func invalid(_ field: String, _ message: String) -> MemoryError {
        MemoryError(code: .invalidArgument, message: "\(field): \(message)")
    }
}
