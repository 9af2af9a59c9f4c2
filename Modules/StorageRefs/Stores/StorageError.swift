/// An error thrown by a key-value or table store.
///
/// Every error has a high-level ``Code-swift.struct`` that identifies what went wrong (for example
/// ``Code-swift.struct/invalidKey`` or ``Code-swift.struct/unknownCursor``), a human-readable
/// ``message`` that may name the offending key, table or column, an optional underlying ``cause``
/// (typically a driver error) and the ``location`` in the source that threw it.
///
/// Match on the code, never on the message:
///
/// ```swift
/// do {
///     try await store.set("", value: [], expiration: nil)
/// } catch let error as StorageError where error.code == .invalidKey {
///     // handle an invalid key
/// }
/// ```
///
/// ``description`` prints only the code and the message; it never prints the cause, because a
/// driver's error may echo a connection string, a password or bound values. ``debugDescription``
/// includes the cause and the source location and is meant for developers, not for logs shipped to
/// users.
///
/// > Note: ``Code-swift.struct`` is a struct, not an enum, so that new codes can be added without
/// > breaking clients. Do not switch over it exhaustively; compare with `==`.
public struct StorageError: Error, Sendable {
    /// The high-level classification of the error.
    ///
    /// Stable across releases; compare it with `==` to decide how to react.
    public var code: Code

    /// A description of what went wrong and, where possible, how to fix it.
    ///
    /// The message may contain keys, table names, column names and identifiers supplied by the
    /// caller. It never contains secrets or bound values; those may only appear in ``cause``.
    public var message: String

    /// The underlying error that made the operation fail, if any.
    ///
    /// Usually a driver or system error. It may contain sensitive details, so it is left out of
    /// ``description`` and shown only by ``debugDescription``.
    public var cause: (any Error & Sendable)?

    /// The place in the source code where this error was created.
    public var location: SourceLocation

    /// Creates an error, capturing the caller's file and line.
    ///
    /// - Parameters:
    ///   - code: The high-level classification of the error.
    ///   - message: A description of what went wrong; must not contain secrets.
    ///   - cause: The underlying error, if any.
    ///   - file: The file that creates the error; defaults to the caller's `#fileID`.
    ///   - line: The line that creates the error; defaults to the caller's `#line`.
    public init(
        code: Code,
        message: String,
        cause: (any Error & Sendable)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.init(code: code, message: message, cause: cause, location: SourceLocation(file: file, line: line))
    }

    /// Creates an error with an explicit source location.
    ///
    /// - Parameters:
    ///   - code: The high-level classification of the error.
    ///   - message: A description of what went wrong; must not contain secrets.
    ///   - cause: The underlying error, if any.
    ///   - location: Where the error was created.
    public init(code: Code, message: String, cause: (any Error & Sendable)?, location: SourceLocation) {
        self.code = code
        self.message = message
        self.cause = cause
        self.location = location
    }
}

extension StorageError {
    /// A position in the source code: the file ID and line where an error was created.
    ///
    /// The file is a `#fileID` (`Module/File.swift`), never an absolute path.
    public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
        /// The `#fileID` of the file, such as `StorageRefs/KeyRange.swift`.
        public var file: String

        /// The line number, starting at 1.
        public var line: Int

        /// Creates a source location.
        ///
        /// - Parameters:
        ///   - file: A `#fileID`.
        ///   - line: A line number.
        public init(file: String, line: Int) {
            self.file = file
            self.line = line
        }

        /// The location as `file:line`.
        public var description: String {
            "\(self.file):\(self.line)"
        }
    }
}

extension StorageError: CustomStringConvertible {
    /// The code and the message, as `code: message`.
    ///
    /// Safe to log: the ``cause``, which may contain secrets, is left out.
    public var description: String {
        "\(self.code): \(self.message)"
    }
}

extension StorageError: CustomDebugStringConvertible {
    /// The code, the message, the cause and the source location.
    ///
    /// Meant for developers. The cause may contain sensitive details such as a connection string,
    /// so do not ship this text to users or to shared logs.
    public var debugDescription: String {
        var text = "StorageError(\(self.code)): \(self.message)"
        if let cause = self.cause {
            text += " (cause: \(String(reflecting: cause)))"
        }
        text += " [at \(self.location)]"
        return text
    }
}

extension StorageError {
    /// A high-level classification of a ``StorageError``.
    ///
    /// A struct wrapping a private enum, so codes can be added in later releases without breaking
    /// clients. Its `description` is the code's name, such as `invalidKey`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidKey
            case invalidIdentifier
            case invalidPredicate
            case invalidValue
            case invalidSchema
            case unknownTable
            case unknownColumn
            case schemaMismatch
            case unknownCursor
            case notFound
            case constraintViolation
            case unknownBackend
            case wrongBackendFamily
            case driverMissing
            case notSupported
            case connectionFailed
            case closed
            case backendFailure
        }

        private var base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The name of the code, such as `invalidKey`.
        public var description: String {
            self.base.rawValue
        }

        /// A key-value key is not acceptable: it is empty.
        public static var invalidKey: Self { Self(.invalidKey) }

        /// A table, column or index name does not match `^[A-Za-z_][A-Za-z0-9_]*$` or is longer than
        /// 63 UTF-8 bytes.
        ///
        /// Thrown before any SQL is built; see ``SQLIdentifier``.
        public static var invalidIdentifier: Self { Self(.invalidIdentifier) }

        /// A ``TablePredicate`` cannot be evaluated.
        ///
        /// For example `equal` or `in` with a `.null` operand (use `isNull`), an ordering comparison
        /// with a JSON value, or a comparison between kinds that have no common order.
        public static var invalidPredicate: Self { Self(.invalidPredicate) }

        /// A value or argument is not acceptable.
        ///
        /// For example a ``TableValue`` whose kind the column's ``ColumnType`` does not accept, a
        /// negative limit, or stored bytes that are not valid UTF-8 when a string was requested.
        public static var invalidValue: Self { Self(.invalidValue) }

        /// A ``TableSchema`` is malformed.
        ///
        /// For example it has no primary key or more than one, two columns with the same name, an
        /// index over an unknown column, or a default value the column's type does not accept.
        public static var invalidSchema: Self { Self(.invalidSchema) }

        /// A table does not exist.
        public static var unknownTable: Self { Self(.unknownTable) }

        /// A row, predicate, ordering or projection names a column the table does not have.
        ///
        /// The message names the column.
        public static var unknownColumn: Self { Self(.unknownColumn) }

        /// A table exists but its columns do not match the ``TableSchema`` passed to
        /// ``TableStore/createTable(_:)``.
        public static var schemaMismatch: Self { Self(.schemaMismatch) }

        /// A ``KeysetCursor`` refers to a row that does not exist (any more).
        public static var unknownCursor: Self { Self(.unknownCursor) }

        /// A requested item does not exist, or the caller may not see it.
        ///
        /// The two cases are deliberately indistinguishable.
        public static var notFound: Self { Self(.notFound) }

        /// A write violates a constraint: a duplicate primary key or unique index entry, or a NULL in
        /// a NOT NULL column.
        public static var constraintViolation: Self { Self(.constraintViolation) }

        /// A store reference names a backend that is not configured.
        public static var unknownBackend: Self { Self(.unknownBackend) }

        /// A key-value reference names a table backend, or a table reference names a key-value
        /// backend.
        public static var wrongBackendFamily: Self { Self(.wrongBackendFamily) }

        /// A backend is configured but the application did not link or register its driver.
        public static var driverMissing: Self { Self(.driverMissing) }

        /// The backend or driver does not support the requested operation or configuration.
        public static var notSupported: Self { Self(.notSupported) }

        /// The backend could not be reached or the connection was lost.
        public static var connectionFailed: Self { Self(.connectionFailed) }

        /// The store or catalog has been shut down.
        public static var closed: Self { Self(.closed) }

        /// The backend reported an error that has no more specific code; see ``StorageError/cause``.
        public static var backendFailure: Self { Self(.backendFailure) }
    }
}
