public import StorageRefs
import Synchronization

/// A table store that records the owner of every row and enforces an ``AccessPolicy`` on every
/// read, update and delete of any wrapped ``TableStore``.
///
/// The decorator adds two columns to each table it creates: ``ownerPrincipalColumn`` (`STRING`)
/// and ``ownerAttributesColumn`` (`JSON`), holding the ``User`` that wrote the row, read from
/// ``User/current``. Rows written with no user have no owner and are public; an owner whose
/// attribute lists are all empty is public too (see ``ProtectedResource/isPublic``).
///
/// What each operation does, for the current user (`nil` = anonymous):
///
/// - **Reads** (``fetchPage(_:)``, ``fetchOne(from:where:)``, ``count(in:where:)``) see only the
///   rows the policy permits to `read`. Anonymous requests see only public rows, whatever the
///   policy. Under ``AccessPolicy/default`` the test runs in SQL (an
///   ``TablePredicate/ownerAttributes(_:)`` predicate: exact JSON membership, bound parameters,
///   never `LIKE`); under any other policy rows are evaluated one by one while the page is filled,
///   so a page is full whenever more permitted rows exist, and ``TablePage/hasMore`` counts only
///   permitted rows.
/// - **Update and delete** change only rows the policy permits to `update` / `delete`, and return
///   how many they changed. Rows the user may not touch behave as if they did not exist: not found
///   and not permitted look the same. An ``KeysetCursor/after(primaryKey:)`` cursor naming a row
///   the user cannot read throws ``StorageError/Code-swift.struct/unknownCursor``, as for a
///   missing row.
/// - **Owner columns are managed.** Rows passed to ``insert(into:rows:)`` and
///   ``upsert(into:rows:onConflict:)`` and the values of ``update(_:set:where:)`` must not name
///   them (``StorageError/Code-swift.struct/invalidValue``); an update never changes the owner.
///   They can be read and used in predicates (for example "my rows":
///   `.equal(AuthorizedTableStore.ownerPrincipalColumn, "alice")`).
/// - **Insert** records the current user as owner; creation is not checked against the policy
///   (as in llama-stack: authorising the creation of a resource is the resource layer's job).
/// - **Upsert** inserts rows that do not conflict. A conflicting row is updated when the user may
///   `update` it (its owner is kept); otherwise the call throws
///   ``StorageError/Code-swift.struct/constraintViolation``, as inserting a duplicate key would.
///   The rows are written in one transaction.
///
/// ```swift
/// let store = AuthorizedTableStore(base: try SQLiteTableStore(path: "app.db"))
/// try await store.createTable(schema)
/// let alice = User(principal: "alice", attributes: ["teams": ["ml"]])
/// try await User.withCurrent(alice) {
///     try await store.insert(into: "docs", rows: [["id": "d1", "body": "…"]])
/// }
/// // Bob shares no team with alice: he sees nothing, and deleting removes nothing.
/// let bob = User(principal: "bob", attributes: ["teams": ["infra"]])
/// try await User.withCurrent(bob) {
///     try await store.fetchOne(from: "docs", where: .equal("id", "d1"))   // nil
///     try await store.delete(from: "docs", where: .equal("id", "d1"))     // 0
/// }
/// ```
public struct AuthorizedTableStore: TableStore {
    /// The column holding the owner's principal (`STRING`, `NULL` when the row has no owner).
    public static let ownerPrincipalColumn = "owner_principal"

    /// The column holding the owner's attributes (`JSON` object of string lists, or `NULL`).
    public static let ownerAttributesColumn = "access_attributes"

    /// The wrapped store.
    public let base: any TableStore

    /// The policy enforced on reads, updates and deletes.
    public let policy: AccessPolicy

    private let descriptions: AuthorizedTableDescriptions

    /// Wraps a store.
    ///
    /// - Parameters:
    ///   - base: The store to protect. Tables must be created through the decorator (or have the
    ///     two owner columns) before rows are read or written through it.
    ///   - policy: The policy; ``AccessPolicy/default`` by default.
    public init(base: any TableStore, policy: AccessPolicy = .default) {
        self.base = base
        self.policy = policy
        self.descriptions = AuthorizedTableDescriptions()
    }

    private var operations: AuthorizedTableOperations {
        AuthorizedTableOperations(base: self.base, store: self.base, policy: self.policy, descriptions: self.descriptions)
    }

    /// The wrapped store's dialect.
    public var dialect: TableStoreDialect {
        self.base.dialect
    }

    /// Creates the table with the two owner columns, or adds them to an existing table.
    ///
    /// - Parameter schema: The table definition, without the owner columns.
    /// - Throws: ``StorageError/Code-swift.struct/invalidSchema`` when the schema names an owner
    ///   column, ``StorageError/Code-swift.struct/schemaMismatch`` when the existing table has an
    ///   owner column of another type, or what the wrapped store's
    ///   ``TableStore/createTable(_:)`` throws.
    public func createTable(_ schema: TableSchema) async throws {
        for column in schema.columns where Self.isOwnerColumn(column.name) {
            throw StorageError(
                code: .invalidSchema,
                message: "column \(schema.name).\(column.name) is reserved for the access-control owner"
            )
        }
        try await self.base.createTable(schema)
        try await self.base.addColumnIfNotExists(
            table: schema.name,
            column: ColumnDefinition(name: Self.ownerPrincipalColumn, type: .string)
        )
        try await self.base.addColumnIfNotExists(
            table: schema.name,
            column: ColumnDefinition(name: Self.ownerAttributesColumn, type: .json)
        )
        self.descriptions.invalidate(schema.name)
        let description = try await self.operations.describe(schema.name)
        for (name, type) in [(Self.ownerPrincipalColumn, ColumnType.string), (Self.ownerAttributesColumn, .json)] {
            let column = description.column(named: name)
            let accepted = type == .string ? [ColumnType.string, .text] : [type]
            guard let column, accepted.contains(column.type) else {
                throw StorageError(
                    code: .schemaMismatch,
                    message: "column \(schema.name).\(name) exists as \(column.map { "\($0.type)" } ?? "nothing"), "
                        + "but access control needs \(type)"
                )
            }
        }
    }

    /// Adds a column unless it exists; see ``TableStore/addColumnIfNotExists(table:column:)``.
    ///
    /// - Throws: ``StorageError/Code-swift.struct/invalidSchema`` for an owner column, or what the
    ///   wrapped store throws.
    public func addColumnIfNotExists(table: String, column: ColumnDefinition) async throws {
        if Self.isOwnerColumn(column.name) {
            throw StorageError(
                code: .invalidSchema,
                message: "column \(table).\(column.name) is reserved for the access-control owner"
            )
        }
        try await self.base.addColumnIfNotExists(table: table, column: column)
        self.descriptions.invalidate(table)
    }

    /// Runs `body` in a transaction of the wrapped store, with every operation authorised.
    ///
    /// See ``TableStore/withTransaction(_:)``.
    public func withTransaction<Result: Sendable>(
        _ body: @Sendable (any TableOperations) async throws -> Result
    ) async throws -> Result {
        let policy = self.policy
        let descriptions = self.descriptions
        return try await self.base.withTransaction { transaction in
            try await body(
                AuthorizedTableOperations(base: transaction, store: nil, policy: policy, descriptions: descriptions)
            )
        }
    }

    /// Inserts rows owned by the current user; see ``TableOperations/insert(into:rows:)``.
    public func insert(into table: String, rows: [TableRow]) async throws {
        try await self.operations.insert(into: table, rows: rows)
    }

    /// Inserts rows, or updates conflicting rows the current user may update, in one transaction.
    public func upsert(into table: String, rows: [TableRow], onConflict columns: [String]) async throws {
        try await self.operations.upsert(into: table, rows: rows, onConflict: columns)
    }

    /// Reads one page of the rows the current user may read; see ``TableOperations/fetchPage(_:)``.
    public func fetchPage(_ query: TableQuery) async throws -> TablePage {
        try await self.operations.fetchPage(query)
    }

    /// Reads the readable matching row with the smallest primary key.
    public func fetchOne(from table: String, where predicate: TablePredicate) async throws -> TableRow? {
        try await self.operations.fetchOne(from: table, where: predicate)
    }

    /// Counts the matching rows the current user may read.
    public func count(in table: String, where predicate: TablePredicate?) async throws -> Int {
        try await self.operations.count(in: table, where: predicate)
    }

    /// Updates the matching rows the current user may update; owners never change.
    public func update(_ table: String, set values: TableRow, where predicate: TablePredicate) async throws -> Int {
        try await self.operations.update(table, set: values, where: predicate)
    }

    /// Deletes the matching rows the current user may delete.
    public func delete(from table: String, where predicate: TablePredicate) async throws -> Int {
        try await self.operations.delete(from: table, where: predicate)
    }

    /// Describes a table, owner columns included; see ``TableOperations/describeTable(_:)``.
    public func describeTable(_ table: String) async throws -> TableDescription {
        try await self.base.describeTable(table)
    }

    static func isOwnerColumn(_ name: String) -> Bool {
        name == ownerPrincipalColumn || name == ownerAttributesColumn
    }
}

/// The table descriptions a decorator has read, shared by the store and its transactions.
final class AuthorizedTableDescriptions: Sendable {
    private let tables = Mutex<[String: TableDescription]>([:])

    func cached(_ table: String) -> TableDescription? {
        self.tables.withLock { $0[table] }
    }

    func store(_ description: TableDescription) {
        self.tables.withLock { $0[description.name] = description }
    }

    func invalidate(_ table: String) {
        _ = self.tables.withLock { $0.removeValue(forKey: table) }
    }
}
