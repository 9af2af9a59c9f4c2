public import StorageRefs

/// A condition of an ``AccessRule``, in llama-stack's textual forms.
///
/// | Text | Case | Holds when |
/// |---|---|---|
/// | `user is owner` | ``userIsOwner`` | the resource has an owner with the user's principal |
/// | `user is not owner` | ``userIsNotOwner`` | the resource has no owner, or another principal owns it |
/// | `user with V in K` | ``userWithValueIn(value:attribute:)`` | the user's attribute `K` contains `V` |
/// | `user with V not in K` | ``userWithValueNotIn(value:attribute:)`` | the user's attribute `K` does not contain `V` |
/// | `user in owners K` | ``userInOwners(attribute:)`` | the owner has no values for `K`, or the user shares one |
/// | `user not in owners K` | ``userNotInOwners(attribute:)`` | the negation of `user in owners K` |
///
/// Values and attribute names are compared exactly, as strings: no character (`%`, `_`, `*`,
/// quotes, backslashes) has a pattern meaning. Words are separated by whitespace, so a value or
/// attribute name cannot contain whitespace.
///
/// ```swift
/// let condition = try AccessCondition(parsing: "user with admin in roles")
/// condition == .userWithValueIn(value: "admin", attribute: "roles")  // true
/// condition.description  // "user with admin in roles"
/// ```
public enum AccessCondition: Hashable, Sendable {
    /// `user is owner`: the resource has an owner whose principal is the user's.
    case userIsOwner

    /// `user is not owner`: the resource has no owner, or its owner's principal is not the user's.
    case userIsNotOwner

    /// `user with <value> in <attribute>`: the user's attribute list contains the value.
    case userWithValueIn(value: String, attribute: String)

    /// `user with <value> not in <attribute>`: the user's attribute list does not contain the value
    /// (or the user does not have the attribute).
    case userWithValueNotIn(value: String, attribute: String)

    /// `user in owners <attribute>`: the owner has no values for the attribute, or the user shares at
    /// least one of them.
    ///
    /// A resource without an owner satisfies it. When the owner has values and the user has none for
    /// the attribute, it does not hold.
    case userInOwners(attribute: String)

    /// `user not in owners <attribute>`: the negation of ``userInOwners(attribute:)``.
    case userNotInOwners(attribute: String)

    /// Parses one of the six textual forms.
    ///
    /// Words may be separated by any run of whitespace; leading and trailing whitespace is ignored.
    ///
    /// - Parameter text: The condition, such as `user in owners roles`.
    /// - Throws: ``AccessPolicyError`` whose ``AccessPolicyError/text`` is `text` when it matches
    ///   none of the forms.
    public init(parsing text: String) throws(AccessPolicyError) {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        switch words.count {
        case 3 where words == ["user", "is", "owner"]:
            self = .userIsOwner
        case 4 where words == ["user", "is", "not", "owner"]:
            self = .userIsNotOwner
        case 4 where words[0] == "user" && words[1] == "in" && words[2] == "owners":
            self = .userInOwners(attribute: words[3])
        case 5 where words[0] == "user" && words[1] == "with" && words[3] == "in":
            self = .userWithValueIn(value: words[2], attribute: words[4])
        case 5 where words[0] == "user" && words[1] == "not" && words[2] == "in" && words[3] == "owners":
            self = .userNotInOwners(attribute: words[4])
        case 6 where words[0] == "user" && words[1] == "with" && words[3] == "not" && words[4] == "in":
            self = .userWithValueNotIn(value: words[2], attribute: words[5])
        default:
            throw AccessPolicyError(
                text: text,
                message: "invalid condition; expected 'user is owner', 'user is not owner', "
                    + "'user with <value> in <attribute>', 'user with <value> not in <attribute>', "
                    + "'user in owners <attribute>' or 'user not in owners <attribute>'"
            )
        }
    }

    /// Whether the condition holds for `user` acting on `resource`.
    ///
    /// - Parameters:
    ///   - resource: The resource being accessed.
    ///   - user: The authenticated user.
    /// - Returns: `true` when the condition holds.
    public func holds(on resource: ProtectedResource, for user: User) -> Bool {
        switch self {
        case .userIsOwner:
            guard let owner = resource.owner else { return false }
            return Self.same(owner.principal, user.principal)
        case .userIsNotOwner:
            guard let owner = resource.owner else { return true }
            return !Self.same(owner.principal, user.principal)
        case .userWithValueIn(let value, let attribute):
            return user.attributes[attribute]?.contains { Self.same($0, value) } ?? false
        case .userWithValueNotIn(let value, let attribute):
            return !(user.attributes[attribute]?.contains { Self.same($0, value) } ?? false)
        case .userInOwners(let attribute):
            return Self.userShares(attribute, of: resource, with: user)
        case .userNotInOwners(let attribute):
            return !Self.userShares(attribute, of: resource, with: user)
        }
    }

    private static func userShares(_ attribute: String, of resource: ProtectedResource, with user: User) -> Bool {
        guard let required = resource.owner?.attributes[attribute], !required.isEmpty else { return true }
        guard let values = user.attributes[attribute], !values.isEmpty else { return false }
        return required.contains { owned in values.contains { Self.same($0, owned) } }
    }

    /// Byte-for-byte equality of the UTF-8 encodings, as the SQL filters compare: Swift's `==` would treat
    /// canonically equivalent strings (`"é"` and `"e\u{301}"`) as one value, the database would not.
    private static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }
}

extension AccessCondition: CustomStringConvertible {
    /// The condition in its textual form, such as `user with admin in roles`; parsing it gives back
    /// the same condition.
    public var description: String {
        switch self {
        case .userIsOwner: "user is owner"
        case .userIsNotOwner: "user is not owner"
        case .userWithValueIn(let value, let attribute): "user with \(value) in \(attribute)"
        case .userWithValueNotIn(let value, let attribute): "user with \(value) not in \(attribute)"
        case .userInOwners(let attribute): "user in owners \(attribute)"
        case .userNotInOwners(let attribute): "user not in owners \(attribute)"
        }
    }
}
