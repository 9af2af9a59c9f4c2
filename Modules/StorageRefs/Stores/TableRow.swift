/// A table row: values by column name.
///
/// A row read from a store has every column of the table (or of the query's projection), with
/// ``TableValue/null`` for columns that hold `NULL`. A row written to a store may omit columns;
/// omitted columns get their default (see ``ColumnDefinition/defaultValue``). The subscript returns
/// `nil` for a column the row does not have, which is different from a column that is `NULL`
/// (`.null`).
///
/// ```swift
/// var row: TableRow = ["id": "resp_1", "created_at": 1_700_000_000, "body": .json(["ok": true])]
/// row["status"] = "completed"
/// ```
///
/// Iterating a row yields its columns in ascending (UTF-8 byte) order of their names.
public struct TableRow: Hashable, Sendable {
    /// The row's values by column name.
    public var values: [String: TableValue]

    /// Creates a row from values by column name.
    ///
    /// - Parameter values: The values; empty (the default) for a row with no columns.
    public init(_ values: [String: TableValue] = [:]) {
        self.values = values
    }

    /// The value of `column`, or `nil` when the row has no such column.
    ///
    /// Setting `nil` removes the column from the row; set ``TableValue/null`` to write `NULL`.
    ///
    /// - Parameter column: A column name.
    public subscript(column: String) -> TableValue? {
        get { self.values[column] }
        set { self.values[column] = newValue }
    }

    /// The names of the row's columns, ascending by their UTF-8 bytes.
    public var columns: [String] {
        self.values.keys.sorted(by: KeyRange.utf8Precedes)
    }

    /// The number of columns in the row.
    public var count: Int {
        self.values.count
    }

    /// Whether the row has no columns.
    public var isEmpty: Bool {
        self.values.isEmpty
    }
}

extension TableRow: ExpressibleByDictionaryLiteral {
    /// Creates a row from a dictionary literal of column names and values.
    ///
    /// As with `Dictionary`, a column named twice is a programming error and traps.
    ///
    /// - Parameter elements: The columns and their values.
    public init(dictionaryLiteral elements: (String, TableValue)...) {
        self.init(Dictionary(uniqueKeysWithValues: elements))
    }
}

extension TableRow: Sequence {
    /// Returns an iterator over the row's `(column, value)` pairs in ascending column-name order.
    public func makeIterator() -> IndexingIterator<[(column: String, value: TableValue)]> {
        self.columns.map { (column: $0, value: self.values[$0]!) }.makeIterator()
    }
}
