import Foundation
import StorageRefs
import Synchronization

/// What a store knows about one table: its columns (typed) and the column sets that are unique.
struct SQLiteTableInfo: Sendable {
    let name: String
    let columns: [ColumnDefinition]
    let primaryKey: ColumnDefinition
    /// The primary key and every unique, non-partial index, as column sets.
    let uniqueColumnSets: [Set<String>]

    func column(_ name: String) throws(StorageError) -> ColumnDefinition {
        _ = try SQLIdentifier.validate(name, kind: "column")
        guard let column = columns.first(where: { $0.name == name }) else {
            throw StorageError(code: .unknownColumn, message: "table \(self.name) has no column \(name)")
        }
        return column
    }

    /// The public description of the table.
    var description: TableDescription {
        TableDescription(name: name, columns: columns, primaryKey: primaryKey, uniqueColumnSets: uniqueColumnSets)
    }
}

/// The tables' definitions, shared by every connection of a store.
final class SQLiteSchemaCache: Sendable {
    private let tables = Mutex<[String: SQLiteTableInfo]>([:])

    func invalidate(_ table: String) {
        _ = tables.withLock { $0.removeValue(forKey: table) }
    }

    /// The definition of `table`, read with `PRAGMA table_info` on `database` when not cached.
    func info(_ table: String, _ database: SQLiteDatabase) throws -> SQLiteTableInfo {
        _ = try SQLIdentifier.validate(table, kind: "table")
        if let cached = tables.withLock({ $0[table] }) { return cached }
        guard let info = try Self.load(table, database) else {
            throw StorageError(code: .unknownTable, message: "table \(table) does not exist")
        }
        tables.withLock { $0[table] = info }
        return info
    }

    /// Reads the definition of `table` from the database, or `nil` when it does not exist.
    static func load(_ table: String, _ database: SQLiteDatabase) throws -> SQLiteTableInfo? {
        var columns: [ColumnDefinition] = []
        try database.run(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
            [.text(table)]
        ) { row in
            columns.append(
                ColumnDefinition(
                    name: row.text(0),
                    type: SQLiteColumnMapping.columnType(declared: row.text(1)),
                    isPrimaryKey: row.int64(3) > 0,
                    isNullable: row.int64(2) == 0
                )
            )
        }
        guard !columns.isEmpty else { return nil }
        let keys = columns.filter(\.isPrimaryKey)
        guard keys.count == 1 else {
            throw StorageError(
                code: .notSupported,
                message: "table \(table) does not have exactly one primary-key column, which table stores need"
            )
        }
        var indexes: [String] = []
        try database.run(
            "SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1 AND partial = 0",
            [.text(table)]
        ) { row in indexes.append(row.text(0)) }
        var unique: [Set<String>] = [[keys[0].name]]
        for index in indexes {
            var set: Set<String> = []
            try database.run("SELECT name FROM pragma_index_info(?1)", [.text(index)]) { row in
                set.insert(row.text(0))
            }
            unique.append(set)
        }
        return SQLiteTableInfo(name: table, columns: columns, primaryKey: keys[0], uniqueColumnSets: unique)
    }
}

/// How ``ColumnType``s and ``TableValue``s map to SQLite.
///
/// | Column type | Declared SQLite type | Stored as |
/// |---|---|---|
/// | `INTEGER` | `INTEGER` | integer |
/// | `STRING` | `VARCHAR` | text |
/// | `TEXT` | `TEXT` | text |
/// | `FLOAT` | `REAL` | real |
/// | `BOOLEAN` | `BOOLEAN` | integer 0 or 1 |
/// | `JSON` | `JSON TEXT` | text holding the JSON document (`NULL` is ``TableValue/null``, the text `null` is `.json(.null)`) |
/// | `DATETIME` | `DATETIME` | integer microseconds since 1970 (real seconds are read too) |
enum SQLiteColumnMapping {
    static func declaredType(_ type: ColumnType) -> String {
        switch type {
        case .integer: "INTEGER"
        case .string: "VARCHAR"
        case .float: "REAL"
        case .boolean: "BOOLEAN"
        case .json: "JSON TEXT"
        case .datetime: "DATETIME"
        default: "TEXT"
        }
    }

    /// The column type of a declared SQLite type, including those other tools (SQLAlchemy) write.
    static func columnType(declared: String) -> ColumnType {
        let upper = declared.uppercased()
        let base = upper.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? upper
        switch base {
        case "INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT", "MEDIUMINT": return .integer
        case "VARCHAR", "CHAR", "NVARCHAR", "NCHAR", "STRING", "CHARACTER", "VARYING CHARACTER": return .string
        case "TEXT", "CLOB": return .text
        case "REAL", "FLOAT", "DOUBLE", "DOUBLE PRECISION", "NUMERIC", "DECIMAL": return .float
        case "BOOLEAN", "BOOL": return .boolean
        case "JSON", "JSON TEXT", "JSONB": return .json
        case "DATETIME", "TIMESTAMP", "DATE": return .datetime
        default:
            if upper.contains("INT") { return .integer }
            if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") { return .float }
            return .text
        }
    }

    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The value to store for `value` in `column`, checked against the column's type and nullability.
    static func storage(
        _ value: TableValue,
        for column: ColumnDefinition,
        table: String
    ) throws(StorageError)
        -> SQLiteValue
    {
        if value.isNull {
            guard column.isNullable else {
                throw StorageError(
                    code: .constraintViolation,
                    message: "column \(table).\(column.name) is NOT NULL"
                )
            }
            return .null
        }
        guard column.type.accepts(value) else {
            throw StorageError(
                code: .invalidValue,
                message:
                    "column \(table).\(column.name) of type \(column.type) does not accept a \(value.kindName) value"
            )
        }
        return try literal(value, column: "\(table).\(column.name)", type: column.type)
    }

    /// The SQLite value of an accepted value.
    static func literal(_ value: TableValue, column: String, type: ColumnType) throws(StorageError) -> SQLiteValue {
        switch value {
        case .null: return .null
        case .integer(let number): return type == .float ? .real(Double(number)) : .integer(number)
        case .float(let number):
            guard !number.isNaN else {
                throw StorageError(code: .invalidValue, message: "column \(column) cannot store NaN")
            }
            return .real(number)
        case .string(let text): return .text(text)
        case .boolean(let flag): return .integer(flag ? 1 : 0)
        case .json(let json): return .text(try JSONColumnText.encode(json, column: column))
        case .datetime(let date): return .integer(microseconds(date))
        }
    }

    /// An SQL literal for a DDL default.
    static func defaultLiteral(_ value: TableValue, column: ColumnDefinition, table: String) throws -> String {
        switch try literal(value, column: "\(table).\(column.name)", type: column.type) {
        case .null: return "NULL"
        case .integer(let number): return String(number)
        case .real(let number):
            guard number.isFinite else {
                throw StorageError(
                    code: .invalidSchema,
                    message: "the default of column \(table).\(column.name) must be finite"
                )
            }
            return "\(number)"
        case .text(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// Reads column `index` of `row` as a value of `column`'s type.
    static func read(
        _ row: SQLiteRow,
        _ index: Int32,
        as column: ColumnDefinition,
        table: String
    ) throws
        -> TableValue
    {
        if row.isNull(index) { return .null }
        switch column.type {
        case .integer: return .integer(row.int64(index))
        case .float: return .float(row.double(index))
        case .boolean: return .boolean(row.int64(index) != 0)
        case .json: return .json(try JSONColumnText.decode(row.text(index), column: "\(table).\(column.name)"))
        case .datetime:
            switch row.storageType(index) {
            case 1: return .datetime(Date(timeIntervalSince1970: Double(row.int64(index)) / 1_000_000))
            case 2: return .datetime(Date(timeIntervalSince1970: row.double(index)))
            default:
                let text = row.text(index)
                if let date = try? Date(text, strategy: .iso8601) { return .datetime(date) }
                throw StorageError(
                    code: .invalidValue,
                    message: "column \(table).\(column.name) holds a value that is not a datetime"
                )
            }
        default: return .string(row.text(index))
        }
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier + "\""
    }
}
