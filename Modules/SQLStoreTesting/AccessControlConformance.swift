import SQLStore
import StorageRefs
import Testing

/// The access-control conformance suite: ``SQLStore/AuthorizedTableStore`` over a backend's table
/// store, checked against the in-memory ``SQLStore/AccessPolicy`` evaluation (DESIGN §5).
///
/// The property case writes random rows as random users and compares every read, count, update
/// and delete made through the decorator, for random users and random policies, with what
/// ``SQLStore/AccessPolicy/isAllowed(_:on:for:)`` permits. Its seed comes from
/// `STACKKIT_ACCESS_SEED` when set (to replay a failure), otherwise it is random; every failure
/// message names it.
///
/// ```swift
/// @Test(arguments: AccessControlConformance.Case.allCases)
/// func accessControl(_ testCase: AccessControlConformance.Case) async throws {
///     try await AccessControlConformance(harness).run(testCase)
/// }
/// ```
public struct AccessControlConformance: Sendable {
    /// The cases of the suite.
    public enum Case: String, CaseIterable, Sendable, CustomStringConvertible {
        /// At least 1,000 random cases: reads, counts, updates and deletes equal the policy's answer.
        case randomCasesMatchPolicyEvaluation
        /// User B cannot read, update or delete user A's row, and sees the same as for a missing row.
        case otherUsersRowsAreInvisible
        /// An authorised update changes the row but never its owner.
        case updateKeepsOwner
        /// Rows written without a user are public; anonymous reads see only public rows.
        case anonymousSeesPublicRowsOnly
        /// The owner columns cannot be written, and are reserved in schemas.
        case ownerColumnsAreManaged
        /// A cursor naming a row the user cannot read is an unknown cursor.
        case cursorToHiddenRowIsUnknown
        /// Upsert updates rows the user may update, keeps their owner, and refuses the others.
        case upsertRespectsOwnership
        /// Under a custom policy pages are full and `hasMore` counts only permitted rows.
        case customPolicyFillsPages
        /// Attribute values with SQL pattern characters match exactly, never as patterns.
        case patternCharactersMatchExactly

        /// The case's name.
        public var description: String { rawValue }
    }

    /// The number of random cases the property case runs.
    public static let randomCaseCount = 1_000

    /// The harness the cases run against (the table-store suite's).
    public let harness: TableStoreConformance.Harness

    /// Creates the suite for one store.
    ///
    /// - Parameter harness: How to reach the undecorated store.
    public init(_ harness: TableStoreConformance.Harness) {
        self.harness = harness
    }

    /// Runs one case; failures are recorded as Swift Testing issues or thrown.
    ///
    /// - Parameter testCase: The case to run.
    /// - Throws: An unexpected error from the store.
    public func run(_ testCase: Case) async throws {
        let store = try await harness.openStore()
        let context = AccessControlContext(base: store, name: harness.name, run: TableStoreConformance.runID())
        do {
            try await context.run(testCase)
        } catch {
            try? await harness.closeStore(store)
            throw error
        }
        try await harness.closeStore(store)
    }
}
