/// An error of the paginator: a bad argument or a cursor token that cannot be read.
public struct PaginationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// An argument is out of range, such as a negative `start_index`.
        public static var invalidArgument: Code { Code("invalidArgument") }
        /// A cursor token is not one this library wrote (bad base64url, bad JSON, missing fields).
        public static var malformedCursor: Code { Code("malformedCursor") }
        /// A cursor token of a version this library does not read.
        public static var unsupportedCursorVersion: Code { Code("unsupportedCursorVersion") }
        /// A cursor whose sort values do not fit the list's sort key (another list's cursor).
        public static var mismatchedCursor: Code { Code("mismatchedCursor") }

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A message naming the argument or the token problem (never the whole token).
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code): \(message)" }
}
