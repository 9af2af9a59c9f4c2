import Foundation
import StorageRefs

/// The authorised row operations over some ``TableOperations``: the store's own (with `store` set,
/// so multi-statement operations can open a transaction) or a transaction's (with `store` `nil`).
struct AuthorizedTableOperations: TableOperations {
    /// Where the operations run.
    let base: any TableOperations
    /// The store to open transactions on, or `nil` when `base` already is one.
    let store: (any TableStore)?
    let policy: AccessPolicy
    let descriptions: AuthorizedTableDescriptions

    /// Rows fetched per round trip while evaluating a custom policy row by row.
    static let scanBatch = 64
    /// The largest `IN` list used to address rows by primary key.
    static let keyChunk = 500

    private typealias Columns = AuthorizedTableStore

    // MARK: How a request is authorised

    /// How the current request is checked: a predicate the database applies, or per-row evaluation.
    private enum Check {
        case predicate(TablePredicate)
        case perRow(User)
    }

    private func check(for user: User?) -> Check {
        guard let user else {
            // Anonymous requests see public rows under every policy.
            return .predicate(Self.ownerFilter(.ownerHasNoAttributes))
        }
        guard self.policy == .default else { return .perRow(user) }
        var shared: [String: [String]] = [:]
        for category in AccessPolicy.defaultAttributeCategories {
            shared[category] = user.attributes[category] ?? []
        }
        return .predicate(Self.ownerFilter(.userShares(shared)))
    }

    private static func ownerFilter(_ requirement: OwnerAttributeFilter.Requirement) -> TablePredicate {
        .ownerAttributes(
            OwnerAttributeFilter(
                principalColumn: Columns.ownerPrincipalColumn,
                attributesColumn: Columns.ownerAttributesColumn,
                requirement: requirement
            )
        )
    }

    private static func and(_ predicate: TablePredicate?, _ filter: TablePredicate) -> TablePredicate {
        guard let predicate else { return filter }
        return .and([predicate, filter])
    }

    /// The resource a stored row is, for the policy.
    static func resource(_ row: TableRow, table: String, primaryKey: String) -> ProtectedResource {
        let owner: User? = row[Columns.ownerPrincipalColumn]?.stringValue.map { principal in
            User(
                principal: principal,
                attributes: OwnerAttributeFilter.ownerAttributes(in: row[Columns.ownerAttributesColumn] ?? .null)
            )
        }
        return ProtectedResource(type: table, identifier: Self.identifier(row[primaryKey] ?? .null), owner: owner)
    }

    /// A primary key as the identifier part of `type::identifier`.
    static func identifier(_ value: TableValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .float(let number): String(number)
        case .boolean(let flag): String(flag)
        case .datetime(let date): String(date.timeIntervalSince1970)
        case .json(let json): (try? JSONColumnText.encode(json, column: "")) ?? ""
        case .null: ""
        }
    }

    private func allowed(_ action: AccessAction, _ row: TableRow, _ table: TableDescription, _ user: User) -> Bool {
        self.policy.isAllowed(
            action,
            on: Self.resource(row, table: table.name, primaryKey: table.primaryKey.name),
            for: user
        )
    }

    func describe(_ table: String) async throws -> TableDescription {
        if let cached = self.descriptions.cached(table) { return cached }
        let description = try await self.base.describeTable(table)
        guard description.column(named: Columns.ownerPrincipalColumn) != nil,
            description.column(named: Columns.ownerAttributesColumn) != nil
        else {
            throw StorageError(
                code: .schemaMismatch,
                message: "table \(table) has no access-control owner columns; create it through AuthorizedTableStore"
            )
        }
        self.descriptions.store(description)
        return description
    }

    /// Runs `body` atomically: in a new transaction of the store, or directly inside the current one.
    private func atomically<Result: Sendable>(
        _ body: @Sendable (any TableOperations) async throws -> Result
    ) async throws -> Result {
        if let store { return try await store.withTransaction(body) }
        return try await body(self.base)
    }

    // MARK: Writes

    /// The current user as the two owner columns.
    static func ownerValues(_ user: User?) -> (principal: TableValue, attributes: TableValue) {
        guard let user else { return (.null, .null) }
        var object: [String: JSONValue] = [:]
        for (category, values) in user.attributes where !values.isEmpty {
            object[category] = .array(values.map(JSONValue.string))
        }
        return (.string(user.principal), object.isEmpty ? .null : .json(.object(object)))
    }

    private static func rejectOwnerColumns(_ row: TableRow, _ table: String, _ what: String) throws {
        for column in row.columns where AuthorizedTableStore.isOwnerColumn(column) {
            throw StorageError(
                code: .invalidValue,
                message: "\(what) sets \(table).\(column), which access control manages"
            )
        }
    }

    private static func owned(_ row: TableRow, by user: User?) -> TableRow {
        let owner = Self.ownerValues(user)
        var owned = row
        owned.values[Columns.ownerPrincipalColumn] = owner.principal
        owned.values[Columns.ownerAttributesColumn] = owner.attributes
        return owned
    }

    func insert(into table: String, rows: [TableRow]) async throws {
        _ = try SQLIdentifier.validate(table, kind: "table")
        for (index, row) in rows.enumerated() { try Self.rejectOwnerColumns(row, table, "row \(index)") }
        guard !rows.isEmpty else { return }
        _ = try await self.describe(table)
        let user = User.current
        try await self.base.insert(into: table, rows: rows.map { Self.owned($0, by: user) })
    }

    func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        _ = try SQLIdentifier.validate(table, kind: "table")
        let description = try await self.describe(table)
        guard !columns.isEmpty else {
            throw StorageError(code: .invalidValue, message: "upsert into \(table) needs at least one conflict column")
        }
        for column in columns {
            guard description.column(named: try SQLIdentifier.validate(column, kind: "column")) != nil else {
                throw StorageError(code: .unknownColumn, message: "table \(table) has no column \(column)")
            }
        }
        guard description.uniqueColumnSets.contains(Set(columns)) else {
            throw StorageError(
                code: .invalidValue,
                message: "upsert into \(table): (\(columns.joined(separator: ", "))) is neither the primary key "
                    + "nor a unique index"
            )
        }
        for (index, row) in rows.enumerated() {
            try Self.rejectOwnerColumns(row, table, "row \(index)")
            for column in columns where row[column] == nil || row[column] == .null {
                throw StorageError(
                    code: .invalidValue,
                    message: "row \(index) of the upsert into \(table) lacks the conflict column \(column)"
                )
            }
        }
        guard !rows.isEmpty else { return }
        let user = User.current
        let policy = self.policy
        let conflict = Set(columns)
        try await self.atomically { operations in
            for row in rows {
                let match = TablePredicate.and(columns.map { .equal($0, row[$0] ?? .null) })
                guard let existing = try await operations.fetchOne(from: table, where: match) else {
                    try await operations.insert(into: table, rows: [Self.owned(row, by: user)])
                    continue
                }
                let resource = Self.resource(existing, table: table, primaryKey: description.primaryKey.name)
                guard policy.isAllowed(.update, on: resource, for: user) else {
                    throw StorageError(
                        code: .constraintViolation,
                        message: "a row of \(table) with these values of (\(columns.joined(separator: ", "))) "
                            + "already exists"
                    )
                }
                let changes = TableRow(row.values.filter { !conflict.contains($0.key) })
                guard !changes.isEmpty, let key = existing[description.primaryKey.name] else { continue }
                _ = try await operations.update(
                    table,
                    set: changes,
                    where: .equal(description.primaryKey.name, key)
                )
            }
        }
    }

    func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        try Self.rejectOwnerColumns(values, table, "the update")
        return try await self.change(.update, table, predicate) { operations, restricted in
            try await operations.update(table, set: values, where: restricted)
        }
    }

    func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        try await self.change(.delete, table, predicate) { operations, restricted in
            try await operations.delete(from: table, where: restricted)
        }
    }

    /// Applies an update or delete to the permitted rows matching `predicate`.
    private func change(
        _ action: AccessAction,
        _ table: String,
        _ predicate: TablePredicate,
        _ apply: @escaping @Sendable (any TableOperations, TablePredicate) async throws -> Int
    ) async throws -> Int {
        _ = try SQLIdentifier.validate(table, kind: "table")
        let description = try await self.describe(table)
        switch self.check(for: User.current) {
        case .predicate(let filter):
            // One statement: the database applies the policy and the change atomically.
            return try await apply(self.base, Self.and(predicate, filter))
        case .perRow(let user):
            let key = description.primaryKey.name
            return try await self.atomically { operations in
                let scanner = AuthorizedTableOperations(
                    base: operations,
                    store: nil,
                    policy: self.policy,
                    descriptions: self.descriptions
                )
                var keys: [TableValue] = []
                try await scanner.scan(TableQuery(table: table, predicate: predicate), description) { row in
                    if scanner.allowed(action, row, description, user) { keys.append(row[key] ?? .null) }
                    return true
                }
                // With no permitted row the statement still runs (matching nothing), so invalid
                // values and predicates are reported exactly as without access control.
                var changed = 0
                var start = 0
                repeat {
                    let chunk = Array(keys[start..<min(start + Self.keyChunk, keys.count)])
                    changed += try await apply(operations, .and([predicate, .in(key, chunk)]))
                    start += Self.keyChunk
                } while start < keys.count
                return changed
            }
        }
    }

    // MARK: Reads

    /// Calls `visit` with every row matching `query` in its order, page by page, until it returns
    /// `false`; rows hold every column.
    private func scan(
        _ query: TableQuery,
        _ description: TableDescription,
        _ visit: (TableRow) throws -> Bool
    ) async throws {
        var query = query
        query.columns = nil
        query.limit = max(query.limit ?? Self.scanBatch, Self.scanBatch)
        while true {
            let page = try await self.base.fetchPage(query)
            for row in page.rows where try !visit(row) { return }
            guard page.hasMore, let next = page.nextCursor else { return }
            query.after = next
        }
    }

    func fetchPage(_ query: TableQuery) async throws -> TablePage {
        _ = try SQLIdentifier.validate(query.table, kind: "table")
        if let limit = query.limit, limit < 1 {
            throw StorageError(code: .invalidValue, message: "the page limit must be at least 1, not \(limit)")
        }
        let description = try await self.describe(query.table)
        let user = User.current
        let check = self.check(for: user)
        var query = query
        if case .primaryKey(let key) = query.after?.kind {
            query.after = try await self.visibleCursor(key, query, description, check)
        }
        switch check {
        case .predicate(let filter):
            query.predicate = Self.and(query.predicate, filter)
            return try await self.base.fetchPage(query)
        case .perRow(let user):
            let projection = try query.columns.map { columns in
                try columns.map { column in
                    let name = try SQLIdentifier.validate(column, kind: "column")
                    guard description.column(named: name) != nil else {
                        throw StorageError(code: .unknownColumn, message: "table \(query.table) has no column \(column)")
                    }
                    return name
                }
            }
            let wanted = query.limit.map { $0 + 1 }
            var rows: [TableRow] = []
            try await self.scan(query, description) { row in
                if self.allowed(.read, row, description, user) { rows.append(row) }
                return wanted.map { rows.count < $0 } ?? true
            }
            var hasMore = false
            if let limit = query.limit, rows.count > limit {
                hasMore = true
                rows.removeLast(rows.count - limit)
            }
            var next: KeysetCursor?
            if hasMore, let last = rows.last {
                let key = last[description.primaryKey.name] ?? .null
                let order = query.ordering.map { last[$0.column] ?? .null } ?? key
                next = .after(orderValue: order, primaryKey: key)
            }
            if let projection {
                let keep = Set(projection)
                rows = rows.map { TableRow($0.values.filter { keep.contains($0.key) }) }
            }
            return TablePage(rows: rows, hasMore: hasMore, nextCursor: next)
        }
    }

    /// Resolves an `after(primaryKey:)` cursor to a position, throwing `unknownCursor` when the row
    /// is missing or not readable by the current user (the two look the same).
    private func visibleCursor(
        _ key: TableValue,
        _ query: TableQuery,
        _ description: TableDescription,
        _ check: Check
    ) async throws -> KeysetCursor {
        let primaryKey = description.primaryKey
        guard !key.isNull, primaryKey.type.accepts(key) else {
            throw StorageError(
                code: .invalidValue,
                message: "the cursor's primary key is a \(key.kindName) value, which \(query.table).\(primaryKey.name) "
                    + "(\(primaryKey.type)) does not hold"
            )
        }
        let match = TablePredicate.equal(primaryKey.name, key)
        let row: TableRow?
        switch check {
        case .predicate(let filter):
            row = try await self.base.fetchOne(from: query.table, where: .and([match, filter]))
        case .perRow(let user):
            row = try await self.base.fetchOne(from: query.table, where: match).flatMap {
                self.allowed(.read, $0, description, user) ? $0 : nil
            }
        }
        guard let row else {
            throw StorageError(code: .unknownCursor, message: "the cursor names a row of \(query.table) that does not exist")
        }
        let order = query.ordering.map { row[$0.column] ?? .null } ?? key
        return .after(orderValue: order, primaryKey: key)
    }

    func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        _ = try SQLIdentifier.validate(table, kind: "table")
        let description = try await self.describe(table)
        switch self.check(for: User.current) {
        case .predicate(let filter):
            return try await self.base.fetchOne(from: table, where: .and([predicate, filter]))
        case .perRow(let user):
            var found: TableRow?
            try await self.scan(TableQuery(table: table, predicate: predicate), description) { row in
                if self.allowed(.read, row, description, user) { found = row }
                return found == nil
            }
            return found
        }
    }

    func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        _ = try SQLIdentifier.validate(table, kind: "table")
        let description = try await self.describe(table)
        switch self.check(for: User.current) {
        case .predicate(let filter):
            return try await self.base.count(in: table, where: Self.and(predicate, filter))
        case .perRow(let user):
            var count = 0
            try await self.scan(TableQuery(table: table, predicate: predicate), description) { row in
                if self.allowed(.read, row, description, user) { count += 1 }
                return true
            }
            return count
        }
    }

    func describeTable(_ table: String) async throws -> TableDescription {
        try await self.base.describeTable(table)
    }
}
