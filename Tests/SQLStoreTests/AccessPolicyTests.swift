import SQLStore
import StorageRefs
import Testing

private func resource(
    _ type: String = "table",
    _ identifier: String = "row",
    owner: User?
) -> ProtectedResource {
    ProtectedResource(type: type, identifier: identifier, owner: owner)
}

private func policy(_ rules: [JSONValue]) throws -> AccessPolicy {
    try AccessPolicy(parsing: rules)
}

private func parseError(_ rules: [JSONValue]) -> AccessPolicyError? {
    do {
        _ = try AccessPolicy(parsing: rules)
        return nil
    } catch {
        return error
    }
}

@Suite("AccessCondition")
struct AccessConditionTests {
    let alice = User(principal: "alice", attributes: ["roles": ["admin", "dev"], "teams": ["ml"]])
    let bob = User(principal: "bob", attributes: ["roles": ["dev"]])

    @Test(
        "parses the six forms and prints them back",
        arguments: [
            ("user is owner", AccessCondition.userIsOwner),
            ("user is not owner", .userIsNotOwner),
            ("user with admin in roles", .userWithValueIn(value: "admin", attribute: "roles")),
            ("user with admin not in roles", .userWithValueNotIn(value: "admin", attribute: "roles")),
            ("user in owners teams", .userInOwners(attribute: "teams")),
            ("user not in owners teams", .userNotInOwners(attribute: "teams")),
        ]
    )
    func parsesForms(text: String, expected: AccessCondition) throws {
        #expect(try AccessCondition(parsing: text) == expected)
        #expect(expected.description == text)
        #expect(try AccessCondition(parsing: "  \(text.split(separator: " ").joined(separator: " \t "))\n") == expected)
    }

    @Test(
        "rejects malformed conditions, naming the text",
        arguments: [
            "", "user", "user is", "user is owners", "user is not", "User is owner", "user with admin roles",
            "user with admin in", "user in owner roles", "user with a b in roles", "user not in owners",
            "user in owners roles extra", "resource is unowned", "user with admin not roles",
        ]
    )
    func rejectsMalformed(text: String) {
        #expect {
            try AccessCondition(parsing: text)
        } throws: { error in
            (error as? AccessPolicyError)?.text == text && (error as? AccessPolicyError)?.ruleIndex == nil
        }
    }

    @Test("user is owner / user is not owner")
    func ownership() {
        let owned = resource(owner: self.alice)
        let other = resource(owner: self.bob)
        let unowned = resource(owner: nil)
        #expect(AccessCondition.userIsOwner.holds(on: owned, for: self.alice))
        #expect(!AccessCondition.userIsOwner.holds(on: other, for: self.alice))
        #expect(!AccessCondition.userIsOwner.holds(on: unowned, for: self.alice))
        #expect(!AccessCondition.userIsNotOwner.holds(on: owned, for: self.alice))
        #expect(AccessCondition.userIsNotOwner.holds(on: other, for: self.alice))
        #expect(AccessCondition.userIsNotOwner.holds(on: unowned, for: self.alice))
        // The owner's attributes do not matter, only the principal.
        let sameName = resource(owner: User(principal: "alice"))
        #expect(AccessCondition.userIsOwner.holds(on: sameName, for: self.alice))
    }

    @Test("user with V in K / user with V not in K")
    func userValues() {
        let row = resource(owner: self.bob)
        let hasAdmin = AccessCondition.userWithValueIn(value: "admin", attribute: "roles")
        let lacksAdmin = AccessCondition.userWithValueNotIn(value: "admin", attribute: "roles")
        #expect(hasAdmin.holds(on: row, for: self.alice))
        #expect(!hasAdmin.holds(on: row, for: self.bob))
        #expect(!lacksAdmin.holds(on: row, for: self.alice))
        #expect(lacksAdmin.holds(on: row, for: self.bob))
        // Missing attribute: "in" is false, "not in" is true.
        let noTeams = AccessCondition.userWithValueIn(value: "ml", attribute: "projects")
        #expect(!noTeams.holds(on: row, for: self.alice))
        #expect(AccessCondition.userWithValueNotIn(value: "ml", attribute: "projects").holds(on: row, for: self.alice))
        #expect(!hasAdmin.holds(on: row, for: User(principal: "anon-attrs")))
    }

    @Test("user in owners K / user not in owners K")
    func ownersValues() {
        let inRoles = AccessCondition.userInOwners(attribute: "roles")
        let notInRoles = AccessCondition.userNotInOwners(attribute: "roles")
        let ownerAdmin = resource(owner: User(principal: "carol", attributes: ["roles": ["admin", "ops"]]))
        // Shares a value.
        #expect(inRoles.holds(on: ownerAdmin, for: self.alice))
        #expect(!notInRoles.holds(on: ownerAdmin, for: self.alice))
        // Has values, none shared.
        #expect(!inRoles.holds(on: ownerAdmin, for: self.bob))
        #expect(notInRoles.holds(on: ownerAdmin, for: self.bob))
        // User has no values for the category.
        let noRoles = User(principal: "dave", attributes: ["teams": ["ml"]])
        #expect(!inRoles.holds(on: ownerAdmin, for: noRoles))
        #expect(notInRoles.holds(on: ownerAdmin, for: noRoles))
        #expect(!inRoles.holds(on: ownerAdmin, for: User(principal: "erin", attributes: ["roles": []])))
        // Owner has no values for the category (absent, empty) or no owner: holds.
        for row in [
            resource(owner: User(principal: "carol", attributes: ["teams": ["x"]])),
            resource(owner: User(principal: "carol", attributes: ["roles": []])),
            resource(owner: nil),
        ] {
            #expect(inRoles.holds(on: row, for: noRoles))
            #expect(!notInRoles.holds(on: row, for: noRoles))
        }
    }

    @Test(
        "values and attribute names compare exactly, without pattern semantics",
        arguments: ["%", "_", "a%b", "a_b", "'", "o'brien", "\"", "\\", "]", "[x]", "*", "ünï", "日本", "e\u{301}"]
    )
    func exactComparison(value: String) throws {
        let owner = User(principal: "owner", attributes: [value: [value]])
        let row = resource(owner: owner)
        let matching = User(principal: "u", attributes: [value: [value]])
        #expect(AccessCondition.userInOwners(attribute: value).holds(on: row, for: matching))
        #expect(AccessCondition.userWithValueIn(value: value, attribute: value).holds(on: row, for: matching))
        #expect(
            try AccessCondition(parsing: "user with \(value) in \(value)")
                == .userWithValueIn(value: value, attribute: value)
        )
        #expect(try AccessCondition(parsing: "user in owners \(value)") == .userInOwners(attribute: value))

        // Strings that a LIKE or glob pattern made of `value` would match are not equal.
        for near in ["x\(value)", "\(value)x", "x", "", "\(value)\(value)"] where near != value {
            let other = User(principal: "u", attributes: [value: [near]])
            #expect(!AccessCondition.userInOwners(attribute: value).holds(on: row, for: other), "\(near)")
            #expect(!AccessCondition.userWithValueIn(value: value, attribute: value).holds(on: row, for: other))
            #expect(AccessCondition.userWithValueNotIn(value: value, attribute: value).holds(on: row, for: other))
            let renamed = User(principal: "u", attributes: [near: [value]])
            #expect(!AccessCondition.userInOwners(attribute: value).holds(on: row, for: renamed))
        }
    }
}

@Suite("AccessPolicy")
struct AccessPolicyTests {
    let alice = User(principal: "alice", attributes: ["roles": ["admin"], "teams": ["ml"]])
    let bob = User(principal: "bob", attributes: ["roles": ["dev"]])

    // MARK: Evaluation

    @Test("the first rule that applies decides")
    func firstMatch() throws {
        let row = resource(owner: self.bob)
        let permitFirst = try policy([
            ["permit": ["actions": ["read"]]],
            ["forbid": ["actions": ["read"]]],
        ])
        #expect(permitFirst.isAllowed(.read, on: row, for: self.alice))
        let forbidFirst = try policy([
            ["forbid": ["actions": ["read"]]],
            ["permit": ["actions": ["read"]]],
        ])
        #expect(!forbidFirst.isAllowed(.read, on: row, for: self.alice))
        // A rule whose conditions fail is skipped, so the next one decides.
        let skipped = try policy([
            ["forbid": ["actions": ["read"]], "when": ["user with root in roles"]],
            ["permit": ["actions": ["read"]]],
        ])
        #expect(skipped.isAllowed(.read, on: row, for: self.alice))
    }

    @Test("forbid denies; no applicable rule denies")
    func forbidAndFallThrough() throws {
        let row = resource(owner: self.bob)
        let policy = try policy([
            ["forbid": ["actions": ["delete"]], "unless": "user is owner", "description": "only owners delete"],
            ["permit": ["actions": ["read", "delete"]]],
        ])
        #expect(!policy.isAllowed(.delete, on: row, for: self.alice))
        #expect(policy.isAllowed(.delete, on: row, for: self.bob))
        #expect(policy.isAllowed(.read, on: row, for: self.alice))
        #expect(!policy.isAllowed(.update, on: row, for: self.alice))
        #expect(!policy.isAllowed(.create, on: row, for: self.bob))
        #expect(policy.rules[0].description == "only owners delete")
    }

    @Test("unless applies when at least one condition fails")
    func unlessSemantics() throws {
        let policy = try policy([
            ["permit": ["actions": ["read"]], "unless": ["user with admin in roles", "user in owners teams"]]
        ])
        let row = resource(owner: User(principal: "o", attributes: ["teams": ["ml"]]))
        // alice: both hold → rule does not apply → denied.
        #expect(!policy.isAllowed(.read, on: row, for: self.alice))
        // bob: neither holds → applies.
        #expect(policy.isAllowed(.read, on: row, for: self.bob))
        // carol: admin but not in ml → one fails → applies.
        let carol = User(principal: "carol", attributes: ["roles": ["admin"]])
        #expect(policy.isAllowed(.read, on: row, for: carol))
    }

    @Test("when requires every condition")
    func whenSemantics() throws {
        let policy = try policy([
            ["permit": ["actions": ["read"]], "when": ["user with admin in roles", "user with ml in teams"]]
        ])
        let row = resource(owner: self.bob)
        #expect(policy.isAllowed(.read, on: row, for: self.alice))
        let adminOnly = User(principal: "c", attributes: ["roles": ["admin"]])
        #expect(!policy.isAllowed(.read, on: row, for: adminOnly))
    }

    @Test("resource scope: exact and type::* wildcard")
    func resourceScope() throws {
        let policy = try policy([
            ["permit": ["actions": ["read"], "resource": "model::llama"]],
            ["permit": ["actions": ["read"], "resource": "vector_db::*"]],
        ])
        let user = self.bob
        #expect(policy.isAllowed(.read, on: resource("model", "llama", owner: nil), for: user))
        #expect(!policy.isAllowed(.read, on: resource("model", "llama2", owner: nil), for: user))
        #expect(!policy.isAllowed(.read, on: resource("model", "lla", owner: nil), for: user))
        #expect(policy.isAllowed(.read, on: resource("vector_db", "a", owner: nil), for: user))
        #expect(policy.isAllowed(.read, on: resource("vector_db", "a::b", owner: nil), for: user))
        #expect(policy.isAllowed(.read, on: resource("vector_db", "", owner: nil), for: user))
        #expect(!policy.isAllowed(.read, on: resource("vector_dbx", "a", owner: nil), for: user))
        #expect(!policy.isAllowed(.read, on: resource("vector", "db::a", owner: nil), for: user))
        #expect(!policy.isAllowed(.update, on: resource("vector_db", "a", owner: nil), for: user))
        // Only a trailing `::*` is a wildcard.
        let star = try AccessPolicy(parsing: [["permit": ["actions": ["read"], "resource": "model::ll*"]]])
        #expect(!star.isAllowed(.read, on: resource("model", "llama", owner: nil), for: user))
        #expect(star.isAllowed(.read, on: resource("model", "ll*", owner: nil), for: user))
    }

    @Test("principal scope matches exactly")
    func principalScope() throws {
        let policy = try policy([["permit": ["principal": "alice", "actions": ["read"], "resource": "table::*"]]])
        let row = resource(owner: self.bob)
        #expect(policy.isAllowed(.read, on: row, for: self.alice))
        #expect(!policy.isAllowed(.read, on: row, for: self.bob))
        #expect(!policy.isAllowed(.read, on: row, for: User(principal: "Alice")))
        #expect(!policy.isAllowed(.read, on: row, for: User(principal: "alice2")))
        #expect(!policy.isAllowed(.update, on: row, for: self.alice))
        #expect(!policy.isAllowed(.read, on: resource("other", "row", owner: self.bob), for: self.alice))
    }

    @Test("actions scope: a single string or an array")
    func actionsScope() throws {
        let single = try policy([["permit": ["actions": "update"]]])
        #expect(single.rules[0].scope.actions == [.update])
        let all = try policy([["permit": ["actions": ["create", "read", "update", "delete"]]]])
        let row = resource(owner: self.bob)
        for action in AccessAction.allCases {
            #expect(all.isAllowed(action, on: row, for: self.alice))
            #expect(single.isAllowed(action, on: row, for: self.alice) == (action == .update))
        }
    }

    // MARK: Default policy

    @Test("default policy: sharing a role allows")
    func defaultSharesRole() {
        let row = resource(owner: User(principal: "bob", attributes: ["roles": ["admin", "ops"]]))
        for action in AccessAction.allCases {
            #expect(AccessPolicy.default.isAllowed(action, on: row, for: self.alice))
        }
        #expect(!AccessPolicy.default.isAllowed(.read, on: row, for: self.bob.withRoles(["ops2"])))
    }

    @Test("default policy: owner has roles and teams, user shares only the role → denied")
    func defaultNeedsEveryCategory() {
        let row = resource(owner: User(principal: "bob", attributes: ["roles": ["admin"], "teams": ["infra"]]))
        #expect(!AccessPolicy.default.isAllowed(.read, on: row, for: self.alice))
        let both = User(principal: "c", attributes: ["roles": ["admin"], "teams": ["infra", "ml"]])
        #expect(AccessPolicy.default.isAllowed(.read, on: row, for: both))
        // Categories other than the four are ignored by the default policy.
        let extra = resource(owner: User(principal: "bob", attributes: ["roles": ["admin"], "groups": ["g"]]))
        #expect(AccessPolicy.default.isAllowed(.read, on: extra, for: self.alice))
    }

    @Test("default policy: public rows are open to everyone")
    func defaultPublic() {
        for row in [
            resource(owner: nil),
            resource(owner: User(principal: "bob")),
            resource(owner: User(principal: "bob", attributes: ["roles": [], "teams": []])),
        ] {
            #expect(row.isPublic)
            for action in AccessAction.allCases {
                #expect(AccessPolicy.default.isAllowed(action, on: row, for: self.alice))
                #expect(AccessPolicy.default.isAllowed(action, on: row, for: User(principal: "nobody")))
                #expect(AccessPolicy.default.isAllowed(action, on: row, for: nil))
            }
        }
    }

    @Test("anonymous requests see only public rows, whatever the policy")
    func anonymous() throws {
        let owned = resource(owner: User(principal: "bob", attributes: ["roles": ["dev"]]))
        #expect(!owned.isPublic)
        let permitAll = try policy([["permit": ["actions": ["create", "read", "update", "delete"]]]])
        let forbidAll = try policy([["forbid": ["actions": ["create", "read", "update", "delete"]]]])
        for policy in [AccessPolicy.default, permitAll, forbidAll] {
            #expect(!policy.isAllowed(.read, on: owned, for: nil))
            #expect(policy.isAllowed(.read, on: resource(owner: nil), for: nil))
        }
    }

    @Test("the default policy is one rule; an empty policy means the default")
    func defaultShape() throws {
        #expect(AccessPolicy.default.rules.count == 1)
        let rule = AccessPolicy.default.rules[0]
        #expect(rule.effect == .permit)
        #expect(rule.scope == AccessRule.Scope())
        #expect(rule.conditionKind == .when)
        #expect(
            rule.conditions.map(\.description) == [
                "user in owners roles", "user in owners teams", "user in owners projects", "user in owners namespaces",
            ]
        )
        #expect(AccessPolicy(rules: []) == .default)
        #expect(try AccessPolicy(parsing: []) == .default)
        let parsedDefault = try policy([
            [
                "permit": ["actions": ["create", "read", "update", "delete"]],
                "when": [
                    "user in owners roles", "user in owners teams", "user in owners projects",
                    "user in owners namespaces",
                ],
            ]
        ])
        #expect(parsedDefault == .default)
    }

    // MARK: Parsing

    @Test("parses the llama-stack shape")
    func parsesShape() throws {
        let policy = try policy([
            [
                "permit": ["principal": "alice", "actions": ["read"], "resource": "table::*"],
                "when": ["user in owners roles"],
                "description": "alice reads tables",
            ],
            ["forbid": ["actions": "delete", "principal": nil], "unless": "user is owner", "when": nil],
        ])
        #expect(
            policy.rules == [
                AccessRule(
                    effect: .permit,
                    scope: AccessRule.Scope(principal: "alice", actions: [.read], resource: "table::*"),
                    conditionKind: .when,
                    conditions: [.userInOwners(attribute: "roles")],
                    description: "alice reads tables"
                ),
                AccessRule(
                    effect: .forbid,
                    scope: AccessRule.Scope(actions: [.delete]),
                    conditionKind: .unless,
                    conditions: [.userIsOwner]
                ),
            ]
        )
    }

    static let badRules: [(rule: JSONValue, field: String?, text: String?)] = {
        var cases: [(rule: JSONValue, field: String?, text: String?)] = []
        cases.append((JSONValue.string("permit"), nil, nil))
        cases.append((["permit": ["actions": ["read"]], "forbid": ["actions": ["read"]]], "permit", nil))
        cases.append((["description": "nothing"], "permit", nil))
        cases.append((["permit": "read"], "permit", nil))
        cases.append((["permit": ["actions": ["read"]], "wen": ["user is owner"]], "wen", nil))
        cases.append((["permit": ["action": ["read"]]], "permit.action", nil))
        cases.append((["permit": ["principal": "a"]], "permit.actions", nil))
        cases.append((["forbid": ["actions": []]], "forbid.actions", nil))
        cases.append((["permit": ["actions": ["read", "browse"]]], "permit.actions", "browse"))
        cases.append((["permit": ["actions": [1]]], "permit.actions", nil))
        cases.append((["permit": ["actions": ["read"], "principal": 3]], "permit.principal", nil))
        cases.append((["permit": ["actions": ["read"], "resource": "table"]], "permit.resource", "table"))
        cases.append((["permit": ["actions": ["read"], "resource": "::x"]], "permit.resource", "::x"))
        cases.append((["permit": ["actions": ["read"], "resource": "table::"]], "permit.resource", "table::"))
        cases.append(
            (["permit": ["actions": ["read"]], "when": ["user is owner", "user is boss"]], "when[1]", "user is boss")
        )
        cases.append((["permit": ["actions": ["read"]], "unless": "user owns it"], "unless", "user owns it"))
        cases.append((["permit": ["actions": ["read"]], "when": [true]], "when[0]", nil))
        cases.append((["permit": ["actions": ["read"]], "when": 1], "when", nil))
        cases.append(
            (["permit": ["actions": ["read"]], "when": "user is owner", "unless": "user is owner"], "unless", nil)
        )
        cases.append((["permit": ["actions": ["read"]], "description": 1], "description", nil))
        return cases
    }()

    @Test(
        "parse errors name the rule index, the field and the offending text",
        arguments: Self.badRules
    )
    func parseErrors(rule: JSONValue, field: String?, text: String?) throws {
        let valid: JSONValue = ["permit": ["actions": ["read"]]]
        let error = try #require(parseError([valid, valid, rule]))
        #expect(error.ruleIndex == 2)
        #expect(error.field == field)
        #expect(error.text == text)
        #expect(error.description.contains("rule 2"))
        if let field {
            #expect(error.description.contains("'\(field)'"))
        }
        if let text {
            #expect(error.description.contains(text))
        }
    }
}

extension User {
    fileprivate func withRoles(_ roles: [String]) -> User {
        var copy = self
        copy.attributes["roles"] = roles
        return copy
    }
}

struct AccessConditionByteEqualityTests {
    @Test func canonicallyEquivalentValuesAreDifferentValues() {
        // SQL compares bytes; the in-memory evaluation must agree with it.
        let owner = User(principal: "e\u{301}", attributes: ["roles": ["caf\u{E9}"]])
        let resource = ProtectedResource(type: "table", identifier: "1", owner: owner)
        let lookalike = User(principal: "\u{E9}", attributes: ["roles": ["cafe\u{301}"]])
        #expect(!AccessCondition.userIsOwner.holds(on: resource, for: lookalike))
        #expect(!AccessCondition.userInOwners(attribute: "roles").holds(on: resource, for: lookalike))
        #expect(!AccessCondition.userWithValueIn(value: "caf\u{E9}", attribute: "roles").holds(on: resource, for: lookalike))
        #expect(AccessCondition.userInOwners(attribute: "roles").holds(on: resource, for: owner))
    }
}
