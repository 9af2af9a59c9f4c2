/// A reference to a table store: a `sql_*` backend and the table this store owns.
///
/// Written in YAML as `{ backend: sql_default, table_name: openai_conversations }`. Unlike llama-stack, whose
/// stores hard-coded their table names, StackKit stores use ``tableName``.
public struct SQLStoreReference: Sendable, Hashable {
    /// Name of a `sql_*` backend in `storage.backends`.
    public var backend: String
    /// The table: `^[A-Za-z_][A-Za-z0-9_]*$`, at most 63 bytes.
    public var tableName: String

    /// Creates a reference.
    public init(backend: String, tableName: String) {
        self.backend = backend
        self.tableName = tableName
    }
}
