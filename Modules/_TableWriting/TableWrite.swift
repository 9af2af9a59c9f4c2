public import StorageRefs

/// One logical write of a store: rows for one or more tables, applied together in one transaction.
///
/// Each row set is keyed by its table's primary key column, so a write retried after an ambiguous
/// failure (the commit may have happened before the connection broke) is recognised as already
/// present instead of being inserted twice. The ``User`` current when the write was made is kept
/// and restored when a worker applies it, so an access-control decorator records the right owner.
public struct TableWrite: Sendable {
    /// One table's part of a write.
    public enum Operation: Sendable {
        /// Inserts rows whose primary key column is `key`; all must be new.
        case insert(table: String, key: String, rows: [TableRow])
        /// Inserts or updates rows conflicting on `columns` (idempotent by construction).
        case upsert(table: String, rows: [TableRow], conflict: [String])
        /// Deletes the rows matching a predicate (idempotent by construction).
        case delete(table: String, predicate: TablePredicate)
    }

    /// The operations, applied in order in one transaction.
    public var operations: [Operation]

    /// The user the write runs as; ``User/current`` when the write was created.
    public var user: User?

    /// A short description for errors and the dead-letter table, such as `response resp_123`.
    public var label: String

    /// Creates a write as the current user.
    ///
    /// - Parameters:
    ///   - label: A short description, such as `response resp_123`.
    ///   - operations: The operations, applied in order in one transaction.
    public init(label: String, operations: [Operation]) {
        self.label = label
        self.operations = operations
        self.user = User.current
    }
}
