/// A filter on the owner a row records: the test behind ``TablePredicate/ownerAttributes(_:)``.
///
/// Rows written through the access-control decorator record their owner in two columns: the
/// owner's principal (a `STRING` column, `NULL` for rows written without a user) and the owner's
/// attributes (a `JSON` column holding an object such as `{"roles": ["admin"], "teams": ["ml"]}`,
/// or `NULL`). This filter selects rows by those columns so a store can apply the default access
/// policy in SQL. Its semantics, identical in memory and on every backend:
///
/// - The owner's values for a category are the **string elements** of the member with that name
///   when the attributes column holds a JSON object and that member is an array. Anything else (a
///   missing member, a non-array member, a non-object or `NULL` column, non-string elements)
///   contributes no values.
/// - A row whose principal column is `NULL` has no owner and passes every requirement.
/// - ``Requirement/ownerHasNoAttributes`` passes rows whose owner has no values in any category:
///   the rows an anonymous request may see.
/// - ``Requirement/userShares(_:)`` passes rows where, for **every** category of the dictionary,
///   the owner has no values for it or shares at least one value with the user's list for it
///   (compared byte for byte: `%`, `_`, quotes and backslashes have no pattern meaning). An empty
///   user list shares nothing.
///
/// Stores compile it with bound parameters and exact JSON membership, never `LIKE`.
public struct OwnerAttributeFilter: Hashable, Sendable {
    /// Which rows pass.
    public enum Requirement: Hashable, Sendable {
        /// The owner has no attribute values at all (or the row has no owner).
        case ownerHasNoAttributes

        /// For every category (key), the owner has no values for it or shares one with the list.
        case userShares([String: [String]])
    }

    /// The `STRING` column holding the owner's principal.
    public var principalColumn: String

    /// The `JSON` column holding the owner's attributes.
    public var attributesColumn: String

    /// Which rows pass.
    public var requirement: Requirement

    /// Creates a filter.
    ///
    /// - Parameters:
    ///   - principalColumn: The `STRING` column holding the owner's principal.
    ///   - attributesColumn: The `JSON` column holding the owner's attributes.
    ///   - requirement: Which rows pass.
    public init(principalColumn: String, attributesColumn: String, requirement: Requirement) {
        self.principalColumn = principalColumn
        self.attributesColumn = attributesColumn
        self.requirement = requirement
    }

    /// The owner's values per category in a stored attributes value, as the filter reads them.
    ///
    /// - Parameter value: The attributes column's value.
    /// - Returns: The string elements of each array member of a JSON object; empty lists are
    ///   omitted, and any other value gives an empty dictionary.
    public static func ownerAttributes(in value: TableValue) -> [String: [String]] {
        guard case .json(.object(let members)) = value else { return [:] }
        var result: [String: [String]] = [:]
        for (category, member) in members {
            guard case .array(let elements) = member else { continue }
            let strings = elements.compactMap(\.stringValue)
            if !strings.isEmpty { result[category] = strings }
        }
        return result
    }

    /// Whether a row passes, evaluated in memory.
    ///
    /// - Parameter row: A row holding both columns.
    /// - Returns: Whether the row passes.
    /// - Throws: ``StorageError`` ``StorageError/Code-swift.struct/unknownColumn`` when the row
    ///   lacks a column, ``StorageError/Code-swift.struct/invalidPredicate`` when the principal is
    ///   not a string or the attributes are not JSON.
    public func evaluate(on row: TableRow) throws(StorageError) -> Bool {
        guard let principal = row[self.principalColumn] else {
            throw StorageError(code: .unknownColumn, message: "unknown column \(self.principalColumn)")
        }
        guard let attributes = row[self.attributesColumn] else {
            throw StorageError(code: .unknownColumn, message: "unknown column \(self.attributesColumn)")
        }
        switch principal {
        case .null, .string: break
        default:
            throw StorageError(
                code: .invalidPredicate,
                message: "ownerAttributes on column \(self.principalColumn) holding a \(principal.kindName) value; "
                    + "the principal column must be a string column"
            )
        }
        switch attributes {
        case .null, .json: break
        default:
            throw StorageError(
                code: .invalidPredicate,
                message: "ownerAttributes on column \(self.attributesColumn) holding a \(attributes.kindName) value; "
                    + "the attributes column must be a JSON column"
            )
        }
        if principal.isNull { return true }
        let owned = Self.ownerAttributes(in: attributes)
        switch self.requirement {
        case .ownerHasNoAttributes:
            return owned.isEmpty
        case .userShares(let user):
            return user.allSatisfy { category, values in
                guard let required = owned[category] else { return true }
                return required.contains { owner in values.contains { $0.utf8.elementsEqual(owner.utf8) } }
            }
        }
    }
}
