import Foundation
import PostgresNIO
import StorageRefs
import Synchronization

/// What a store knows about one table: its columns (typed) and the column sets that are unique.
struct PostgresTableInfo: Sendable {
    let name: String
    let columns: [ColumnDefinition]
    let primaryKey: ColumnDefinition
    /// The primary key and every unique, non-partial, non-expression index, as column sets.
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

/// SQL text with its bound parameters (`$1`, `$2`, …).
struct PostgresFragment {
    var bindings = PostgresBindings()
    private(set) var count = 0

    /// Binds `value` and returns its placeholder, with a cast when the parameter's type needs one.
    mutating func bind(_ value: PostgresParameter) -> String {
        count += 1
        switch value {
        case .null: bindings.appendNull()
        case .integer(let number): bindings.append(number)
        case .double(let number): bindings.append(number)
        case .text(let text): bindings.append(text)
        case .boolean(let flag): bindings.append(flag)
        case .timestamp(let date): bindings.append(date)
        case .jsonb(let text):
            bindings.append(text)
            return "$\(count)::jsonb"
        }
        return "$\(count)"
    }

    var query: (String) -> PostgresQuery {
        { [bindings] sql in PostgresQuery(unsafeSQL: sql, binds: bindings) }
    }
}

/// A value bound as a statement parameter.
enum PostgresParameter {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)
    case boolean(Bool)
    case timestamp(Date)
    /// JSON text, cast to `jsonb`.
    case jsonb(String)
}

/// The tables' definitions, shared by every connection of a store.
final class PostgresSchemaCache: Sendable {
    private let tables = Mutex<[String: PostgresTableInfo]>([:])

    func invalidate(_ table: String) {
        _ = tables.withLock { $0.removeValue(forKey: table) }
    }

    func cached(_ table: String) -> PostgresTableInfo? {
        tables.withLock { $0[table] }
    }

    func store(_ info: PostgresTableInfo) {
        tables.withLock { $0[info.name] = info }
    }
}

/// How ``ColumnType``s and ``TableValue``s map to PostgreSQL.
///
/// | Column type | PostgreSQL type |
/// |---|---|
/// | `INTEGER` | `bigint` |
/// | `STRING` | `varchar COLLATE "C"` |
/// | `TEXT` | `text COLLATE "C"` |
/// | `FLOAT` | `double precision` |
/// | `BOOLEAN` | `boolean` |
/// | `JSON` | `jsonb` (SQL `NULL` is ``TableValue/null``, the jsonb `null` is `.json(.null)`) |
/// | `DATETIME` | `timestamptz` (microseconds) |
enum PostgresColumnMapping {
    static func declaredType(_ type: ColumnType) -> String {
        switch type {
        case .integer: "bigint"
        case .string: "varchar COLLATE \"C\""
        case .float: "double precision"
        case .boolean: "boolean"
        case .json: "jsonb"
        case .datetime: "timestamptz"
        default: "text COLLATE \"C\""
        }
    }

    /// The column type of a type as `format_type` spells it, including types other tools write.
    static func columnType(formatted: String) -> ColumnType {
        let base = formatted.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? formatted
        switch base {
        case "bigint", "integer", "smallint": return .integer
        case "character varying", "character", "\"char\"", "name": return .string
        case "double precision", "real", "numeric": return .float
        case "boolean": return .boolean
        case "jsonb", "json": return .json
        case "timestamp with time zone", "timestamp without time zone", "date": return .datetime
        default: return .text
        }
    }

    /// The parameter to bind for `value` in `column`, checked against the column's type and nullability.
    static func storage(
        _ value: TableValue,
        for column: ColumnDefinition,
        table: String
    ) throws(StorageError) -> PostgresParameter {
        if value.isNull {
            guard column.isNullable else {
                throw StorageError(code: .constraintViolation, message: "column \(table).\(column.name) is NOT NULL")
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

    /// The parameter of an accepted value.
    static func literal(_ value: TableValue, column: String, type: ColumnType) throws(StorageError) -> PostgresParameter
    {
        switch value {
        case .null: return .null
        case .integer(let number): return type == .float ? .double(Double(number)) : .integer(number)
        case .float(let number):
            guard !number.isNaN else {
                throw StorageError(code: .invalidValue, message: "column \(column) cannot store NaN")
            }
            return .double(number)
        case .string(let text):
            guard !text.utf8.contains(0) else {
                throw StorageError(
                    code: .invalidValue,
                    message: "column \(column): PostgreSQL text cannot hold the character U+0000"
                )
            }
            return .text(text)
        case .boolean(let flag): return .boolean(flag)
        case .json(let json): return .jsonb(try JSONColumnText.encode(json, column: column))
        case .datetime(let date): return .timestamp(date)
        }
    }

    /// An SQL literal for a DDL default (never user-controlled SQL: strings are escaped).
    static func defaultLiteral(_ value: TableValue, column: ColumnDefinition, table: String) throws -> String {
        switch try literal(value, column: "\(table).\(column.name)", type: column.type) {
        case .null: return "NULL"
        case .integer(let number): return String(number)
        case .double(let number):
            guard number.isFinite else {
                throw StorageError(
                    code: .invalidSchema,
                    message: "the default of column \(table).\(column.name) must be finite"
                )
            }
            return "'\(number)'::double precision"
        case .text(let text): return quoteLiteral(text)
        case .boolean(let flag): return flag ? "TRUE" : "FALSE"
        case .timestamp(let date):
            let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
            return "to_timestamp(\(micros)::double precision / 1000000)"
        case .jsonb(let text): return quoteLiteral(text) + "::jsonb"
        }
    }

    static func quoteLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Reads `cell` as a value of `column`'s type.
    static func read(_ cell: PostgresCell, as column: ColumnDefinition, table: String) throws -> TableValue {
        if cell.bytes == nil { return .null }
        switch column.type {
        case .integer: return .integer(try cell.decode(Int64.self))
        case .float: return .float(try cell.decode(Double.self))
        case .boolean: return .boolean(try cell.decode(Bool.self))
        case .json:
            return .json(try JSONColumnText.decode(try cell.decode(String.self), column: "\(table).\(column.name)"))
        case .datetime: return .datetime(try cell.decode(Date.self))
        default: return .string(try cell.decode(String.self))
        }
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier + "\""
    }
}
