import StorageRefs
import Synchronization

/// A table store that forwards to `base` but fails every write while ``failWrites`` is set.
final class FailingTableStore: TableStore {
    let base: any TableStore
    let failWrites = Mutex(false)

    init(base: any TableStore) { self.base = base }

    private func check() throws {
        if failWrites.withLock({ $0 }) { throw StorageError(code: .connectionFailed, message: "injected write failure") }
    }

    var dialect: TableStoreDialect { base.dialect }
    func createTable(_ schema: TableSchema) async throws { try await base.createTable(schema) }
    func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws { try check(); try await base.addColumnIfNotExists(table: table, column: column) }
    func withTransaction<Result: Sendable>(_ body: @Sendable (any TableOperations) async throws -> Result) async throws -> Result {
        try check()
        return try await base.withTransaction(body)
    }
    func insert(into table: String, rows: [TableRow]) async throws { try check(); try await base.insert(into: table, rows: rows) }
    func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws { try check(); try await base.upsert(into: table, rows: rows, onConflict: columns) }
    func fetchPage(_ query: TableQuery) async throws -> TablePage { try await base.fetchPage(query) }
    func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? { try await base.fetchOne(from: table, where: predicate) }
    func count(in table: String, where predicate: TablePredicate?) async throws -> Int { try await base.count(in: table, where: predicate) }
    func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int { try check(); return try await base.update(table, set: values, where: predicate) }
    func delete(from table: String, where predicate: TablePredicate) async throws -> Int { try check(); return try await base.delete(from: table, where: predicate) }
    func describeTable(_ table: String) async throws -> TableDescription { try await base.describeTable(table) }
}
