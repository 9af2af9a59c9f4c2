public import StorageRefs

/// One rule of an ``AccessPolicy``: an effect and scope, optional conditions and a description.
///
/// A rule *applies* to a request when its ``scope`` matches the action, the resource and the user's
/// principal, and its conditions hold: with ``ConditionKind/when`` every condition must
/// hold; with ``ConditionKind/unless`` at least one must fail. A rule without conditions
/// applies whenever its scope matches. In a policy, the first rule that applies decides.
///
/// ```swift
/// // permit: {actions: [read], resource: "model::*"}, when: ["user with admin in roles"]
/// let rule = AccessRule(
///     effect: .permit,
///     scope: AccessRule.Scope(actions: [.read], resource: "model::*"),
///     conditionKind: .when,
///     conditions: [.userWithValueIn(value: "admin", attribute: "roles")]
/// )
/// ```
public struct AccessRule: Hashable, Sendable {
    /// What a rule decides when it applies.
    public enum Effect: String, Hashable, Sendable, CaseIterable {
        /// The action is allowed (`permit` in a policy file).
        case permit

        /// The action is denied (`forbid` in a policy file).
        case forbid
    }

    /// How a rule's conditions combine.
    public enum ConditionKind: String, Hashable, Sendable, CaseIterable {
        /// The rule applies when every condition holds (`when` in a policy file).
        case when

        /// The rule applies unless every condition holds, that is when at least one fails (`unless`
        /// in a policy file).
        case unless
    }

    /// The requests a rule is about: an optional principal, a set of actions and an optional
    /// resource.
    public struct Scope: Hashable, Sendable {
        /// The principal the rule is about, compared exactly; `nil` (or empty) matches every user.
        public var principal: String?

        /// The actions the rule is about; a request with another action does not match.
        public var actions: Set<AccessAction>

        /// The resource the rule is about as `type::identifier`, or `type::*` for every resource of
        /// the type; `nil` (or empty) matches every resource.
        ///
        /// Only a trailing `::*` is a wildcard, matching every qualified identifier that starts with
        /// `type::`. Any other character, `*` included, is compared exactly.
        public var resource: String?

        /// Creates a scope.
        ///
        /// - Parameters:
        ///   - principal: The principal, or `nil` for every user.
        ///   - actions: The actions; all four by default.
        ///   - resource: `type::identifier` or `type::*`, or `nil` for every resource.
        public init(
            principal: String? = nil,
            actions: Set<AccessAction> = Set(AccessAction.allCases),
            resource: String? = nil
        ) {
            self.principal = principal
            self.actions = actions
            self.resource = resource
        }

        /// Whether the scope covers `action` on `resource` by `principal`.
        ///
        /// - Parameters:
        ///   - action: The requested action.
        ///   - resource: The resource being accessed.
        ///   - principal: The requesting user's principal.
        /// - Returns: `true` when the action, the resource and the principal all match.
        public func matches(_ action: AccessAction, on resource: ProtectedResource, principal: String) -> Bool {
            if let scopeResource = self.resource, !scopeResource.isEmpty {
                let qualified = resource.qualifiedIdentifier
                if scopeResource != qualified {
                    guard scopeResource.hasSuffix("::*"), qualified.hasPrefix(scopeResource.dropLast()) else {
                        return false
                    }
                }
            }
            if let scopePrincipal = self.principal, !scopePrincipal.isEmpty, scopePrincipal != principal {
                return false
            }
            return self.actions.contains(action)
        }
    }

    /// Whether the rule permits or forbids when it applies.
    public var effect: Effect

    /// The requests the rule is about.
    public var scope: Scope

    /// How ``conditions`` combine; irrelevant when there are none.
    public var conditionKind: ConditionKind

    /// The conditions; none means the rule applies whenever its scope matches.
    public var conditions: [AccessCondition]

    /// A human-readable note about the rule, if any; it does not affect decisions.
    public var description: String?

    /// Creates a rule.
    ///
    /// - Parameters:
    ///   - effect: Whether the rule permits or forbids.
    ///   - scope: The requests the rule is about.
    ///   - conditionKind: How the conditions combine; `when` by default.
    ///   - conditions: The conditions; none by default.
    ///   - description: A note about the rule, if any.
    public init(
        effect: Effect,
        scope: Scope,
        conditionKind: ConditionKind = .when,
        conditions: [AccessCondition] = [],
        description: String? = nil
    ) {
        self.effect = effect
        self.scope = scope
        self.conditionKind = conditionKind
        self.conditions = conditions
        self.description = description
    }

    /// Whether the rule applies to `user` performing `action` on `resource`: its scope matches and
    /// its conditions hold.
    ///
    /// - Parameters:
    ///   - action: The requested action.
    ///   - resource: The resource being accessed.
    ///   - user: The authenticated user.
    /// - Returns: `true` when the rule decides the request.
    public func applies(to action: AccessAction, on resource: ProtectedResource, for user: User) -> Bool {
        guard self.scope.matches(action, on: resource, principal: user.principal) else { return false }
        guard !self.conditions.isEmpty else { return true }
        let allHold = self.conditions.allSatisfy { $0.holds(on: resource, for: user) }
        switch self.conditionKind {
        case .when: return allHold
        case .unless: return !allHold
        }
    }
}
