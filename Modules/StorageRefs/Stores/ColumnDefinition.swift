/// A column of a ``TableSchema``: its name, type, and constraints.
///
/// A primary key column is always NOT NULL: ``isNullable`` reads `false` for it whatever was
/// requested.
public struct ColumnDefinition: Sendable {
    /// The column name; must be a valid ``SQLIdentifier``.
    public var name: String

    /// The column type.
    public var type: ColumnType

    /// Whether the column is the table's primary key.
    ///
    /// A schema has exactly one primary key column; see ``TableSchema/primaryKey``.
    public var isPrimaryKey: Bool

    private var requestedNullable: Bool

    /// Whether the column accepts ``TableValue/null``.
    ///
    /// Always `false` for a primary key column. Writing `.null` into a NOT NULL column throws
    /// ``StorageError/Code-swift.struct/constraintViolation``.
    public var isNullable: Bool {
        get { !self.isPrimaryKey && self.requestedNullable }
        set { self.requestedNullable = newValue }
    }

    /// The value a row gets when an insert does not provide this column, or `nil` for none.
    ///
    /// With no default, an omitted nullable column is ``TableValue/null`` and an omitted NOT NULL
    /// column makes the insert throw ``StorageError/Code-swift.struct/constraintViolation``. The
    /// default must be a value the column ``type`` accepts.
    public var defaultValue: TableValue?

    /// Creates a column definition.
    ///
    /// - Parameters:
    ///   - name: The column name.
    ///   - type: The column type.
    ///   - isPrimaryKey: Whether the column is the primary key; defaults to `false`.
    ///   - isNullable: Whether the column accepts `NULL`; defaults to `true`, ignored for a
    ///     primary key (always NOT NULL).
    ///   - defaultValue: The default value, or `nil` (the default) for none.
    public init(
        name: String,
        type: ColumnType,
        isPrimaryKey: Bool = false,
        isNullable: Bool = true,
        defaultValue: TableValue? = nil
    ) {
        self.name = name
        self.type = type
        self.isPrimaryKey = isPrimaryKey
        self.requestedNullable = isNullable
        self.defaultValue = defaultValue
    }
}

extension ColumnDefinition: Hashable {
    /// Whether two definitions describe the same column (name, type, key, nullability, default).
    ///
    /// - Parameters:
    ///   - lhs: A definition.
    ///   - rhs: Another definition.
    public static func == (lhs: ColumnDefinition, rhs: ColumnDefinition) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.isPrimaryKey == rhs.isPrimaryKey
            && lhs.isNullable == rhs.isNullable && lhs.defaultValue == rhs.defaultValue
    }

    /// Hashes the properties that ``==(_:_:)`` compares.
    ///
    /// - Parameter hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.name)
        hasher.combine(self.type)
        hasher.combine(self.isPrimaryKey)
        hasher.combine(self.isNullable)
        hasher.combine(self.defaultValue)
    }
}
