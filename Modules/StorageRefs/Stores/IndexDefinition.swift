/// A secondary index of a ``TableSchema``.
///
/// ``TableStore/createTable(_:)`` creates missing indexes (`CREATE INDEX IF NOT EXISTS`), also
/// when the table already exists.
public struct IndexDefinition: Hashable, Sendable {
    /// The index name, or `nil` to derive one with ``resolvedName(table:)``.
    public var name: String?

    /// The indexed columns, in index order; at least one, each a column of the table.
    public var columns: [String]

    /// Whether the index enforces uniqueness of the column combination.
    ///
    /// A write that would duplicate an entry throws
    /// ``StorageError/Code-swift.struct/constraintViolation``.
    public var isUnique: Bool

    /// Creates an index definition.
    ///
    /// - Parameters:
    ///   - name: The index name, or `nil` (the default) for `ix_<table>_<columns>`.
    ///   - columns: The indexed columns, in order.
    ///   - isUnique: Whether the index is unique; defaults to `false`.
    public init(name: String? = nil, columns: [String], isUnique: Bool = false) {
        self.name = name
        self.columns = columns
        self.isUnique = isUnique
    }

    /// The index name: ``name`` if set, otherwise `ix_<table>_<column1>_<column2>…`.
    ///
    /// The result is validated like every identifier (see ``SQLIdentifier``), so a derived name
    /// longer than 63 bytes makes ``TableStore/createTable(_:)`` throw
    /// ``StorageError/Code-swift.struct/invalidIdentifier``; give such an index an explicit ``name``.
    ///
    /// - Parameter table: The name of the table the index belongs to.
    /// - Returns: The name to create the index under.
    public func resolvedName(table: String) -> String {
        self.name ?? "ix_\(table)_\(self.columns.joined(separator: "_"))"
    }
}
