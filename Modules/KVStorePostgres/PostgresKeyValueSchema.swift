import Logging
import PostgresNIO
import StorageRefs

/// Creates and checks a `kv_postgres` table when a backend opens.
///
/// Runs in one transaction holding `pg_advisory_xact_lock` keyed on the schema and table name, so several
/// processes opening the same table at once do not race in `CREATE TABLE` (which, even with `IF NOT EXISTS`, can
/// fail with a duplicate-key error on PostgreSQL's catalogs). The table is created only when it is missing, so a
/// user without `CREATE` privilege can use a table prepared for it; an existing table must have the expected
/// columns.
enum PostgresKeyValueSchema {
    /// The columns every `kv_postgres` table has: name → (type, collation).
    static let expectedColumns: [String: (type: String, collation: String?)] = [
        "namespace": ("text", "C"),
        "key": ("text", "C"),
        "value": ("bytea", nil),
        "expires_at": ("timestamp with time zone", nil),
    ]

    /// Creates the table and its expiry index when missing, and checks the columns of an existing table.
    ///
    /// - Throws: ``StorageError`` with code `schemaMismatch` when the table exists with other columns, or the
    ///   postgres-nio error of a failing statement.
    static func prepare(
        on connection: PostgresConnection,
        statements: PostgresKeyValueStatements,
        logger: Logger
    ) async throws {
        try await run("BEGIN", [], on: connection, logger: logger)
        do {
            try await run(statements.lockForSchemaChanges, [statements.tableName], on: connection, logger: logger)
            if try await relation(statements.table, on: connection, statements: statements, logger: logger) == nil {
                logger.info(
                    "creating the key-value table",
                    metadata: ["postgres.table": "\(statements.tableName)"]
                )
                try await run(statements.createTable, [], on: connection, logger: logger)
            } else {
                try await checkColumns(on: connection, statements: statements, logger: logger)
            }
            if try await relation(statements.expiryIndex, on: connection, statements: statements, logger: logger)
                == nil
            {
                try await run(statements.createExpiryIndex, [], on: connection, logger: logger)
            }
            try await run("COMMIT", [], on: connection, logger: logger)
        } catch {
            // The connection is closed right after this; a failed ROLLBACK changes nothing.
            try? await run("ROLLBACK", [], on: connection, logger: logger)
            throw error
        }
    }

    private static func run(
        _ sql: String,
        _ arguments: [String],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            binds.append(argument)
        }
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        for try await _ in rows {}
    }

    private static func relation(
        _ quotedName: String,
        on connection: PostgresConnection,
        statements: PostgresKeyValueStatements,
        logger: Logger
    ) async throws -> String? {
        var binds = PostgresBindings(capacity: 1)
        binds.append(quotedName)
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: statements.relationExists, binds: binds),
            logger: logger
        )
        var result: String?
        for try await name in rows.decode(String?.self) {
            result = name
        }
        return result
    }

    private static func checkColumns(
        on connection: PostgresConnection,
        statements: PostgresKeyValueStatements,
        logger: Logger
    ) async throws {
        var binds = PostgresBindings(capacity: 1)
        binds.append(statements.table)
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: statements.tableColumns, binds: binds),
            logger: logger
        )
        var found: [String: (type: String, collation: String?)] = [:]
        for try await (name, type, collation) in rows.decode((String, String, String?).self) {
            found[name] = (type, collation)
        }
        var problems: [String] = []
        for (name, expected) in expectedColumns.sorted(by: { $0.key < $1.key }) {
            guard let actual = found[name] else {
                problems.append("column \(name) is missing")
                continue
            }
            if actual.type != expected.type {
                problems.append("column \(name) is \(actual.type), not \(expected.type)")
            } else if let collation = expected.collation, actual.collation != collation {
                problems.append("column \(name) does not use COLLATE \"\(collation)\"")
            }
        }
        guard problems.isEmpty else {
            throw StorageError(
                code: .schemaMismatch,
                message: "table \"\(statements.tableName)\" exists but is not a StackKit key-value table ("
                    + problems.joined(separator: "; ")
                    + "); choose another table_name, or migrate the data into a new table"
            )
        }
    }
}
