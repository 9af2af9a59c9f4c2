/// The type of a table column, named as in llama-stack (`INTEGER`, `STRING`, …).
///
/// A struct with static members rather than an enum so that types can be added without breaking
/// clients; compare with `==` rather than switching exhaustively. See ``TableValue`` for the values
/// each type accepts, and ``accepts(_:)``.
public struct ColumnType: RawRepresentable, Hashable, Sendable {
    /// The uppercase name: `INTEGER`, `STRING`, `TEXT`, `FLOAT`, `BOOLEAN`, `JSON` or `DATETIME`.
    public let rawValue: String

    /// Creates a column type from its uppercase name.
    ///
    /// - Parameter rawValue: One of the names in ``allCases``, exactly (case-sensitive).
    /// - Returns: `nil` for any other name.
    public init?(rawValue: String) {
        guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    private init(known rawValue: String) {
        self.rawValue = rawValue
    }

    /// A 64-bit signed integer (`INTEGER`); accepts ``TableValue/integer(_:)``.
    public static let integer = ColumnType(known: "INTEGER")

    /// A short string (`STRING`); accepts ``TableValue/string(_:)``.
    ///
    /// Backends may index it more cheaply than ``text``; neither imposes a length limit.
    public static let string = ColumnType(known: "STRING")

    /// A long string (`TEXT`); accepts ``TableValue/string(_:)``.
    public static let text = ColumnType(known: "TEXT")

    /// A double-precision number (`FLOAT`); accepts ``TableValue/float(_:)`` and
    /// ``TableValue/integer(_:)``, and reads back as ``TableValue/float(_:)``.
    public static let float = ColumnType(known: "FLOAT")

    /// A boolean (`BOOLEAN`); accepts ``TableValue/boolean(_:)``.
    public static let boolean = ColumnType(known: "BOOLEAN")

    /// A JSON document (`JSON`); accepts ``TableValue/json(_:)``, any JSON value including
    /// `.json(.null)`.
    public static let json = ColumnType(known: "JSON")

    /// An instant (`DATETIME`); accepts ``TableValue/datetime(_:)``.
    public static let datetime = ColumnType(known: "DATETIME")

    /// Every column type, in declaration order.
    public static let allCases: [ColumnType] = [.integer, .string, .text, .float, .boolean, .json, .datetime]

    /// Whether a column of this type can hold `value`, ignoring nullability.
    ///
    /// ``TableValue/null`` is always accepted here; whether the column allows it is
    /// ``ColumnDefinition/isNullable``.
    ///
    /// - Parameter value: The value to check.
    /// - Returns: `true` when the value's kind matches this type (see ``TableValue``).
    public func accepts(_ value: TableValue) -> Bool {
        switch value {
        case .null: return true
        case .integer: return self == .integer || self == .float
        case .float: return self == .float
        case .string: return self == .string || self == .text
        case .boolean: return self == .boolean
        case .json: return self == .json
        case .datetime: return self == .datetime
        }
    }
}

extension ColumnType: CustomStringConvertible {
    /// The uppercase name, such as `INTEGER`.
    public var description: String {
        self.rawValue
    }
}
