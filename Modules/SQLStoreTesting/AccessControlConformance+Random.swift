import Foundation
import SQLStore
import StorageRefs
import Testing

/// The property case: random owners, rows, users, policies and queries, compared with
/// ``AccessPolicy/isAllowed(_:on:for:)``.
extension AccessControlContext {
    static let categories = ["roles", "teams", "projects", "namespaces", "clearance", "a.b", "q\"k", "é"]
    static let values = [
        "admin", "dev", "ml", "%", "_", "a%b", "a_b", "'", "\"", "\\", "]", "[x]", "é", "e\u{301}", "日本", "🙂",
        "O'Brien", "x y",
    ]
    static let principals = ["alice", "bob", "carol", "%", "_", "é"]

    /// The seed of this run: `STACKKIT_ACCESS_SEED` when set, otherwise random.
    static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["STACKKIT_ACCESS_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 1...UInt64.max)
    }

    private static func user(_ rng: inout SeededGenerator) -> User {
        var attributes: [String: [String]] = [:]
        for category in categories.shuffled(using: &rng).prefix(Int.random(in: 0...4, using: &rng)) {
            attributes[category] = (0..<Int.random(in: 0...3, using: &rng)).map { _ in values.randomElement(using: &rng)! }
        }
        return User(principal: principals.randomElement(using: &rng)!, attributes: attributes)
    }

    private static func maybeUser(_ rng: inout SeededGenerator) -> User? {
        Int.random(in: 0..<100, using: &rng) < 12 ? nil : user(&rng)
    }

    private static func condition(_ rng: inout SeededGenerator) -> AccessCondition {
        let value = values.randomElement(using: &rng)!
        let category = categories.randomElement(using: &rng)!
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return .userIsOwner
        case 1: return .userIsNotOwner
        case 2: return .userWithValueIn(value: value, attribute: category)
        case 3: return .userWithValueNotIn(value: value, attribute: category)
        case 4: return .userInOwners(attribute: category)
        default: return .userNotInOwners(attribute: category)
        }
    }

    private static func policy(_ rng: inout SeededGenerator, table: String, ids: [String]) -> AccessPolicy {
        if Int.random(in: 0..<100, using: &rng) < 35 { return .default }
        let rules = (0..<Int.random(in: 1...3, using: &rng)).map { _ -> AccessRule in
            var actions = Set(AccessAction.allCases.filter { _ in Bool.random(using: &rng) })
            if actions.isEmpty || Bool.random(using: &rng) { actions = Set(AccessAction.allCases) }
            let resource: String?
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<50: resource = nil
            case 50..<70: resource = "\(table)::*"
            case 70..<85: resource = "\(table)::\(ids.randomElement(using: &rng) ?? "none")"
            default: resource = "other::*"
            }
            return AccessRule(
                effect: Int.random(in: 0..<100, using: &rng) < 65 ? .permit : .forbid,
                scope: AccessRule.Scope(
                    principal: Int.random(in: 0..<100, using: &rng) < 25 ? principals.randomElement(using: &rng) : nil,
                    actions: actions,
                    resource: resource
                ),
                conditionKind: Bool.random(using: &rng) ? .when : .unless,
                conditions: (0..<Int.random(in: 0...2, using: &rng)).map { _ in condition(&rng) }
            )
        }
        return AccessPolicy(rules: rules)
    }

    private static func predicate(_ rng: inout SeededGenerator) -> TablePredicate? {
        let bound = TableValue.integer(Int64.random(in: 0..<6, using: &rng))
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return .greaterOrEqual("n", bound)
        case 1: return .or([.isNull("n"), .less("n", bound)])
        case 2: return .in("label", ["l", "m"])
        default: return nil
        }
    }

    /// The stored owner columns of a row written straight to the base store, and the owner the
    /// policy must see for them (the rules of ``OwnerAttributeFilter``).
    private static func craftedOwner(_ rng: inout SeededGenerator) -> (TableValue, TableValue, User?) {
        let principal = principals.randomElement(using: &rng)!
        let value = values.randomElement(using: &rng)!
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return (.string(principal), .json(.null), User(principal: principal))
        case 1: return (.string(principal), .json(["roles": []]), User(principal: principal))
        case 2:
            return (
                .string(principal), .json(["roles": [1, .string(value), nil]]),
                User(principal: principal, attributes: ["roles": [value]])
            )
        case 3: return (.string(principal), .json(["roles": .string(value)]), User(principal: principal))
        case 4: return (.string(principal), .json([.string(value)]), User(principal: principal))
        default: return (.null, .json(["roles": [.string(value)]]), nil)
        }
    }

    /// Rows in the query's order: `n` (NULL first) then `id`, reversed when descending.
    private static func sorted(_ rows: [TableRow], _ ordering: TableOrdering?) -> [TableRow] {
        let ascending = rows.sorted { lhs, rhs in
            let (left, right) = (lhs["id"]?.stringValue ?? "", rhs["id"]?.stringValue ?? "")
            if ordering != nil {
                let (l, r) = (lhs["n"]?.integerValue, rhs["n"]?.integerValue)
                if l != r {
                    guard let l else { return true }
                    guard let r else { return false }
                    return l < r
                }
            }
            return Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
        }
        return ordering?.direction.isAscending == false ? ascending.reversed() : ascending
    }

    func randomCases() async throws {
        let seed = Self.seed()
        var rng = SeededGenerator(seed: seed)
        let rounds = 25
        let perRound = AccessControlConformance.randomCaseCount / rounds
        var failures = 0
        func fail(_ caseNumber: Int, _ message: String) {
            failures += 1
            if failures <= 5 {
                Issue.record(
                    "\(name): random case \(caseNumber) failed (seed \(seed); replay with STACKKIT_ACCESS_SEED=\(seed)): \(message)"
                )
            }
        }
        var caseNumber = 0
        do {
            for round in 0..<rounds {
                let writerStore = decorated()
                let table = try await protectedTable("r\(round)", writerStore)
                var owners: [String: User?] = [:]
                for index in 0..<Int.random(in: 8...30, using: &rng) {
                    let id = "row\(String(format: "%02d", index))"
                    let n: TableValue = Int.random(in: 0..<10, using: &rng) == 0 ? .null : .integer(Int64.random(in: 0..<6, using: &rng))
                    let row: TableRow = ["id": .string(id), "n": n, "label": Bool.random(using: &rng) ? "l" : "k"]
                    if Int.random(in: 0..<100, using: &rng) < 12 {
                        let (principal, attributes, owner) = Self.craftedOwner(&rng)
                        var crafted = row
                        crafted.values[AuthorizedTableStore.ownerPrincipalColumn] = principal
                        crafted.values[AuthorizedTableStore.ownerAttributesColumn] = attributes
                        try await base.insert(into: table, rows: [crafted])
                        owners[id] = owner
                    } else {
                        let writer = Self.maybeUser(&rng)
                        try await insert(writerStore, table, as: writer, [row])
                        owners[id] = writer
                    }
                }
                let all = try await rawRows(table)
                let ids = all.compactMap { $0["id"]?.stringValue }
                func allowed(_ policy: AccessPolicy, _ action: AccessAction, _ row: TableRow, _ user: User?) -> Bool {
                    let id = row["id"]?.stringValue ?? ""
                    let resource = ProtectedResource(type: table, identifier: id, owner: owners[id] ?? nil)
                    return policy.isAllowed(action, on: resource, for: user)
                }
                // The predicate itself, with categories that cannot go into a JSON path, against `evaluate`.
                for _ in 0..<5 {
                    var shares: [String: [String]] = [:]
                    for category in Self.categories.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng)) {
                        shares[category] = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                            Self.values.randomElement(using: &rng)!
                        }
                    }
                    let filter = TablePredicate.ownerAttributes(
                        OwnerAttributeFilter(
                            principalColumn: AuthorizedTableStore.ownerPrincipalColumn,
                            attributesColumn: AuthorizedTableStore.ownerAttributesColumn,
                            requirement: Bool.random(using: &rng) ? .userShares(shares) : .ownerHasNoAttributes
                        )
                    )
                    let selected = try await base.fetchPage(TableQuery(table: table, predicate: filter)).rows
                        .compactMap { $0["id"]?.stringValue }
                    let expected = try all.filter { try filter.evaluate(on: $0) }.compactMap { $0["id"]?.stringValue }
                    if selected != expected {
                        fail(caseNumber, "ownerAttributes \(filter) selected \(selected), expected \(expected)")
                    }
                }
                for _ in 0..<perRound {
                    caseNumber += 1
                    let user = Self.maybeUser(&rng)
                    let policy = Self.policy(&rng, table: table, ids: ids)
                    let predicate = Self.predicate(&rng)
                    let ordering: TableOrdering? = [nil, .ascending("n"), .descending("n")].randomElement(using: &rng)!
                    let limit = Int.random(in: 1...7, using: &rng)
                    let store = decorated(policy)
                    let describe = "user \(user.map { "\($0.principal) \($0.attributes)" } ?? "anonymous"), "
                        + "policy \(policy == .default ? "default" : "\(policy.rules)"), predicate \(String(describing: predicate))"
                    let matching = try all.filter { try predicate?.evaluate(on: $0) ?? true }
                    let readable = Self.sorted(matching.filter { allowed(policy, .read, $0, user) }, ordering)
                    let expected = readable.compactMap { $0["id"]?.stringValue }

                    let walked = try await walk(
                        store,
                        TableQuery(table: table, predicate: predicate, ordering: ordering, limit: limit, columns: ["id"]),
                        as: user
                    )
                    if walked.ids != expected { fail(caseNumber, "pages \(walked.ids), expected \(expected); \(describe)") }
                    if !walked.fullPages { fail(caseNumber, "a page with more rows after it was not full; \(describe)") }
                    let count = try await User.withCurrent(user) { try await store.count(in: table, where: predicate) }
                    if count != expected.count { fail(caseNumber, "count \(count), expected \(expected.count); \(describe)") }
                    let first = try await User.withCurrent(user) {
                        try await store.fetchOne(from: table, where: predicate ?? .and([]))
                    }
                    let expectedFirst = Self.sorted(readable, nil).first?["id"]
                    if first?["id"] != expectedFirst {
                        fail(caseNumber, "fetchOne \(String(describing: first?["id"])), expected \(String(describing: expectedFirst)); \(describe)")
                    }

                    if caseNumber % 2 == 0 {
                        let marker = TableValue.string("m\(caseNumber)")
                        let changed = try await User.withCurrent(user) {
                            try await store.update(table, set: ["label": marker], where: predicate ?? .and([]))
                        }
                        let touched = try await base.fetchPage(TableQuery(table: table, predicate: .equal("label", marker)))
                            .rows.compactMap { $0["id"]?.stringValue }
                        let expectedTouched = matching.filter { allowed(policy, .update, $0, user) }
                            .compactMap { $0["id"]?.stringValue }
                        if changed != expectedTouched.count || Set(touched) != Set(expectedTouched) {
                            fail(caseNumber, "update changed \(changed) \(touched.sorted()), expected \(expectedTouched.sorted()); \(describe)")
                        }
                        for row in all where touched.contains(row["id"]?.stringValue ?? "") {
                            _ = try await base.update(table, set: ["label": row["label"] ?? .null], where: .equal("id", row["id"] ?? .null))
                        }
                    } else {
                        let deleted = try await User.withCurrent(user) {
                            try await store.delete(from: table, where: predicate ?? .and([]))
                        }
                        let remaining = Set(try await rawRows(table).compactMap { $0["id"]?.stringValue })
                        let gone = all.filter { !remaining.contains($0["id"]?.stringValue ?? "") }
                        let expectedGone = matching.filter { allowed(policy, .delete, $0, user) }
                            .compactMap { $0["id"]?.stringValue }
                        let goneIDs = gone.compactMap { $0["id"]?.stringValue }
                        if deleted != expectedGone.count || Set(goneIDs) != Set(expectedGone) {
                            fail(caseNumber, "delete removed \(deleted) \(goneIDs.sorted()), expected \(expectedGone.sorted()); \(describe)")
                        }
                        if !gone.isEmpty { try await base.insert(into: table, rows: gone) }
                    }
                }
                if try await rawRows(table) != all { fail(caseNumber, "round \(round) did not restore its rows") }
            }
        } catch {
            Issue.record("\(name): random case \(caseNumber) threw \(error) (seed \(seed); replay with STACKKIT_ACCESS_SEED=\(seed))")
            throw error
        }
        #expect(caseNumber >= AccessControlConformance.randomCaseCount, "\(name): ran \(caseNumber) random cases")
        if failures > 5 { Issue.record("\(name): \(failures) random cases failed in all (seed \(seed))") }
    }
}
