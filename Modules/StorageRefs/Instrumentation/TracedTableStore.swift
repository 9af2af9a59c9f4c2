import _Instrumentation
public import CoreMetrics
public import Tracing

/// A table store whose every operation is traced and measured: a span `<Store>.<operation>` (for example
/// `PostgresTableStore.fetchPage`) with the table and row counts — never row contents — the error recorded and
/// the span's status set on failure, plus a duration timer and an error counter. A transaction is one span
/// (`withTransaction`); the operations inside it are not traced one by one.
///
/// ``StorageCatalog`` hands out its table stores wrapped in this.
public struct TracedTableStore: TableStore {
    /// The store every call goes to.
    public let base: any TableStore
    /// The base store's SQL dialect.
    public var dialect: TableStoreDialect { base.dialect }
    private let instrumentation: OperationInstrumentation
    /// Nothing is recorded (no-op tracer and metrics): calls go straight to the base store.
    private let passthrough: Bool

    static let operations = [
        "insert", "upsert", "fetchPage", "fetchOne", "count", "update", "delete", "describeTable", "createTable",
        "addColumnIfNotExists", "withTransaction",
    ]

    /// Wraps `base`.
    ///
    /// - Parameters:
    ///   - base: The store.
    ///   - tracer: The tracer; `nil` uses the bootstrapped one.
    ///   - metricsFactory: The metrics backend; `nil` uses the bootstrapped one.
    public init(_ base: any TableStore, tracer: (any Tracer)? = nil, metricsFactory: (any MetricsFactory)? = nil) {
        self.base = base
        self.instrumentation = OperationInstrumentation(
            component: String(describing: type(of: base)),
            operations: Self.operations,
            tracer: tracer,
            metricsFactory: metricsFactory
        )
        self.passthrough = instrumentation.isIdle
    }

    private static func table(_ name: String, count: Int? = nil) -> (inout SpanAttributes) -> Void {
        { attributes in
            attributes["stackkit.table"] = name
            if let count { attributes["stackkit.count"] = count }
        }
    }

    public func insert(into table: String, rows: [TableRow]) async throws {
        if passthrough { return try await base.insert(into: table, rows: rows) }
        try await instrumentation.run("insert", attributes: Self.table(table, count: rows.count)) { _ in
            try await base.insert(into: table, rows: rows)
        }
    }

    public func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        try await instrumentation.run("upsert", attributes: Self.table(table, count: rows.count)) { _ in
            try await base.upsert(into: table, rows: rows, onConflict: columns)
        }
    }

    public func fetchPage(_ query: TableQuery) async throws -> TablePage {
        if passthrough { return try await base.fetchPage(query) }
        return try await instrumentation.run("fetchPage", attributes: Self.table(query.table)) { span in
            let page = try await base.fetchPage(query)
            span.attributes["stackkit.count"] = page.rows.count
            return page
        }
    }

    public func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        if passthrough { return try await base.fetchOne(from: table, where: predicate) }
        return try await instrumentation.run("fetchOne", attributes: Self.table(table)) { span in
            let row = try await base.fetchOne(from: table, where: predicate)
            span.attributes["stackkit.count"] = row == nil ? 0 : 1
            return row
        }
    }

    public func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        try await instrumentation.run("count", attributes: Self.table(table)) { _ in
            try await base.count(in: table, where: predicate)
        }
    }

    public func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        try await instrumentation.run("update", attributes: Self.table(table)) { span in
            let changed = try await base.update(table, set: values, where: predicate)
            span.attributes["stackkit.count"] = changed
            return changed
        }
    }

    public func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        try await instrumentation.run("delete", attributes: Self.table(table)) { span in
            let removed = try await base.delete(from: table, where: predicate)
            span.attributes["stackkit.count"] = removed
            return removed
        }
    }

    public func describeTable(_ table: String) async throws -> TableDescription {
        try await instrumentation.run("describeTable", attributes: Self.table(table)) { _ in try await base.describeTable(table) }
    }

    public func createTable(_ schema: TableSchema) async throws {
        try await instrumentation.run("createTable", attributes: Self.table(schema.name)) { _ in try await base.createTable(schema) }
    }

    public func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws {
        try await instrumentation.run("addColumnIfNotExists", attributes: Self.table(table)) { _ in
            try await base.addColumnIfNotExists(table: table, column: column)
        }
    }

    public func withTransaction<Result: Sendable>(_ body: @Sendable (any TableOperations) async throws -> Result) async throws -> Result {
        try await instrumentation.run("withTransaction") { _ in try await base.withTransaction(body) }
    }
}
