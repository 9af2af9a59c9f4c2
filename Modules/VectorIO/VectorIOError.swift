/// What went wrong in a VectorIO call: a ``Code`` to branch on, and a message naming the field, index or chunk at
/// fault.
public struct VectorIOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// An embedding has the wrong dimension or a value that is not finite.
        public static let invalidEmbedding = Code(rawValue: "invalidEmbedding")
        /// A metadata filter is malformed: unknown operator, missing key, wrong value type.
        public static let invalidFilter = Code(rawValue: "invalidFilter")
        /// An argument is out of range (`k`, a ranker weight, a dimension, a chunk field).
        public static let invalidArgument = Code(rawValue: "invalidArgument")
        /// A stored chunk row could not be read back.
        public static let corruptRecord = Code(rawValue: "corruptRecord")
        /// The index has no keyword search backend, so keyword and hybrid queries cannot run.
        public static let keywordSearchUnavailable = Code(rawValue: "keywordSearchUnavailable")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened, naming the field, index or chunk at fault.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func invalidArgument(_ message: String) -> VectorIOError {
        VectorIOError(code: .invalidArgument, message: message)
    }

    static func invalidFilter(at path: String, _ message: String) -> VectorIOError {
        VectorIOError(code: .invalidFilter, message: "filter\(path): \(message)")
    }
}
