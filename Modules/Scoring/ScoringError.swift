/// Why a scoring call failed: a ``Code`` and a message naming the function, aggregation or row at fault.
public struct ScoringError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; switch with a `default`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No aggregation has the name.
        public static let unknownAggregation = Code(rawValue: "unknownAggregation")
        /// A scoring function with the identifier is registered already.
        public static let duplicateFunction = Code(rawValue: "duplicateFunction")
        /// No scoring function has the identifier.
        public static let unknownFunction = Code(rawValue: "unknownFunction")
        /// A row lacks a field the function needs, or has it with the wrong kind.
        public static let invalidRow = Code(rawValue: "invalidRow")
        /// A parameter is invalid (a regex that does not compile, a limit below 1).
        public static let invalidParameter = Code(rawValue: "invalidParameter")
        /// Scoring a row took longer than its time limit.
        public static let timedOut = Code(rawValue: "timedOut")
    }

    /// The kind of failure.
    public var code: Code
    /// What happened.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
