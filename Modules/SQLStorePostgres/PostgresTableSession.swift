import Logging
import PostgresNIO
import StorageRefs
import _PostgresSupport

/// Everything the table operations share: the schema cache, error mapping, logger and the schema that
/// qualifies table names.
struct PostgresTableContext: Sendable {
    let cache: PostgresSchemaCache
    let errors: PostgresErrorMapping
    let logger: Logger
    /// The schema tables live in, or `nil` for the connection's `search_path`.
    let schema: String?

    /// The quoted, schema-qualified name of `table` (already validated).
    func qualified(_ table: String) -> String {
        let quoted = PostgresColumnMapping.quote(table)
        guard let schema else { return quoted }
        return PostgresColumnMapping.quote(schema) + "." + quoted
    }
}

/// One connection to run the table operations on: a pooled connection leased for one operation, or the
/// connection of an open transaction (``nested``), where writes use savepoints to stay all-or-none.
struct PostgresTableSession: Sendable {
    let connection: PostgresConnection
    let context: PostgresTableContext
    /// Whether the connection is inside a transaction the session does not own.
    let nested: Bool

    /// Runs `sql` and returns its rows, mapping errors for `operation`.
    func rows(
        _ sql: String,
        _ fragment: PostgresFragment = PostgresFragment(),
        _ operation: @autoclosure () -> String
    ) async throws -> [PostgresRow] {
        do {
            let sequence = try await connection.query(fragment.query(sql), logger: context.logger)
            var rows: [PostgresRow] = []
            for try await row in sequence { rows.append(row) }
            return rows
        } catch {
            throw context.errors.operationFailure(error, operation: operation())
        }
    }

    /// Runs a statement without parameters, mapping errors for `operation`.
    func execute(_ sql: String, _ operation: @autoclosure () -> String) async throws {
        _ = try await rows(sql, PostgresFragment(), operation())
    }

    /// Runs `body` atomically: in a transaction of its own, or in a savepoint inside an open one.
    func atomically<Result: Sendable>(
        _ body: () async throws -> Result
    ) async throws -> Result {
        let begin = nested ? "SAVEPOINT stackkit_atomic" : "BEGIN"
        let commit = nested ? "RELEASE SAVEPOINT stackkit_atomic" : "COMMIT"
        let rollback = nested ? "ROLLBACK TO SAVEPOINT stackkit_atomic" : "ROLLBACK"
        try await execute(begin, "beginning a transaction")
        let result: Result
        do {
            result = try await body()
        } catch {
            try? await execute(rollback, "rolling back")
            if nested { try? await execute(commit, "releasing a savepoint") }
            throw error
        }
        do {
            try await execute(commit, "committing")
        } catch {
            try? await execute(rollback, "rolling back")
            throw error
        }
        return result
    }

    /// The definition of `table`, read from the catalog when not cached.
    func info(_ table: String) async throws -> PostgresTableInfo {
        _ = try SQLIdentifier.validate(table, kind: "table")
        if let cached = context.cache.cached(table) { return cached }
        guard let info = try await load(table) else {
            throw StorageError(code: .unknownTable, message: "table \(table) does not exist")
        }
        context.cache.store(info)
        return info
    }

    /// Reads the definition of `table` from the catalog, or `nil` when it does not exist.
    func load(_ table: String) async throws -> PostgresTableInfo? {
        var fragment = PostgresFragment()
        let name = fragment.bind(.text(context.qualified(table)))
        let columnRows = try await rows(
            """
            SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary
                AND a.attnum = ANY(i.indkey))
            FROM pg_attribute a
            WHERE a.attrelid = to_regclass(\(name)) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """,
            fragment,
            "reading the columns of table \(table)"
        )
        var columns: [ColumnDefinition] = []
        do {
            for row in columnRows {
                let (column, type, notNull, key) = try row.decode((String, String, Bool, Bool).self)
                columns.append(
                    ColumnDefinition(
                        name: column,
                        type: PostgresColumnMapping.columnType(formatted: type),
                        isPrimaryKey: key,
                        isNullable: !notNull
                    )
                )
            }
        } catch {
            throw context.errors.operationFailure(error, operation: "reading the columns of table \(table)")
        }
        guard !columns.isEmpty else { return nil }
        let keys = columns.filter(\.isPrimaryKey)
        guard keys.count == 1 else {
            throw StorageError(
                code: .notSupported,
                message: "table \(table) does not have exactly one primary-key column, which table stores need"
            )
        }
        var indexFragment = PostgresFragment()
        let indexName = indexFragment.bind(.text(context.qualified(table)))
        let indexRows = try await rows(
            """
            SELECT (SELECT string_agg(a.attname::text, ',') FROM pg_attribute a
                    WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey))
            FROM pg_index i
            WHERE i.indrelid = to_regclass(\(indexName)) AND i.indisunique AND i.indpred IS NULL
              AND i.indexprs IS NULL
            """,
            indexFragment,
            "reading the indexes of table \(table)"
        )
        var unique: [Set<String>] = [[keys[0].name]]
        for row in indexRows {
            if let names = try? row.decode(String?.self) {
                unique.append(Set(names.split(separator: ",").map(String.init)))
            }
        }
        return PostgresTableInfo(name: table, columns: columns, primaryKey: keys[0], uniqueColumnSets: unique)
    }
}
