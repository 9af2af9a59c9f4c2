import Foundation
import SQLStore
import StorageRefs
import Testing

/// A small, fast, seedable generator (SplitMix64), so a failing random case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The state of one access-control case run.
struct AccessControlContext {
    let base: any TableStore
    let name: String
    let run: String

    typealias Owner = AuthorizedTableStore

    static let alice = User(principal: "alice", attributes: ["teams": ["ml"], "roles": ["user"]])
    static let bob = User(principal: "bob", attributes: ["teams": ["infra"], "roles": ["user"]])
    static let carol = User(principal: "carol", attributes: ["teams": ["ml", "web"], "roles": ["user"]])

    func table(_ label: String) -> String { "a_\(run)_\(label)" }

    /// A protected table with `id` STRING primary key, `n` INTEGER and `label` STRING.
    func protectedTable(_ label: String, _ store: AuthorizedTableStore) async throws -> String {
        let table = table(label)
        try await store.createTable(
            TableSchema(
                name: table,
                columns: [
                    ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                    ColumnDefinition(name: "n", type: .integer),
                    ColumnDefinition(name: "label", type: .string),
                ],
                indexes: [IndexDefinition(name: "\(table)_n", columns: ["n"])]
            )
        )
        return table
    }

    func decorated(_ policy: AccessPolicy = .default) -> AuthorizedTableStore {
        AuthorizedTableStore(base: base, policy: policy)
    }

    func insert(_ store: AuthorizedTableStore, _ table: String, as user: User?, _ rows: [TableRow]) async throws {
        try await User.withCurrent(user) { try await store.insert(into: table, rows: rows) }
    }

    /// Every row of `table`, read from the undecorated store, in primary-key order.
    func rawRows(_ table: String) async throws -> [TableRow] {
        try await base.fetchPage(TableQuery(table: table)).rows
    }

    func expectCode(_ code: StorageError.Code, _ operation: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("\(name): \(operation) must throw \(code)")
        } catch let error as StorageError {
            #expect(error.code == code, "\(name): \(operation) threw \(error), expected \(code)")
        } catch {
            Issue.record("\(name): \(operation) threw \(error), expected a StorageError \(code)")
        }
    }

    /// The ids of every page of `query` through `store` as `user`, following cursors; checks that
    /// every page announcing more rows is full.
    func walk(_ store: any TableStore, _ query: TableQuery, as user: User?) async throws -> (ids: [String], fullPages: Bool) {
        var query = query
        var ids: [String] = []
        var fullPages = true
        var pages = 0
        repeat {
            let page = try await User.withCurrent(user) { try await store.fetchPage(query) }
            ids += page.rows.compactMap { $0["id"]?.stringValue }
            if page.hasMore, page.rows.count != query.limit { fullPages = false }
            query.after = page.hasMore ? page.nextCursor : nil
            pages += 1
        } while query.after != nil && pages < 10_000
        return (ids, fullPages)
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func run(_ testCase: AccessControlConformance.Case) async throws {
        switch testCase {
        case .randomCasesMatchPolicyEvaluation:
            try await self.randomCases()

        case .otherUsersRowsAreInvisible:
            for policy in [AccessPolicy.default, Self.ownerOnlyPolicy] {
                let store = decorated(policy)
                let table = try await protectedTable(policy == .default ? "d" : "o", store)
                try await insert(store, table, as: Self.alice, [["id": "a1", "n": 1, "label": "alice's"]])
                let before = try await rawRows(table)
                try await User.withCurrent(Self.bob) { () async throws in
                    let label = "\(name) [\(policy == .default ? "default" : "owner-only") policy]"
                    #expect(try await store.fetchOne(from: table, where: .equal("id", "a1")) == nil, "\(label): read")
                    #expect(try await store.count(in: table) == 0, "\(label): count")
                    #expect(try await store.fetchPage(TableQuery(table: table)).rows.isEmpty, "\(label): page")
                    #expect(
                        try await store.update(table, set: ["label": "bob's now"], where: .equal("id", "a1")) == 0,
                        "\(label): update"
                    )
                    #expect(try await store.delete(from: table, where: .equal("id", "a1")) == 0, "\(label): delete")
                    #expect(try await store.delete(from: table, where: .and([])) == 0, "\(label): delete all")
                }
                #expect(try await rawRows(table) == before, "\(name): bob changed nothing")
                #expect(
                    try await User.withCurrent(Self.alice) { try await store.count(in: table) } == 1,
                    "\(name): alice still reads her row"
                )
            }

        case .updateKeepsOwner:
            for policy in [AccessPolicy.default, Self.teamPolicy] {
                let store = decorated(policy)
                let table = try await protectedTable(policy == .default ? "d" : "t", store)
                try await insert(store, table, as: Self.alice, [["id": "a1", "n": 1, "label": "v1"]])
                let changed = try await User.withCurrent(Self.carol) {
                    try await store.update(table, set: ["label": "v2", "n": 2], where: .equal("id", "a1"))
                }
                #expect(changed == 1, "\(name): carol shares a team with alice and may update")
                let row = try #require(try await rawRows(table).first)
                #expect(row["label"] == "v2" && row["n"] == 2, "\(name): the update applied")
                #expect(row[Owner.ownerPrincipalColumn] == "alice", "\(name): the owner is still alice")
                #expect(
                    row[Owner.ownerAttributesColumn] == .json(["teams": ["ml"], "roles": ["user"]]),
                    "\(name): the owner's attributes are still alice's"
                )
            }

        case .anonymousSeesPublicRowsOnly:
            let store = decorated()
            let table = try await protectedTable("t", store)
            let dan = User(principal: "dan", attributes: ["roles": []])
            try await insert(store, table, as: nil, [["id": "p1"]])
            try await insert(store, table, as: Self.alice, [["id": "a1"]])
            try await insert(store, table, as: dan, [["id": "d1"]])
            let anonymous = try await walk(store, TableQuery(table: table, limit: 1), as: nil).ids
            #expect(anonymous == ["d1", "p1"], "\(name): anonymous reads public rows only")
            #expect(
                try await walk(store, TableQuery(table: table), as: Self.alice).ids == ["a1", "d1", "p1"],
                "\(name): alice reads her row and the public ones"
            )
            #expect(
                try await walk(store, TableQuery(table: table), as: Self.bob).ids == ["d1", "p1"],
                "\(name): bob reads only the public rows"
            )
            let raw = try await rawRows(table)
            #expect(raw.first { $0["id"] == "p1" }?[Owner.ownerPrincipalColumn] == .null, "\(name): no owner")
            #expect(raw.first { $0["id"] == "d1" }?[Owner.ownerAttributesColumn] == .null, "\(name): empty lists")
            #expect(try await store.delete(from: table, where: .equal("id", "a1")) == 0, "\(name): anonymous delete")
            #expect(try await store.update(table, set: ["n": 5], where: .equal("id", "p1")) == 1)

        case .ownerColumnsAreManaged:
            let store = decorated()
            let table = try await protectedTable("t", store)
            await expectCode(.invalidValue, "insert setting the owner") {
                try await store.insert(
                    into: table,
                    rows: [["id": "ok"], ["id": "x", Owner.ownerPrincipalColumn: "mallory"]]
                )
            }
            #expect(try await rawRows(table).isEmpty, "\(name): a rejected batch writes nothing")
            try await insert(store, table, as: Self.alice, [["id": "a1"]])
            await expectCode(.invalidValue, "update of the owner") {
                _ = try await User.withCurrent(Self.alice) {
                    try await store.update(table, set: [Owner.ownerPrincipalColumn: "bob"], where: .equal("id", "a1"))
                }
            }
            await expectCode(.invalidValue, "update of the owner's attributes") {
                _ = try await User.withCurrent(Self.alice) {
                    try await store.update(table, set: [Owner.ownerAttributesColumn: nil], where: .equal("id", "a1"))
                }
            }
            await expectCode(.invalidValue, "upsert setting the owner") {
                try await store.upsert(
                    into: table,
                    rows: [["id": "a1", Owner.ownerAttributesColumn: .json(["teams": ["x"]])]],
                    onConflict: ["id"]
                )
            }
            await expectCode(.invalidSchema, "a schema with an owner column") {
                try await store.createTable(
                    TableSchema(
                        name: self.table("bad"),
                        columns: [
                            ColumnDefinition(name: "id", type: .string, isPrimaryKey: true),
                            ColumnDefinition(name: Owner.ownerPrincipalColumn, type: .string),
                        ]
                    )
                )
            }
            await expectCode(.invalidSchema, "adding an owner column") {
                try await store.addColumnIfNotExists(
                    table: table,
                    column: ColumnDefinition(name: Owner.ownerAttributesColumn, type: .json)
                )
            }
            let row = try #require(try await rawRows(table).first)
            #expect(row[Owner.ownerPrincipalColumn] == "alice", "\(name): the owner is unchanged")
            // Filtering on the owner is allowed.
            let mine = try await User.withCurrent(Self.alice) {
                try await store.count(in: table, where: .equal(Owner.ownerPrincipalColumn, "alice"))
            }
            #expect(mine == 1, "\(name): predicates may use the owner columns")

        case .cursorToHiddenRowIsUnknown:
            for policy in [AccessPolicy.default, Self.ownerOnlyPolicy] {
                let store = decorated(policy)
                let table = try await protectedTable(policy == .default ? "d" : "o", store)
                try await insert(store, table, as: Self.alice, [["id": "a1", "n": 1], ["id": "a2", "n": 2]])
                try await insert(store, table, as: Self.bob, [["id": "b1", "n": 1]])
                for cursor in ["a1", "missing"] {
                    await expectCode(.unknownCursor, "bob's cursor after \(cursor)") {
                        _ = try await User.withCurrent(Self.bob) {
                            try await store.fetchPage(
                                TableQuery(table: table, ordering: .ascending("n"), after: .after(primaryKey: .string(cursor)))
                            )
                        }
                    }
                }
                let page = try await User.withCurrent(Self.alice) {
                    try await store.fetchPage(
                        TableQuery(table: table, ordering: .ascending("n"), after: .after(primaryKey: "a1"))
                    )
                }
                #expect(page.rows.compactMap { $0["id"]?.stringValue } == ["a2"], "\(name): a readable cursor works")
            }

        case .upsertRespectsOwnership:
            for policy in [AccessPolicy.default, Self.teamPolicy] {
                let store = decorated(policy)
                let table = try await protectedTable(policy == .default ? "d" : "t", store)
                try await insert(store, table, as: Self.alice, [["id": "x", "n": 1, "label": "alice"]])
                try await User.withCurrent(Self.carol) {
                    try await store.upsert(into: table, rows: [["id": "x", "label": "carol"]], onConflict: ["id"])
                }
                var raw = try await rawRows(table)
                #expect(raw.count == 1 && raw[0]["label"] == "carol" && raw[0]["n"] == 1, "\(name): carol updated x")
                #expect(raw[0][Owner.ownerPrincipalColumn] == "alice", "\(name): upsert keeps the owner")
                await expectCode(.constraintViolation, "bob's upsert of alice's row") {
                    try await User.withCurrent(Self.bob) {
                        try await store.upsert(
                            into: table,
                            rows: [["id": "y", "label": "bob"], ["id": "x", "label": "bob"]],
                            onConflict: ["id"]
                        )
                    }
                }
                raw = try await rawRows(table)
                #expect(raw.count == 1 && raw[0]["label"] == "carol", "\(name): the refused batch wrote nothing")
                try await User.withCurrent(Self.bob) {
                    try await store.upsert(into: table, rows: [["id": "y", "label": "bob"]], onConflict: ["id"])
                }
                raw = try await rawRows(table)
                #expect(raw.last?[Owner.ownerPrincipalColumn] == "bob", "\(name): a new row belongs to bob")
                await expectCode(.invalidValue, "upsert on a non-unique column") {
                    try await store.upsert(into: table, rows: [["id": "z", "n": 1]], onConflict: ["n"])
                }
            }

        case .customPolicyFillsPages:
            let store = decorated(Self.ownerOnlyPolicy)
            let table = try await protectedTable("t", store)
            for index in 0..<25 {
                try await insert(store, table, as: Self.alice, [["id": .string(String(format: "r%02d-a", index)), "n": .integer(Int64(index % 4))]])
                try await insert(store, table, as: Self.bob, [["id": .string(String(format: "r%02d-b", index)), "n": .integer(Int64(index % 4))]])
            }
            for ordering in [nil, TableOrdering.ascending("n"), .descending("n")] {
                let walked = try await walk(store, TableQuery(table: table, ordering: ordering, limit: 5), as: Self.alice)
                #expect(walked.ids.count == 25 && Set(walked.ids).count == 25, "\(name): alice walks her 25 rows once")
                #expect(walked.ids.allSatisfy { $0.hasSuffix("-a") }, "\(name): only alice's rows")
                #expect(walked.fullPages, "\(name): every page with more rows after it is full")
            }
            let last = try await User.withCurrent(Self.alice) {
                try await store.fetchPage(TableQuery(table: table, limit: 25))
            }
            #expect(!last.hasMore, "\(name): hasMore is false when only other users' rows follow")
            #expect(try await User.withCurrent(Self.alice) { try await store.count(in: table) } == 25)

        case .patternCharactersMatchExactly:
            let store = decorated()
            let table = try await protectedTable("t", store)
            let owned = ["a%", "a_b", "%", "_", "é", "e\u{301}", "'", "\"", "\\", "]", "[a]", "日本"]
            for (index, role) in owned.enumerated() {
                let owner = User(principal: "o\(index)", attributes: ["roles": [role]])
                try await insert(store, table, as: owner, [["id": .string("r\(index)"), "label": .string(role)]])
            }
            for (index, role) in owned.enumerated() {
                let reader = User(principal: "reader", attributes: ["roles": [role]])
                let ids = try await walk(store, TableQuery(table: table), as: reader).ids
                #expect(ids == ["r\(index)"], "\(name): role \(role.debugDescription) matches only its own row")
            }
            for probe in ["abc", "axb", "a", "", "e", "[", "日"] {
                let reader = User(principal: "reader", attributes: ["roles": [probe]])
                let ids = try await walk(store, TableQuery(table: table), as: reader).ids
                #expect(ids.isEmpty, "\(name): role \(probe.debugDescription) matches no row as a pattern would")
            }
        }
    }

    /// `permit` every action to the owner only.
    static let ownerOnlyPolicy = AccessPolicy(rules: [
        AccessRule(effect: .permit, scope: AccessRule.Scope(), conditionKind: .when, conditions: [.userIsOwner])
    ])

    /// `permit` every action when the user shares a team with the owner.
    static let teamPolicy = AccessPolicy(rules: [
        AccessRule(effect: .permit, scope: AccessRule.Scope(), conditions: [.userInOwners(attribute: "teams")])
    ])
}
