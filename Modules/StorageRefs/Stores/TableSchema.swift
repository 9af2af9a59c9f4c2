/// The definition of a table: its name, columns and indexes.
///
/// The contract every ``TableStore`` checks in ``TableStore/createTable(_:)`` (see ``validate()``):
/// the table, column and index names are valid ``SQLIdentifier``s; column names are unique;
/// **exactly one** column is the primary key; every index names at least one existing column; every
/// default value is accepted by its column's type.
///
/// ```swift
/// let schema = TableSchema(name: "responses", columns: [
///     ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
///     ColumnDefinition(name: "created_at", type: .integer, isNullable: false),
///     ColumnDefinition(name: "body", type: .json),
/// ], indexes: [IndexDefinition(columns: ["created_at"])])
/// ```
public struct TableSchema: Hashable, Sendable {
    /// The table name; must be a valid ``SQLIdentifier``.
    public var name: String

    /// The columns, in creation order.
    public var columns: [ColumnDefinition]

    /// The secondary indexes.
    public var indexes: [IndexDefinition]

    /// Creates a table schema.
    ///
    /// - Parameters:
    ///   - name: The table name.
    ///   - columns: The columns, exactly one of them the primary key.
    ///   - indexes: The secondary indexes; none by default.
    public init(name: String, columns: [ColumnDefinition], indexes: [IndexDefinition] = []) {
        self.name = name
        self.columns = columns
        self.indexes = indexes
    }

    /// The primary key column, or `nil` unless exactly one column is the primary key.
    ///
    /// A schema without exactly one primary key column is invalid; stores reject it with
    /// ``StorageError/Code-swift.struct/invalidSchema``.
    public var primaryKey: ColumnDefinition? {
        let keys = self.columns.filter(\.isPrimaryKey)
        return keys.count == 1 ? keys[0] : nil
    }

    /// The column named `name`, or `nil` when there is none.
    ///
    /// Names are compared exactly (case-sensitively).
    ///
    /// - Parameter name: A column name.
    /// - Returns: The column's definition.
    public func column(named name: String) -> ColumnDefinition? {
        self.columns.first { $0.name == name }
    }

    /// Checks the schema contract without touching any backend.
    ///
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidIdentifier`` for an
    ///   invalid table, column or (resolved) index name, or
    ///   ``StorageError/Code-swift.struct/invalidSchema`` when there is not exactly one primary key,
    ///   a column name repeats, an index is empty or names an unknown column, or a default value
    ///   is not accepted by its column's type or is `NULL` in a NOT NULL column.
    public func validate() throws(StorageError) {
        _ = try SQLIdentifier.validate(self.name, kind: "table")
        var seen: Set<String> = []
        for column in self.columns {
            _ = try SQLIdentifier.validate(column.name, kind: "column")
            guard seen.insert(column.name).inserted else {
                throw StorageError(
                    code: .invalidSchema,
                    message: "table \(self.name) has two columns named \(column.name)"
                )
            }
            if let value = column.defaultValue {
                guard column.type.accepts(value), column.isNullable || !value.isNull else {
                    throw StorageError(
                        code: .invalidSchema,
                        message: "the default of column \(self.name).\(column.name) is a \(value.kindName) "
                            + "value, which a \(column.type) column does not accept"
                    )
                }
            }
        }
        let keyCount = self.columns.filter(\.isPrimaryKey).count
        guard keyCount == 1 else {
            throw StorageError(
                code: .invalidSchema,
                message: "table \(self.name) must have exactly one primary key column, not \(keyCount)"
            )
        }
        for index in self.indexes {
            _ = try SQLIdentifier.validate(index.resolvedName(table: self.name), kind: "index")
            guard !index.columns.isEmpty else {
                throw StorageError(code: .invalidSchema, message: "an index of table \(self.name) has no columns")
            }
            for column in index.columns where !seen.contains(column) {
                throw StorageError(
                    code: .invalidSchema,
                    message: "index \(index.resolvedName(table: self.name)) names unknown column \(column)"
                )
            }
        }
    }
}
