public import StorageRefs

extension AccessPolicy {
    /// Parses a policy shaped like llama-stack's YAML `access_policy`: an array of rule objects.
    ///
    /// Each rule has exactly one of `permit` or `forbid`, a scope object with `actions` (one action
    /// name or an array of them, not empty), an optional `principal` string and an optional
    /// `resource` string (`type::identifier` or `type::*`). It may have one of `when` or `unless`
    /// (one condition string or an array of them; see ``AccessCondition``) and a `description`
    /// string. A `null` value counts as absent. Unknown keys are rejected, so that a misspelt `when`
    /// cannot silently turn a conditional rule into an unconditional one. An empty array gives the
    /// ``default`` policy.
    ///
    /// ```swift
    /// let policy = try AccessPolicy(parsing: [
    ///     ["permit": ["principal": "alice", "actions": ["read"], "resource": "table::*"],
    ///      "when": ["user in owners roles"]],
    /// ])
    /// ```
    ///
    /// - Parameter rules: The rule objects, in order.
    /// - Throws: ``AccessPolicyError`` naming the rule's index, the field (such as `permit.actions`
    ///   or `when[1]`) and, where there is one, the offending text.
    public init(parsing rules: [JSONValue]) throws(AccessPolicyError) {
        var parsed: [AccessRule] = []
        parsed.reserveCapacity(rules.count)
        for (index, value) in rules.enumerated() {
            parsed.append(try RuleParser(index: index).parse(value))
        }
        self.init(rules: parsed)
    }
}

private struct RuleParser {
    let index: Int

    private static let ruleKeys: Set<String> = ["permit", "forbid", "when", "unless", "description"]
    private static let scopeKeys: Set<String> = ["principal", "actions", "resource"]

    func error(_ field: String?, _ message: String, text: String? = nil) -> AccessPolicyError {
        AccessPolicyError(ruleIndex: self.index, field: field, text: text, message: message)
    }

    func parse(_ value: JSONValue) throws(AccessPolicyError) -> AccessRule {
        guard case .object(let object) = value else {
            throw self.error(nil, "a rule must be an object")
        }
        if let unknown = object.keys.filter({ !Self.ruleKeys.contains($0) }).sorted().first {
            throw self.error(unknown, "unknown key; expected permit, forbid, when, unless or description")
        }
        let permit = Self.present(object["permit"])
        let forbid = Self.present(object["forbid"])
        let effect: AccessRule.Effect
        let scopeValue: JSONValue
        switch (permit, forbid) {
        case (let scope?, nil):
            (effect, scopeValue) = (.permit, scope)
        case (nil, let scope?):
            (effect, scopeValue) = (.forbid, scope)
        case (.some, .some):
            throw self.error("permit", "a rule must have exactly one of permit or forbid, not both")
        case (nil, nil):
            throw self.error("permit", "a rule must have exactly one of permit or forbid")
        }
        let scope = try self.parseScope(scopeValue, field: effect.rawValue)

        let when = Self.present(object["when"])
        let unless = Self.present(object["unless"])
        var kind = AccessRule.ConditionKind.when
        var conditions: [AccessCondition] = []
        switch (when, unless) {
        case (let list?, nil):
            conditions = try self.parseConditions(list, field: "when")
        case (nil, let list?):
            kind = .unless
            conditions = try self.parseConditions(list, field: "unless")
        case (.some, .some):
            throw self.error("unless", "a rule may have when or unless, not both")
        case (nil, nil):
            break
        }

        var description: String?
        if let value = Self.present(object["description"]) {
            guard case .string(let text) = value else {
                throw self.error("description", "description must be a string")
            }
            description = text
        }
        return AccessRule(
            effect: effect,
            scope: scope,
            conditionKind: kind,
            conditions: conditions,
            description: description
        )
    }

    private func parseScope(_ value: JSONValue, field: String) throws(AccessPolicyError) -> AccessRule.Scope {
        guard case .object(let object) = value else {
            throw self.error(field, "the scope must be an object with actions, and optionally principal and resource")
        }
        if let unknown = object.keys.filter({ !Self.scopeKeys.contains($0) }).sorted().first {
            throw self.error("\(field).\(unknown)", "unknown key; expected principal, actions or resource")
        }

        var principal: String?
        if let value = Self.present(object["principal"]) {
            guard case .string(let text) = value else {
                throw self.error("\(field).principal", "principal must be a string")
            }
            principal = text
        }

        guard let actionsValue = Self.present(object["actions"]) else {
            throw self.error("\(field).actions", "actions is required")
        }
        let actionValues: [JSONValue]
        switch actionsValue {
        case .array(let elements): actionValues = elements
        case .string: actionValues = [actionsValue]
        default: throw self.error("\(field).actions", "actions must be an action name or an array of them")
        }
        guard !actionValues.isEmpty else {
            throw self.error("\(field).actions", "actions must not be empty")
        }
        var actions: Set<AccessAction> = []
        for element in actionValues {
            guard case .string(let name) = element else {
                throw self.error("\(field).actions", "each action must be a string")
            }
            guard let action = AccessAction(rawValue: name) else {
                throw self.error(
                    "\(field).actions",
                    "unknown action; expected create, read, update or delete",
                    text: name
                )
            }
            actions.insert(action)
        }

        var resource: String?
        if let value = Self.present(object["resource"]) {
            guard case .string(let text) = value else {
                throw self.error("\(field).resource", "resource must be a string")
            }
            guard let separator = text.firstRange(of: "::"), separator.lowerBound != text.startIndex,
                separator.upperBound != text.endIndex
            else {
                throw self.error("\(field).resource", "resource must be 'type::identifier' or 'type::*'", text: text)
            }
            resource = text
        }
        return AccessRule.Scope(principal: principal, actions: actions, resource: resource)
    }

    private func parseConditions(_ value: JSONValue, field: String) throws(AccessPolicyError) -> [AccessCondition] {
        let elements: [JSONValue]
        let indexed: Bool
        switch value {
        case .array(let array): (elements, indexed) = (array, true)
        case .string: (elements, indexed) = ([value], false)
        default: throw self.error(field, "\(field) must be a condition string or an array of them")
        }
        var conditions: [AccessCondition] = []
        for (position, element) in elements.enumerated() {
            let path = indexed ? "\(field)[\(position)]" : field
            guard case .string(let text) = element else {
                throw self.error(path, "each condition must be a string")
            }
            do {
                conditions.append(try AccessCondition(parsing: text))
            } catch {
                throw self.error(path, error.message, text: text)
            }
        }
        return conditions
    }

    /// The value, or `nil` when it is absent or JSON `null`.
    private static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        return value
    }
}
