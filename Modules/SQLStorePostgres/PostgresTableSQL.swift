import PostgresNIO
import StorageRefs
import _PostgresSupport

/// The table operations over one ``PostgresTableSession``; the store and its transactions run them.
extension PostgresTableSession {
    typealias Quote = PostgresColumnMapping

    // MARK: Predicates

    /// Compiles `predicate` to SQL, binding every value; every branch is checked.
    func compile(
        _ predicate: TablePredicate,
        _ info: PostgresTableInfo,
        _ fragment: inout PostgresFragment
    ) throws -> String {
        func comparison(
            _ column: String,
            _ operand: TableValue,
            _ op: String,
            _ name: String,
            ordering: Bool
        ) throws -> String {
            let definition = try info.column(column)
            let value = try Self.operand(operand, definition, name, ordering: ordering, table: info.name)
            return
                "\(Self.operandColumn(definition)) \(op) \(Self.operandPlaceholder(definition, fragment.bind(value)))"
        }
        switch predicate {
        case .equal(let column, let operand):
            return try comparison(column, operand, "=", "equal", ordering: false)
        case .notEqual(let column, let operand):
            return try comparison(column, operand, "<>", "notEqual", ordering: false)
        case .less(let column, let operand):
            return try comparison(column, operand, "<", "less", ordering: true)
        case .lessOrEqual(let column, let operand):
            return try comparison(column, operand, "<=", "lessOrEqual", ordering: true)
        case .greater(let column, let operand):
            return try comparison(column, operand, ">", "greater", ordering: true)
        case .greaterOrEqual(let column, let operand):
            return try comparison(column, operand, ">=", "greaterOrEqual", ordering: true)
        case .in(let column, let operands):
            let definition = try info.column(column)
            var placeholders: [String] = []
            for operand in operands {
                let value = try Self.operand(operand, definition, "in", ordering: false, table: info.name)
                placeholders.append(Self.operandPlaceholder(definition, fragment.bind(value)))
            }
            guard !placeholders.isEmpty else { return "FALSE" }
            return "\(Self.operandColumn(definition)) IN (\(placeholders.joined(separator: ", ")))"
        case .isNull(let column):
            _ = try info.column(column)
            return "\(Quote.quote(column)) IS NULL"
        case .isNotNull(let column):
            _ = try info.column(column)
            return "\(Quote.quote(column)) IS NOT NULL"
        case .and(let predicates):
            guard !predicates.isEmpty else { return "TRUE" }
            return "(" + (try predicates.map { try compile($0, info, &fragment) }).joined(separator: " AND ") + ")"
        case .or(let predicates):
            guard !predicates.isEmpty else { return "FALSE" }
            return "(" + (try predicates.map { try compile($0, info, &fragment) }).joined(separator: " OR ") + ")"
        case .ownerAttributes(let filter):
            return try Self.ownerAttributes(filter, info, &fragment)
        }
    }

    /// Compiles an ``OwnerAttributeFilter``: exact membership over `jsonb` elements, every key and
    /// value bound. Members that are not arrays (and documents that are not objects) are replaced
    /// by empty ones before they reach a set-returning function, so no document fails the statement.
    static func ownerAttributes(
        _ filter: OwnerAttributeFilter,
        _ info: PostgresTableInfo,
        _ fragment: inout PostgresFragment
    ) throws -> String {
        let principal = try info.column(filter.principalColumn)
        let attributes = try info.column(filter.attributesColumn)
        guard principal.type == .string || principal.type == .text else {
            throw StorageError(
                code: .invalidPredicate,
                message: "ownerAttributes on \(info.name).\(principal.name), a \(principal.type) column; "
                    + "the principal column must be a string column"
            )
        }
        guard attributes.type == .json else {
            throw StorageError(
                code: .invalidPredicate,
                message: "ownerAttributes on \(info.name).\(attributes.name), a \(attributes.type) column; "
                    + "the attributes column must be a JSON column"
            )
        }
        let document = Quote.quote(attributes.name)
        // jsonb operators, no set-returning subqueries: `jsonb_path_exists` with a constant path finds
        // string elements, `?|` tests exact membership of the bound strings among an array's string
        // elements. CASE guards keep non-arrays (and non-objects) out of both.
        let stringElement = "'strict $[*] ? (@.type() == \"string\")'"
        let passes: String
        switch filter.requirement {
        case .ownerHasNoAttributes:
            let anyValue = "'strict $.* ? (@.type() == \"array\")[*] ? (@.type() == \"string\")'"
            passes =
                "CASE WHEN jsonb_typeof(\(document)) = 'object' THEN NOT jsonb_path_exists(\(document), \(anyValue)) "
                + "ELSE TRUE END"
        case .userShares(let user):
            var clauses: [String] = []
            for category in user.keys.sorted() {
                let values = user[category] ?? []
                let member = "(\(document) -> \(fragment.bind(.text(category)))::text)"
                var holds = "NOT jsonb_path_exists(\(member), \(stringElement))"
                if !values.isEmpty {
                    let placeholders = values.map { fragment.bind(.text($0)) + "::text" }.joined(separator: ", ")
                    holds += " OR \(member) ?| ARRAY[\(placeholders)]"
                }
                clauses.append("(CASE WHEN jsonb_typeof(\(member)) = 'array' THEN (\(holds)) ELSE TRUE END)")
            }
            passes = clauses.isEmpty ? "TRUE" : clauses.joined(separator: " AND ")
        }
        return "(\(Quote.quote(principal.name)) IS NULL OR \(document) IS NULL OR (\(passes)))"
    }

    /// The column side of a comparison: JSON compares by canonical `jsonb` text, so `1` and `1.0` differ.
    static func operandColumn(_ column: ColumnDefinition) -> String {
        column.type == .json ? "(\(Quote.quote(column.name))::text)" : Quote.quote(column.name)
    }

    /// The operand side of a comparison.
    static func operandPlaceholder(_ column: ColumnDefinition, _ placeholder: String) -> String {
        column.type == .json ? "(\(placeholder)::text)" : placeholder
    }

    /// The bound value of a predicate operand, checked as ``TablePredicate/evaluate(on:)`` does.
    static func operand(
        _ operand: TableValue,
        _ column: ColumnDefinition,
        _ operation: String,
        ordering: Bool,
        table: String
    ) throws(StorageError) -> PostgresParameter {
        let name = column.name
        let compatible: Bool
        switch operand {
        case .null:
            throw StorageError(
                code: .invalidPredicate,
                message: "\(operation) on column \(name) with a NULL operand; use isNull or isNotNull"
            )
        case .integer: compatible = column.type == .integer || column.type == .float
        case .float(let number):
            compatible = column.type == .integer || column.type == .float
            if compatible, number.isNaN {
                throw StorageError(code: .invalidPredicate, message: "comparison on column \(name) involves NaN")
            }
        case .string: compatible = column.type == .string || column.type == .text
        case .boolean: compatible = column.type == .boolean
        case .datetime: compatible = column.type == .datetime
        case .json:
            compatible = column.type == .json
            if compatible, ordering {
                throw StorageError(
                    code: .invalidPredicate,
                    message: "\(operation) on JSON column \(name): JSON values support only equal, notEqual and in"
                )
            }
        }
        guard compatible else {
            throw StorageError(
                code: .invalidPredicate,
                message:
                    "\(operation) on column \(name) compares a \(column.type) column with a \(operand.kindName) operand"
            )
        }
        switch operand {
        case .integer(let number): return .integer(number)
        case .float(let number): return .double(number)
        case .string(let text): return .text(text)  // U+0000 cannot be stored, so it simply matches nothing
        default: return try PostgresColumnMapping.literal(operand, column: "\(table).\(name)", type: column.type)
        }
    }

    func selectList(_ info: PostgresTableInfo) -> String {
        info.columns.map { column in
            column.type == .json
                ? "\(Quote.quote(column.name))::text AS \(Quote.quote(column.name))" : Quote.quote(column.name)
        }
        .joined(separator: ", ")
    }

    func readRows(_ rows: [PostgresRow], _ info: PostgresTableInfo) throws -> [TableRow] {
        do {
            return try rows.map { row in
                var values: [String: TableValue] = [:]
                for (column, cell) in zip(info.columns, row) {
                    values[column.name] = try PostgresColumnMapping.read(cell, as: column, table: info.name)
                }
                return TableRow(values)
            }
        } catch {
            throw context.errors.operationFailure(error, operation: "reading rows of table \(info.name)")
        }
    }

    func decodeCount(_ rows: [PostgresRow], _ operation: String) throws -> Int {
        do {
            return Int(try rows.first?.decode(Int64.self) ?? 0)
        } catch {
            throw context.errors.operationFailure(error, operation: operation)
        }
    }

    // MARK: Writes

    func insertStatement(
        _ row: TableRow,
        _ info: PostgresTableInfo,
        conflict: [String]? = nil
    ) throws -> (String, PostgresFragment) {
        var fragment = PostgresFragment()
        var names: [String] = []
        var placeholders: [String] = []
        for (name, value) in row {
            let column = try info.column(name)
            names.append(Quote.quote(name))
            placeholders.append(
                fragment.bind(try PostgresColumnMapping.storage(value, for: column, table: info.name))
            )
        }
        let table = context.qualified(info.name)
        var sql =
            names.isEmpty
            ? "INSERT INTO \(table) DEFAULT VALUES"
            : "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))"
        if let conflict {
            let updates = row.columns.filter { !conflict.contains($0) }.map {
                "\(Quote.quote($0)) = EXCLUDED.\(Quote.quote($0))"
            }
            sql += " ON CONFLICT (\(conflict.map(Quote.quote).joined(separator: ", ")))"
            sql += updates.isEmpty ? " DO NOTHING" : " DO UPDATE SET \(updates.joined(separator: ", "))"
        }
        return (sql, fragment)
    }

    /// The most parameters one multi-row `INSERT` binds (PostgreSQL allows 65,535).
    static let maxInsertParameters = 30_000

    /// Multi-row `INSERT … VALUES (…), (…)` statements for `rows`: consecutive rows that provide the
    /// same columns share a statement (up to ``maxInsertParameters`` parameters), so a batch costs
    /// one round trip per group instead of one per row.
    func insertStatements(_ rows: [TableRow], _ info: PostgresTableInfo) throws -> [(String, PostgresFragment)] {
        let table = context.qualified(info.name)
        var statements: [(String, PostgresFragment)] = []
        var index = 0
        while index < rows.count {
            let names = rows[index].columns.sorted()
            guard !names.isEmpty else {
                statements.append(("INSERT INTO \(table) DEFAULT VALUES", PostgresFragment()))
                index += 1
                continue
            }
            let columns = try names.map { try info.column($0) }
            let perStatement = max(1, Self.maxInsertParameters / names.count)
            var fragment = PostgresFragment()
            var tuples: [String] = []
            while index < rows.count, tuples.count < perStatement, rows[index].count == names.count,
                rows[index].columns.sorted() == names
            {
                let row = rows[index]
                var placeholders: [String] = []
                for column in columns {
                    let value = row[column.name] ?? .null
                    placeholders.append(
                        fragment.bind(try PostgresColumnMapping.storage(value, for: column, table: info.name))
                    )
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
                index += 1
            }
            let list = names.map(Quote.quote).joined(separator: ", ")
            statements.append(("INSERT INTO \(table) (\(list)) VALUES \(tuples.joined(separator: ", "))", fragment))
        }
        return statements
    }

    func insert(_ table: String, _ rows: [TableRow]) async throws {
        _ = try SQLIdentifier.validate(table, kind: "table")
        guard !rows.isEmpty else { return }
        let info = try await info(table)
        let statements = try insertStatements(rows, info)
        if statements.count == 1, !nested {
            // One statement is atomic on its own: no BEGIN/COMMIT round trips.
            _ = try await self.rows(statements[0].0, statements[0].1, "inserting into table \(table)")
            return
        }
        try await atomically {
            for (sql, fragment) in statements {
                _ = try await self.rows(sql, fragment, "inserting into table \(table)")
            }
        }
    }

    func upsert(_ table: String, _ rows: [TableRow], _ columns: [String]) async throws {
        let info = try await info(table)
        guard !columns.isEmpty else {
            throw StorageError(code: .invalidValue, message: "upsert into \(table) needs at least one conflict column")
        }
        for column in columns { _ = try info.column(column) }
        guard info.uniqueColumnSets.contains(Set(columns)) else {
            throw StorageError(
                code: .invalidValue,
                message: "upsert into \(table): (\(columns.joined(separator: ", "))) is neither the primary key "
                    + "nor a unique index"
            )
        }
        let statements = try rows.map { row in
            for column in columns where row[column] == nil {
                throw StorageError(
                    code: .invalidValue,
                    message: "upsert into \(table): a row lacks the conflict column \(column)"
                )
            }
            return try insertStatement(row, info, conflict: columns)
        }
        guard !statements.isEmpty else { return }
        try await atomically {
            for (sql, fragment) in statements {
                _ = try await self.rows(sql, fragment, "upserting into table \(table)")
            }
        }
    }

    func update(_ table: String, _ values: TableRow, _ predicate: TablePredicate) async throws -> Int {
        let info = try await info(table)
        guard !values.isEmpty else {
            throw StorageError(code: .invalidValue, message: "update of \(table) sets no column")
        }
        var fragment = PostgresFragment()
        var assignments: [String] = []
        for (name, value) in values {
            let column = try info.column(name)
            let placeholder = fragment.bind(try PostgresColumnMapping.storage(value, for: column, table: table))
            assignments.append("\(Quote.quote(name)) = \(placeholder)")
        }
        let condition = try compile(predicate, info, &fragment)
        let sql =
            "WITH changed AS (UPDATE \(context.qualified(table)) SET \(assignments.joined(separator: ", ")) "
            + "WHERE \(condition) RETURNING 1) SELECT count(*) FROM changed"
        return try decodeCount(try await rows(sql, fragment, "updating table \(table)"), "updating table \(table)")
    }

    func delete(_ table: String, _ predicate: TablePredicate) async throws -> Int {
        let info = try await info(table)
        var fragment = PostgresFragment()
        let condition = try compile(predicate, info, &fragment)
        let sql =
            "WITH gone AS (DELETE FROM \(context.qualified(table)) WHERE \(condition) RETURNING 1) "
            + "SELECT count(*) FROM gone"
        return try decodeCount(
            try await rows(sql, fragment, "deleting from table \(table)"),
            "deleting from table \(table)"
        )
    }

    // MARK: Reads

    func count(_ table: String, _ predicate: TablePredicate?) async throws -> Int {
        let info = try await info(table)
        var fragment = PostgresFragment()
        let clause = try predicate.map { " WHERE " + (try compile($0, info, &fragment)) } ?? ""
        return try decodeCount(
            try await rows("SELECT count(*) FROM \(context.qualified(table))\(clause)", fragment, "counting \(table)"),
            "counting \(table)"
        )
    }

    func fetchOne(_ table: String, _ predicate: TablePredicate) async throws -> TableRow? {
        let info = try await info(table)
        var fragment = PostgresFragment()
        let condition = try compile(predicate, info, &fragment)
        let sql =
            "SELECT \(selectList(info)) FROM \(context.qualified(table)) WHERE \(condition) "
            + "ORDER BY \(Quote.quote(info.primaryKey.name)) ASC LIMIT 1"
        return try readRows(try await rows(sql, fragment, "reading table \(table)"), info).first
    }

    func fetchPage(_ query: TableQuery) async throws -> TablePage {
        let info = try await info(query.table)
        if let limit = query.limit, limit < 1 {
            throw StorageError(code: .invalidValue, message: "the page limit must be at least 1, not \(limit)")
        }
        let projection = try query.columns.map { try $0.map { try info.column($0).name } }
        let key = info.primaryKey
        let orderColumn = try query.ordering.map { try info.column($0.column) }
        if let orderColumn, orderColumn.type == .json {
            throw StorageError(
                code: .invalidValue,
                message: "cannot order by JSON column \(query.table).\(orderColumn.name)"
            )
        }
        let ascending = query.ordering?.direction.isAscending ?? true
        let table = context.qualified(info.name)
        var fragment = PostgresFragment()
        var conditions: [String] = []
        if let predicate = query.predicate { conditions.append(try compile(predicate, info, &fragment)) }
        let pk = Quote.quote(key.name)
        if let cursor = query.after {
            let keyValue = try cursorValue(cursor.primaryKey, key, info)
            var orderValue: TableValue?
            if cursor.orderValue == nil {
                var lookup = PostgresFragment()
                let select = orderColumn.map { Quote.quote($0.name) } ?? "1"
                let found = try await rows(
                    "SELECT \(select) FROM \(table) WHERE \(pk) = \(lookup.bind(keyValue))",
                    lookup,
                    "looking up the cursor row of table \(info.name)"
                )
                guard let row = found.first else {
                    throw StorageError(
                        code: .unknownCursor,
                        message: "the cursor names a row of \(info.name) that does not exist"
                    )
                }
                if let orderColumn {
                    do {
                        orderValue = try PostgresColumnMapping.read(
                            row.makeRandomAccess()[0],
                            as: orderColumn,
                            table: info.name
                        )
                    } catch {
                        throw context.errors.operationFailure(error, operation: "reading the cursor row")
                    }
                }
            } else {
                orderValue = cursor.orderValue
            }
            let keyPlaceholder = fragment.bind(keyValue)
            let keyOp = ascending ? ">" : "<"
            if let orderColumn, let orderValue {
                let order = Quote.quote(orderColumn.name)
                if orderValue.isNull {
                    conditions.append(
                        ascending
                            ? "((\(order) IS NULL AND \(pk) > \(keyPlaceholder)) OR \(order) IS NOT NULL)"
                            : "(\(order) IS NULL AND \(pk) < \(keyPlaceholder))"
                    )
                } else {
                    let value = try Self.operand(orderValue, orderColumn, "cursor", ordering: true, table: info.name)
                    let placeholder = fragment.bind(value)
                    let op = ascending ? ">" : "<"
                    if orderColumn.isNullable {
                        var condition =
                            "\(order) \(op) \(placeholder) OR (\(order) = \(placeholder) AND \(pk) \(keyOp) \(keyPlaceholder))"
                        if !ascending { condition += " OR \(order) IS NULL" }
                        conditions.append("(\(condition))")
                    } else {
                        // A row-value comparison: an index on (order, key) serves it as one range scan.
                        conditions.append("(\(order), \(pk)) \(op) (\(placeholder), \(keyPlaceholder))")
                    }
                }
            } else {
                conditions.append("\(pk) \(keyOp) \(keyPlaceholder)")
            }
        }
        // NULLs sort first ascending (last descending). For NOT NULL columns the NULLS clause is left
        // out so the order matches plain indexes (the primary key's included) scanned either way;
        // indexes on nullable columns are created NULLS FIRST to match.
        func direction(_ column: ColumnDefinition) -> String {
            guard column.isNullable else { return ascending ? "ASC" : "DESC" }
            return ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST"
        }
        var sql = "SELECT \(selectList(info)) FROM \(table)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY "
        if let orderColumn { sql += "\(Quote.quote(orderColumn.name)) \(direction(orderColumn)), " }
        sql += "\(pk) \(direction(key))"
        if let limit = query.limit { sql += " LIMIT \(fragment.bind(.integer(Int64(limit) + 1)))" }
        switch query.locking {
        case .none: break
        case .forUpdate: sql += " FOR UPDATE"
        case .forUpdateSkipLocked: sql += " FOR UPDATE SKIP LOCKED"
        }
        var rows = try readRows(try await self.rows(sql, fragment, "reading table \(info.name)"), info)
        var hasMore = false
        if let limit = query.limit, rows.count > limit {
            hasMore = true
            rows.removeLast(rows.count - limit)
        }
        var next: KeysetCursor?
        if hasMore, let last = rows.last {
            let lastKey = last[key.name] ?? .null
            next = .after(orderValue: orderColumn.map { last[$0.name] ?? .null } ?? lastKey, primaryKey: lastKey)
        }
        if let projection {
            rows = rows.map { row in TableRow(row.values.filter { projection.contains($0.key) }) }
        }
        return TablePage(rows: rows, hasMore: hasMore, nextCursor: next)
    }

    private func cursorValue(
        _ value: TableValue,
        _ key: ColumnDefinition,
        _ info: PostgresTableInfo
    ) throws -> PostgresParameter {
        guard !value.isNull, key.type.accepts(value) else {
            throw StorageError(
                code: .invalidValue,
                message: "the cursor's primary key is a \(value.kindName) value, which \(info.name).\(key.name) "
                    + "(\(key.type)) does not hold"
            )
        }
        return try PostgresColumnMapping.literal(value, column: "\(info.name).\(key.name)", type: key.type)
    }

    // MARK: Schema

    static func columnDefinition(_ column: ColumnDefinition, table: String) throws -> String {
        var sql = "\(Quote.quote(column.name)) \(PostgresColumnMapping.declaredType(column.type))"
        if column.isPrimaryKey { sql += " PRIMARY KEY" }
        if !column.isNullable { sql += " NOT NULL" }
        if let value = column.defaultValue {
            sql += " DEFAULT " + (try PostgresColumnMapping.defaultLiteral(value, column: column, table: table))
        }
        return sql
    }

    func createTable(_ schema: TableSchema) async throws {
        try schema.validate()
        let table = context.qualified(schema.name)
        defer { context.cache.invalidate(schema.name) }
        try await atomically {
            // Serialises concurrent creations of the same table in this database.
            var lock = PostgresFragment()
            _ = try await self.rows(
                "SELECT pg_advisory_xact_lock(hashtext(\(lock.bind(.text(table)))))",
                lock,
                "locking table \(schema.name)"
            )
            if let existing = try await self.load(schema.name) {
                for column in schema.columns {
                    guard let found = existing.columns.first(where: { $0.name == column.name }) else {
                        throw StorageError(
                            code: .schemaMismatch,
                            message: "table \(schema.name) exists without column \(column.name)"
                        )
                    }
                    guard found.type == column.type, found.isPrimaryKey == column.isPrimaryKey,
                        found.isNullable == column.isNullable
                    else {
                        throw StorageError(
                            code: .schemaMismatch,
                            message: "table \(schema.name) has column \(column.name) as \(found.type)"
                                + "\(found.isPrimaryKey ? " PRIMARY KEY" : "")\(found.isNullable ? "" : " NOT NULL"), "
                                + "not as \(column.type)\(column.isPrimaryKey ? " PRIMARY KEY" : "")"
                                + "\(column.isNullable ? "" : " NOT NULL")"
                        )
                    }
                }
            } else {
                let columns = try schema.columns.map { try Self.columnDefinition($0, table: schema.name) }
                try await self.execute(
                    "CREATE TABLE \(table) (\(columns.joined(separator: ", ")))",
                    "creating table \(schema.name)"
                )
            }
            for index in schema.indexes {
                let name = Quote.quote(index.resolvedName(table: schema.name))
                // Nullable columns NULLS FIRST, the order pages read them in (see fetchPage).
                let columns = index.columns.map { name in
                    let nullable = schema.column(named: name)?.isNullable ?? true
                    return Quote.quote(name) + (nullable ? " NULLS FIRST" : "")
                }.joined(separator: ", ")
                try await self.execute(
                    "CREATE \(index.isUnique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(name) ON \(table) (\(columns))",
                    "creating an index of table \(schema.name)"
                )
            }
        }
    }

    func addColumn(_ table: String, _ column: ColumnDefinition) async throws {
        _ = try SQLIdentifier.validate(table, kind: "table")
        _ = try SQLIdentifier.validate(column.name, kind: "column")
        guard !column.isPrimaryKey else {
            throw StorageError(
                code: .invalidSchema,
                message: "cannot add primary-key column \(column.name) to \(table)"
            )
        }
        if !column.isNullable, column.defaultValue == nil || column.defaultValue?.isNull == true {
            throw StorageError(
                code: .invalidSchema,
                message: "cannot add NOT NULL column \(table).\(column.name) without a default"
            )
        }
        if let value = column.defaultValue, !column.type.accepts(value) {
            throw StorageError(
                code: .invalidSchema,
                message: "the default of column \(table).\(column.name) is a \(value.kindName) value, "
                    + "which a \(column.type) column does not accept"
            )
        }
        defer { context.cache.invalidate(table) }
        guard try await load(table) != nil else {
            throw StorageError(code: .unknownTable, message: "table \(table) does not exist")
        }
        try await execute(
            "ALTER TABLE \(context.qualified(table)) ADD COLUMN IF NOT EXISTS "
                + (try Self.columnDefinition(column, table: table)),
            "adding column \(column.name) to table \(table)"
        )
    }
}
