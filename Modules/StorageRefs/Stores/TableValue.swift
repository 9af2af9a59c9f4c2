public import Foundation

/// A value in a table row, a predicate or a column default.
///
/// Which kinds a column accepts depends on its ``ColumnType`` (see ``ColumnType/accepts(_:)``):
///
/// | Column type | Accepted values |
/// |---|---|
/// | `INTEGER` | ``integer(_:)`` |
/// | `FLOAT` | ``float(_:)``, and ``integer(_:)`` (stored as a `Double`, read back as ``float(_:)``) |
/// | `STRING`, `TEXT` | ``string(_:)`` |
/// | `BOOLEAN` | ``boolean(_:)`` |
/// | `JSON` | ``json(_:)`` |
/// | `DATETIME` | ``datetime(_:)`` |
///
/// ``null`` (SQL `NULL`) is accepted by every nullable column. A store rejects any other
/// combination with ``StorageError/Code-swift.struct/invalidValue`` naming the column, and a
/// ``null`` in a NOT NULL column with ``StorageError/Code-swift.struct/constraintViolation``.
///
/// > Important: ``null`` means "no value" (SQL `NULL`), while `.json(.null)` is a JSON document
/// > that is `null`. JSON columns keep the two apart on every backend.
///
/// Equality is structural: `.integer(1)` and `.float(1)` are different values (predicates, on the
/// other hand, compare them numerically; see ``TablePredicate``).
public enum TableValue: Hashable, Sendable {
    /// SQL `NULL`: the column has no value.
    case null

    /// A 64-bit signed integer, for `INTEGER` (and `FLOAT`) columns.
    case integer(Int64)

    /// A double-precision number, for `FLOAT` columns.
    case float(Double)

    /// A string, for both `STRING` and `TEXT` columns.
    case string(String)

    /// A boolean, for `BOOLEAN` columns.
    case boolean(Bool)

    /// A JSON document, for `JSON` columns; `.json(.null)` is not ``null``.
    case json(JSONValue)

    /// An instant, for `DATETIME` columns.
    ///
    /// Backends store at least microsecond precision; finer fractions may be truncated.
    case datetime(Date)
}

extension TableValue {
    /// Whether the value is SQL `NULL` (``null``); `.json(.null)` is not.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The integer, when the value is ``integer(_:)``; otherwise `nil`.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, when the value is ``float(_:)`` or ``integer(_:)``; otherwise `nil`.
    public var floatValue: Double? {
        switch self {
        case .float(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The string, when the value is ``string(_:)``; otherwise `nil`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, when the value is ``boolean(_:)``; otherwise `nil`.
    public var booleanValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// The JSON document, when the value is ``json(_:)``; otherwise `nil`.
    public var jsonValue: JSONValue? {
        if case .json(let value) = self { return value }
        return nil
    }

    /// The instant, when the value is ``datetime(_:)``; otherwise `nil`.
    public var datetimeValue: Date? {
        if case .datetime(let value) = self { return value }
        return nil
    }

    /// The name of the value's kind, such as `integer` or `null`, for error messages.
    ///
    /// Never includes the value itself, which may be sensitive.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .float: "float"
        case .string: "string"
        case .boolean: "boolean"
        case .json: "json"
        case .datetime: "datetime"
        }
    }
}

extension TableValue: ExpressibleByNilLiteral {
    /// Creates ``null``.
    ///
    /// - Parameter nilLiteral: The `nil` literal.
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension TableValue: ExpressibleByStringLiteral {
    /// Creates a ``string(_:)``.
    ///
    /// - Parameter value: The literal.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension TableValue: ExpressibleByIntegerLiteral {
    /// Creates an ``integer(_:)``.
    ///
    /// - Parameter value: The literal.
    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}

extension TableValue: ExpressibleByFloatLiteral {
    /// Creates a ``float(_:)``.
    ///
    /// - Parameter value: The literal.
    public init(floatLiteral value: Double) {
        self = .float(value)
    }
}

extension TableValue: ExpressibleByBooleanLiteral {
    /// Creates a ``boolean(_:)``.
    ///
    /// - Parameter value: The literal.
    public init(booleanLiteral value: Bool) {
        self = .boolean(value)
    }
}
