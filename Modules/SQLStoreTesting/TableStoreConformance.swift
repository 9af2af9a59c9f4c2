public import StorageRefs
import Testing

/// The shared conformance suite for ``TableStore`` implementations: every backend runs these
/// cases, so every backend has the semantics of DESIGN §4 and of ``TableOperations``' DocC.
///
/// Each case opens the store through the ``Harness`` and works in tables of its own (unique per
/// run), so cases can run in parallel against one shared database.
///
/// ```swift
/// @Test(arguments: TableStoreConformance.Case.allCases)
/// func conformance(_ testCase: TableStoreConformance.Case) async throws {
///     try await TableStoreConformance(harness).run(testCase)
/// }
/// ```
public struct TableStoreConformance: Sendable {
    /// How the suite reaches one store.
    public struct Harness: Sendable {
        /// A name for messages, such as `sqlite-file`.
        public var name: String
        /// Opens the store (on the same database every time).
        public var openStore: @Sendable () async throws -> any TableStore
        /// Releases what ``openStore`` opened, after each case; does nothing by default.
        public var closeStore: @Sendable (any TableStore) async throws -> Void

        /// Creates a harness.
        ///
        /// - Parameters:
        ///   - name: A name for messages.
        ///   - openStore: Opens the store.
        ///   - closeStore: Called with the store after each case; nothing by default.
        public init(
            name: String,
            openStore: @escaping @Sendable () async throws -> any TableStore,
            closeStore: @escaping @Sendable (any TableStore) async throws -> Void = { _ in }
        ) {
            self.name = name
            self.openStore = openStore
            self.closeStore = closeStore
        }
    }

    /// The cases of the suite.
    public enum Case: String, CaseIterable, Sendable, CustomStringConvertible {
        case roundTripEveryColumnType
        case jsonNullIsNotMissing
        case predicateOperators
        case emptyInAndOrSemantics
        case nullOperandIsInvalidPredicate
        case unknownTableAndColumn
        case paginationWithTiesAscending
        case paginationWithTiesDescending
        case paginationWithNullOrderValues
        case paginationWithInsertsDuringWalk
        case unknownCursor
        case batchInsertIsAtomic
        case upsertInsertsOrUpdates
        case updateAndDeleteReturnCounts
        case transactionCommits
        case transactionRollsBack
        case identifierInjectionIsRejected
        case addColumnIfNotExistsTwice
        case createTableIsIdempotent
        case createTableDetectsSchemaMismatch
        case projectionAndFetchOne
        case predicatesMatchInMemoryEvaluation

        /// The case's name.
        public var description: String { rawValue }
    }

    /// The harness the cases run against.
    public let harness: Harness

    /// Creates the suite for one store.
    ///
    /// - Parameter harness: How to reach the store.
    public init(_ harness: Harness) {
        self.harness = harness
    }

    /// Runs one case; failures are recorded as Swift Testing issues or thrown.
    ///
    /// - Parameter testCase: The case to run.
    /// - Throws: An unexpected error from the store.
    public func run(_ testCase: Case) async throws {
        let store = try await harness.openStore()
        let context = TableConformanceContext(store: store, name: harness.name, run: Self.runID())
        do {
            try await context.run(testCase)
        } catch {
            try? await harness.closeStore(store)
            throw error
        }
        try await harness.closeStore(store)
    }

    static func runID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<10).map { _ in alphabet.randomElement()! })
    }
}
