public import StorageRefs

/// An ordered list of ``AccessRule``s deciding which users may perform which actions on which
/// resources, with llama-stack's semantics.
///
/// For an authenticated user, the first rule that applies (its scope matches and its conditions
/// hold) decides: `permit` allows, `forbid` denies. When no rule applies the action is denied. An
/// anonymous request (no ``User``) may access only public resources (see
/// ``ProtectedResource/isPublic``), whatever the rules say.
///
/// The ``default`` policy, used when none is configured, permits every action when the user shares
/// at least one value with the owner for each of `roles`, `teams`, `projects` and `namespaces` that
/// the owner has values for; a resource whose owner has none of them is open to every user.
///
/// ```swift
/// let alice = User(principal: "alice", attributes: ["roles": ["admin"]])
/// let row = ProtectedResource(type: "t", identifier: "1", owner: User(principal: "bob", attributes: ["roles": ["admin"]]))
/// AccessPolicy.default.isAllowed(.read, on: row, for: alice)  // true
/// AccessPolicy.default.isAllowed(.read, on: row, for: nil)    // false
/// ```
public struct AccessPolicy: Hashable, Sendable {
    /// The rules, in the order they are tried. Never empty.
    public private(set) var rules: [AccessRule]

    /// Creates a policy from rules tried in order.
    ///
    /// - Parameter rules: The rules. An empty list means the ``default`` policy, as in llama-stack.
    public init(rules: [AccessRule]) {
        self.rules = rules.isEmpty ? Self.defaultRules : rules
    }

    /// The attribute categories the ``default`` policy compares: `roles`, `teams`, `projects` and
    /// `namespaces`.
    public static let defaultAttributeCategories = ["roles", "teams", "projects", "namespaces"]

    private static let defaultRules = [
        AccessRule(
            effect: .permit,
            scope: AccessRule.Scope(),
            conditionKind: .when,
            conditions: defaultAttributeCategories.map { .userInOwners(attribute: $0) }
        )
    ]

    /// The policy used when none is configured: one rule permitting every action on every resource
    /// when `user in owners roles`, `user in owners teams`, `user in owners projects` and
    /// `user in owners namespaces` all hold.
    public static let `default` = AccessPolicy(rules: defaultRules)

    /// Whether `user` may perform `action` on `resource`.
    ///
    /// - Parameters:
    ///   - action: The requested action.
    ///   - resource: The resource being accessed.
    ///   - user: The authenticated user, or `nil` for an anonymous request.
    /// - Returns: For an anonymous request, whether the resource is public. Otherwise `true` when the
    ///   first rule that applies permits, and `false` when it forbids or no rule applies.
    public func isAllowed(_ action: AccessAction, on resource: ProtectedResource, for user: User?) -> Bool {
        guard let user else { return resource.isPublic }
        for rule in self.rules where rule.applies(to: action, on: resource, for: user) {
            return rule.effect == .permit
        }
        return false
    }
}
