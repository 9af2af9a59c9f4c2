/// What went wrong in a file store call: a ``Code`` to branch on, and a message naming the field or file at fault.
public struct FileStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No visible file has the id (it never existed, was deleted, or has expired).
        public static let notFound = Code(rawValue: "notFound")
        /// A request field is invalid; ``FileStoreError/field`` names it.
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// The upload is larger than the store's limit.
        public static let tooLarge = Code(rawValue: "tooLarge")
        /// The `after` cursor names no file.
        public static let unknownCursor = Code(rawValue: "unknownCursor")
        /// A stored row or its bytes could not be read.
        public static let corruptRecord = Code(rawValue: "corruptRecord")
        /// Reading or writing the store's directory failed.
        public static let storageFailure = Code(rawValue: "storageFailure")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, naming the field or file at fault.
    public var message: String
    /// The request field at fault (for example `expires_after[seconds]`), when there is one.
    public var field: String?

    /// Creates an error.
    public init(code: Code, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String { "\(code): \(message)" }

    /// A request field is invalid.
    public static func invalid(_ field: String, _ message: String) -> FileStoreError {
        FileStoreError(code: .invalidArgument, message: "\(field): \(message)", field: field)
    }

    static func notFound(id: String) -> FileStoreError {
        FileStoreError(code: .notFound, message: "no file with id '\(id)'")
    }
}
