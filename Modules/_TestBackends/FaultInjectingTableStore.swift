package import StorageRefs
import Synchronization

/// A table store for tests that forwards to `base` and fails writes on demand, so a test can prove that a failed
/// write changes nothing (or, with ``Fault/insertAfterCommit``, that a write whose error arrived after its commit is
/// handled).
///
/// Reads always pass through. Only for this package's tests.
package final class FaultInjectingTableStore: TableStore {
    /// Which writes fail.
    package enum Fault: Sendable {
        /// Nothing fails.
        case none
        /// Every write (insert, upsert, update, delete, add column, transaction) fails before reaching `base`.
        case allWrites
        /// Inserts fail before reaching `base`.
        case insert
        /// Inserts reach `base` (and commit), then report an error, as a connection lost after COMMIT does.
        case insertAfterCommit
    }

    package let base: any TableStore
    private let state = Mutex(Fault.none)

    package init(base: any TableStore) {
        self.base = base
    }

    /// The fault now in force.
    package var fault: Fault {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    private func checkWrite() throws {
        if case .allWrites = fault { throw StorageError(code: .connectionFailed, message: "injected write failure") }
    }

    package var dialect: TableStoreDialect { base.dialect }
    package func createTable(_ schema: TableSchema) async throws { try await base.createTable(schema) }
    package func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws {
        try checkWrite()
        try await base.addColumnIfNotExists(table: table, column: column)
    }
    package func withTransaction<Result: Sendable>(_ body: @Sendable (any TableOperations) async throws -> Result) async throws -> Result {
        try checkWrite()
        return try await base.withTransaction(body)
    }
    package func insert(into table: String, rows: [TableRow]) async throws {
        switch fault {
        case .allWrites, .insert: throw StorageError(code: .connectionFailed, message: "injected insert failure")
        case .insertAfterCommit:
            try await base.insert(into: table, rows: rows)
            throw StorageError(code: .connectionFailed, message: "injected failure after commit")
        case .none:
            try await base.insert(into: table, rows: rows)
        }
    }
    package func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        try checkWrite()
        try await base.upsert(into: table, rows: rows, onConflict: columns)
    }
    package func fetchPage(_ query: TableQuery) async throws -> TablePage { try await base.fetchPage(query) }
    package func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        try await base.fetchOne(from: table, where: predicate)
    }
    package func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        try await base.count(in: table, where: predicate)
    }
    package func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        try checkWrite()
        return try await base.update(table, set: values, where: predicate)
    }
    package func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        try checkWrite()
        return try await base.delete(from: table, where: predicate)
    }
    package func describeTable(_ table: String) async throws -> TableDescription { try await base.describeTable(table) }
}
