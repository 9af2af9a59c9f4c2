import StorageRefs

/// SQL text with its bound parameters (`?1`, `?2`, …).
struct SQLiteFragment {
    var parameters: [SQLiteValue] = []

    mutating func bind(_ value: SQLiteValue) -> String {
        parameters.append(value)
        return "?\(parameters.count)"
    }
}

/// The table operations as synchronous functions over one connection; the store and its
/// transactions run them on the connection actor.
enum SQLiteTableSQL {
    typealias Quote = SQLiteColumnMapping

    // MARK: Predicates

    /// Compiles `predicate` to SQL, binding every value; every branch is checked.
    static func compile(
        _ predicate: TablePredicate,
        _ info: SQLiteTableInfo,
        _ fragment: inout SQLiteFragment
    ) throws -> String {
        func comparison(
            _ column: String,
            _ operand: TableValue,
            _ op: String,
            _ name: String,
            ordering: Bool
        )
            throws -> String
        {
            let definition = try info.column(column)
            let value = try self.operand(operand, definition, name, ordering: ordering, table: info.name)
            return "\(Quote.quote(column)) \(op) \(fragment.bind(value))"
        }
        switch predicate {
        case .equal(let column, let operand):
            return try comparison(column, operand, "=", "equal", ordering: false)
        case .notEqual(let column, let operand):
            return try comparison(column, operand, "!=", "notEqual", ordering: false)
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
                let value = try self.operand(operand, definition, "in", ordering: false, table: info.name)
                placeholders.append(fragment.bind(value))
            }
            guard !placeholders.isEmpty else { return "(1 = 0)" }
            return "\(Quote.quote(column)) IN (\(placeholders.joined(separator: ", ")))"
        case .isNull(let column):
            _ = try info.column(column)
            return "\(Quote.quote(column)) IS NULL"
        case .isNotNull(let column):
            _ = try info.column(column)
            return "\(Quote.quote(column)) IS NOT NULL"
        case .and(let predicates):
            guard !predicates.isEmpty else { return "(1 = 1)" }
            return "(" + (try predicates.map { try compile($0, info, &fragment) }).joined(separator: " AND ") + ")"
        case .or(let predicates):
            guard !predicates.isEmpty else { return "(1 = 0)" }
            return "(" + (try predicates.map { try compile($0, info, &fragment) }).joined(separator: " OR ") + ")"
        case .ownerAttributes(let filter):
            return try ownerAttributes(filter, info, &fragment)
        }
    }

    /// Whether `key` is non-empty ASCII letters, digits and underscores, safe inside a JSON path.
    static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty
            && key.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F
            }
    }

    /// Compiles an ``OwnerAttributeFilter``: exact membership through `json_each`, every key and
    /// value bound. `json_each` over a member that is not an array is replaced by an empty array,
    /// so a malformed document never fails the statement.
    static func ownerAttributes(
        _ filter: OwnerAttributeFilter,
        _ info: SQLiteTableInfo,
        _ fragment: inout SQLiteFragment
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
        // One pass over the owner's attribute values: `m` is a member, `e` a string element of it
        // (members that are not arrays are read as empty arrays).
        let values =
            "FROM json_each(\(document)) AS m, "
            + "json_each(CASE WHEN m.type = 'array' THEN m.value ELSE '[]' END) AS e WHERE e.type = 'text'"
        let passes: String
        switch filter.requirement {
        case .ownerHasNoAttributes:
            passes = "NOT EXISTS (SELECT 1 \(values))"
        case .userShares(let user):
            guard !user.isEmpty else {
                passes = "1 = 1"
                break
            }
            // Per category: holds when the member is not an array, or has no string element, or
            // shares one with the user. `MAX` over no rows is NULL, which COALESCE turns into 1.
            var clauses: [String] = []
            for category in user.keys.sorted() {
                let shared = user[category] ?? []
                let test =
                    shared.isEmpty
                    ? "0" : "e.value IN (\(shared.map { fragment.bind(.text($0)) }.joined(separator: ", ")))"
                if Self.isPlainKey(category) {
                    // A plain key: address the member by path (one parse of a short document).
                    let path = fragment.bind(.text("$.\"\(category)\""))
                    clauses.append(
                        "CASE json_type(\(document), \(path)) WHEN 'array' THEN (SELECT COALESCE(MAX(\(test)), 1) "
                            + "FROM json_each(\(document), \(path)) AS e WHERE e.type = 'text') ELSE 1 END"
                    )
                } else {
                    // Any other key is compared as a bound value, never put into a path.
                    let key = fragment.bind(.text(category))
                    clauses.append(
                        "(SELECT COALESCE(MAX(\(test)), 1) \(values) AND m.key = \(key))"
                    )
                }
            }
            passes = clauses.joined(separator: " AND ")
        }
        return "(\(Quote.quote(principal.name)) IS NULL OR \(document) IS NULL "
            + "OR json_type(\(document)) <> 'object' OR (\(passes)))"
    }

    /// The bound value of a predicate operand, checked as ``TablePredicate/evaluate(on:)`` does.
    static func operand(
        _ operand: TableValue,
        _ column: ColumnDefinition,
        _ operation: String,
        ordering: Bool,
        table: String
    ) throws(StorageError) -> SQLiteValue {
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
        case .integer(let number): return .integer(number)  // compared numerically, also with REAL
        case .float(let number): return .real(number)
        default: return try SQLiteColumnMapping.literal(operand, column: "\(table).\(name)", type: column.type)
        }
    }

    static func whereClause(
        _ predicate: TablePredicate?,
        _ info: SQLiteTableInfo,
        _ fragment: inout SQLiteFragment
    )
        throws -> String
    {
        guard let predicate else { return "" }
        return " WHERE " + (try compile(predicate, info, &fragment))
    }

    static func selectList(_ info: SQLiteTableInfo) -> String {
        info.columns.map { Quote.quote($0.name) }.joined(separator: ", ")
    }

    static func readRow(_ row: SQLiteRow, _ info: SQLiteTableInfo) throws -> TableRow {
        var values: [String: TableValue] = [:]
        for (index, column) in info.columns.enumerated() {
            values[column.name] = try SQLiteColumnMapping.read(row, Int32(index), as: column, table: info.name)
        }
        return TableRow(values)
    }

    // MARK: Writes

    static func insertStatement(
        _ row: TableRow,
        _ info: SQLiteTableInfo,
        conflict: [String]? = nil
    ) throws -> (String, [SQLiteValue]) {
        var fragment = SQLiteFragment()
        var names: [String] = []
        var placeholders: [String] = []
        // Columns in name order, so rows providing the same columns share one cached statement.
        for name in row.columns.sorted() {
            let column = try info.column(name)
            names.append(Quote.quote(name))
            placeholders.append(
                fragment.bind(try SQLiteColumnMapping.storage(row[name] ?? .null, for: column, table: info.name))
            )
        }
        var sql =
            names.isEmpty
            ? "INSERT INTO \(Quote.quote(info.name)) DEFAULT VALUES"
            : "INSERT INTO \(Quote.quote(info.name)) (\(names.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))"
        if let conflict {
            let updates = row.columns.filter { !conflict.contains($0) }.map {
                "\(Quote.quote($0)) = excluded.\(Quote.quote($0))"
            }
            sql += " ON CONFLICT (\(conflict.map(Quote.quote).joined(separator: ", ")))"
            sql += updates.isEmpty ? " DO NOTHING" : " DO UPDATE SET \(updates.joined(separator: ", "))"
        }
        return (sql, fragment.parameters)
    }

    static func insert(_ db: SQLiteDatabase, _ cache: SQLiteSchemaCache, _ table: String, _ rows: [TableRow]) throws {
        let info = try cache.info(table, db)
        let statements = try rows.map { try insertStatement($0, info) }
        guard !statements.isEmpty else { return }
        if statements.count == 1, db.isAutocommit {
            // One statement is atomic on its own: no BEGIN/COMMIT around it.
            _ = try db.run(statements[0].0, statements[0].1)
            return
        }
        try db.atomically(write: true) {
            for (sql, parameters) in statements { try db.run(sql, parameters) }
        }
    }

    static func upsert(
        _ db: SQLiteDatabase,
        _ cache: SQLiteSchemaCache,
        _ table: String,
        _ rows: [TableRow],
        _ columns: [String]
    ) throws {
        let info = try cache.info(table, db)
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
        if statements.count == 1, db.isAutocommit {
            // One statement is atomic on its own: no BEGIN/COMMIT around it.
            _ = try db.run(statements[0].0, statements[0].1)
            return
        }
        try db.atomically(write: true) {
            for (sql, parameters) in statements { try db.run(sql, parameters) }
        }
    }

    static func update(
        _ db: SQLiteDatabase,
        _ cache: SQLiteSchemaCache,
        _ table: String,
        _ values: TableRow,
        _ predicate: TablePredicate
    ) throws -> Int {
        let info = try cache.info(table, db)
        guard !values.isEmpty else {
            throw StorageError(code: .invalidValue, message: "update of \(table) sets no column")
        }
        var fragment = SQLiteFragment()
        var assignments: [String] = []
        for (name, value) in values {
            let column = try info.column(name)
            let placeholder = fragment.bind(try SQLiteColumnMapping.storage(value, for: column, table: table))
            assignments.append("\(Quote.quote(name)) = \(placeholder)")
        }
        let condition = try compile(predicate, info, &fragment)
        let sql = "UPDATE \(Quote.quote(table)) SET \(assignments.joined(separator: ", ")) WHERE \(condition)"
        return try db.atomically(write: true) { try db.run(sql, fragment.parameters) }
    }

    static func delete(
        _ db: SQLiteDatabase,
        _ cache: SQLiteSchemaCache,
        _ table: String,
        _ predicate: TablePredicate
    )
        throws -> Int
    {
        let info = try cache.info(table, db)
        var fragment = SQLiteFragment()
        let condition = try compile(predicate, info, &fragment)
        return try db.atomically(write: true) {
            try db.run("DELETE FROM \(Quote.quote(table)) WHERE \(condition)", fragment.parameters)
        }
    }

    // MARK: Reads

    static func count(
        _ db: SQLiteDatabase,
        _ cache: SQLiteSchemaCache,
        _ table: String,
        _ predicate: TablePredicate?
    )
        throws -> Int
    {
        let info = try cache.info(table, db)
        var fragment = SQLiteFragment()
        let clause = try whereClause(predicate, info, &fragment)
        var result = 0
        try db.run("SELECT COUNT(*) FROM \(Quote.quote(table))\(clause)", fragment.parameters) { row in
            result = Int(row.int64(0))
        }
        return result
    }

    static func fetchOne(
        _ db: SQLiteDatabase,
        _ cache: SQLiteSchemaCache,
        _ table: String,
        _ predicate: TablePredicate
    )
        throws -> TableRow?
    {
        let info = try cache.info(table, db)
        var fragment = SQLiteFragment()
        let clause = try whereClause(predicate, info, &fragment)
        var result: TableRow?
        try db.run(
            "SELECT \(selectList(info)) FROM \(Quote.quote(table))\(clause) ORDER BY \(Quote.quote(info.primaryKey.name)) ASC LIMIT 1",
            fragment.parameters
        ) { row in result = try readRow(row, info) }
        return result
    }

    static func fetchPage(_ db: SQLiteDatabase, _ cache: SQLiteSchemaCache, _ query: TableQuery) throws -> TablePage {
        let info = try cache.info(query.table, db)
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
        var fragment = SQLiteFragment()
        var conditions: [String] = []
        if let predicate = query.predicate { conditions.append(try compile(predicate, info, &fragment)) }
        let pk = Quote.quote(key.name)
        return try db.atomically(write: false) {
            if let cursor = query.after {
                let keyValue = try cursorValue(cursor.primaryKey, key, info)
                var orderValue: TableValue?
                if let orderColumn {
                    if let given = cursor.orderValue {
                        orderValue = given
                    } else {
                        var found: TableValue?
                        try db.run(
                            "SELECT \(Quote.quote(orderColumn.name)) FROM \(Quote.quote(info.name)) WHERE \(pk) = ?1",
                            [keyValue]
                        ) { row in found = try SQLiteColumnMapping.read(row, 0, as: orderColumn, table: info.name) }
                        guard let found else {
                            throw StorageError(
                                code: .unknownCursor,
                                message: "the cursor names a row of \(info.name) that does not exist"
                            )
                        }
                        orderValue = found
                    }
                } else if cursor.orderValue == nil {
                    var exists = false
                    try db.run("SELECT 1 FROM \(Quote.quote(info.name)) WHERE \(pk) = ?1", [keyValue]) { _ in
                        exists = true
                    }
                    guard exists else {
                        throw StorageError(
                            code: .unknownCursor,
                            message: "the cursor names a row of \(info.name) that does not exist"
                        )
                    }
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
                        let value = try self.operand(
                            orderValue,
                            orderColumn,
                            "cursor",
                            ordering: true,
                            table: info.name
                        )
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
            let direction = ascending ? "ASC" : "DESC"
            var sql = "SELECT \(selectList(info)) FROM \(Quote.quote(info.name))"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY "
            if let orderColumn { sql += "\(Quote.quote(orderColumn.name)) \(direction), " }
            sql += "\(pk) \(direction)"
            if let limit = query.limit { sql += " LIMIT \(fragment.bind(.integer(Int64(limit) + 1)))" }
            var rows: [TableRow] = []
            try db.run(sql, fragment.parameters) { row in rows.append(try readRow(row, info)) }
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
    }

    private static func cursorValue(
        _ value: TableValue,
        _ key: ColumnDefinition,
        _ info: SQLiteTableInfo
    ) throws
        -> SQLiteValue
    {
        guard !value.isNull, key.type.accepts(value) else {
            throw StorageError(
                code: .invalidValue,
                message: "the cursor's primary key is a \(value.kindName) value, which \(info.name).\(key.name) "
                    + "(\(key.type)) does not hold"
            )
        }
        return try SQLiteColumnMapping.literal(value, column: "\(info.name).\(key.name)", type: key.type)
    }

    // MARK: Schema

    static func columnDefinition(_ column: ColumnDefinition, table: String) throws -> String {
        var sql = "\(Quote.quote(column.name)) \(SQLiteColumnMapping.declaredType(column.type))"
        if column.isPrimaryKey { sql += " PRIMARY KEY" }
        if !column.isNullable { sql += " NOT NULL" }
        if let value = column.defaultValue {
            sql += " DEFAULT " + (try SQLiteColumnMapping.defaultLiteral(value, column: column, table: table))
        }
        return sql
    }

    static func createTable(_ db: SQLiteDatabase, _ cache: SQLiteSchemaCache, _ schema: TableSchema) throws {
        try schema.validate()
        let table = Quote.quote(schema.name)
        try db.atomically(write: true) {
            if let existing = try SQLiteSchemaCache.load(schema.name, db) {
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
                let columns = try schema.columns.map { try columnDefinition($0, table: schema.name) }
                try db.execute("CREATE TABLE \(table) (\(columns.joined(separator: ", ")))")
            }
            for index in schema.indexes {
                let name = Quote.quote(index.resolvedName(table: schema.name))
                let columns = index.columns.map(Quote.quote).joined(separator: ", ")
                try db.execute(
                    "CREATE \(index.isUnique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(name) ON \(table) (\(columns))"
                )
            }
        }
        cache.invalidate(schema.name)
    }

    static func addColumn(
        _ db: SQLiteDatabase,
        _ cache: SQLiteSchemaCache,
        _ table: String,
        _ column: ColumnDefinition
    )
        throws
    {
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
        try db.atomically(write: true) {
            guard let existing = try SQLiteSchemaCache.load(table, db) else {
                throw StorageError(code: .unknownTable, message: "table \(table) does not exist")
            }
            guard !existing.columns.contains(where: { $0.name == column.name }) else { return }
            try db.execute(
                "ALTER TABLE \(Quote.quote(table)) ADD COLUMN \(try columnDefinition(column, table: table))"
            )
        }
        cache.invalidate(table)
    }
}
