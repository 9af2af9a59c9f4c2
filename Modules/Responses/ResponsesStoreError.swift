/// An error of ``ResponsesStore``: a missing response or item, an unknown cursor, a bad or unsupported argument.
public struct ResponsesStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No response (or input item) has the id, or the current user may not read it; the two look the same.
        public static var notFound: Code { Code("notFound") }
        /// The `after` cursor names no response the current user may read.
        public static var unknownCursor: Code { Code("unknownCursor") }
        /// An argument is out of range or arguments conflict, such as a limit below 1 or both
        /// `before` and `after`.
        public static var invalidArgument: Code { Code("invalidArgument") }
        /// A feature this store does not provide, such as `include` on input items.
        public static var notSupported: Code { Code("notSupported") }

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// A message naming the id or argument at fault.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String { "\(code): \(message)" }
}
