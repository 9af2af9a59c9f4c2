/// What a store knows about an existing table: its columns, primary key and unique column sets.
///
/// Returned by ``TableOperations/describeTable(_:)``; decorators (such as the access-control
/// store) use it to learn a table's primary key.
public struct TableDescription: Hashable, Sendable {
    /// The table's name.
    public var name: String

    /// The columns, in the table's order. Name, type, primary-key flag and nullability are as
    /// stored; ``ColumnDefinition/defaultValue`` is not reported and is `nil`.
    public var columns: [ColumnDefinition]

    /// The primary key column.
    public var primaryKey: ColumnDefinition

    /// The column sets whose values are unique: the primary key and each unique index.
    public var uniqueColumnSets: [Set<String>]

    /// Creates a description.
    ///
    /// - Parameters:
    ///   - name: The table's name.
    ///   - columns: The columns, in the table's order.
    ///   - primaryKey: The primary key column.
    ///   - uniqueColumnSets: The unique column sets, the primary key's included.
    public init(name: String, columns: [ColumnDefinition], primaryKey: ColumnDefinition, uniqueColumnSets: [Set<String>]) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.uniqueColumnSets = uniqueColumnSets
    }

    /// The column named `name`, or `nil`.
    ///
    /// - Parameter name: The column name.
    /// - Returns: The column's definition, or `nil` when the table has no such column.
    public func column(named name: String) -> ColumnDefinition? {
        self.columns.first { $0.name == name }
    }
}
