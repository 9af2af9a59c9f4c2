/// A typed filter on table rows: the `WHERE` clause of every table-store operation.
///
/// Predicates are values; there is no raw SQL anywhere in the public API. Drivers translate them
/// to SQL with every value bound as a parameter, and ``evaluate(on:)`` evaluates them in memory
/// with exactly the same semantics:
///
/// - **Comparisons** (``equal(_:_:)``, ``notEqual(_:_:)``, ``less(_:_:)``,
///   ``lessOrEqual(_:_:)``, ``greater(_:_:)``, ``greaterOrEqual(_:_:)``, ``in(_:_:)``) never
///   match a row whose column is `NULL`. In particular **`notEqual` does not match `NULL` rows**
///   (SQL semantics: `NULL != 'x'` is unknown, not true); combine it with ``isNull(_:)`` in an
///   ``or(_:)`` to include them.
/// - **`NULL` operands are an error.** Comparing with ``TableValue/null`` (for example
///   `.equal("x", .null)` or a `.null` inside `in`) throws
///   ``StorageError/Code-swift.struct/invalidPredicate``; use ``isNull(_:)`` / ``isNotNull(_:)``.
/// - **`in` with an empty list matches nothing** (it is not an error).
/// - **`and([])` is true, `or([])` is false.** There is no negation, so a condition whose SQL value
///   is unknown can be treated as false without changing any result.
/// - **Kinds.** An integer and a float compare numerically (`1 == 1.0`), strings compare by their
///   UTF-8 bytes (not Swift's `String` order), datetimes by time, booleans `false < true`. JSON
///   values support only `equal`, `notEqual` and `in`, and are equal only when identical
///   (`.int(1)` is not `.double(1)`). Comparing kinds that have no common order (a string with an
///   integer, an ordering comparison of JSON values, NaN) throws
///   ``StorageError/Code-swift.struct/invalidPredicate``.
/// - **Columns.** A predicate naming a column the table (or the row) does not have throws
///   ``StorageError/Code-swift.struct/unknownColumn`` naming it. Column names are validated as
///   ``SQLIdentifier``s before any SQL is built.
///
/// Errors do not depend on evaluation order: every branch of `and`/`or` is checked, even when an
/// earlier branch already decides the result.
///
/// ```swift
/// let recent: TablePredicate = .and([
///     .equal("model", "llama-3"),
///     .greaterOrEqual("created_at", 1_700_000_000),
///     .or([.isNull("deleted_at"), .greater("deleted_at", 1_800_000_000)]),
/// ])
/// ```
public indirect enum TablePredicate: Hashable, Sendable {
    /// The column equals the value (`column = value`).
    case equal(String, TableValue)

    /// The column is not `NULL` and differs from the value (`column != value`).
    ///
    /// Does not match rows where the column is `NULL`.
    case notEqual(String, TableValue)

    /// The column is less than the value (`column < value`).
    case less(String, TableValue)

    /// The column is less than or equal to the value (`column <= value`).
    case lessOrEqual(String, TableValue)

    /// The column is greater than the value (`column > value`).
    case greater(String, TableValue)

    /// The column is greater than or equal to the value (`column >= value`).
    case greaterOrEqual(String, TableValue)

    /// The column equals one of the values (`column IN (…)`); an empty list matches nothing.
    case `in`(String, [TableValue])

    /// The column is `NULL` (`column IS NULL`); a JSON `null` (`.json(.null)`) is not `NULL`.
    case isNull(String)

    /// The column is not `NULL` (`column IS NOT NULL`).
    case isNotNull(String)

    /// Every predicate holds; `and([])` is true.
    case and([TablePredicate])

    /// At least one predicate holds; `or([])` is false.
    case or([TablePredicate])

    /// The row's recorded owner passes the filter; see ``OwnerAttributeFilter``.
    ///
    /// The access-control decorator adds this to every statement under the default policy, so the
    /// policy is applied in SQL. It has no `NULL` semantics of its own: a row without an owner
    /// passes.
    case ownerAttributes(OwnerAttributeFilter)
}

extension TablePredicate {
    /// Every column name the predicate refers to, in any branch.
    ///
    /// Drivers validate each one (identifier rule and existence) before building SQL.
    public var referencedColumns: Set<String> {
        switch self {
        case .equal(let column, _), .notEqual(let column, _), .less(let column, _),
            .lessOrEqual(let column, _), .greater(let column, _), .greaterOrEqual(let column, _),
            .in(let column, _), .isNull(let column), .isNotNull(let column):
            return [column]
        case .ownerAttributes(let filter):
            return [filter.principalColumn, filter.attributesColumn]
        case .and(let predicates), .or(let predicates):
            return predicates.reduce(into: []) { $0.formUnion($1.referencedColumns) }
        }
    }
}
