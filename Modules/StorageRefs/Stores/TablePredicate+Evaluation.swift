extension TablePredicate {
    /// Evaluates the predicate on a row in memory, with the semantics of every table store.
    ///
    /// This is the reference semantics that in-memory stores, the access-control policy and the
    /// conformance suites rely on; see ``TablePredicate`` for the rules. A column that the row
    /// does not have is an unknown column (a row read from a store has every column, `NULL` ones
    /// as ``TableValue/null``).
    ///
    /// - Parameter row: The row to test.
    /// - Returns: Whether the row matches.
    /// - Throws: ``StorageError`` with code ``StorageError/Code-swift.struct/invalidPredicate`` for a
    ///   `NULL` operand or incomparable kinds, or ``StorageError/Code-swift.struct/unknownColumn``
    ///   for a column missing from the row. Every branch is checked, so the error does not depend
    ///   on the order of `and`/`or` branches.
    public func evaluate(on row: TableRow) throws(StorageError) -> Bool {
        switch self {
        case .equal(let column, let operand):
            return try Self.compare(row, column, operand, "equal") { $0 == 0 }
        case .notEqual(let column, let operand):
            return try Self.compare(row, column, operand, "notEqual") { $0 != 0 }
        case .less(let column, let operand):
            return try Self.compare(row, column, operand, "less", ordering: true) { $0 < 0 }
        case .lessOrEqual(let column, let operand):
            return try Self.compare(row, column, operand, "lessOrEqual", ordering: true) { $0 <= 0 }
        case .greater(let column, let operand):
            return try Self.compare(row, column, operand, "greater", ordering: true) { $0 > 0 }
        case .greaterOrEqual(let column, let operand):
            return try Self.compare(row, column, operand, "greaterOrEqual", ordering: true) { $0 >= 0 }
        case .in(let column, let operands):
            let value = try Self.value(of: column, in: row)
            var matched = false
            for operand in operands {
                if try Self.compare(value, column, operand, "in", ordering: false) == 0 {
                    matched = true
                }
            }
            return matched
        case .isNull(let column):
            return try Self.value(of: column, in: row).isNull
        case .isNotNull(let column):
            return try !Self.value(of: column, in: row).isNull
        case .and(let predicates):
            var result = true
            for predicate in predicates {
                // No short-circuit: every branch is checked for errors.
                if try !predicate.evaluate(on: row) { result = false }
            }
            return result
        case .or(let predicates):
            var result = false
            for predicate in predicates {
                if try predicate.evaluate(on: row) { result = true }
            }
            return result
        case .ownerAttributes(let filter):
            return try filter.evaluate(on: row)
        }
    }

    private static func value(of column: String, in row: TableRow) throws(StorageError) -> TableValue {
        guard let value = row[column] else {
            throw StorageError(code: .unknownColumn, message: "unknown column \(column)")
        }
        return value
    }

    private static func compare(
        _ row: TableRow,
        _ column: String,
        _ operand: TableValue,
        _ operation: String,
        ordering: Bool = false,
        _ test: (Int) -> Bool
    ) throws(StorageError) -> Bool {
        let value = try Self.value(of: column, in: row)
        guard let order = try Self.compare(value, column, operand, operation, ordering: ordering) else {
            return false
        }
        return test(order)
    }

    /// Compares a row value with an operand: `nil` when the row value is `NULL` (SQL unknown),
    /// otherwise negative, zero or positive.
    private static func compare(
        _ value: TableValue,
        _ column: String,
        _ operand: TableValue,
        _ operation: String,
        ordering: Bool
    ) throws(StorageError) -> Int? {
        if operand.isNull {
            throw StorageError(
                code: .invalidPredicate,
                message: "\(operation) on column \(column) with a NULL operand; use isNull or isNotNull"
            )
        }
        if value.isNull {
            return nil
        }
        switch (value, operand) {
        case (.integer(let lhs), .integer(let rhs)):
            return lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
        case (.integer(let lhs), .float(let rhs)):
            return try Self.compare(lhs, rhs, column)
        case (.float(let lhs), .integer(let rhs)):
            return try -Self.compare(rhs, lhs, column)
        case (.float(let lhs), .float(let rhs)):
            guard !lhs.isNaN, !rhs.isNaN else { throw Self.notANumber(column) }
            return lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
        case (.string(let lhs), .string(let rhs)):
            return KeyRange.compareUTF8(lhs.utf8, rhs.utf8)
        case (.boolean(let lhs), .boolean(let rhs)):
            return lhs == rhs ? 0 : (lhs ? 1 : -1)
        case (.datetime(let lhs), .datetime(let rhs)):
            return lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
        case (.json(let lhs), .json(let rhs)):
            guard !ordering else {
                throw StorageError(
                    code: .invalidPredicate,
                    message: "\(operation) on JSON column \(column): JSON values support only equal, notEqual and in"
                )
            }
            return lhs == rhs ? 0 : 1
        default:
            throw StorageError(
                code: .invalidPredicate,
                message: "\(operation) on column \(column) compares a \(value.kindName) value "
                    + "with a \(operand.kindName) operand"
            )
        }
    }

    /// Compares an integer with a double exactly (no rounding of large integers).
    private static func compare(_ lhs: Int64, _ rhs: Double, _ column: String) throws(StorageError) -> Int {
        guard !rhs.isNaN else { throw Self.notANumber(column) }
        // 2^63 is exactly representable; every Int64 is below it and at or above -2^63.
        if rhs >= 9_223_372_036_854_775_808.0 { return -1 }
        if rhs < -9_223_372_036_854_775_808.0 { return 1 }
        let whole = rhs.rounded(.towardZero)
        let truncated = Int64(whole)
        if lhs != truncated { return lhs < truncated ? -1 : 1 }
        let fraction = rhs - whole
        return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
    }

    private static func notANumber(_ column: String) -> StorageError {
        StorageError(code: .invalidPredicate, message: "comparison on column \(column) involves NaN")
    }
}
