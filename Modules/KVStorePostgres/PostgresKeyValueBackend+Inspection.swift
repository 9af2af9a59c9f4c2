import Logging
import PostgresNIO

/// Read-only views of the backend's table for this package's tests: the catalog as PostgreSQL reports it and the
/// rows as stored, expired ones included. Not public API.
extension PostgresKeyValueBackend {
    /// A column of the backend's table as `information_schema.columns` describes it.
    package struct ColumnDescription: Sendable, Hashable {
        /// The column's name.
        package var name: String
        /// Its `data_type`, such as `text` or `timestamp with time zone`.
        package var dataType: String
        /// Its collation, such as `C`, or `nil`.
        package var collation: String?
        /// Whether it accepts NULL.
        package var isNullable: Bool

        /// Creates a column description.
        package init(name: String, dataType: String, collation: String?, isNullable: Bool) {
            self.name = name
            self.dataType = dataType
            self.collation = collation
            self.isNullable = isNullable
        }
    }

    /// The table's columns in order, from `information_schema.columns` (in the current schema).
    package func tableColumns() async throws -> [ColumnDescription] {
        let sql = """
            SELECT column_name::text, data_type::text, collation_name::text, is_nullable::text \
            FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 \
            ORDER BY ordinal_position
            """
        var binds = PostgresBindings(capacity: 1)
        binds.append(self.statements.tableName)
        return try await self.inspect(PostgresQuery(unsafeSQL: sql, binds: binds)) { rows in
            var columns: [ColumnDescription] = []
            for try await (name, type, collation, nullable) in rows.decode((String, String, String?, String).self) {
                columns.append(
                    ColumnDescription(name: name, dataType: type, collation: collation, isNullable: nullable == "YES")
                )
            }
            return columns
        }
    }

    /// The `indexdef` of every index on the table, from `pg_indexes` (in the current schema).
    package func indexDefinitions() async throws -> [String] {
        let sql = """
            SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname
            """
        var binds = PostgresBindings(capacity: 1)
        binds.append(self.statements.tableName)
        return try await self.inspect(PostgresQuery(unsafeSQL: sql, binds: binds)) { rows in
            var definitions: [String] = []
            for try await definition in rows.decode(String.self) {
                definitions.append(definition)
            }
            return definitions
        }
    }

    /// The number of rows stored for `namespace`, expired rows included.
    package func storedRowCount(namespace: String) async throws -> Int {
        var binds = PostgresBindings(capacity: 1)
        binds.append(namespace)
        let sql = "SELECT count(*) FROM \(self.statements.table) WHERE namespace = $1"
        return try await self.inspect(PostgresQuery(unsafeSQL: sql, binds: binds)) { rows in
            var count = 0
            for try await value in rows.decode(Int64.self) {
                count = Int(value)
            }
            return count
        }
    }

    /// Drops the backend's table (test clean-up). The backend is unusable for reads and writes afterwards.
    package func dropTable() async throws {
        try await self.inspect(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(self.statements.table)")) { rows in
            for try await _ in rows {}
        }
    }

    /// Runs `query` on one of the backend's connections, without mapping errors.
    private func inspect<Result>(
        _ query: PostgresQuery,
        _ body: (PostgresRowSequence) async throws -> Result
    ) async throws -> Result {
        try await self.connections.withConnection { connection in
            try await body(try await connection.query(query, logger: self.logger))
        }
    }
}
